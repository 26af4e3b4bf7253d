// libFuzzer target for the vpn plugin's five decoders (plugins/vpn). Every input is sniffed by
// each format and decoded by each decoder, whole and cut at a byte chosen by the input. Checks
// the contract, not only the absence of crashes: a reject has one of the documented codes and a
// message; a decoded event has vpn.vendor = its format, an event.action of the closed set, and
// numeric common fields that are integers; decoding the same record twice gives the same event.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoder.h"
#include "decode/fields.h"
#include "ingest/zone.h"

namespace {

using vigie::decode::DecoderSetup;
using vigie::decode::Family;
using vigie::decode::RecordContext;
using vigie::event::Event;
using vigie::event::FieldTable;
using vigie::event::Kind;
using vigie::event::Value;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Harness {
  FieldTable fields;
  std::shared_ptr<const vigie::ingest::Zone> zone;
  std::vector<std::pair<std::string_view, std::unique_ptr<vigie::decode::Decoder>>> decoders;
  std::vector<const vigie::decode::Format*> formats;

  Harness() {
    const auto& registry = vigie::decode::builtin_plugins();
    vigie::decode::intern_all_fields(registry, fields);
    auto z = vigie::ingest::load_zone("Europe/Paris");
    zone = z.ok() ? *z : nullptr;
    DecoderSetup setup;
    setup.fields = &fields;
    setup.zone = zone.get();
    setup.max_record_bytes = 4096;
    for (const auto& p : registry.plugins()) {
      if (p.family != Family::kVpn) continue;
      for (const auto& f : p.formats) {
        formats.push_back(&f);
        decoders.emplace_back(f.info.name, f.make(setup));
      }
    }
    check(decoders.size() == 5);
  }

  std::string text(const Event& e, std::string_view name) const {
    auto id = fields.find(name);
    const Value* v = id ? e.get(*id) : nullptr;
    if (v == nullptr) return "<absent>";
    if (v->kind == Kind::kInt) return std::to_string(v->integer);
    return std::string(v->text);
  }
  Kind kind(const Event& e, std::string_view name) const {
    auto id = fields.find(name);
    const Value* v = id ? e.get(*id) : nullptr;
    return v == nullptr ? Kind::kAbsent : v->kind;
  }
};

const std::set<std::string> kCodes = {
    "oversized",          "empty-record",     "binary-data",
    "invalid-utf8",       "syslog-header",    "unrecognised-record",
    "unterminated-quote", "csv-column-count", "bad-time"};
const std::set<std::string> kActions = {"auth_failure", "auth_success", "session_start",
                                        "session_end", "other"};

void run(Harness& h, std::string_view record) {
  RecordContext ctx;
  ctx.received_ms = 1773532800000;  // 2026-03-15T00:00:00Z
  for (const auto* f : h.formats) (void)f->sniff(record);
  for (auto& [name, decoder] : h.decoders) {
    Event e, again;
    vigie::Status s = decoder->decode(record, ctx, e);
    if (!s.ok()) {
      check(kCodes.count(s.code()) == 1);
      check(!s.message().empty());
      continue;
    }
    check(h.text(e, "vpn.vendor") == name);
    check(kActions.count(h.text(e, "event.action")) == 1);
    for (std::string_view n :
         {"network.bytes_in", "network.bytes_out", "vpn.duration_s", "source.port"}) {
      const Kind k = h.kind(e, n);
      check(k == Kind::kAbsent || k == Kind::kInt);
    }
    const std::string first = h.text(e, "vpn.user") + "|" + h.text(e, "source.ip") + "|" +
                              h.text(e, "event.action") + "|" + std::to_string(e.time_ms);
    check(decoder->decode(record, ctx, again).ok());
    check(first == h.text(again, "vpn.user") + "|" + h.text(again, "source.ip") + "|" +
                       h.text(again, "event.action") + "|" + std::to_string(again.time_ms));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness h;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  run(h, input);
  if (size > 1) run(h, input.substr(0, data[0] % size));
  return 0;
}
