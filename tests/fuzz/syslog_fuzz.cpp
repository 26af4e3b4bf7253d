// libFuzzer target for ingest/syslog.h. Every input is (1) parsed as one line by each parser and
// (2) split as a byte stream with each framing, once whole and once in chunks, every frame then
// parsed too. Checks the contract, not only the absence of crashes: a success leaves only views
// into the input and consistent structured-data indexes; an error has a known name, leaves the
// message cleared and points inside the line; splitting gives the same frames whatever the chunk
// boundaries, always makes progress and never leaves more than max_frame_bytes + 16 pending.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/syslog.h"
#include "ingest/zone.h"
#include "tests/unit/ingest/frame_split_harness.h"

namespace {

using vigie::ingest::FrameOptions;
using vigie::ingest::FrameSplitter;
using vigie::ingest::Framing;
using vigie::ingest::SyslogError;
using vigie::ingest::SyslogFormat;
using vigie::ingest::SyslogMessage;
using vigie::ingest::SyslogTimeContext;
using vigie::ingest::TimeSource;
using vigie::ingest::Zone;

volatile std::size_t g_sink = 0;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

const Zone& zone() {
  static const std::shared_ptr<const Zone> paris = [] {
    auto z = vigie::ingest::load_zone("Europe/Paris");
    return z.ok() ? *z : std::shared_ptr<const Zone>();
  }();
  return paris ? *paris : Zone::utc();
}

void check_message(SyslogError e, const SyslogMessage& m, std::string_view line) {
  const std::string_view name = vigie::ingest::syslog_error_name(e);
  check(name == "ok" || (name.starts_with("syslog-") && name != "syslog-unknown-error"));
  if (e != SyslogError::kOk) {
    check(m.format == SyslogFormat::kNone && m.msg.empty() && m.hostname.empty() &&
          m.sd_elements.empty() && m.sd_params.empty() && m.error_at <= line.size());
    return;
  }
  check(m.format != SyslogFormat::kNone);
  check(m.pri >= -1 && m.pri <= 191);
  for (std::string_view v : {m.timestamp, m.hostname, m.app_name, m.procid, m.msgid,
                             m.structured_data, m.content, m.msg}) {
    check(inside(v, line));
    for (char c : v) g_sink = g_sink + static_cast<unsigned char>(c);
  }
  check(m.has_time() || m.time_source == TimeSource::kNone);
  check(m.sd_elements.size() <= vigie::ingest::kMaxSdElements);
  check(m.sd_params.size() <= vigie::ingest::kMaxSdParams);
  std::string scratch;
  for (const auto& element : m.sd_elements) {
    check(inside(element.id, line) && !element.id.empty() && element.id.size() <= 32);
    check(std::size_t{element.first_param} + element.param_count <= m.sd_params.size());
    for (const auto& p : m.params(element)) {
      check(inside(p.name, line) && inside(p.value, line));
      check(vigie::ingest::sd_param_value(p.value, scratch).size() <= p.value.size());
    }
  }
}

void parse_all(std::string_view line) {
  static SyslogMessage m;
  // A mid-year and a New Year's Eve reference time: the year inference and its rollover.
  for (std::int64_t reference :
       {std::int64_t{1'718'000'000'000}, std::int64_t{1'735'689'599'000}}) {
    const SyslogTimeContext ctx{&zone(), reference};
    check_message(vigie::ingest::parse_syslog(line, ctx, m), m, line);
    if (vigie::ingest::parse_syslog(line, ctx, m) == SyslogError::kOk) {
      check(vigie::ingest::sniff_syslog(line) == m.format);
    }
    check_message(vigie::ingest::parse_rfc5424(line, ctx, m), m, line);
    check_message(vigie::ingest::parse_rfc3164(line, ctx, m), m, line);
  }
}

// The frames (and errors, as "!name") of `stream` arriving in chunks of pseudo-random sizes drawn
// from `seed` (no chunks: in one piece).
std::vector<std::string> split(std::string_view stream, FrameOptions options, unsigned seed) {
  std::vector<std::size_t> chunks;
  for (std::size_t total = 0; seed != 0 && total < stream.size();) {
    seed = seed * 1103515245u + 12345u;
    chunks.push_back(1 + (seed >> 16) % 23);
    total += chunks.back();
  }
  return vigie::ingest::testing::split_in_chunks(stream, options, chunks,
                                                 [](const char*) { std::abort(); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  parse_all(input);
  for (Framing framing : {Framing::kAuto, Framing::kOctetCounting, Framing::kNonTransparent}) {
    const FrameOptions options{framing, 64};
    const std::vector<std::string> whole = split(input, options, 0);
    check(split(input, options, static_cast<unsigned>(size) | 1u) == whole);
    for (const std::string& frame : whole) {
      if (!frame.starts_with('!')) parse_all(frame);
    }
  }
  return 0;
}
