// `vigie alerts list`: the alerts of a store, newest first, as a table or JSON lines.
#include <cstdio>
#include <string>

#include "commands.h"
#include "common/timestamp.h"
#include "store/store.h"

namespace vigie::app {

int alerts_list(const AlertsListOptions& options) {
  store::StoreOptions so;
  so.read_only = true;
  so.create_if_missing = false;
  Result<std::unique_ptr<store::Store>> opened = store::Store::open(options.store, so);
  if (!opened.ok()) {
    std::fprintf(stderr, "vigie alerts: %s\n", opened.status().message().c_str());
    return 2;
  }
  store::ListQuery q;
  q.tenant = options.tenant;
  q.rule_id = options.rule;
  q.status = options.status;
  q.limit = options.limit;
  if (!options.since.empty()) {
    std::optional<std::int64_t> t = parse_timestamp_ms(options.since);
    if (!t) {
      std::fprintf(stderr, "vigie alerts: --since %s is not an RFC 3339 timestamp\n",
                   options.since.c_str());
      return 2;
    }
    q.from_ms = *t;
  }
  const std::vector<store::AlertRecord> alerts = (*opened)->list(q);
  if (options.format == "json") {
    for (const store::AlertRecord& a : alerts) std::printf("%s\n", store::to_json(a).c_str());
    return 0;
  }
  std::printf("%-32s  %-24s  %-10s  %-8s  %-6s  %s\n", "id", "time", "tenant", "level", "count",
              "rule");
  for (const store::AlertRecord& a : alerts) {
    std::printf("%-32s  %-24s  %-10s  %-8s  %6llu  %s\n", a.id.c_str(),
                format_timestamp_ms(a.time_ms).c_str(), a.tenant.c_str(), a.level.c_str(),
                static_cast<unsigned long long>(a.event_count), a.rule_title.c_str());
  }
  std::fprintf(stderr, "%zu alert(s)\n", alerts.size());
  return 0;
}

}  // namespace vigie::app
