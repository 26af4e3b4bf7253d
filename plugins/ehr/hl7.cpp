// hl7v2-adt: HL7 v2.5 ADT messages of the patient administrative manager (GAM), IHE PAM national
// extension France: admissions, transfers and discharges, which give the care relationship
// patient <-> unit <-> period. Mapping and framing: plugins/ehr/README.md.
//
// Message grammar read (HL7 v2.5 chapter 2, ER7 encoding):
//
//   message   = msh *( seg-end segment ) [ seg-end ]
//   seg-end   = 1*( CR | LF )                 ; CR per the standard; LF and CRLF from files
//   msh       = "MSH" fsep enc *( fsep field )  ; fsep: any printable non-alphanumeric byte
//   enc       = comp rep esc sub [ trunc ]    ; four distinct separators (v2.7 adds truncation)
//   segment   = seg-id *( fsep field )        ; seg-id = 3 ( UPPER | DIGIT )
//   field     = repetition *( rep repetition )
//   repetition= component *( comp component )
//   component = subcomp *( sub subcomp )
//   escape    = esc ( "F" | "S" | "T" | "R" | "E" | "X" hexdigits | "H" | "N" | "." word ) esc
//
// An MLLP block's start byte (0x0B) and end byte (0x1C) around the message are removed.
#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "ehr_common.h"

namespace vigie::plugins::ehr {
namespace {

using enrich::IdKind;

constexpr std::size_t kMaxSegments = 256;

struct Separators {
  char field = '|', component = '^', repetition = '~', escape = '\\', subcomponent = '&';
};

// Part `n` (1-based) of `s` cut at `sep`, or "".
std::string_view part(std::string_view s, char sep, std::size_t n) {
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t at = s.find(sep);
    if (at == std::string_view::npos) return {};
    s.remove_prefix(at + 1);
  }
  return s.substr(0, s.find(sep));
}

// A segment: its id and its fields (SEG-n is fields[n]; for MSH, MSH-n is fields[n - 1] since
// MSH-1 is the separator itself).
struct Segment {
  std::string_view id;
  std::string_view text;    // the whole segment
  std::uint32_t first = 0;  // its parts cut at the field separator: fields_[first, first + count)
  std::uint32_t count = 0;
};

class Hl7Decoder : public EhrDecoder {
 public:
  explicit Hl7Decoder(const decode::DecoderSetup& setup)
      : EhrDecoder(setup, "hl7v2-adt", Controls::kHl7) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx,
                       event::Event& out) override;

 private:
  Status cut_segments(std::string_view record);  // not Decoder::split(): one message, into segments
  const Segment* segment(std::string_view id) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (segments_[i].id == id) return &segments_[i];
    }
    return nullptr;
  }
  // SEG-n as written (escapes kept), or "".
  std::string_view field(const Segment* s, std::size_t n) const {
    if (s == nullptr || n == 0) return {};
    if (s->id == "MSH" && n == 1) return s->text.substr(3, 1);
    const std::size_t i = s->id == "MSH" ? n - 1 : n;  // parts[0] is the segment id
    return i < s->count ? fields_[s->first + i] : std::string_view{};
  }
  // Repetition r, component c, subcomponent sc (1-based) of a field, escapes kept.
  std::string_view comp(std::string_view field, std::size_t c, std::size_t r = 1) const {
    return part(part(field, sep_.repetition, r), sep_.component, c);
  }
  std::string_view sub(std::string_view component, std::size_t sc) const {
    return part(component, sep_.subcomponent, sc);
  }
  // The text of a value with its escape sequences decoded (into scratch(), which is reserved so
  // that earlier views stay valid); the value itself when it holds none.
  std::string_view text(std::string_view v);
  std::optional<std::int64_t> time(std::string_view dtm) const;

  std::array<Segment, kMaxSegments> segments_{};
  std::size_t count_ = 0;
  std::vector<std::string_view> fields_;  // every segment's parts, kept warm
  Separators sep_;
};

Status Hl7Decoder::cut_segments(std::string_view record) {
  count_ = 0;
  fields_.clear();
  std::size_t i = 0;
  while (i < record.size()) {
    // The segment's end: CR, LF (a loop, not find_first_of, which calls memchr per byte).
    std::size_t end = i;
    while (end < record.size() && record[end] != '\r' && record[end] != '\n') ++end;
    if (end == record.size()) end = std::string_view::npos;
    const std::string_view seg = record.substr(i, end == std::string_view::npos ? end : end - i);
    if (!seg.empty()) {
      if (count_ == kMaxSegments) {
        return Status::error(std::string(kRejectOversized),
                             "more than " + std::to_string(kMaxSegments) + " segments");
      }
      const bool id_ok = seg.size() >= 3 && std::all_of(seg.begin(), seg.begin() + 3, [](char c) {
                           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                         });
      if (!id_ok || (seg.size() > 3 && seg[3] != sep_.field)) {
        return Status::error(std::string(kRejectHl7),
                             "not a segment (3-character id and field separator) at byte offset " +
                                 std::to_string(i));
      }
      if (count_ > 0 && seg.substr(0, 3) == "MSH") {
        return Status::error(
            std::string(kRejectHl7),
            "a second message (MSH) in the record at byte offset " + std::to_string(i));
      }
      Segment& g = segments_[count_++];
      g = Segment{seg.substr(0, 3), seg, static_cast<std::uint32_t>(fields_.size()), 0};
      for (std::string_view rest = seg;;) {
        const std::size_t cut = rest.find(sep_.field);
        fields_.push_back(rest.substr(0, cut));
        ++g.count;
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
      }
    }
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return Status::ok_status();
}

std::string_view Hl7Decoder::text(std::string_view v) {
  if (v.find(sep_.escape) == std::string_view::npos) return v;
  std::string& buf = scratch();
  const std::size_t from = buf.size();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != sep_.escape) {
      buf.push_back(v[i]);
      continue;
    }
    const std::size_t close = v.find(sep_.escape, i + 1);
    if (close == std::string_view::npos) {  // a lone escape character: kept as written
      buf.append(v.substr(i));
      break;
    }
    const std::string_view seq = v.substr(i + 1, close - i - 1);
    if (seq == "F") {
      buf.push_back(sep_.field);
    } else if (seq == "S") {
      buf.push_back(sep_.component);
    } else if (seq == "T") {
      buf.push_back(sep_.subcomponent);
    } else if (seq == "R") {
      buf.push_back(sep_.repetition);
    } else if (seq == "E") {
      buf.push_back(sep_.escape);
    } else if (!seq.empty() && seq.front() == 'X' && seq.size() % 2 == 1) {
      // Hexadecimal data: kept only when it decodes to printable ASCII.
      for (std::size_t k = 1; k + 1 < seq.size(); k += 2) {
        unsigned int b = 0;
        const auto r = std::from_chars(seq.data() + k, seq.data() + k + 2, b, 16);
        if (r.ec == std::errc() && b >= 0x20 && b < 0x7f) buf.push_back(static_cast<char>(b));
      }
    }
    // \H\ \N\ (highlighting), \.br\ and other formatting commands carry no text.
    i = close;
  }
  return std::string_view(buf).substr(from);
}

// HL7 DTM: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]; without offset a local time.
std::optional<std::int64_t> Hl7Decoder::time(std::string_view dtm) const {
  dtm = trim(dtm);
  std::size_t digits = 0;
  while (digits < dtm.size() && dtm[digits] >= '0' && dtm[digits] <= '9') ++digits;
  if (digits < 4 || digits > 14 || digits % 2 != 0) return std::nullopt;
  std::string_view rest = dtm.substr(digits);
  std::string_view fraction;
  if (!rest.empty() && rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 1 || digits != 14) return std::nullopt;
    fraction = rest.substr(1, n - 1);
    rest = rest.substr(n);
  }
  std::string_view offset;
  if (!rest.empty()) {
    if ((rest.front() != '+' && rest.front() != '-') || rest.size() != 5 ||
        !parse_uint(rest.substr(1))) {
      return std::nullopt;
    }
    offset = rest;
  }
  // Rewritten as ISO 8601 for the shared parser: "YYYY-MM-DDTHH:MM:SS.fff+HH:MM".
  char iso[40];
  auto two = [&](std::size_t at, const char* dflt) {
    return at + 2 <= digits ? dtm.substr(at, 2) : std::string_view(dflt, 2);
  };
  std::size_t n = 0;
  auto put = [&](std::string_view s) {
    for (char c : s) {
      if (n < sizeof iso) iso[n++] = c;
    }
  };
  put(dtm.substr(0, 4));
  put("-");
  put(two(4, "01"));
  put("-");
  put(two(6, "01"));
  put("T");
  put(two(8, "00"));
  put(":");
  put(two(10, "00"));
  put(":");
  put(two(12, "00"));
  if (!fraction.empty()) {
    put(".");
    put(fraction.substr(0, 3));
  }
  if (!offset.empty()) {
    put(offset.substr(0, 3));
    put(":");
    put(offset.substr(3, 2));
  }
  return ingest::parse_local_timestamp_ms(std::string_view(iso, n), zone());
}

Status Hl7Decoder::decode_record(std::string_view record, const decode::RecordContext&,
                                 event::Event& out) {
  record = trim_front(record);
  if (record.size() < 4 || record.substr(0, 3) != "MSH") {
    return Status::error(std::string(kRejectUnrecognised), "the record does not start with MSH");
  }
  // MSH-1 and MSH-2: the separators, from the message itself.
  sep_ = Separators{};
  sep_.field = record[3];
  const std::size_t enc_end = record.find(sep_.field, 4);
  const std::string_view enc =
      record.substr(4, enc_end == std::string_view::npos ? std::string_view::npos : enc_end - 4);
  auto printable_symbol = [](char c) {
    return c > 0x20 && c < 0x7f && !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') &&
           !(c >= 'a' && c <= 'z');
  };
  auto bad_sep = [&](char c) { return !printable_symbol(c) || c == sep_.field; };
  if (!printable_symbol(sep_.field) || enc_end == std::string_view::npos || enc.size() < 4 ||
      enc.size() > 5) {
    return Status::error(std::string(kRejectHl7), "MSH-1/MSH-2 separators unreadable");
  }
  sep_.component = enc[0];
  sep_.repetition = enc[1];
  sep_.escape = enc[2];
  sep_.subcomponent = enc[3];
  for (std::size_t i = 0; i < 4; ++i) {
    if (bad_sep(enc[i]) || enc.substr(i + 1).find(enc[i]) != std::string_view::npos) {
      return Status::error(std::string(kRejectHl7), "MSH-2 encoding characters not distinct");
    }
  }
  scratch().reserve(record.size());  // views into it must survive later appends
  VIGIE_RETURN_IF_ERROR(cut_segments(record));
  const Segment* msh = &segments_[0];
  const std::string_view type = field(msh, 9);
  if (type.empty()) {
    return Status::error(std::string(kRejectTruncated), "the message ends before MSH-9");
  }
  if (comp(type, 1) != "ADT") {
    return Status::error(std::string(kRejectNotAdt), "MSH-9 is not an ADT message");
  }
  const Segment* evn = segment("EVN");
  const Segment* pid = segment("PID");
  const Segment* pv1 = segment("PV1");
  const Segment* zbe = segment("ZBE");
  std::string_view trigger = comp(type, 2);
  if (trigger.empty()) trigger = field(evn, 1);

  // Event time: when it happened (EVN-6), else recorded (EVN-2), else the message time (MSH-7).
  std::optional<std::int64_t> when;
  for (std::string_view t :
       {comp(field(evn, 6), 1), comp(field(evn, 2), 1), comp(field(msh, 7), 1)}) {
    if (t.empty()) continue;
    when = time(t);
    if (!when) return Status::error(std::string(kRejectTime), "EVN/MSH time is not an HL7 DTM");
    break;
  }
  if (!when) return Status::error(std::string(kRejectTime), "no EVN-6, EVN-2 or MSH-7 time");
  out.time_ms = *when;

  static constexpr std::pair<std::string_view, Action> kTriggers[] = {
      {"A01", Action::kAdmission},       {"A04", Action::kAdmission},
      {"A02", Action::kTransfer},        {"A03", Action::kDischarge},
      {"A11", Action::kAdmissionCancel}, {"A12", Action::kTransferCancel},
      {"A13", Action::kDischargeCancel}};
  Action action = Action::kOther;
  for (const auto& [t, a] : kTriggers) {
    if (trigger == t) action = a;
  }
  put(out, kEventCode, trigger);
  put_action(out, action);
  put(out, kOutcome, "success");
  put(out, kApplication, text(comp(field(msh, 3), 1)));
  put(out, kSite, text(comp(field(msh, 4), 1)));
  put(out, kUserName, text(comp(field(evn, 5), 1)));  // the operator, when the GAM says

  // PID-3: the IPP (type PI) and the INS (type INS / NH, or an INS OID as assigning authority).
  std::string_view ids = field(pid, 3);
  for (int r = 0; r < 16 && !ids.empty(); ++r) {
    const std::size_t cut = ids.find(sep_.repetition);
    const std::string_view rep = ids.substr(0, cut);
    ids = cut == std::string_view::npos ? std::string_view{} : ids.substr(cut + 1);
    const std::string_view id = text(part(rep, sep_.component, 1));
    const std::string_view id_type = part(rep, sep_.component, 5);
    const std::string_view authority_oid = sub(part(rep, sep_.component, 4), 2);
    if (id_type == "PI") {
      patient(out, IdKind::kIpp, id);
    } else if (is_ins_system(authority_oid) ||
               (authority_oid.empty() &&
                (id_type == "INS" || id_type == "INS-NIR" || id_type == "INS-NIA"))) {
      patient(out, IdKind::kNir, id);
    }
  }
  // PID-5: the birth name (type L) else the first; family alone and with the given name.
  const std::string_view names = field(pid, 5);
  std::size_t chosen = 1;
  for (std::size_t r = 1; r <= 8 && !part(names, sep_.repetition, r).empty(); ++r) {
    if (comp(names, 7, r) == "L") {
      chosen = r;
      break;
    }
  }
  const std::string_view family = text(sub(comp(names, 1, chosen), 1));
  const std::string_view given = text(comp(names, 2, chosen));
  if (!family.empty()) {
    patient(out, IdKind::kFamilyName, family);
    std::string& buf = scratch();
    const std::size_t from = buf.size();
    buf.append(family);
    if (!given.empty()) buf.append(" ").append(given);
    patient(out, IdKind::kName, std::string_view(buf).substr(from));
  }
  patient(out, IdKind::kBirthDate, comp(field(pid, 7), 1));
  // PID-32: identity reliability (VALI for a qualified INS); a status, not an identity.
  put(out, kIdentityStatus, comp(field(pid, 32), 1));
  // The stay number (NDA): PID-18 Patient Account Number (CX type AN), else PV1-19 Visit Number
  // (type VN); IHE PAM France carries the same NDA in both. Only the first component, the id.
  std::string_view stay = trim(text(comp(field(pid, 18), 1)));
  if (stay.empty()) stay = text(comp(field(pv1, 19), 1));
  patient(out, IdKind::kNda, stay);
  // Every other PID field (addresses, phones, mother's name) is never read.

  // The movement: ZBE (PAM-FR) when present, else PV1.
  auto uf = [&](std::string_view xon) {
    std::string_view code = comp(xon, 10);
    if (code.empty()) code = comp(xon, 3);
    return text(code);
  };
  std::string_view unit = uf(field(zbe, 7));
  if (unit.empty()) unit = text(comp(field(pv1, 3), 1));
  put(out, kCareUnit, unit);
  put(out, kPatientUnit, unit);
  put(out, kCareNursingUnit, uf(field(zbe, 8)));
  put(out, kCareMovementId, text(comp(field(zbe, 1), 1)));
  put(out, kCareMovement, comp(field(zbe, 4), 1));
  put(out, kCareNature, comp(field(zbe, 9), 1));
  put(out, kCarePatientClass, comp(field(pv1, 2), 1));
  if (action == Action::kTransfer) put(out, kCarePriorUnit, text(comp(field(pv1, 6), 1)));
  const std::string_view attending = field(pv1, 7);
  put_professional_id(out, kCareAttendingId, kCareAttendingRpps, text(comp(attending, 1)));

  // The period: a movement starts at ZBE-2; a discharge ends the stay that PV1-44 started.
  auto at = [&](std::string_view dtm) -> std::optional<std::int64_t> {
    dtm = comp(dtm, 1);
    return dtm.empty() ? std::nullopt : time(dtm);
  };
  const std::optional<std::int64_t> movement = at(field(zbe, 2));
  const std::optional<std::int64_t> admit = at(field(pv1, 44));
  const std::optional<std::int64_t> discharge = at(field(pv1, 45));
  if (action == Action::kDischarge) {
    if (admit) put_time(out, kCareStart, *admit);
    put_time(out, kCareEnd, movement ? *movement : discharge ? *discharge : *when);
  } else if (action == Action::kAdmission || action == Action::kTransfer) {
    put_time(out, kCareStart,
             movement                                  ? *movement
             : (action == Action::kAdmission && admit) ? *admit
                                                       : *when);
  }
  return Status::ok_status();
}

}  // namespace

std::unique_ptr<decode::Decoder> make_hl7(const decode::DecoderSetup& setup) {
  return std::make_unique<Hl7Decoder>(setup);
}

}  // namespace vigie::plugins::ehr
