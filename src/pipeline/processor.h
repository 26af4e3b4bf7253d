// Processor: one raw record in, its normalised events and the rules they match out. The path every
// record takes, whoever reads it (`vigie hunt` from a file, `vigie run` from Kafka):
//
//   establishment (Deployment::route: topic, header, syslog host; or fixed)
//   -> decode (the format named, else the one that sniffs the record; a container such as a FHIR
//      Bundle gives several events) -> the establishment as the event writes it, checked against
//      the route (a wall) -> enrich (identity, VPN leases, GeoIP, patient links) -> match.
//
// Correlation is the caller's: `hunt` keeps one engine, the stream processor one per partition.
//
// Bad input is data: every reject goes to Output::reject with a lower-kebab-case reason code and
// a message that says where and why, never what (records hold personal data).
//
// Threads: a Processor is used by one thread. Several Processors (one per worker thread) may
// share one Enrichment: its lease table and patient links are guarded by its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "correlate/load.h"
#include "decode/decoder.h"
#include "enrich/enricher.h"
#include "enrich/leases.h"
#include "event/event.h"
#include "event/field_table.h"
#include "ingest/syslog.h"
#include "match/rule_set.h"
#include "pipeline/deployment.h"

namespace vigie::pipeline {

// What enrichment learns from the stream and later events read: VPN leases (which session held a
// pool address when) and INS -> IPP patient links. Shared by the Processors of one process.
struct Enrichment {
  enrich::LeaseTable leases;
  enrich::PatientLinks patients;
  std::mutex mutex;  // held around each Enricher::enrich call
};

struct ProcessorOptions {
  // The format of every record; nullptr: the format that sniffs each record (any family).
  const decode::Format* format = nullptr;
  // The event field that may name the establishment (hunt on files that carry one).
  std::string tenant_field = "tenant";
  // The establishment of every record (`hunt --tenant`); its zone, key and directory apply.
  std::string fixed_tenant;
  // With configured establishments, a record its route and its tenant field attribute to none is
  // rejected with the route's reason ("no-tenant"): the stream processor. Off (`hunt`): it goes
  // on with the tenant its event names, or none.
  bool require_tenant = false;
  // The ehr vendor flat log's columns (configuration `ehr.flat_columns`); null: the defaults.
  // Outlives the Processor.
  const std::map<std::string, std::string>* ehr_flat_columns = nullptr;
  // Records longer than this are rejected as oversized by the decoders.
  std::size_t max_record_bytes = 1 << 20;
};

// Where a record came from: the transport's facts.
struct RecordSource {
  std::string_view topic;          // Kafka topic, or empty
  std::string_view tenant_header;  // the value of the configured tenant header, or empty
  std::int64_t received_ms = event::Event::kNoTime;  // reference for year-less timestamps
  std::int64_t line = 0;                             // Event::line of its events
};

class Processor {
 public:
  class Output {
   public:
    virtual ~Output() = default;
    // One record, or one inner record of a container, that gives no event. `code` is the reason.
    virtual void reject(std::string_view code, const std::string& message) = 0;
    // One event and the rules it matched (ascending rule indices; valid until the next call).
    virtual void event(const event::Event& e, decode::Family family,
                       std::span<const std::uint32_t> matched) = 0;
  };

  // Checks done by the caller: options.fixed_tenant is empty or a tenant of `deployment` (or
  // `deployment` has none). The deployment, rules and enrichment outlive the Processor.
  Processor(const pipeline::Deployment& deployment, std::shared_ptr<const match::RuleSet> rules,
            Enrichment& enrichment, ProcessorOptions options);
  ~Processor();
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  // Decodes, enriches and matches every event of `record`. `format` overrides the options' for
  // this record (a route's format; nullptr: the options').
  void process(std::string_view record, const RecordSource& source, Output& out,
               const decode::Format* format = nullptr);

  // The fields events are interned in: the rules' first (same ids), then the decoders'.
  const event::FieldTable& fields() const { return fields_; }
  // Entries of containers that hold no record of their format (not rejects, but counted).
  std::uint64_t skipped() const { return skipped_; }

 private:
  class Decoders;
  Decoders& decoders_of(const TenantState* tenant);

  const Deployment& deployment_;
  std::shared_ptr<const match::RuleSet> rules_;
  Enrichment& enrichment_;
  ProcessorOptions options_;
  event::FieldTable fields_;
  event::FieldId tenant_field_;
  enrich::Enricher enricher_;
  match::Matcher matcher_;
  const TenantState* fixed_ = nullptr;
  bool route_records_ = false;
  std::vector<std::pair<const TenantState*, std::unique_ptr<Decoders>>> decoders_;
  ingest::SyslogMessage syslog_scratch_;
  decode::Split parts_;
  event::Event event_;
  std::uint64_t skipped_ = 0;
};

// An Output from two callables: on_reject(code, message), on_event(event, family, matched).
template <class OnReject, class OnEvent>
class CallbackOutput final : public Processor::Output {
 public:
  CallbackOutput(OnReject on_reject, OnEvent on_event)
      : on_reject_(std::move(on_reject)), on_event_(std::move(on_event)) {}
  void reject(std::string_view code, const std::string& message) override {
    on_reject_(code, message);
  }
  void event(const event::Event& e, decode::Family family,
             std::span<const std::uint32_t> matched) override {
    on_event_(e, family, matched);
  }

 private:
  OnReject on_reject_;
  OnEvent on_event_;
};

template <class OnReject, class OnEvent>
CallbackOutput<OnReject, OnEvent> make_output(OnReject on_reject, OnEvent on_event) {
  return {std::move(on_reject), std::move(on_event)};
}

// For the reject of one inner record of a container (Decoder::split(): a FHIR Bundle's
// AuditEvent): " (inner record at byte offset N)", where it starts in `record`; "" when `inner` is
// `record` itself. Where, never what.
std::string inner_record_where(std::string_view record, std::string_view inner);

}  // namespace vigie::pipeline
