// atna-xml: IHE ATNA ITI-20 "Record Audit Event": an RFC 5424 syslog header (MSGID
// "IHE+RFC-3881" or "IHE") carrying a DICOM PS3.15 AuditMessage (RFC 3881 lineage), as the ANS
// traceability guide (TDE, solution 2) specifies it; the bare AuditMessage XML is read too.
// Mapping: plugins/ehr/README.md. The XML parser refuses DTDs and entities (ingest/xml.h).
#include <algorithm>
#include <array>

#include "ehr_common.h"
#include "ingest/syslog.h"
#include "ingest/xml.h"

namespace vigie::plugins::ehr {
namespace {

using enrich::IdKind;
using ingest::XmlToken;

constexpr std::size_t kMaxCodes = 8;

// A coded value: DICOM PS3.15 attributes (csd-code, originalText) or RFC 3881 ones (code,
// displayName).
struct Coded {
  std::string_view code, system, text;
};

Coded coded(const ingest::XmlReader& x) {
  Coded c;
  auto attr = [&](std::string_view a) {
    const std::string_view* v = x.attribute(a);
    return v != nullptr ? *v : std::string_view{};
  };
  c.code = attr("csd-code");
  if (c.code.empty()) c.code = attr("code");
  c.system = attr("codeSystemName");
  c.text = attr("originalText");
  if (c.text.empty()) c.text = attr("displayName");
  return c;
}

std::string_view attr(const ingest::XmlReader& x, std::string_view name) {
  const std::string_view* v = x.attribute(name);
  return v != nullptr ? trim(*v) : std::string_view{};
}

class AtnaDecoder : public EhrDecoder {
 public:
  explicit AtnaDecoder(const decode::DecoderSetup& setup)
      : EhrDecoder(setup, "atna-xml", Controls::kLineEnds), xml_(options(setup)) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx,
                       event::Event& out) override;

 private:
  static ingest::XmlOptions options(const decode::DecoderSetup& setup) {
    ingest::XmlOptions o;
    o.max_bytes = setup.max_record_bytes;
    o.max_depth = 16;
    o.max_attributes = 64;
    return o;
  }
  static std::int64_t reference_ms(const decode::RecordContext& ctx) {
    return ctx.received_ms != event::Event::kNoTime ? ctx.received_ms : 0;
  }
  Status xml_error() const;
  Status read_message(std::string_view xml, event::Event& out);
  void participant_object_end(event::Event& out);
  void query(std::string_view base64, event::Event& out);

  ingest::SyslogMessage syslog_;
  ingest::XmlReader xml_;

  // Per-record state of the walk.
  struct Object {
    std::string_view id, type, role, id_type_code, id_type_system, id_type_text;
    bool patient() const { return type == "1" && role == "1"; }
    // RFC 3881 5.5.4 ParticipantObjectIDTypeCode (DICOM PS3.15 A.5.1, codeSystemName "RFC-3881"):
    // 3 Encounter Number, 6 Account Number: the stay's number (NDA; HL7 v2 VN / AN). DICOM and
    // RFC 3881 define no other visit number type, and HL7 v2 codes (VN, AN) are not theirs.
    bool stay() const {
      return (id_type_code == "3" || id_type_code == "6") &&
             (id_type_system.empty() || iequals(id_type_system, "RFC-3881"));
    }
  };
  Object object_;
  std::string_view event_id_, event_action_, event_time_, outcome_, purpose_;
  std::array<std::string_view, kMaxCodes> type_codes_{};
  std::size_t type_code_count_ = 0;
  std::string_view object_kind_;
  std::string_view host_;  // a non-requestor participant named by machine name: the server
  bool patient_object_ = false;
  std::string decoded_;  // base64 values of ParticipantObjectDetail; wiped after use
};

Status AtnaDecoder::xml_error() const {
  using ingest::XmlError;
  const XmlError e = xml_.error();
  const std::string where = " at byte offset " + std::to_string(xml_.error_offset()) +
                            " of the XML (" + std::string(ingest::xml_error_name(e)) + ")";
  switch (e) {
    case XmlError::kDoctypeRefused:
      return Status::error(std::string(kRejectDoctype),
                           "DTD or entity declaration refused, never expanded" + where);
    case XmlError::kTruncated:
      return Status::error(std::string(kRejectTruncated), "the XML ends too early" + where);
    case XmlError::kTooDeep:
      return Status::error(std::string(kRejectTooDeep), "XML nested too deep" + where);
    case XmlError::kTooLarge:
      return Status::error(std::string(kRejectOversized), "XML longer than the limit" + where);
    case XmlError::kBadUtf8:
      return Status::error(std::string(kRejectUtf8), "XML is not UTF-8" + where);
    case XmlError::kEmpty:
      return Status::error(std::string(kRejectUnrecognised), "no XML element" + where);
    default:
      break;
  }
  return Status::error(std::string(kRejectXml), std::string(ingest::xml_error_message(e)) + where);
}

void AtnaDecoder::query(std::string_view base64, event::Event& out) {
  std::string& text = scratch();
  if (base64_decode(trim(base64), text)) put_query(out, text);
}

// The object's identifier, once its children (IDTypeCode) are known. An ID in HL7 CX form
// ("100000123^^^&1.2.250.1.999.1.1.1&ISO") is an IPP, or an INS when its assigning authority is an
// INS OID. An object whose ID type is an encounter or account number is the stay (NDA), whatever
// its type and role; otherwise it is an object like any other (its ID type in ehr.object).
void AtnaDecoder::participant_object_end(event::Event& out) {
  if (object_.stay()) {
    patient(out, IdKind::kNda, object_.id.substr(0, object_.id.find('^')));
    if (object_kind_.empty()) {
      object_kind_ = !object_.id_type_text.empty() ? object_.id_type_text : object_.id_type_code;
    }
  } else if (object_.patient()) {
    patient_object_ = true;
    const std::string_view id = trim(object_.id.substr(0, object_.id.find('^')));
    std::string_view authority;
    if (object_.id.find('^') != std::string_view::npos) {
      std::string_view cx = object_.id;
      for (int i = 0; i < 3 && cx.find('^') != std::string_view::npos; ++i) {
        cx.remove_prefix(cx.find('^') + 1);
      }
      cx = cx.substr(0, cx.find('^'));  // CX.4 assigning authority: namespace&oid&type
      if (const std::size_t amp = cx.find('&'); amp != std::string_view::npos) {
        authority = cx.substr(amp + 1);
        authority = authority.substr(0, authority.find('&'));
      }
    }
    patient(out, is_ins_system(authority) ? IdKind::kNir : IdKind::kIpp, id);
  } else if (object_kind_.empty()) {
    object_kind_ = !object_.id_type_text.empty() ? object_.id_type_text : object_.id_type_code;
  }
  object_ = Object{};
}

Status AtnaDecoder::read_message(std::string_view xml, event::Event& out) {
  xml_.reset(xml);
  object_ = Object{};
  event_id_ = event_action_ = event_time_ = outcome_ = purpose_ = object_kind_ = host_ = {};
  type_code_count_ = 0;
  patient_object_ = false;
  bool in_object = false, in_participant = false, requestor = false, have_requestor = false;
  bool have_media = false;
  std::array<std::string_view, kMaxCodes> roles{};
  std::size_t role_count = 0;
  std::string_view server;
  for (XmlToken t = xml_.next(); t != XmlToken::kEnd; t = xml_.next()) {
    if (t == XmlToken::kError) return xml_error();
    if (t == XmlToken::kEndElement) {
      const std::string_view name = ingest::xml_local_name(xml_.name());
      if (xml_.depth() == 1 && name == "ParticipantObjectIdentification") {
        participant_object_end(out);
        in_object = false;
      } else if (xml_.depth() == 1 && name == "ActiveParticipant") {
        in_participant = requestor = false;
      }
      continue;
    }
    if (t != XmlToken::kStartElement) continue;
    const std::string_view name = ingest::xml_local_name(xml_.name());
    const std::size_t depth = xml_.depth();
    if (depth == 1) {
      if (name != "AuditMessage") {
        return Status::error(std::string(kRejectNotAuditMessage),
                             "the XML root is not a DICOM AuditMessage");
      }
      continue;
    }
    if (depth == 2) {
      if (name == "EventIdentification") {
        event_action_ = attr(xml_, "EventActionCode");
        event_time_ = attr(xml_, "EventDateTime");
        outcome_ = attr(xml_, "EventOutcomeIndicator");
      } else if (name == "ActiveParticipant") {
        in_participant = true;
        requestor = iequals(attr(xml_, "UserIsRequestor"), "true") && !have_requestor;
        const std::string_view nap = attr(xml_, "NetworkAccessPointID");
        const std::string_view nap_type = attr(xml_, "NetworkAccessPointTypeCode");
        if (requestor) {
          have_requestor = true;
          put(out, kUserName, attr(xml_, "UserID"));
          put_professional_id(out, kUserId, kUserRpps, attr(xml_, "AlternativeUserID"));
          put(out, kUserFullName, attr(xml_, "UserName"));
          if (nap_type == "2" && is_ip(nap)) put(out, kSourceIp, nap);
          if (nap_type == "1") put(out, kSourceHost, nap);
        } else if (nap_type == "1" && server.empty()) {
          server = nap;
        }
      } else if (name == "AuditSourceIdentification") {
        put(out, kApplication, attr(xml_, "AuditSourceID"));
        put(out, kSite, attr(xml_, "AuditEnterpriseSiteID"));
      } else if (name == "ParticipantObjectIdentification") {
        in_object = true;
        object_.id = attr(xml_, "ParticipantObjectID");
        object_.type = attr(xml_, "ParticipantObjectTypeCode");
        object_.role = attr(xml_, "ParticipantObjectTypeCodeRole");
      } else if (xml_.skip_element() == XmlToken::kError) {
        return xml_error();
      }
      continue;
    }
    // Children of the depth-2 elements.
    if (name == "EventID") {
      event_id_ = coded(xml_).code;
    } else if (name == "EventTypeCode") {
      if (type_code_count_ < type_codes_.size()) type_codes_[type_code_count_++] = coded(xml_).code;
    } else if (name == "PurposeOfUse") {
      if (purpose_.empty()) purpose_ = coded(xml_).code;
    } else if (in_participant && name == "RoleIDCode") {
      const Coded c = coded(xml_);
      // DICOM role ids (110150-110155) say source/destination, not a profession.
      const bool dicom_role = c.system == "DCM" || starts_with(c.code, "1101");
      if (requestor && !dicom_role && role_count < roles.size()) {
        roles[role_count++] = !c.text.empty() ? c.text : c.code;
      }
    } else if (in_participant && name == "MediaIdentifier") {
      // DICOM: MediaIdentifier/MediaType; read on into it.
    } else if (in_participant && name == "MediaType" && !have_media) {
      const Coded c = coded(xml_);
      put(out, kMedia, !c.text.empty() ? c.text : c.code);
      have_media = true;
    } else if (in_object && name == "ParticipantObjectIDTypeCode") {
      const Coded c = coded(xml_);
      object_.id_type_code = c.code;
      object_.id_type_system = c.system;
      object_.id_type_text = c.text;
    } else if (in_object && name == "ParticipantObjectQuery") {
      // Base64 of the raw request: analysed for its shape, never kept.
      const std::size_t open = xml_.depth();
      for (XmlToken q = xml_.next(); !(q == XmlToken::kEndElement && xml_.depth() == open - 1);
           q = xml_.next()) {
        if (q == XmlToken::kError) return xml_error();
        if (q == XmlToken::kText && xml_.depth() == open) query(xml_.text(), out);
      }
    } else if (in_object && name == "ParticipantObjectDetail") {
      const std::string_view type = attr(xml_, "type");
      const std::string_view value = attr(xml_, "value");
      if (object_.patient() && starts_with(type, "INS") && base64_decode(value, decoded_)) {
        patient(out, IdKind::kNir, decoded_);  // INS-NIR, INS-NIA, INS-NIR-TEST...
      } else if ((iequals(type, "documentCount") || iequals(type, "document_count")) &&
                 base64_decode(value, decoded_)) {
        if (std::optional<std::int64_t> n = parse_uint(trim(decoded_))) {
          put_int(out, kDocumentCount, *n);
        }
      } else if ((ifind(type, "bris_de_glace") != std::string_view::npos ||
                  ifind(type, "justification") != std::string_view::npos) &&
                 base64_decode(value, decoded_)) {
        put_justification(out, decoded_);
      }
      std::fill(decoded_.begin(), decoded_.end(), '\0');
      decoded_.clear();
    } else if (xml_.skip_element() == XmlToken::kError) {
      // ParticipantObjectName, ParticipantObjectDescription and anything unknown: free text
      // that may name the patient, skipped unread (still checked for well-formedness).
      return xml_error();
    }
  }
  put_list(out, kUserRoles, std::span(roles.data(), role_count));
  host_ = server;
  if (object_kind_.empty() && patient_object_) object_kind_ = "Patient";
  put(out, kObject, object_kind_);
  return Status::ok_status();
}

Status AtnaDecoder::decode_record(std::string_view record, const decode::RecordContext& ctx,
                                  event::Event& out) {
  std::string_view xml = trim_front(record);
  std::string_view host;
  std::optional<std::int64_t> header_time;
  if (xml.size() > 1 && xml.front() == '<' && xml[1] >= '0' && xml[1] <= '9') {
    const ingest::SyslogError e =
        ingest::parse_rfc5424(xml, ingest::SyslogTimeContext{&zone(), reference_ms(ctx)}, syslog_);
    if (e != ingest::SyslogError::kOk) {
      return Status::error(std::string(kRejectSyslog), std::string(ingest::syslog_error_name(e)) +
                                                           " at byte offset " +
                                                           std::to_string(syslog_.error_at));
    }
    host = syslog_.hostname;
    if (syslog_.has_time()) header_time = syslog_.time_ms;
    xml = trim_front(syslog_.msg);
    if (xml.empty() || xml.front() != '<') {
      return Status::error(std::string(kRejectUnrecognised),
                           "the syslog message is not an XML AuditMessage");
    }
  }
  VIGIE_RETURN_IF_ERROR(read_message(xml, out));

  // Time: EventDateTime (when it happened), else the syslog TIMESTAMP (when it was sent).
  if (!event_time_.empty()) {
    const std::optional<std::int64_t> ms = local_time(event_time_);
    if (!ms) return Status::error(std::string(kRejectTime), "EventDateTime is not a time");
    out.time_ms = *ms;
  } else if (header_time) {
    out.time_ms = *header_time;
  } else {
    return Status::error(std::string(kRejectTime), "no EventDateTime and no syslog timestamp");
  }
  put(out, kHostName, !host.empty() ? host : host_);

  const Action a =
      dicom_action(event_id_, std::span(type_codes_.data(), type_code_count_), event_action_)
          .value_or(Action::kOther);
  // The most specific code: the first DICOM event type code, else the event id.
  std::string_view code = event_id_;
  for (std::size_t i = 0; i < type_code_count_; ++i) {
    if (starts_with(type_codes_[i], "1101")) {
      code = type_codes_[i];
      break;
    }
  }
  put(out, kEventCode, code);
  put_action(out, a);
  put(out, kOutcome,
      outcome_ == "0"                                          ? "success"
      : outcome_ == "4" || outcome_ == "8" || outcome_ == "12" ? "failure"
                                                               : "unknown");
  put(out, kPurpose, purpose_);
  return Status::ok_status();
}

}  // namespace

std::unique_ptr<decode::Decoder> make_atna(const decode::DecoderSetup& setup) {
  return std::make_unique<AtnaDecoder>(setup);
}

}  // namespace vigie::plugins::ehr
