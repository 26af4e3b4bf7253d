// Shared by the vpn plugin tests: decoders over a table holding every declared field, the shared
// sample files, and reading an event's fields back as text.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "ingest/zone.h"
#include "tests/unit/support/decoder_fixture.h"

namespace vigie::vpn_test {

// The common vpn fields (plugins/vpn/README.md, schemas/vpn.schema.json): the contract the golden
// files check.
inline const std::vector<std::string>& common_fields() {
  static const std::vector<std::string> kNames = {
      "vpn.vendor",      "vpn.message_id", "event.action",     "event.outcome",
      "vpn.user",        "vpn.group",      "source.ip",        "source.port",
      "vpn.assigned_ip", "event.reason",   "network.bytes_in", "network.bytes_out",
      "vpn.duration_s",  "vpn.gateway",    "vpn.session_id"};
  return kNames;
}

struct SampleFile {
  std::string format;  // the vpn format name
  std::string file;    // under ../shared/formats/
};
inline const std::vector<SampleFile>& sample_files() {
  static const std::vector<SampleFile> kFiles = {
      {"fortigate", "vpn_fortigate_sslvpn.log"},
      {"cisco-asa", "vpn_cisco_asa_anyconnect.log"},
      {"globalprotect", "vpn_paloalto_globalprotect.log"},
      {"pulse-secure", "vpn_ivanti_pulse_secure.log"},
      {"openvpn", "vpn_openvpn_server.log"},
  };
  return kFiles;
}

struct SampleLine {
  int number = 0;  // 1-based line in the file
  std::string text;
};

// The records of a sample file: every line that is not a comment, plus the OpenVPN status row
// the file shows inside a comment ("# CLIENT_LIST,...").
inline std::vector<SampleLine> sample_lines(const std::string& file) {
  std::ifstream in(std::string(VIGIE_SHARED_DIR) + "/formats/" + file);
  std::vector<SampleLine> lines;
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    ++n;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.rfind("# CLIENT_LIST", 0) == 0) l = l.substr(2);
    if (l.empty() || l[0] == '#') continue;
    lines.push_back({n, l});
  }
  return lines;
}

// The receive time the tests give year-less stamps: the day after the samples.
inline constexpr std::int64_t kReceivedMs = 1773532800000;  // 2026-03-15T00:00:00Z

class VpnTest : public test::DecoderFixture {
 protected:
  VpnTest() : DecoderFixture(decode::Family::kVpn) {}
  static decode::RecordContext ctx() {
    decode::RecordContext c;
    c.received_ms = kReceivedMs;
    return c;
  }
  bool is_int(const event::Event& e, std::string_view name) const {
    auto id = fields_.find(name);
    const event::Value* v = id ? e.get(*id) : nullptr;
    return v != nullptr && v->kind == event::Kind::kInt;
  }
  // @timestamp and every common field the event has.
  std::map<std::string, std::string> common(const event::Event& e) const {
    std::map<std::string, std::string> m;
    if (e.time_ms != event::Event::kNoTime) m["@timestamp"] = format_timestamp_ms(e.time_ms);
    for (const std::string& f : common_fields()) {
      std::string v = text(e, f);
      if (v != "<absent>") m[f] = v;
    }
    return m;
  }
};

}  // namespace vigie::vpn_test
