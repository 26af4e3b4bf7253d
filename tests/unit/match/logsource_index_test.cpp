// Tests of LogsourceIndex: classification of real Windows event shapes against the built-in map,
// value semantics (EventID as int or string, channel case, lists, null), and agreement of the
// indexed path with a plain evaluation of every entry on a map that exercises each index case.
#include "match/logsource_index.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "event/event.h"
#include "event/field_table.h"
#include "rules/logsource_map.h"

namespace vigie::match {
namespace {

using event::Event;
using event::FieldTable;
using event::Value;

// A field value as a test writes it.
struct F {
  enum class Kind { kString, kInt, kDouble, kNull, kList } kind;
  std::string name;
  std::string text;
  std::int64_t number = 0;
  std::vector<std::string> items;
};
F str(std::string name, std::string text) {
  return F{F::Kind::kString, std::move(name), std::move(text), 0, {}};
}
F num(std::string name, std::int64_t n) {
  return F{F::Kind::kInt, std::move(name), std::to_string(n), n, {}};
}
F dbl(std::string name, std::string text) {
  return F{F::Kind::kDouble, std::move(name), std::move(text), 0, {}};
}
F null(std::string name) { return F{F::Kind::kNull, std::move(name), "", 0, {}}; }
F list(std::string name, std::vector<std::string> items) {
  return F{F::Kind::kList, std::move(name), "", 0, std::move(items)};
}

// Builds events whose string views stay valid for the fixture's life.
class Classifier {
 public:
  explicit Classifier(rules::LogsourceMap map) : map_(std::move(map)), index_(map_, fields_) {}

  std::vector<std::uint32_t> ids(const std::vector<F>& fs) {
    Event& e = build(fs);
    std::vector<std::uint32_t> out;
    index_.classify(e, out);
    return out;
  }
  std::vector<std::string> names(const std::vector<F>& fs) {
    std::vector<std::string> out;
    for (std::uint32_t id : ids(fs)) out.push_back(map_.entries.at(id).name);
    return out;
  }
  Event& build(const std::vector<F>& fs) {
    for (const F& f : fs) fields_.intern(f.name);  // unknown fields: as a reader would keep them
    event_.reset(fields_.size());
    for (const F& f : fs) {
      const event::FieldId id = *fields_.find(f.name);
      switch (f.kind) {
        case F::Kind::kString:
          event_.set(id, Value::string(keep(f.text)));
          break;
        case F::Kind::kInt:
          event_.set(id, Value::integer_value(f.number, keep(f.text)));
          break;
        case F::Kind::kDouble:
          event_.set(id, Value::real_value(std::stod(f.text), keep(f.text)));
          break;
        case F::Kind::kNull:
          event_.set(id, Value::null());
          break;
        case F::Kind::kList: {
          const std::uint32_t mark = event_.list_mark();
          for (const std::string& item : f.items) {
            event_.push_list_item(Value::string(keep(item)));
          }
          event_.set(id, event_.make_list(mark));
          break;
        }
      }
    }
    return event_;
  }
  const rules::LogsourceMap& map() const { return map_; }
  const LogsourceIndex& index() const { return index_; }
  const FieldTable& fields() const { return fields_; }

 private:
  std::string_view keep(const std::string& s) { return strings_.emplace_back(s); }

  rules::LogsourceMap map_;
  FieldTable fields_;
  LogsourceIndex index_;
  Event event_;
  std::deque<std::string> strings_;
};

const char* const kSysmon = "Microsoft-Windows-Sysmon/Operational";

// ---- the built-in map on real event shapes --------------------------------------------------

struct ClassifyCase {
  const char* what;
  std::vector<F> fields;
  std::vector<std::string> expected;
};

class ClassifyBuiltin : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyBuiltin, FindsEveryHoldingEntry) {
  Classifier c(rules::builtin_logsource_map());
  EXPECT_EQ(c.names(GetParam().fields), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Windows, ClassifyBuiltin,
    ::testing::Values(
        ClassifyCase{"security_4624_logon",
                     {str("Channel", "Security"), num("EventID", 4624), str("LogonType", "3")},
                     {"windows", "windows-security"}},
        ClassifyCase{"security_4688_process_creation",
                     {str("Channel", "Security"), num("EventID", 4688),
                      str("NewProcessName", "C:\\Windows\\System32\\cmd.exe")},
                     {"windows", "windows-security", "process_creation-security"}},
        ClassifyCase{"eventid_as_numeric_string",
                     {str("Channel", "Security"), str("EventID", "4688")},
                     {"windows", "windows-security", "process_creation-security"}},
        ClassifyCase{"eventid_as_integral_double",
                     {str("Channel", "Security"), dbl("EventID", "4688.0")},
                     {"windows", "windows-security", "process_creation-security"}},
        ClassifyCase{"eventid_with_leading_zero",
                     {str("Channel", "Security"), str("EventID", "04688")},
                     {"windows", "windows-security", "process_creation-security"}},
        ClassifyCase{"eventid_not_a_number",
                     {str("Channel", "Security"), str("EventID", "4688a")},
                     {"windows", "windows-security"}},
        ClassifyCase{"channel_lower_case",
                     {str("Channel", "security"), num("EventID", 4688)},
                     {"windows", "windows-security", "process_creation-security"}},
        ClassifyCase{"channel_upper_case",
                     {str("Channel", "MICROSOFT-WINDOWS-SYSMON/OPERATIONAL"), num("EventID", 1)},
                     {"windows", "windows-sysmon", "process_creation-sysmon"}},
        ClassifyCase{"channel_with_trailing_space",
                     {str("Channel", "Security "), num("EventID", 4688)},
                     {"windows"}},
        ClassifyCase{"sysmon_1_process_creation",
                     {str("Channel", kSysmon), num("EventID", 1), str("Image", "x")},
                     {"windows", "windows-sysmon", "process_creation-sysmon"}},
        ClassifyCase{"sysmon_3_network_connection",
                     {str("Channel", kSysmon), num("EventID", 3)},
                     {"windows", "windows-sysmon", "network_connection-sysmon"}},
        ClassifyCase{"sysmon_12_create_key",
                     {str("Channel", kSysmon), num("EventID", 12), str("EventType", "CreateKey")},
                     {"windows", "windows-sysmon", "registry_event-sysmon", "registry_add-sysmon"}},
        ClassifyCase{
            "sysmon_12_delete_key",
            {str("Channel", kSysmon), num("EventID", 12), str("EventType", "DeleteKey")},
            {"windows", "windows-sysmon", "registry_event-sysmon", "registry_delete-sysmon"}},
        ClassifyCase{
            "sysmon_12_delete_value_any_case",
            {str("Channel", kSysmon), num("EventID", 12), str("EventType", "deletevalue")},
            {"windows", "windows-sysmon", "registry_event-sysmon", "registry_delete-sysmon"}},
        ClassifyCase{"sysmon_12_without_event_type",
                     {str("Channel", kSysmon), num("EventID", 12)},
                     {"windows", "windows-sysmon", "registry_event-sysmon"}},
        ClassifyCase{"sysmon_12_null_event_type",
                     {str("Channel", kSysmon), num("EventID", 12), null("EventType")},
                     {"windows", "windows-sysmon", "registry_event-sysmon"}},
        ClassifyCase{"sysmon_13_set_value",
                     {str("Channel", kSysmon), num("EventID", 13), str("EventType", "SetValue")},
                     {"windows", "windows-sysmon", "registry_event-sysmon", "registry_set-sysmon"}},
        ClassifyCase{
            "sysmon_14_rename",
            {str("Channel", kSysmon), num("EventID", 14), str("EventType", "RenameKey")},
            {"windows", "windows-sysmon", "registry_event-sysmon", "registry_rename-sysmon"}},
        ClassifyCase{
            "sysmon_24_clipboard",
            {str("Channel", kSysmon), num("EventID", 24)},
            {"windows", "windows-sysmon", "clipboard_capture-sysmon", "clipboard_change-sysmon"}},
        ClassifyCase{"sysmon_unknown_event_id",
                     {str("Channel", kSysmon), num("EventID", 999)},
                     {"windows", "windows-sysmon"}},
        ClassifyCase{
            "powershell_4104_script_block",
            {str("Channel", "Microsoft-Windows-PowerShell/Operational"), num("EventID", 4104)},
            {"windows", "windows-powershell", "ps_script-powershell"}},
        ClassifyCase{"powershell_core_4104",
                     {str("Channel", "PowerShellCore/Operational"), num("EventID", 4104)},
                     {"windows", "windows-powershell", "ps_script-powershell"}},
        ClassifyCase{
            "powershell_classic_400",
            {str("Channel", "Windows PowerShell"), num("EventID", 400)},
            {"windows", "windows-powershell-classic", "ps_classic_start-powershell-classic"}},
        ClassifyCase{"system_7045_service_install",
                     {str("Channel", "System"), num("EventID", 7045),
                      str("Provider_Name", "Service Control Manager")},
                     {"windows", "windows-system"}},
        ClassifyCase{"defender_1116_detection",
                     {str("Channel", "Microsoft-Windows-Windows Defender/Operational"),
                      num("EventID", 1116)},
                     {"windows", "windows-windefend", "antivirus-windefend"}},
        ClassifyCase{
            "applocker_second_channel",
            {str("Channel", "Microsoft-Windows-AppLocker/MSI and Script"), num("EventID", 8007)},
            {"windows", "windows-applocker"}},
        ClassifyCase{
            "unknown_channel", {str("Channel", "Contoso/Audit"), num("EventID", 1)}, {"windows"}},
        ClassifyCase{"no_channel", {num("EventID", 4688), str("Image", "x")}, {}},
        ClassifyCase{"null_channel", {null("Channel"), num("EventID", 4688)}, {}},
        ClassifyCase{"empty_event", {}, {}},
        // Lists take the plain path and must agree with it.
        ClassifyCase{"channel_as_list",
                     {list("Channel", {"Other", "Security"}), num("EventID", 4688)},
                     {"windows", "windows-security", "process_creation-security"}},
        ClassifyCase{
            "eventid_as_list",
            {str("Channel", kSysmon), list("EventID", {"12", "99"}), str("EventType", "CreateKey")},
            {"windows", "windows-sysmon", "registry_event-sysmon", "registry_add-sysmon"}}),
    [](const ::testing::TestParamInfo<ClassifyCase>& info) {
      return std::string(info.param.what);
    });

TEST(LogsourceIndex, ProcessCreationFromSecurityCarriesItsFieldMappings) {
  Classifier c(rules::builtin_logsource_map());
  const std::vector<std::uint32_t> ids = c.ids({str("Channel", "Security"), num("EventID", 4688)});
  bool found = false;
  for (std::uint32_t id : ids) {
    const rules::LogsourceEntry& e = c.map().entries[id];
    if (e.category != "process_creation") continue;
    found = true;
    EXPECT_EQ(e.name, "process_creation-security");
    ASSERT_FALSE(e.fieldmappings.empty());
    EXPECT_EQ(e.fieldmappings[0], (std::pair<std::string, std::string>("Image", "NewProcessName")));
  }
  EXPECT_TRUE(found);
}

TEST(LogsourceIndex, InternsTheFieldsItNeeds) {
  FieldTable fields;
  const std::size_t before = fields.size();
  LogsourceIndex index(rules::builtin_logsource_map(), fields);
  EXPECT_EQ(index.entry_count(), rules::builtin_logsource_map().entries.size());
  EXPECT_TRUE(fields.find("EventType").has_value());
  EXPECT_EQ(fields.find("Channel"), FieldTable::kChannel);
  EXPECT_EQ(fields.find("EventID"), FieldTable::kEventID);
  // Beyond the fixed fields: EventType (Sysmon registry events), vpn.vendor and type (FortiOS
  // log type) for the VPN gateways, and ehr.format for the EHR feeds.
  EXPECT_TRUE(fields.find("vpn.vendor").has_value());
  EXPECT_TRUE(fields.find("type").has_value());
  EXPECT_TRUE(fields.find("ehr.format").has_value());
  EXPECT_EQ(fields.size(), before + 4);
}

TEST(LogsourceIndex, AppendsWithoutClearingAndReusesCapacity) {
  Classifier c(rules::builtin_logsource_map());
  Event& e = c.build({str("Channel", kSysmon), num("EventID", 12), str("EventType", "CreateKey")});
  std::vector<std::uint32_t> out = {12345};
  out.reserve(64);
  const std::uint32_t* data = out.data();
  c.index().classify(e, out);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0], 12345u);  // kept; the appended part is sorted
  EXPECT_TRUE(std::is_sorted(out.begin() + 1, out.end()));
  for (int i = 0; i < 100; ++i) {
    out.clear();
    c.index().classify(e, out);
  }
  EXPECT_EQ(out.size(), 4u);
  EXPECT_EQ(out.data(), data);  // no reallocation once warmed up
}

TEST(LogsourceIndex, UserOverrideChangesClassification) {
  rules::LogsourceMap map = rules::builtin_logsource_map();
  rules::Diagnostics diags;
  ASSERT_TRUE(rules::load_logsource_map_text(
      "entries:\n"
      "  - {name: windows-security, product: windows, service: security,\n"
      "     when: {Channel: [Security, ForwardedEvents]}}\n"
      "  - {name: vpn-fortigate, product: fortigate, when: {Provider_Name: fortigate}}\n",
      "site.yml", map, diags))
      << diags.render_text();
  Classifier c(std::move(map));
  EXPECT_EQ(c.names({str("Channel", "ForwardedEvents"), num("EventID", 4624)}),
            (std::vector<std::string>{"windows", "windows-security"}));
  EXPECT_EQ(c.names({str("Provider_Name", "FortiGate"), str("msg", "x")}),
            (std::vector<std::string>{"vpn-fortigate"}));
}

// ---- indexed path == plain evaluation -------------------------------------------------------

// The reference: the documented semantics, evaluated entry by entry without any index.
bool reference_value(const Value& v, const std::vector<std::string>& wants, const Event& e) {
  if (v.kind == event::Kind::kList) {
    for (std::uint32_t i = 0; i < v.list_size; ++i) {
      if (reference_value(e.list_items()[v.list_begin + i], wants, e)) return true;
    }
    return false;
  }
  if (v.kind == event::Kind::kNull || v.kind == event::Kind::kAbsent) return false;
  std::optional<std::int64_t> n;
  if (v.kind == event::Kind::kInt) n = v.integer;
  if (v.kind == event::Kind::kString) n = rules::logsource::parse_decimal(v.text);
  if (v.kind == event::Kind::kDouble &&
      v.real == static_cast<double>(static_cast<std::int64_t>(v.real))) {
    n = static_cast<std::int64_t>(v.real);
  }
  for (const std::string& w : wants) {
    auto wn = rules::logsource::parse_decimal(w);
    if (wn && n) {
      if (*wn == *n) return true;
    } else if (rules::logsource::iequals_ascii(v.text, w)) {
      return true;
    }
  }
  return false;
}

std::vector<std::uint32_t> reference_classify(const rules::LogsourceMap& map,
                                              const FieldTable& fields, const Event& e) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < map.entries.size(); ++i) {
    bool all = true;
    for (const rules::LogsourceCondition& c : map.entries[i].when) {
      const auto id = fields.find(c.field);
      const Value* v = id ? e.get(*id) : nullptr;
      bool holds = false;
      if (v != nullptr && v->kind != event::Kind::kNull) {
        bool present = false;
        for (const std::string& w : c.values) present = present || w == "*";
        holds = present || reference_value(*v, c.values, e);
      }
      all = all && holds;
    }
    if (all) out.push_back(static_cast<std::uint32_t>(i));
  }
  return out;
}

TEST(LogsourceIndex, AgreesWithPlainEvaluationOnEveryIndexCase) {
  rules::LogsourceMap map;
  rules::Diagnostics diags;
  ASSERT_TRUE(rules::load_logsource_map_text(R"(entries:
  - {name: channel-present, product: p, when: {Channel: '*'}}
  - {name: channel-one, product: p, when: {Channel: A}}
  - {name: channel-two, product: p, when: {Channel: [a, B]}}
  - {name: channel-dup-folded, product: p, when: {Channel: [A, a]}}
  - {name: channel-mixed-star, product: p, when: {Channel: [A, '*']}}
  - {name: channel-numeric, product: p, when: {Channel: '7'}}
  - {name: id-only, product: p, when: {EventID: 1}}
  - {name: id-list, product: p, when: {EventID: [1, 2, 2]}}
  - {name: id-present, product: p, when: {EventID: '*'}}
  - {name: id-hex, product: p, when: {EventID: '0x1'}}
  - {name: id-mixed, product: p, when: {EventID: [1, x]}}
  - {name: a-1, product: p, when: {Channel: A, EventID: 1}}
  - {name: b-2-type, product: p, when: {Channel: B, EventID: 2, Type: [X, '3']}}
  - {name: a-any-type, product: p, when: {Channel: A, Type: '*'}}
  - {name: other-field, product: p, when: {Type: x}}
  - {name: two-channel-conditions, product: p, when: {Channel: A, EventID: [1, 2], Type: X}}
)",
                                             "grid.yml", map, diags))
      << diags.render_text();

  Classifier c(map);
  const std::vector<std::vector<F>> channel_values = {{},
                                                      {str("Channel", "A")},
                                                      {str("Channel", "a")},
                                                      {str("Channel", "b")},
                                                      {str("Channel", "C")},
                                                      {null("Channel")},
                                                      {num("Channel", 7)},
                                                      {str("Channel", "07")},
                                                      {list("Channel", {"C", "A"})}};
  const std::vector<std::vector<F>> id_values = {{},
                                                 {num("EventID", 1)},
                                                 {str("EventID", "1")},
                                                 {str("EventID", "01")},
                                                 {num("EventID", 2)},
                                                 {str("EventID", "0x1")},
                                                 {str("EventID", "X")},
                                                 {dbl("EventID", "2.0")},
                                                 {null("EventID")},
                                                 {list("EventID", {"5", "2"})}};
  const std::vector<std::vector<F>> type_values = {
      {}, {str("Type", "x")}, {num("Type", 3)}, {str("Type", "y")}, {null("Type")}};
  int checked = 0;
  for (const auto& ch : channel_values) {
    for (const auto& id : id_values) {
      for (const auto& type : type_values) {
        std::vector<F> fs = ch;
        fs.insert(fs.end(), id.begin(), id.end());
        fs.insert(fs.end(), type.begin(), type.end());
        const std::vector<std::uint32_t> got = c.ids(fs);
        const Event& e = c.build(fs);
        EXPECT_EQ(got, reference_classify(c.map(), c.fields(), e)) << "event #" << checked;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 9 * 10 * 5);
}

}  // namespace
}  // namespace vigie::match
