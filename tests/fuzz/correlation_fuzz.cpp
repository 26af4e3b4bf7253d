// libFuzzer target for the correlation engine on untrusted input, in two modes (first byte):
//
// - even: the bytes are a stream of events (4 bytes each: action and tenant, user and host, a
//   signed time step, a number) read, matched and correlated by a pack with every type, chained
//   and at-close conditions, under tight limits so that eviction runs. Halfway, the state is
//   snapshotted and restored into a second engine; both then take the rest of the stream, and
//   their alerts and final snapshots must be identical (a difference aborts).
// - odd: the bytes are a snapshot given to restore(); whatever is accepted must then process
//   events and flush without fault, and re-snapshot to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"
#include "correlate/correlation_set.h"
#include "correlate/engine.h"
#include "event/json_reader.h"
#include "match/rule_set.h"
#include "rules/loader.h"

namespace {

using namespace vigie;

constexpr std::string_view kRules = R"(title: failed
id: 00000000-0000-4000-8000-00000000000a
name: failed
logsource: {}
detection: {sel: {action: fail}, condition: sel}
---
title: success
id: 00000000-0000-4000-8000-00000000000b
name: success
logsource: {}
detection: {sel: {action: ok}, condition: sel}
---
title: read
id: 00000000-0000-4000-8000-00000000000c
name: read
logsource: {}
detection: {sel: {action: read}, condition: sel}
---
title: burst
id: 20000000-0000-4000-8000-000000000001
name: burst
correlation: {type: event_count, rules: [failed], group-by: [user], timespan: 2m, condition: {gte: 3}}
---
title: quiet
id: 20000000-0000-4000-8000-000000000002
correlation: {type: event_count, rules: [success], group-by: [user], timespan: 1m, condition: {lt: 2}}
---
title: hosts
id: 20000000-0000-4000-8000-000000000003
correlation: {type: value_count, rules: [read], group-by: [user], timespan: 5m, condition: {field: host, gte: 2}}
---
title: ordered
id: 20000000-0000-4000-8000-000000000004
correlation: {type: temporal_ordered, rules: [burst, success], group-by: [user], timespan: 3m}
---
title: then
id: 20000000-0000-4000-8000-000000000005
generate: true
correlation: {type: temporal, rules: [failed, success, read], group-by: [user], timespan: 3m}
---
title: volume
id: 20000000-0000-4000-8000-000000000006
correlation: {type: value_sum, rules: [read], group-by: [user], timespan: 5m, condition: {field: n, gt: 300}}
---
title: average
id: 20000000-0000-4000-8000-000000000007
correlation: {type: value_avg, rules: [read], group-by: [host], timespan: 2m, condition: {field: n, gt: 100, lt: 200}}
---
title: p75
id: 20000000-0000-4000-8000-000000000008
correlation: {type: value_percentile, rules: [read, failed], timespan: 10m, condition: {field: n, percentile: 75, neq: 0}}
)";

struct Pipeline {
  std::shared_ptr<const match::RuleSet> rules;
  std::shared_ptr<const correlate::CorrelationSet> correlations;
  event::FieldId tenant = 0;
};

const Pipeline& pipeline() {
  static const Pipeline p = [] {
    Pipeline out;
    rules::Diagnostics diags;
    rules::LoadResult loaded = rules::load_rule_text(kRules, "fuzz.yml", diags);
    match::CompileOptions options;
    options.extra_fields = rules::correlation_fields(loaded.correlations);
    options.extra_fields.push_back("tenant");
    out.rules = match::RuleSet::compile(std::move(loaded.rules), options, diags);
    out.correlations =
        correlate::CorrelationSet::compile(std::move(loaded.correlations), out.rules, diags);
    if (diags.errors() > 0 || out.correlations->size() != 8) std::abort();
    out.tenant = *out.rules->fields().find("tenant");
    return out;
  }();
  return p;
}

correlate::EngineOptions tight() {
  correlate::EngineOptions o;
  o.allowed_lateness_ms = 30'000;
  o.limits.max_groups = 4;
  o.limits.max_items_per_group = 6;
  o.limits.max_alert_events = 3;
  return o;
}

// Reads, matches and correlates the events encoded in `bytes` (4 bytes each).
class Runner {
 public:
  Runner()
      : reader_(pipeline().rules->fields()),
        matcher_(pipeline().rules),
        engine_(pipeline().correlations, tight()) {}

  void feed(std::string_view bytes, std::int64_t& clock, std::uint64_t& ref) {
    static const char* kActions[] = {"fail", "ok", "read", "other"};
    for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4) {
      auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(bytes[i + k]); };
      clock += static_cast<std::int8_t>(b(2)) * 1000;
      std::string json = "{\"@timestamp\":\"" + format_timestamp_ms(clock) + "\",\"action\":\"" +
                         kActions[b(0) & 3] + "\",\"tenant\":\"t" + std::to_string(b(0) >> 7) +
                         "\",\"user\":\"u" + std::to_string(b(1) & 7) + "\",\"host\":\"h" +
                         std::to_string((b(1) >> 3) & 3) + "\"";
      if ((b(0) & 4) == 0) json += ",\"n\":" + std::to_string(b(3));
      json += "}";
      if (!reader_.read(json, event::InputFormat::kFlat, ev_).ok()) std::abort();
      if (const event::Value* t = ev_.get(pipeline().tenant)) ev_.tenant = t->text;
      engine_.process(ev_, ++ref, matcher_.match(ev_), alerts_);
    }
  }

  correlate::Engine& engine() { return engine_; }
  std::vector<correlate::Alert>& alerts() { return alerts_; }

 private:
  event::JsonReader reader_;
  match::Matcher matcher_;
  correlate::Engine engine_;
  event::Event ev_;
  std::vector<correlate::Alert> alerts_;
};

bool same(const std::vector<correlate::Alert>& a, const std::vector<correlate::Alert>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].correlation != b[i].correlation ||
        a[i].window_end != b[i].window_end || a[i].events != b[i].events ||
        a[i].event_count != b[i].event_count ||
        !(a[i].value == b[i].value || (a[i].value != a[i].value && b[i].value != b[i].value))) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 16 * 1024) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::int64_t start = 1'700'000'000'000;
  if ((data[0] & 1) != 0) {
    Runner r;
    if (!r.engine().restore(bytes).ok()) return 0;
    const std::string again = r.engine().snapshot();
    Runner check;
    if (!check.engine().restore(again).ok() || check.engine().snapshot() != again) std::abort();
    std::int64_t clock = start;
    std::uint64_t ref = 0;
    r.feed("\x00\x01\x05\x10\x02\x09\x05\x20\x01\x01\x7f\x00", clock, ref);
    r.engine().flush(r.alerts());
    return 0;
  }
  // Events: run whole, and cut at the middle with a snapshot and restore.
  const std::size_t cut = (bytes.size() / 8) * 4;
  Runner whole;
  std::int64_t clock = start;
  std::uint64_t ref = 0;
  whole.feed(bytes, clock, ref);
  whole.engine().flush(whole.alerts());

  Runner first;
  std::int64_t clock2 = start;
  std::uint64_t ref2 = 0;
  first.feed(bytes.substr(0, cut), clock2, ref2);
  Runner second;
  if (!second.engine().restore(first.engine().snapshot()).ok()) std::abort();
  second.feed(bytes.substr(cut), clock2, ref2);
  second.engine().flush(second.alerts());
  std::vector<correlate::Alert> joined = first.alerts();
  joined.insert(joined.end(), second.alerts().begin(), second.alerts().end());
  if (!same(whole.alerts(), joined)) {
    auto dump = [](const char* what, const std::vector<correlate::Alert>& v) {
      std::fprintf(stderr, "%s: %zu alerts\n", what, v.size());
      for (const correlate::Alert& a : v) {
        std::fprintf(stderr, "  corr %u tenant %s start %lld end %lld value %g events %zu/%llu\n",
                     a.correlation, a.tenant.c_str(), static_cast<long long>(a.window_start),
                     static_cast<long long>(a.window_end), a.value, a.events.size(),
                     static_cast<unsigned long long>(a.event_count));
      }
    };
    std::fprintf(stderr, "cut after %zu events\n", cut / 4);
    dump("uninterrupted", whole.alerts());
    dump("restored", joined);
    std::abort();
  }
  if (whole.engine().snapshot() != second.engine().snapshot()) std::abort();
  return 0;
}
