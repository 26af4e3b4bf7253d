// libFuzzer target for the ehr plugin's four decoders (plugins/ehr). Every input is sniffed by
// each format and decoded by each decoder, with a tenant key and without: as one record, cut at a
// byte chosen by the input, and line by line (so that a CSV header reaches the rows after it).
// Each record goes through split() then decode() of each inner record, as callers run it
// (decode/decoder.h); the fhir-auditevent decoder also gets the input wrapped in a FHIR Bundle,
// as an entry's resource and as the Bundle's entry list, so that Bundles are always exercised.
// Checks the contract, not only the absence of crashes: a reject has one of the documented codes
// and a message; split() gives views into the record (the record itself for every format but a
// FHIR Bundle, whose inner records are JSON objects), or a reject and nothing; a decoded event
// has ehr.format = its format and an event.action of the closed set; every patient.*_token is a
// well-formed pt1 token of its kind; without a key no token at all; the same record decoded
// twice gives the same event.
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
#include "enrich/pseudonym.h"
#include "ingest/zone.h"

namespace {

using vigie::decode::DecoderSetup;
using vigie::decode::Family;
using vigie::decode::RecordContext;
using vigie::enrich::IdKind;
using vigie::event::Event;
using vigie::event::FieldTable;
using vigie::event::Kind;
using vigie::event::Value;

void check(bool ok) {
  if (!ok) std::abort();
}

const std::set<std::string> kCodes = {
    "oversized",        "empty-record",  "binary-data",      "invalid-utf8",
    "truncated",        "invalid-json",  "too-deep",         "not-an-object",
    "not-auditevent",   "syslog-header", "invalid-xml",      "xml-doctype-refused",
    "not-auditmessage", "csv-no-header", "csv-column-count", "unterminated-quote",
    "hl7-malformed",    "hl7-not-adt",   "bad-time",         "unrecognised-record",
    "bundle-malformed"};
const std::set<std::string> kActions = {"patient-record-read",
                                        "patient-record-query",
                                        "patient-record-create",
                                        "patient-record-update",
                                        "patient-record-delete",
                                        "patient-record-export",
                                        "patient-record-print",
                                        "break-glass",
                                        "login",
                                        "logout",
                                        "audit-log-access",
                                        "admission",
                                        "transfer",
                                        "discharge",
                                        "admission-cancel",
                                        "transfer-cancel",
                                        "discharge-cancel",
                                        "other"};
const std::pair<std::string_view, IdKind> kTokens[] = {
    {"patient.ipp_token", IdKind::kIpp},           {"patient.nir_token", IdKind::kNir},
    {"patient.fhir_token", IdKind::kFhirPatient},  {"patient.name_token", IdKind::kName},
    {"patient.family_token", IdKind::kFamilyName}, {"patient.birth_token", IdKind::kBirthDate},
    {"patient.stay_token", IdKind::kNda}};

struct Harness {
  FieldTable fields;
  std::shared_ptr<const vigie::ingest::Zone> zone;
  std::unique_ptr<vigie::enrich::Pseudonymiser> key;
  std::vector<std::pair<std::string_view, std::unique_ptr<vigie::decode::Decoder>>> decoders;
  std::vector<const vigie::decode::Format*> formats;
  vigie::decode::Split parts;

  Harness() {
    const auto& registry = vigie::decode::builtin_plugins();
    vigie::decode::intern_all_fields(registry, fields);
    auto z = vigie::ingest::load_zone("Europe/Paris");
    zone = z.ok() ? *z : nullptr;
    unsigned char bytes[32];
    for (unsigned i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(i * 7 + 1);
    auto secret = vigie::enrich::SecretKey::from_bytes(bytes);
    check(secret.ok());
    auto p = vigie::enrich::Pseudonymiser::create("010000099", *secret);
    check(p.ok());
    key = std::move(*p);
    DecoderSetup setup;
    setup.fields = &fields;
    setup.zone = zone.get();
    setup.max_record_bytes = 8192;
    for (const auto& plugin : registry.plugins()) {
      if (plugin.family != Family::kEhr) continue;
      for (const auto& f : plugin.formats) {
        formats.push_back(&f);
        decoders.emplace_back(f.info.name, f.make(setup));
      }
    }
    check(decoders.size() == 4);
  }

  const Value* get(const Event& e, std::string_view name) const {
    auto id = fields.find(name);
    return id ? e.get(*id) : nullptr;
  }
  std::string text(const Event& e, std::string_view name) const {
    const Value* v = get(e, name);
    return v == nullptr ? "<absent>" : std::string(v->text);
  }
};

void decode(Harness& h, vigie::decode::Decoder& d, std::string_view name, std::string_view record,
            bool keyed) {
  RecordContext ctx;
  ctx.received_ms = 1773532800000;  // 2026-03-15T00:00:00Z
  ctx.pseudonymiser = keyed ? h.key.get() : nullptr;
  Event e, again;
  const vigie::Status s = d.decode(record, ctx, e);
  if (vigie::decode::is_no_event(s)) {
    check(name == "dpi-flat");
    return;
  }
  if (!s.ok()) {
    check(kCodes.count(s.code()) == 1);
    check(!s.message().empty());
    check(e.present().empty());
    return;
  }
  check(h.text(e, "ehr.format") == name);
  check(kActions.count(h.text(e, "event.action")) == 1);
  check(e.time_ms != Event::kNoTime);
  for (const auto& [field, kind] : kTokens) {
    const Value* v = h.get(e, field);
    if (v == nullptr) continue;
    check(keyed);
    check(v->kind == Kind::kString && vigie::enrich::token_kind(v->text) == kind);
  }
  if (const Value* t = h.get(e, "patient.token")) {
    const auto kind = vigie::enrich::token_kind(t->text);
    check(keyed && kind.has_value() && *kind != IdKind::kNda);  // a stay is not a patient
    check(h.get(e, "patient.token_kind") != nullptr);
  }
  std::string first, second;
  vigie::decode::append_event_json(first, e, h.fields);
  check(d.decode(record, ctx, again).ok());
  vigie::decode::append_event_json(second, again, h.fields);
  check(first == second);
}

// split(), then decode() of each inner record.
void split_and_decode(Harness& h, vigie::decode::Decoder& d, std::string_view name,
                      std::string_view record, bool keyed) {
  vigie::decode::Split& parts = h.parts;
  const vigie::Status s = d.split(record, parts);
  if (!s.ok()) {
    check(name == "fhir-auditevent");
    check(kCodes.count(s.code()) == 1);
    check(!s.message().empty());
    check(parts.records.empty() && parts.skipped == 0);
    return;
  }
  const bool itself = parts.records.size() == 1 && parts.records[0].data() == record.data() &&
                      parts.records[0].size() == record.size();
  if (name != "fhir-auditevent") check(itself && parts.skipped == 0);
  // Copied: decode() below may split nothing, but the next split() reuses h.parts.
  const std::vector<std::string_view> inner = parts.records;
  for (std::string_view r : inner) {
    check(r.data() >= record.data() && r.data() + r.size() <= record.data() + record.size());
    if (!itself) check(r.size() >= 2 && r.front() == '{' && r.back() == '}');
    decode(h, d, name, r, keyed);
  }
}

void run(Harness& h, std::string_view input) {
  for (const auto* f : h.formats) (void)f->sniff(input);
  for (auto& [name, decoder] : h.decoders) {
    for (bool keyed : {true, false}) {
      split_and_decode(h, *decoder, name, input, keyed);
      // Line by line, as `vigie decode` reads a file.
      for (std::string_view rest = input; !rest.empty();) {
        const std::size_t nl = rest.find('\n');
        split_and_decode(h, *decoder, name, rest.substr(0, nl), keyed);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      }
      if (name != "fhir-auditevent") continue;
      // The input as a Bundle entry's resource (an AuditEvent line gives one event), and as a
      // Bundle's entry list.
      std::string b = R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":)";
      b.append(input).append(R"(,"search":{"mode":"match"}},{"request":{"method":"DELETE"}}]})");
      split_and_decode(h, *decoder, name, b, keyed);
      b.assign(R"({"resourceType":"Bundle","type":"history","entry":)").append(input).append("}");
      split_and_decode(h, *decoder, name, b, keyed);
    }
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
