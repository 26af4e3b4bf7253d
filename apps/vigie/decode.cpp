// vigie decode: raw vendor logs to normalised events, one JSON object per line.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common/line_reader.h"
#include "common/timestamp.h"
#include "config/config.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "enrich/enricher.h"
#include "ingest/syslog.h"
#include "ingest/zone.h"
#include "pipeline/deployment.h"
#include "pipeline/processor.h"
#include "record_input.h"

namespace vigie::app {

int list_formats() {
  for (const decode::Plugin& p : decode::builtin_plugins().plugins()) {
    for (const decode::Format& f : p.formats) {
      const decode::Logsource& ls = f.info.logsource;
      std::printf("%-4s %-18s logsource product=%s%s%s%s%s  %s\n",
                  std::string(decode::to_string(p.family)).c_str(),
                  std::string(f.info.name).c_str(), std::string(ls.product).c_str(),
                  ls.category.empty() ? "" : " category=", std::string(ls.category).c_str(),
                  ls.service.empty() ? "" : " service=", std::string(ls.service).c_str(),
                  std::string(f.info.description).c_str());
    }
  }
  return 0;
}

std::optional<std::int64_t> input_received_ms(const std::string& input,
                                              const std::string& received_at) {
  if (!received_at.empty()) return parse_timestamp_ms(received_at);
  struct stat st {};
  if (input != "-" && ::stat(input.c_str(), &st) == 0) {
    return std::int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int decode_logs(const DecodeOptions& options) {
  if (options.list_formats) return list_formats();
  const std::optional<decode::Family> family = decode::parse_family(options.family);
  if (!family) {
    std::fprintf(stderr, "vigie decode: unknown family '%s' (ad, vpn or ehr)\n",
                 options.family.c_str());
    return 2;
  }
  const decode::Registry& registry = decode::builtin_plugins();
  std::vector<const decode::Format*> formats;  // the candidates, in registry order
  for (const decode::Plugin& p : registry.plugins()) {
    if (p.family != *family) continue;
    for (const decode::Format& f : p.formats) {
      if (options.format == "auto" || f.info.name == options.format) formats.push_back(&f);
    }
  }
  if (formats.empty()) {
    std::fprintf(stderr, "vigie decode: no format '%s' in family %s (see --list-formats)\n",
                 options.format.c_str(), options.family.c_str());
    return 2;
  }

  config::Config conf;
  if (!options.config.empty()) {
    config::LoadedConfig loaded = config::load_config(options.config);
    for (const config::ConfigError& e : loaded.errors) {
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    }
    if (!loaded.ok()) return 2;
    conf = std::move(loaded.config);
  }
  std::vector<std::string> warnings;
  Result<std::unique_ptr<pipeline::Deployment>> deployment =
      pipeline::Deployment::build(conf, warnings);
  for (const std::string& w : warnings)
    std::fprintf(stderr, "vigie decode: warning: %s\n", w.c_str());
  if (!deployment.ok()) {
    std::fprintf(stderr, "vigie decode: %s\n", deployment.status().message().c_str());
    return 2;
  }
  const pipeline::TenantState* tenant = &(*deployment)->unconfigured();
  if (!options.tenant.empty() && !conf.tenants.empty()) {
    tenant = (*deployment)->tenant(options.tenant);
    if (tenant == nullptr) {
      std::fprintf(stderr, "vigie decode: --tenant %s is not a tenant of %s\n",
                   options.tenant.c_str(), options.config.c_str());
      return 2;
    }
  }
  std::shared_ptr<const ingest::Zone> zone = tenant->zone;
  if (!options.zone.empty()) {
    Result<std::shared_ptr<const ingest::Zone>> z = ingest::load_zone(options.zone);
    if (!z.ok()) {
      std::fprintf(stderr, "vigie decode: --zone %s: %s\n", options.zone.c_str(),
                   z.status().message().c_str());
      return 2;
    }
    zone = *z;
  }
  const std::size_t max_bytes =
      options.max_line_bytes != 0 ? options.max_line_bytes : conf.max_record_bytes;
  const std::optional<std::int64_t> received =
      input_received_ms(options.input, options.received_at);
  if (!received) {
    std::fprintf(stderr, "vigie decode: --received-at %s is not a timestamp\n",
                 options.received_at.c_str());
    return 2;
  }

  // Every field a format declares is printed, and so is everything else a record holds.
  event::FieldTable fields;
  decode::intern_all_fields(registry, fields);
  decode::DecoderSetup setup;
  setup.fields = &fields;
  setup.keep_unknown_fields = true;
  setup.max_record_bytes = max_bytes;
  setup.zone = zone.get();
  if (!conf.ehr_flat_columns.empty()) setup.ehr_flat_columns = &conf.ehr_flat_columns;
  // Which establishment each record belongs to: --tenant; else, when the configuration names
  // establishments, the record's syslog HOSTNAME through the router (or its fallback), and a
  // record it names none for is rejected ("no-tenant"); else none.
  const bool route_records = options.tenant.empty() && (*deployment)->has_tenants();
  enrich::LeaseTable leases;
  enrich::PatientLinks patients;  // INS -> IPP, learned from the input's ADT and DPI events
  enrich::Enricher enricher({&fields, &(*deployment)->geoip(), &leases, &patients});
  const enrich::Source source = *family == decode::Family::kAd    ? enrich::Source::kAd
                                : *family == decode::Family::kVpn ? enrich::Source::kVpn
                                                                  : enrich::Source::kEhr;
  // Decoders per establishment: local timestamps are read in the establishment's zone.
  using Decoders = std::vector<std::unique_ptr<decode::Decoder>>;
  std::vector<std::pair<const pipeline::TenantState*, Decoders>> decoder_sets;
  auto decoders_for = [&](const pipeline::TenantState* t) -> Decoders& {
    for (auto& [state, set] : decoder_sets) {
      if (state == t) return set;
    }
    if (*family == decode::Family::kEhr && t->pseudonymiser == nullptr) {
      // Once per establishment: without its key no patient identifier can be tokenised.
      std::fprintf(stderr,
                   "vigie decode: warning: no pseudonymisation key for %s (--config, "
                   "tenants[].key_file): patient identifiers are dropped (patient.redacted)\n",
                   t->id.empty() ? "this tenant" : ("tenant " + t->id).c_str());
    }
    decode::DecoderSetup s = setup;
    if (options.zone.empty()) s.zone = t->zone.get();
    Decoders& set = decoder_sets.emplace_back(t, Decoders{}).second;
    for (const decode::Format* f : formats) set.push_back(f->make(s));
    return set;
  };
  if (!route_records) decoders_for(tenant);
  ingest::SyslogMessage syslog_scratch;

  int fd = 0;
  if (options.input != "-") {
    fd = ::open(options.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "vigie decode: cannot open %s: %s\n", options.input.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  const std::string input_name = options.input == "-" ? "<stdin>" : options.input;
  // Records that span lines: Windows event XML is cut by element, HL7 v2 by message (MSH), JSON
  // objects spread over lines (pretty-printed, evtx_dump -o json, a top-level array) by object;
  // everything else by line, unless auto-detection finds XML, HL7, syslog octet counting or JSON.
  const Framing framing = framing_for_format(options.format);
  RecordInput lines(fd, max_bytes, framing);
  event::Event ev;
  decode::Split parts;  // the records of a line: itself, or a container's (a FHIR Bundle's)
  std::string out;
  std::uint64_t decoded = 0, rejected = 0, skipped = 0;
  bool read_error = false;
  auto reject = [&](std::string_view code, std::string_view message) {
    ++rejected;
    // The reason and where, never the record: it may hold personal data.
    std::fprintf(stderr, "%s:%lld: rejected [%.*s] %.*s\n", input_name.c_str(),
                 static_cast<long long>(lines.line_number()), static_cast<int>(code.size()),
                 code.data(), static_cast<int>(message.size()), message.data());
  };
  std::string_view line;
  while (true) {
    RecordInput::Status st = lines.next(line);
    if (st == RecordInput::Status::kEnd) break;
    if (st == RecordInput::Status::kError) {
      std::fprintf(stderr, "vigie decode: read error on %s after line %lld: %s\n",
                   input_name.c_str(), static_cast<long long>(lines.line_number()),
                   std::strerror(errno));
      read_error = true;
      break;
    }
    if (st == RecordInput::Status::kMalformed) {
      reject(lines.error(), lines.malformed_what());
      continue;
    }
    if (st == RecordInput::Status::kOversized) {
      reject("oversized", "record longer than --max-line-bytes");
      continue;
    }
    if (is_blank_or_comment(line)) continue;
    std::size_t which = 0;
    if (options.format == "auto") {
      const decode::Format* f = registry.sniff(*family, line);
      while (which < formats.size() && formats[which] != f) ++which;
      if (which == formats.size()) {
        reject("unknown-format", "no " + options.family + " format recognises this record");
        continue;
      }
    }
    const pipeline::TenantState* record_tenant = tenant;
    if (route_records) {
      const enrich::Origin origin{.syslog_host = ingest::syslog_hostname(line, syslog_scratch)};
      Result<const pipeline::TenantState*> routed = (*deployment)->route(origin);
      if (!routed.ok()) {
        reject(routed.status().code(), routed.status().message());
        continue;
      }
      record_tenant = *routed;
    }
    decode::RecordContext ctx;
    ctx.received_ms = *received;
    ctx.pseudonymiser = record_tenant->pseudonymiser.get();
    decode::Decoder& decoder = *decoders_for(record_tenant)[which];
    if (Status s = decoder.split(line, parts); !s.ok()) {
      reject(s.code(), s.message());  // a malformed container: one reject
      continue;
    }
    skipped += parts.skipped;
    // Each inner record as a record of its own: same establishment, same line.
    for (std::string_view record : parts.records) {
      Status s = decoder.decode(record, ctx, ev);
      if (decode::is_no_event(s)) continue;  // a CSV header row
      if (!s.ok()) {
        reject(s.code(), s.message() + pipeline::inner_record_where(line, record));
        continue;
      }
      ev.line = lines.line_number();
      if (route_records) {
        ev.tenant = record_tenant->id;
      } else if (!options.tenant.empty()) {
        ev.tenant = options.tenant;
      }
      enricher.enrich(ev, source, record_tenant->directory.get());
      ++decoded;
      decode::append_event_json(out, ev, fields);
      out += '\n';
      if (out.size() > (1 << 16)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (fd > 0) ::close(fd);
  // Entries of containers that hold no record of the format (a Bundle's Patient, its deleted
  // entries): not rejects, but said.
  const std::string skipped_note =
      skipped == 0 ? "" : ", " + std::to_string(skipped) + " container entries skipped";
  std::fprintf(stderr, "vigie decode: %llu events decoded, %llu rejected%s\n",
               static_cast<unsigned long long>(decoded), static_cast<unsigned long long>(rejected),
               skipped_note.c_str());
  if (read_error) return 1;
  return rejected > 0 ? 1 : 0;
}

}  // namespace vigie::app
