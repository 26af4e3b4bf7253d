// The common core of a Windows event (docs/schemas.md): what happened (event.action,
// event.outcome), to or by whom (user.name, user.domain, user.id), from where (source.ip,
// source.host) and on which machine (host.name), read from the Sigma fields every ad format gives.
//
// The mapping is per EventID (plugins/ad/README.md, "Common fields"): for a logon or a Kerberos
// or NTLM authentication the user is the target account; for an administrative change
// (account created, group member added, log cleared...) it is the subject who acted.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "event/event.h"
#include "event/field_table.h"

namespace vigie::plugins::ad {

// The System fields of a Windows event (as every ad format names them) followed by the common
// core fields: what each ad format declares in FormatInfo::fields, before its own.
std::vector<std::string_view> windows_event_fields();

class WindowsCore {
 public:
  // Interns the fields it reads and writes into `fields` (call before any reader is built on it).
  explicit WindowsCore(event::FieldTable& fields);

  // Sets the core fields of `e` (decoded, Sigma field names) that it can derive.
  void apply(event::Event& e) const;

  // The core field names, for FormatInfo::fields.
  static std::span<const std::string_view> fields();

 private:
  enum In {
    kEventID,
    kTargetUserName,
    kTargetDomainName,
    kTargetUserSid,
    kTargetSid,
    kSubjectUserName,
    kSubjectDomainName,
    kSubjectUserSid,
    kIpAddress,
    kWorkstationName,
    kWorkstation,
    kStatus,
    kComputer,
    kInCount
  };
  enum Out {
    kAction,
    kOutcome,
    kUserName,
    kUserDomain,
    kUserId,
    kSourceIp,
    kSourceHost,
    kHostName,
    kOutCount
  };
  const event::Value* in(const event::Event& e, In f) const { return e.get(in_[f]); }

  event::FieldId in_[kInCount];
  event::FieldId out_[kOutCount];
};

}  // namespace vigie::plugins::ad
