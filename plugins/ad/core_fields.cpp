#include "core_fields.h"

#include <array>

namespace vigie::plugins::ad {
namespace {

constexpr std::array<std::string_view, 13> kInNames = {
    "EventID",   "TargetUserName",  "TargetDomainName",  "TargetUserSid",
    "TargetSid", "SubjectUserName", "SubjectDomainName", "SubjectUserSid",
    "IpAddress", "WorkstationName", "Workstation",       "Status",
    "Computer"};

constexpr std::array<std::string_view, 8> kOutNames = {"event.action", "event.outcome", "user.name",
                                                       "user.domain",  "user.id",       "source.ip",
                                                       "source.host",  "host.name"};

enum class Who { kTarget, kSubject };
enum class Outcome { kSuccess, kFailure, kByStatus, kUnknown };

struct Mapping {
  int event_id;
  std::string_view action;
  Outcome outcome;
  Who who;
};

// Security log events the health-sector use-cases read (HEALTH.md), by EventID.
constexpr Mapping kMappings[] = {
    {4624, "logon", Outcome::kSuccess, Who::kTarget},
    {4625, "logon", Outcome::kFailure, Who::kTarget},
    {4634, "logoff", Outcome::kSuccess, Who::kTarget},
    {4647, "logoff", Outcome::kSuccess, Who::kTarget},
    {4648, "explicit-credential-logon", Outcome::kSuccess, Who::kSubject},
    {4672, "special-privileges-logon", Outcome::kSuccess, Who::kSubject},
    {4768, "kerberos-tgt-request", Outcome::kByStatus, Who::kTarget},
    {4769, "kerberos-service-ticket-request", Outcome::kByStatus, Who::kTarget},
    {4771, "kerberos-preauth", Outcome::kFailure, Who::kTarget},
    {4776, "ntlm-validation", Outcome::kByStatus, Who::kTarget},
    {4740, "account-locked-out", Outcome::kSuccess, Who::kTarget},
    {4720, "user-created", Outcome::kSuccess, Who::kSubject},
    {4722, "user-enabled", Outcome::kSuccess, Who::kSubject},
    {4723, "password-change", Outcome::kSuccess, Who::kSubject},
    {4724, "password-reset", Outcome::kSuccess, Who::kSubject},
    {4725, "user-disabled", Outcome::kSuccess, Who::kSubject},
    {4726, "user-deleted", Outcome::kSuccess, Who::kSubject},
    {4738, "user-changed", Outcome::kSuccess, Who::kSubject},
    {4728, "group-member-added", Outcome::kSuccess, Who::kSubject},
    {4732, "group-member-added", Outcome::kSuccess, Who::kSubject},
    {4756, "group-member-added", Outcome::kSuccess, Who::kSubject},
    {4729, "group-member-removed", Outcome::kSuccess, Who::kSubject},
    {4733, "group-member-removed", Outcome::kSuccess, Who::kSubject},
    {4757, "group-member-removed", Outcome::kSuccess, Who::kSubject},
    {1102, "audit-log-cleared", Outcome::kSuccess, Who::kSubject},
    {4688, "process-created", Outcome::kSuccess, Who::kTarget},  // the account it runs as
    {7045, "service-installed", Outcome::kSuccess, Who::kSubject},
    {5145, "network-share-access", Outcome::kUnknown, Who::kSubject},
    {5136, "directory-object-modified", Outcome::kSuccess, Who::kSubject},
    {4662, "directory-object-operation", Outcome::kUnknown, Who::kSubject},
};

const Mapping* mapping_of(std::int64_t id) {
  for (const Mapping& m : kMappings) {
    if (m.event_id == id) return &m;
  }
  return nullptr;
}

std::optional<std::int64_t> integer(const event::Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->kind == event::Kind::kInt) return v->integer;
  if (v->kind != event::Kind::kString || v->text.empty() || v->text.size() > 18) {
    return std::nullopt;
  }
  std::int64_t n = 0;
  for (char c : v->text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// A text value that says something: Windows writes "-" (and sometimes "") for "none".
std::string_view meaningful(const event::Value* v) {
  if (v == nullptr || v->kind == event::Kind::kNull || v->kind == event::Kind::kList) return {};
  std::string_view t = v->text;
  // "-", the NULL SID (a failed logon's TargetUserSid) and its name say "nobody".
  if (t.empty() || t == "-" || t == "NULL SID" || t == "S-1-0-0") return {};
  return t;
}

// "0x0" (any number of zeros) is success; another NTSTATUS is a failure.
std::optional<bool> status_ok(const event::Value* v) {
  std::string_view t = meaningful(v);
  if (t.empty()) return std::nullopt;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t.remove_prefix(2);
  return t.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> windows_event_fields() {
  std::vector<std::string_view> f = {"EventID",
                                     "EventID_Qualifiers",
                                     "Channel",
                                     "Provider_Name",
                                     "Provider_Guid",
                                     "Provider_EventSourceName",
                                     "Computer",
                                     "EventRecordID",
                                     "TimeCreated_SystemTime",
                                     "Level",
                                     "Task",
                                     "Opcode",
                                     "Keywords",
                                     "Version",
                                     "Correlation_ActivityID",
                                     "Correlation_RelatedActivityID",
                                     "Execution_ProcessID",
                                     "Execution_ThreadID",
                                     "Security_UserID"};
  f.insert(f.end(), kOutNames.begin(), kOutNames.end());
  return f;
}

WindowsCore::WindowsCore(event::FieldTable& fields) {
  for (std::size_t i = 0; i < kInNames.size(); ++i) in_[i] = fields.intern(kInNames[i]);
  for (std::size_t i = 0; i < kOutNames.size(); ++i) out_[i] = fields.intern(kOutNames[i]);
}

std::span<const std::string_view> WindowsCore::fields() { return kOutNames; }

void WindowsCore::apply(event::Event& e) const {
  auto set = [&](Out f, std::string_view text) {
    if (!text.empty()) e.set(out_[f], event::Value::string(text));
  };
  if (std::string_view host = meaningful(in(e, kComputer)); !host.empty()) set(kHostName, host);
  std::optional<std::int64_t> id = integer(in(e, kEventID));
  // One type whatever the collector: Winlogbeat 8 writes the EventID as a string, NXLog and
  // evtx_dump as a number.
  if (id && in(e, kEventID)->kind == event::Kind::kString) {
    e.set(in_[kEventID], event::Value::integer_value(*id, in(e, kEventID)->text));
  }
  const Mapping* m = id ? mapping_of(*id) : nullptr;
  if (m == nullptr) return;
  set(kAction, m->action);
  switch (m->outcome) {
    case Outcome::kSuccess:
      set(kOutcome, "success");
      break;
    case Outcome::kFailure:
      set(kOutcome, "failure");
      break;
    case Outcome::kByStatus:
      if (std::optional<bool> ok = status_ok(in(e, kStatus)))
        set(kOutcome, *ok ? "success" : "failure");
      break;
    case Outcome::kUnknown:
      break;
  }
  // The side the mapping names, else the other one when that side is empty (4688 before
  // Windows 10 has no target account).
  bool target = m->who == Who::kTarget;
  if (meaningful(in(e, target ? kTargetUserName : kSubjectUserName)).empty()) target = !target;
  set(kUserName, meaningful(in(e, target ? kTargetUserName : kSubjectUserName)));
  // 4740 (account locked out) writes the caller computer in TargetDomainName.
  const bool caller_in_domain = m->event_id == 4740;
  if (!caller_in_domain) {
    set(kUserDomain, meaningful(in(e, target ? kTargetDomainName : kSubjectDomainName)));
  }
  std::string_view sid = meaningful(in(e, target ? kTargetUserSid : kSubjectUserSid));
  if (sid.empty() && target) sid = meaningful(in(e, kTargetSid));
  set(kUserId, sid);
  std::string_view ip = meaningful(in(e, kIpAddress));
  if (ip.substr(0, 7) == "::ffff:" && ip.find('.') != std::string_view::npos) ip.remove_prefix(7);
  set(kSourceIp, ip);
  std::string_view ws = meaningful(in(e, kWorkstationName));
  if (ws.empty()) ws = meaningful(in(e, kWorkstation));
  if (ws.empty() && caller_in_domain) ws = meaningful(in(e, kTargetDomainName));
  set(kSourceHost, ws);
}

}  // namespace vigie::plugins::ad
