// `vigie hunt`: every rule on every event of a JSON-lines file, in input order.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "common/json.h"
#include "common/line_reader.h"
#include "common/timestamp.h"
#include "config/config.h"
#include "correlate/engine.h"
#include "correlate/load.h"
#include "decode/decoder.h"
#include "enrich/enricher.h"
#include "event/json_reader.h"
#include "ingest/syslog.h"
#include "ingest/zone.h"
#include "pipeline/deployment.h"
#include "pipeline/processor.h"
#include "record_input.h"

namespace vigie::app {
namespace {

void write_all(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

void append_match_jsonl(std::string& out, const rules::Rule& r, const event::Event& e) {
  out += "{\"type\":\"match\",\"rule_id\":";
  json::append_string(out, r.id);
  out += ",\"rule_title\":";
  json::append_string(out, r.title);
  if (!r.name.empty()) {
    out += ",\"rule_name\":";
    json::append_string(out, r.name);
  }
  out += ",\"level\":";
  json::append_string(out, r.level);
  out += ",\"tags\":[";
  for (std::size_t i = 0; i < r.tags.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, r.tags[i]);
  }
  out += "],\"line\":";
  out += std::to_string(e.line);
  if (e.time_ms != event::Event::kNoTime) {
    out += ",\"time\":";
    json::append_string(out, format_timestamp_ms(e.time_ms));
  }
  if (!e.tenant.empty()) {
    out += ",\"tenant\":";
    json::append_string(out, e.tenant);
  }
  out += ",\"rule_file\":";
  json::append_string(out, r.file);
  out += "}\n";
}

void append_match_text(std::string& out, const rules::Rule& r, const event::Event& e) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%8lld  %-13s ", static_cast<long long>(e.line),
                r.level.empty() ? "-" : r.level.c_str());
  out += buf;
  out += r.title;
  out += "  [";
  out += r.id.empty() ? r.file : r.id;
  out += "]\n";
}

void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  // Whole values (counts, sums of byte counts) print as integers, not in exponent notation.
  if (std::trunc(v) == v && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<long long>(v));
    return;
  }
  // 15 significant digits: an interpolated percentile prints 2702000000, not 2702000000.0000005.
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 15);
  out.append(buf, res.ptr);
}

void append_correlation_jsonl(std::string& out, const correlate::CompiledCorrelation& cc,
                              const correlate::Alert& a) {
  const rules::Correlation& r = cc.rule;
  out += "{\"type\":\"correlation\",\"id\":";
  json::append_string(out, a.id);
  out += ",\"rule_id\":";
  json::append_string(out, r.id);
  out += ",\"rule_title\":";
  json::append_string(out, r.title);
  if (!r.name.empty()) {
    out += ",\"rule_name\":";
    json::append_string(out, r.name);
  }
  out += ",\"correlation_type\":";
  json::append_string(out, rules::correlation_type_name(r.type));
  out += ",\"level\":";
  json::append_string(out, r.level);
  out += ",\"tags\":[";
  for (std::size_t i = 0; i < r.tags.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, r.tags[i]);
  }
  out += "],\"tenant\":";
  json::append_string(out, a.tenant);
  out += ",\"group\":{";
  for (std::size_t i = 0; i < a.group.size() && i < r.group_by.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, r.group_by[i]);
    out += ':';
    json::append_string(out, a.group[i]);
  }
  out += "},\"window_start\":";
  json::append_string(out, format_timestamp_ms(a.window_start));
  out += ",\"window_end\":";
  json::append_string(out, format_timestamp_ms(a.window_end));
  out += ",\"value\":";
  append_number(out, a.value);
  out += ",\"event_count\":";
  out += std::to_string(a.event_count);
  out += ",\"lines\":[";
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(a.events[i]);
  }
  out += "],\"rule_file\":";
  json::append_string(out, r.file);
  out += "}\n";
}

void append_correlation_text(std::string& out, const correlate::CompiledCorrelation& cc,
                             const correlate::Alert& a) {
  const rules::Correlation& r = cc.rule;
  char buf[64];
  long long line = a.events.empty() ? 0 : static_cast<long long>(a.events.back());
  std::snprintf(buf, sizeof buf, "%8lld  %-13s ", line, r.level.empty() ? "-" : r.level.c_str());
  out += buf;
  out += r.title;
  out += "  [";
  out += r.id.empty() ? r.file : r.id;
  out += "] ";
  out += rules::correlation_type_name(r.type);
  out += '=';
  append_number(out, a.value);
  for (std::size_t i = 0; i < a.group.size() && i < r.group_by.size(); ++i) {
    out += ' ';
    out += r.group_by[i];
    out += '=';
    out += a.group[i];
  }
  if (!a.tenant.empty()) {
    out += " tenant=";
    out += a.tenant;
  }
  out += ' ';
  out += format_timestamp_ms(a.window_start);
  out += "..";
  out += format_timestamp_ms(a.window_end);
  out += '\n';
}

}  // namespace

int hunt(const HuntOptions& options) {
  // A format name of any plugin (names are unique across families), or auto.
  const decode::Registry& registry = decode::builtin_plugins();
  const decode::Format* named_format = nullptr;
  if (options.format != "auto") {
    for (const decode::Plugin& p : registry.plugins()) {
      if (named_format == nullptr) named_format = registry.find(p.family, options.format);
    }
    if (named_format == nullptr) {
      std::fprintf(stderr, "vigie hunt: unknown --format '%s' (see vigie decode --list-formats)\n",
                   options.format.c_str());
      return 2;
    }
  }
  config::Config conf;
  if (!options.config.empty()) {
    config::LoadedConfig c = config::load_config(options.config);
    for (const config::ConfigError& e : c.errors)
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    if (!c.ok()) return 2;
    conf = std::move(c.config);
  }
  if (!options.zone.empty()) conf.zone = options.zone;
  std::vector<std::string> warnings;
  Result<std::unique_ptr<pipeline::Deployment>> deployment =
      pipeline::Deployment::build(conf, warnings);
  // Without --config, GeoIP is the only thing a deployment adds: say so only when asked for.
  if (!options.config.empty()) {
    for (const std::string& w : warnings)
      std::fprintf(stderr, "vigie hunt: warning: %s\n", w.c_str());
  }
  if (!deployment.ok()) {
    std::fprintf(stderr, "vigie hunt: %s\n", deployment.status().message().c_str());
    return 2;
  }
  const std::optional<std::int64_t> received =
      input_received_ms(options.input, options.received_at);
  if (!received) {
    std::fprintf(stderr, "vigie hunt: --received-at %s is not a timestamp\n",
                 options.received_at.c_str());
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  correlate::LoadedDetection loaded = correlate::load_detection({options.rules.paths,
                                                                 options.rules.placeholders,
                                                                 options.rules.logsource_maps,
                                                                 {options.tenant_field}});
  const rules::Diagnostics& d = loaded.diags;
  for (const rules::Diagnostic& diag : d.items()) {
    if (diag.severity == rules::Severity::kError) {
      std::fprintf(stderr, "%s:%d:%d: error: [%s] %s\n", diag.file.c_str(), diag.line, diag.column,
                   diag.code.c_str(), diag.message.c_str());
    }
  }
  std::fprintf(stderr, "vigie hunt: %zu rules loaded, %zu errors, %zu warnings%s\n",
               loaded.loaded(), d.errors(), d.warnings(),
               d.warnings() > 0 ? " (see `vigie rules check`)" : "");
  if (options.strict && d.errors() > 0) return 1;
  if (loaded.loaded() == 0) {
    std::fprintf(stderr, "vigie hunt: no rule to run\n");
    return 1;
  }

  int fd = 0;
  if (options.input != "-") {
    fd = ::open(options.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "vigie hunt: cannot open %s: %s\n", options.input.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  const std::string input_name = options.input == "-" ? "<stdin>" : options.input;

  const match::RuleSet& rules = *loaded.rules;
  const correlate::CorrelationSet& correlations = *loaded.correlations;
  correlate::EngineOptions engine_options;
  engine_options.allowed_lateness_ms = options.lateness_ms;
  correlate::Engine engine(loaded.correlations, engine_options);
  std::vector<correlate::Alert> alerts;
  if (!options.tenant.empty() && (*deployment)->tenant(options.tenant) == nullptr &&
      (*deployment)->has_tenants()) {
    std::fprintf(stderr, "vigie hunt: --tenant %s is not a tenant of %s\n", options.tenant.c_str(),
                 options.config.c_str());
    return 2;
  }
  // The establishment of each record: --tenant for all; else, when the configuration names
  // establishments, the record's syslog HOSTNAME through the router (or its fallback); a record
  // routed nowhere, or any record without --config tenants, takes the --tenant-field of the event.
  pipeline::Enrichment enrichment;  // VPN leases and INS -> IPP links learned from the input
  pipeline::ProcessorOptions processor_options;
  processor_options.format = named_format;
  processor_options.tenant_field = options.tenant_field;
  processor_options.fixed_tenant = options.tenant;
  processor_options.max_record_bytes = options.max_line_bytes;
  if (!conf.ehr_flat_columns.empty()) processor_options.ehr_flat_columns = &conf.ehr_flat_columns;
  pipeline::Processor processor(**deployment, loaded.rules, enrichment, processor_options);
  // Records that span lines: Windows event XML is cut by element, HL7 v2 by message (MSH), JSON
  // objects spread over lines (pretty-printed, evtx_dump -o json, a top-level array) by object;
  // everything else by line, unless auto-detection finds XML, HL7, syslog octet counting or JSON.
  const Framing framing = framing_for_format(options.format);
  RecordInput lines(fd, options.max_line_bytes, framing);

  std::string out;
  std::vector<std::uint64_t> per_rule(rules.size(), 0);
  std::vector<std::uint64_t> per_correlation(correlations.size(), 0);
  std::uint64_t events = 0, rejected = 0, blank = 0, matches = 0, correlation_alerts = 0;
  auto emit_alerts = [&] {
    for (const correlate::Alert& a : alerts) {
      ++per_correlation[a.correlation];
      ++correlation_alerts;
      if (options.output == "text")
        append_correlation_text(out, correlations.at(a.correlation), a);
      else
        append_correlation_jsonl(out, correlations.at(a.correlation), a);
    }
    alerts.clear();
  };
  // The reason and where, never the record: it may hold personal data.
  auto reject = [&](const std::string& code, const std::string& message) {
    ++rejected;
    std::fprintf(stderr, "%s:%lld: rejected [%s] %s\n", input_name.c_str(),
                 static_cast<long long>(lines.line_number()), code.c_str(), message.c_str());
  };
  // Each event: its rule matches, then the correlations it completes.
  auto output = pipeline::make_output(
      [&](std::string_view code, const std::string& message) {
        ++events;
        reject(std::string(code), message);
      },
      [&](const event::Event& ev, decode::Family, std::span<const std::uint32_t> matched) {
        ++events;
        for (std::uint32_t idx : matched) {
          ++per_rule[idx];
          ++matches;
          // A rule that only feeds correlations with `generate: false` does not report alone.
          if (!correlations.rule_reported(idx)) continue;
          if (options.output == "text")
            append_match_text(out, rules.rule(idx), ev);
          else
            append_match_jsonl(out, rules.rule(idx), ev);
        }
        engine.process(ev, static_cast<correlate::EventRef>(ev.line), matched, alerts);
        emit_alerts();
      });
  std::string_view line;
  bool read_error = false;
  while (true) {
    RecordInput::Status st = lines.next(line);
    if (st == RecordInput::Status::kEnd) break;
    if (st == RecordInput::Status::kError) {
      std::fprintf(stderr, "vigie hunt: read error on %s after line %lld: %s\n", input_name.c_str(),
                   static_cast<long long>(lines.line_number()), std::strerror(errno));
      read_error = true;
      break;
    }
    if (st == RecordInput::Status::kMalformed) {
      ++rejected;
      std::fprintf(stderr, "%s:%lld: rejected [%.*s] %.*s\n", input_name.c_str(),
                   static_cast<long long>(lines.line_number()),
                   static_cast<int>(lines.error().size()), lines.error().data(),
                   static_cast<int>(lines.malformed_what().size()), lines.malformed_what().data());
      continue;
    }
    if (st == RecordInput::Status::kOversized) {
      ++rejected;
      std::fprintf(stderr,
                   "%s:%lld: rejected [oversized] line of %zu bytes exceeds --max-line-bytes %zu\n",
                   input_name.c_str(), static_cast<long long>(lines.line_number()),
                   lines.oversized_bytes(), options.max_line_bytes);
      continue;
    }
    if (is_blank_or_comment(line)) {
      ++blank;
      continue;
    }
    const pipeline::RecordSource source{.received_ms = *received, .line = lines.line_number()};
    processor.process(line, source, output);
    if (out.size() > (1 << 16)) {
      write_all(out);
      out.clear();
    }
  }
  engine.flush(alerts);
  emit_alerts();
  write_all(out);
  std::fflush(stdout);
  if (fd > 0) ::close(fd);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string skipped_note =
      processor.skipped() == 0
          ? ""
          : ", " + std::to_string(processor.skipped()) + " container entries skipped";
  std::fprintf(stderr, "vigie hunt: %llu events read, %llu rejected%s, %llu matches in %.2f s\n",
               static_cast<unsigned long long>(events), static_cast<unsigned long long>(rejected),
               skipped_note.c_str(), static_cast<unsigned long long>(matches), secs);
  if (correlations.size() > 0) {
    const correlate::Stats& cs = engine.stats();
    auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
    std::fprintf(stderr,
                 "vigie hunt: %llu correlation alerts; not correlated: %llu late, %llu without "
                 "time, %llu without a group-by field, %llu without the condition field; "
                 "evicted: %llu groups, %llu events\n",
                 u(correlation_alerts), u(cs.late), u(cs.untimed), u(cs.missing_group_field),
                 u(cs.missing_value), u(cs.groups_evicted), u(cs.items_evicted));
  }
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < per_rule.size(); ++i) {
    if (per_rule[i] > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return per_rule[a] != per_rule[b] ? per_rule[a] > per_rule[b] : a < b;
  });
  for (std::uint32_t i : order) {
    const rules::Rule& r = rules.rule(i);
    std::fprintf(stderr, "  %8llu  %-36s  %s\n", static_cast<unsigned long long>(per_rule[i]),
                 r.id.empty() ? "-" : r.id.c_str(), r.title.c_str());
  }
  for (std::uint32_t i = 0; i < correlations.size(); ++i) {
    if (per_correlation[i] == 0) continue;
    const rules::Correlation& r = correlations.at(i).rule;
    std::fprintf(stderr, "  %8llu  %-36s  %s (correlation)\n",
                 static_cast<unsigned long long>(per_correlation[i]),
                 r.id.empty() ? "-" : r.id.c_str(), r.title.c_str());
  }
  (void)blank;
  return read_error ? 1 : 0;
}

}  // namespace vigie::app
