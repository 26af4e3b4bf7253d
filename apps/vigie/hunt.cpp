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

// How hunt reads records: through the decoder plugins, the format named by --format or, with
// auto, the one that sniffs the record (catch-all formats such as flat JSON last). A record no
// format claims goes to JsonReader's own detection, which gives bad JSON its precise reject code.
class InputDecoders {
 public:
  struct Decoded {
    Status status;
    decode::Family family = decode::Family::kAd;
  };

  InputDecoders(const decode::Registry& registry, event::FieldTable& fields, bool keep_all,
                std::size_t max_record_bytes, const ingest::Zone* zone)
      : registry_(registry), reader_(fields, reader_options(keep_all, max_record_bytes)) {
    setup_.fields = &fields;
    setup_.keep_unknown_fields = keep_all;
    setup_.max_record_bytes = max_record_bytes;
    setup_.zone = zone;
    // Every decoder is made now: making one may intern fields, which must not happen mid-run.
    for (const decode::Plugin& p : registry.plugins()) {
      for (const decode::Format& f : p.formats) {
        decoders_.push_back({&f, p.family, f.make(setup_)});
      }
    }
  }

  // Picks the decoder of `line` (`named`: the --format, or nullptr for auto) and puts in `parts`
  // the records to read(): the line itself, or a container's inner records (Decoder::split(): a
  // FHIR Bundle's AuditEvents). Not ok: the line is one reject.
  Status split(std::string_view line, const decode::Format* named, decode::Split& parts) {
    const decode::Format* f = named != nullptr ? named : registry_.sniff_any(line);
    current_ = nullptr;
    if (f == nullptr) {  // JsonReader's own detection
      parts.clear();
      parts.records.push_back(line);
      return Status::ok_status();
    }
    for (Entry& d : decoders_) {
      if (d.format == f) current_ = &d;
    }
    if (current_ == nullptr) {
      parts.clear();
      return Status::error("unknown-format", "no decoder for this format");
    }
    return current_->decoder->split(line, parts);
  }

  // Decodes one of the records split() gave, with the decoder it picked.
  Decoded read(std::string_view record, const decode::RecordContext& ctx, event::Event& ev) {
    if (current_ == nullptr) return {reader_.read(record, event::InputFormat::kAuto, ev)};
    return {current_->decoder->decode(record, ctx, ev), current_->family};
  }

 private:
  struct Entry {
    const decode::Format* format;
    decode::Family family;
    std::unique_ptr<decode::Decoder> decoder;
  };
  static event::ReaderOptions reader_options(bool keep_all, std::size_t max_record_bytes) {
    event::ReaderOptions o;
    o.max_record_bytes = max_record_bytes;
    o.keep_unknown_fields = keep_all;
    return o;
  }
  const decode::Registry& registry_;
  decode::DecoderSetup setup_;
  event::JsonReader reader_;
  std::vector<Entry> decoders_;
  Entry* current_ = nullptr;  // the decoder of the line split() saw last; null: reader_
};

enrich::Source source_of(decode::Family f) {
  switch (f) {
    case decode::Family::kAd:
      return enrich::Source::kAd;
    case decode::Family::kVpn:
      return enrich::Source::kVpn;
    case decode::Family::kEhr:
      return enrich::Source::kEhr;
  }
  return enrich::Source::kAd;
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
  match::Matcher matcher(loaded.rules);
  const correlate::CorrelationSet& correlations = *loaded.correlations;
  correlate::EngineOptions engine_options;
  engine_options.allowed_lateness_ms = options.lateness_ms;
  correlate::Engine engine(loaded.correlations, engine_options);
  std::vector<correlate::Alert> alerts;
  // The rules' fields, and after them (same ids for the rules' ones) whatever decoders add.
  event::FieldTable fields = rules.fields();
  const event::FieldId tenant_field = *fields.find(options.tenant_field);
  // The enricher first: it interns the fields it reads (vpn.assigned_ip...), so decoders made
  // after it keep them even when no rule names them.
  enrich::LeaseTable leases;
  enrich::PatientLinks patients;  // INS -> IPP, learned from the input's ADT and DPI events
  enrich::Enricher enricher({&fields, &(*deployment)->geoip(), &leases, &patients});
  // The establishment of each record, before it is decoded (its zone reads local timestamps, its
  // key pseudonymises patients): --tenant for all; else, when the configuration names
  // establishments, the record's syslog HOSTNAME through the router (or its fallback); a record
  // routed nowhere, or any record without --config tenants, takes the --tenant-field of the event.
  const pipeline::TenantState* fixed = nullptr;
  if (!options.tenant.empty()) {
    fixed = (*deployment)->tenant(options.tenant);
    if (fixed == nullptr && (*deployment)->has_tenants()) {
      std::fprintf(stderr, "vigie hunt: --tenant %s is not a tenant of %s\n",
                   options.tenant.c_str(), options.config.c_str());
      return 2;
    }
  }
  const bool route_records = options.tenant.empty() && (*deployment)->has_tenants();
  // Decoders per establishment, all made now (making one interns fields).
  std::vector<std::pair<const pipeline::TenantState*, std::unique_ptr<InputDecoders>>> inputs;
  auto add_input = [&](const pipeline::TenantState* t) {
    inputs.emplace_back(t,
                        std::make_unique<InputDecoders>(registry, fields, rules.needs_all_fields(),
                                                        options.max_line_bytes, t->zone.get()));
  };
  add_input(fixed != nullptr ? fixed : &(*deployment)->unconfigured());
  if (route_records) {
    for (const pipeline::TenantState* t : (*deployment)->tenant_states()) add_input(t);
  }
  auto input_of = [&](const pipeline::TenantState* t) -> InputDecoders& {
    for (auto& [state, in] : inputs) {
      if (state == t) return *in;
    }
    return *inputs.front().second;
  };
  ingest::SyslogMessage syslog_scratch;
  event::Event ev;
  // Records that span lines: Windows event XML is cut by element, HL7 v2 by message (MSH), JSON
  // objects spread over lines (pretty-printed, evtx_dump -o json, a top-level array) by object;
  // everything else by line, unless auto-detection finds XML, HL7, syslog octet counting or JSON.
  const Framing framing = framing_for_format(options.format);
  RecordInput lines(fd, options.max_line_bytes, framing);

  std::string out;
  std::vector<std::uint64_t> per_rule(rules.size(), 0);
  std::vector<std::uint64_t> per_correlation(correlations.size(), 0);
  std::uint64_t events = 0, rejected = 0, blank = 0, matches = 0, correlation_alerts = 0;
  std::uint64_t skipped = 0;  // entries of containers that hold no record of their format
  decode::Split parts;        // the records of a line: itself, or a container's
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
    const pipeline::TenantState* routed = fixed;
    if (route_records) {
      const enrich::Origin origin{.syslog_host = ingest::syslog_hostname(line, syslog_scratch)};
      Result<const pipeline::TenantState*> r = (*deployment)->route(origin);
      if (r.ok()) routed = *r;
    }
    decode::RecordContext ctx;
    ctx.received_ms = *received;
    if (routed != nullptr) ctx.pseudonymiser = routed->pseudonymiser.get();
    InputDecoders& input = input_of(routed != nullptr ? routed : &(*deployment)->unconfigured());
    if (Status s = input.split(line, named_format, parts); !s.ok()) {
      ++events;
      reject(s.code(), s.message());  // a malformed container: one reject
      continue;
    }
    skipped += parts.skipped;
    // Each inner record as a record of its own: same establishment, same line.
    for (std::string_view record : parts.records) {
      ++events;
      InputDecoders::Decoded decoded = input.read(record, ctx, ev);
      const Status& s = decoded.status;
      if (decode::is_no_event(s)) {  // a CSV header row, a framing line: no event by design
        --events;
        continue;
      }
      if (!s.ok()) {
        reject(s.code(), s.message() + inner_record_where(line, record));
        continue;
      }
      ev.line = lines.line_number();
      // The establishment as written: a string, or a number such as a FINESS code written bare.
      if (const event::Value* t = ev.get(tenant_field);
          t != nullptr && (t->kind == event::Kind::kString || t->kind == event::Kind::kInt)) {
        ev.tenant = t->text;
      }
      if (!options.tenant.empty()) {
        ev.tenant = options.tenant;
      } else if (routed != nullptr) {
        // A record of one establishment's host cannot claim another's (a wall, as for topics).
        if (!ev.tenant.empty() && ev.tenant != routed->id &&
            (*deployment)->tenant(ev.tenant) != nullptr) {
          reject("tenant-conflict", "the record's " + options.tenant_field +
                                        " names another establishment than its syslog host");
          continue;
        }
        ev.tenant = routed->id;
      }
      const pipeline::TenantState* tenant = (*deployment)->tenant(ev.tenant);
      enricher.enrich(ev, source_of(decoded.family),
                      tenant != nullptr ? tenant->directory.get() : nullptr);
      std::span<const std::uint32_t> matched = matcher.match(ev);
      for (std::uint32_t idx : matched) {
        ++per_rule[idx];
        ++matches;
        // A rule that only feeds correlations with `generate: false` does not report on its own.
        if (!correlations.rule_reported(idx)) continue;
        if (options.output == "text")
          append_match_text(out, rules.rule(idx), ev);
        else
          append_match_jsonl(out, rules.rule(idx), ev);
      }
      engine.process(ev, static_cast<correlate::EventRef>(ev.line), matched, alerts);
      emit_alerts();
      if (out.size() > (1 << 16)) {
        write_all(out);
        out.clear();
      }
    }
  }
  engine.flush(alerts);
  emit_alerts();
  write_all(out);
  std::fflush(stdout);
  if (fd > 0) ::close(fd);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string skipped_note =
      skipped == 0 ? "" : ", " + std::to_string(skipped) + " container entries skipped";
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
