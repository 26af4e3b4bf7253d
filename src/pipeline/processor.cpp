#include "pipeline/processor.h"

#include <utility>

#include "event/json_reader.h"
#include "ingest/syslog.h"

namespace vigie::pipeline {

namespace {

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

event::ReaderOptions reader_options(bool keep_all, std::size_t max_record_bytes) {
  event::ReaderOptions o;
  o.max_record_bytes = max_record_bytes;
  o.keep_unknown_fields = keep_all;
  return o;
}

}  // namespace

std::string inner_record_where(std::string_view record, std::string_view inner) {
  if (inner.data() == record.data() && inner.size() == record.size()) return {};
  return " (inner record at byte offset " + std::to_string(inner.data() - record.data()) + ")";
}

// The decoders of one establishment (its zone reads local timestamps): every format of every
// plugin, made at construction (making one may intern fields, which must not happen mid-run). A
// record no format claims goes to JsonReader's own detection, which gives bad JSON its precise
// reject code.
class Processor::Decoders {
 public:
  struct Decoded {
    Status status;
    decode::Family family = decode::Family::kAd;
  };

  Decoders(const decode::Registry& registry, event::FieldTable& fields, bool keep_all,
           std::size_t max_record_bytes, const ingest::Zone* zone,
           const std::map<std::string, std::string>* ehr_flat_columns)
      : registry_(registry), reader_(fields, reader_options(keep_all, max_record_bytes)) {
    setup_.fields = &fields;
    setup_.ehr_flat_columns = ehr_flat_columns;
    setup_.keep_unknown_fields = keep_all;
    setup_.max_record_bytes = max_record_bytes;
    setup_.zone = zone;
    for (const decode::Plugin& p : registry.plugins()) {
      for (const decode::Format& f : p.formats) {
        decoders_.push_back({&f, p.family, f.make(setup_)});
      }
    }
  }

  // Picks the decoder of `record` (`named`, or the one that sniffs it) and puts in `parts` the
  // records to read(): the record itself, or a container's inner records. Not ok: one reject.
  Status split(std::string_view record, const decode::Format* named, decode::Split& parts) {
    const decode::Format* f = named != nullptr ? named : registry_.sniff_any(record);
    current_ = nullptr;
    if (f == nullptr) {
      parts.clear();
      parts.records.push_back(record);
      return Status::ok_status();
    }
    for (Entry& d : decoders_) {
      if (d.format == f) current_ = &d;
    }
    if (current_ == nullptr) {
      parts.clear();
      return Status::error("unknown-format", "no decoder for this format");
    }
    return current_->decoder->split(record, parts);
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
  const decode::Registry& registry_;
  decode::DecoderSetup setup_;
  event::JsonReader reader_;
  std::vector<Entry> decoders_;
  Entry* current_ = nullptr;  // the decoder split() picked last; null: reader_
};

namespace {
event::FieldTable with_field(const event::FieldTable& base, const std::string& name) {
  event::FieldTable t = base;
  t.intern(name);
  return t;
}
}  // namespace

Processor::Processor(const Deployment& deployment, std::shared_ptr<const match::RuleSet> rules,
                     Enrichment& enrichment, ProcessorOptions options)
    : deployment_(deployment),
      rules_(std::move(rules)),
      enrichment_(enrichment),
      options_(std::move(options)),
      fields_(with_field(rules_->fields(), options_.tenant_field)),
      tenant_field_(*fields_.find(options_.tenant_field)),
      // The enricher before the decoders: it interns the fields it reads (vpn.assigned_ip...),
      // so decoders made after it keep them even when no rule names them.
      enricher_({&fields_, &deployment.geoip(), &enrichment.leases, &enrichment.patients}),
      matcher_(rules_) {
  if (!options_.fixed_tenant.empty()) fixed_ = deployment_.tenant(options_.fixed_tenant);
  route_records_ = options_.fixed_tenant.empty() && deployment_.has_tenants();
  const decode::Registry& registry = decode::builtin_plugins();
  auto add = [&](const TenantState* t) {
    decoders_.emplace_back(t,
                           std::make_unique<Decoders>(registry, fields_, rules_->needs_all_fields(),
                                                      options_.max_record_bytes, t->zone.get(),
                                                      options_.ehr_flat_columns));
  };
  add(fixed_ != nullptr ? fixed_ : &deployment_.unconfigured());
  if (route_records_) {
    for (const TenantState* t : deployment_.tenant_states()) add(t);
  }
}

Processor::~Processor() = default;

Processor::Decoders& Processor::decoders_of(const TenantState* tenant) {
  for (auto& [state, d] : decoders_) {
    if (state == tenant) return *d;
  }
  return *decoders_.front().second;
}

void Processor::process(std::string_view record, const RecordSource& source, Output& out,
                        const decode::Format* format) {
  // The establishment, before decoding (its zone reads local timestamps, its key pseudonymises
  // patients): the fixed one; else, when the configuration names establishments, the route of
  // the record (topic, header, syslog host); a record routed nowhere takes the tenant field of
  // its event, and is rejected if that names no configured establishment.
  const TenantState* routed = fixed_;
  Status route_error = Status::ok_status();
  if (route_records_) {
    const enrich::Origin origin{
        .topic = source.topic,
        .header_value = source.tenant_header,
        .syslog_host = ingest::syslog_hostname(record, syslog_scratch_),
    };
    Result<const TenantState*> r = deployment_.route(origin);
    if (r.ok()) {
      routed = *r;
    } else {
      route_error = r.status();
    }
  }
  // A conflict or an unknown tenant named by the transport is a wall breach: never decoded.
  if (!route_error.ok() && route_error.code() != "no-tenant") {
    out.reject(route_error.code(), route_error.message());
    return;
  }
  decode::RecordContext ctx;
  ctx.received_ms = source.received_ms;
  if (routed != nullptr) ctx.pseudonymiser = routed->pseudonymiser.get();
  Decoders& decoders = decoders_of(routed != nullptr ? routed : &deployment_.unconfigured());
  if (Status s = decoders.split(record, format != nullptr ? format : options_.format, parts_);
      !s.ok()) {
    out.reject(s.code(), s.message());  // a malformed container: one reject
    return;
  }
  skipped_ += parts_.skipped;
  // Each inner record as a record of its own: same establishment, same line.
  for (std::string_view inner : parts_.records) {
    Decoders::Decoded decoded = decoders.read(inner, ctx, event_);
    const Status& s = decoded.status;
    if (decode::is_no_event(s)) continue;  // a CSV header row, a framing line: no event by design
    if (!s.ok()) {
      out.reject(s.code(), s.message() + inner_record_where(record, inner));
      continue;
    }
    event::Event& ev = event_;
    ev.line = source.line;
    // The establishment as written: a string, or a number such as a FINESS code written bare.
    if (const event::Value* t = ev.get(tenant_field_);
        t != nullptr && (t->kind == event::Kind::kString || t->kind == event::Kind::kInt)) {
      ev.tenant = t->text;
    }
    if (!options_.fixed_tenant.empty()) {
      ev.tenant = options_.fixed_tenant;
    } else if (routed != nullptr) {
      // A record of one establishment's topic or host cannot claim another's (a wall).
      if (!ev.tenant.empty() && ev.tenant != routed->id &&
          deployment_.tenant(ev.tenant) != nullptr) {
        out.reject("tenant-conflict", "the record's " + options_.tenant_field +
                                          " names another establishment than its route");
        continue;
      }
      ev.tenant = routed->id;
    } else if (route_records_ && options_.require_tenant &&
               deployment_.tenant(ev.tenant) == nullptr) {
      // Establishments are walls: a record nothing attributes to one is not processed.
      out.reject(route_error.code(), route_error.message());
      continue;
    }
    const TenantState* tenant = deployment_.tenant(ev.tenant);
    {
      std::lock_guard<std::mutex> lock(enrichment_.mutex);
      enricher_.enrich(ev, source_of(decoded.family),
                       tenant != nullptr ? tenant->directory.get() : nullptr);
    }
    out.event(ev, decoded.family, matcher_.match(ev));
  }
}

}  // namespace vigie::pipeline
