// One case per Sigma modifier and condition form, with the hard cases of SIGMA.md: each case is a
// detection, a flat JSON event and whether the rule must match.
#include <gtest/gtest.h>

#include "test_support.h"

namespace vigie {
namespace {

struct Case {
  const char* name;
  const char* detection;  // YAML, indented by two spaces under `detection:`
  const char* event;      // flat JSON
  bool expect;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

class ModifierTest : public ::testing::TestWithParam<Case> {};

TEST_P(ModifierTest, Matches) {
  const Case& c = GetParam();
  match::CompileOptions options;
  options.placeholders["dcs"] = {"DC1", "dc-*"};
  auto compiled = testing::compile_yaml(testing::rule_with_detection(c.detection), options);
  ASSERT_EQ(compiled.diags.errors(), 0u) << compiled.diags.render_text();
  ASSERT_EQ(compiled.rules->size(), 1u);
  auto hits = testing::run(compiled.rules, c.event, event::InputFormat::kFlat);
  EXPECT_EQ(!hits.empty(), c.expect) << "detection:\n" << c.detection << "event: " << c.event;
}

const Case kCases[] = {
    // --- equality, case folding, wildcards, escapes --------------------------------------------
    {"equal_case_insensitive",
     "  sel:\n    Image: 'C:\\Windows\\System32\\cmd.exe'\n  condition: sel\n",
     R"({"Image": "c:\\windows\\system32\\CMD.EXE"})", true},
    {"equal_is_whole_value", "  sel:\n    Image: 'cmd.exe'\n  condition: sel\n",
     R"({"Image": "C:\\cmd.exe"})", false},
    {"cased_rejects_other_case", "  sel:\n    Image|cased: 'CMD.exe'\n  condition: sel\n",
     R"({"Image": "cmd.exe"})", false},
    {"cased_accepts_same_case", "  sel:\n    Image|cased: 'CMD.exe'\n  condition: sel\n",
     R"({"Image": "CMD.exe"})", true},
    {"non_ascii_folding_latin", "  sel:\n    User: 'ÉLODIE MÜLLER'\n  condition: sel\n",
     R"({"User": "élodie müller"})", true},
    {"non_ascii_folding_cyrillic", "  sel:\n    User|contains: 'ДМИТ'\n  condition: sel\n",
     R"({"User": "дмитрий"})", true},
    {"non_ascii_folding_greek", "  sel:\n    User|endswith: 'ΣΩ'\n  condition: sel\n",
     R"({"User": "ισω"})", true},
    {"star_in_middle", "  sel:\n    CommandLine: 'net * user'\n  condition: sel\n",
     R"({"CommandLine": "NET localgroup user"})", true},
    {"star_may_be_empty", "  sel:\n    CommandLine: 'ab*c'\n  condition: sel\n",
     R"({"CommandLine": "abc"})", true},
    {"star_spans_newlines", "  sel:\n    CommandLine: 'a*c'\n  condition: sel\n",
     R"({"CommandLine": "a\nb\nc"})", true},
    {"question_is_one_char", "  sel:\n    CommandLine: 'a?c'\n  condition: sel\n",
     R"({"CommandLine": "ac"})", false},
    {"question_is_one_codepoint", "  sel:\n    CommandLine: 'a?c'\n  condition: sel\n",
     R"({"CommandLine": "aéc"})", true},
    {"question_in_contains", "  sel:\n    CommandLine|contains: 'who?mi'\n  condition: sel\n",
     R"({"CommandLine": "cmd /c whoami /all"})", true},
    {"escaped_star_is_literal", "  sel:\n    Path: 'a\\*b'\n  condition: sel\n",
     R"({"Path": "a*b"})", true},
    {"escaped_star_not_wildcard", "  sel:\n    Path: 'a\\*b'\n  condition: sel\n",
     R"({"Path": "axb"})", false},
    {"escaped_backslash_then_wildcard", "  sel:\n    Path: 'C:\\\\*'\n  condition: sel\n",
     R"({"Path": "C:\\Users\\x"})", true},
    {"escaped_backslash_needs_backslash", "  sel:\n    Path: 'C:\\\\*'\n  condition: sel\n",
     R"({"Path": "C:Users"})", false},
    {"backslash_before_other_is_literal",
     "  sel:\n    Path: 'C:\\Windows\\Temp'\n  condition: sel\n",
     R"({"Path": "c:\\windows\\temp"})", true},
    {"escaped_question_is_literal", "  sel:\n    Q: 'why\\?'\n  condition: sel\n",
     R"({"Q": "whyX"})", false},
    {"leading_space_significant", "  sel:\n    CommandLine|contains: ' /c '\n  condition: sel\n",
     R"({"CommandLine": "cmd/c dir"})", false},
    {"trailing_space_significant", "  sel:\n    Name: 'abc '\n  condition: sel\n",
     R"({"Name": "abc"})", false},
    // --- contains / startswith / endswith / all --------------------------------------------------
    {"contains", "  sel:\n    CommandLine|contains: 'WHOAMI'\n  condition: sel\n",
     R"({"CommandLine": "cmd.exe /c whoami /all"})", true},
    {"startswith_true", "  sel:\n    CommandLine|startswith: 'cmd'\n  condition: sel\n",
     R"({"CommandLine": "cmd.exe /c x"})", true},
    {"startswith_false", "  sel:\n    CommandLine|startswith: 'exe'\n  condition: sel\n",
     R"({"CommandLine": "cmd.exe /c x"})", false},
    {"endswith_true", "  sel:\n    Image|endswith: '\\whoami.exe'\n  condition: sel\n",
     R"({"Image": "C:\\Windows\\System32\\whoami.exe"})", true},
    {"endswith_false", "  sel:\n    Image|endswith: '\\whoami'\n  condition: sel\n",
     R"({"Image": "C:\\Windows\\System32\\whoami.exe"})", false},
    {"list_values_are_ored",
     "  sel:\n    Image|endswith:\n      - '\\a.exe'\n      - '\\b.exe'\n  condition: sel\n",
     R"({"Image": "C:\\b.exe"})", true},
    {"all_requires_every_value",
     "  sel:\n    CommandLine|contains|all:\n      - foo\n      - bar\n  condition: sel\n",
     R"({"CommandLine": "foo only"})", false},
    {"all_accepts_every_value",
     "  sel:\n    CommandLine|contains|all:\n      - foo\n      - bar\n  condition: sel\n",
     R"({"CommandLine": "bar then foo"})", true},
    {"contains_with_star_inside",
     "  sel:\n    CommandLine|contains: 'comsvcs*minidump'\n  condition: sel\n",
     R"({"CommandLine": "rundll32 C:\\windows\\system32\\comsvcs.dll, MiniDump 624 x full"})",
     true},
    {"startswith_on_number", "  sel:\n    EventID|startswith: '46'\n  condition: sel\n",
     R"({"EventID": 4624})", true},
    {"event_list_any_element", "  sel:\n    Tags: beta\n  condition: sel\n",
     R"({"Tags": ["alpha", "BETA"]})", true},
    // --- numbers, null, empty, exists
    // --------------------------------------------------------------
    {"int_rule_matches_numeric_string", "  sel:\n    EventID: 4624\n  condition: sel\n",
     R"({"EventID": "4624"})", true},
    {"string_rule_matches_number", "  sel:\n    LogonType: '3'\n  condition: sel\n",
     R"({"LogonType": 3})", true},
    {"numeric_by_value", "  sel:\n    LogonType: '03'\n  condition: sel\n", R"({"LogonType": 3})",
     true},
    {"number_mismatch", "  sel:\n    EventID: 4624\n  condition: sel\n", R"({"EventID": 4625})",
     false},
    {"hex_compares_as_written", "  sel:\n    Status: '0xC000006A'\n  condition: sel\n",
     R"({"Status": "0xc000006a"})", true},
    {"hex_is_not_decimal", "  sel:\n    Type: '0x17'\n  condition: sel\n", R"({"Type": 23})",
     false},
    {"null_matches_absent", "  sel:\n    Field: null\n  condition: sel\n", R"({"Other": 1})", true},
    {"null_matches_json_null", "  sel:\n    Field: null\n  condition: sel\n", R"({"Field": null})",
     true},
    {"null_rejects_empty", "  sel:\n    Field: null\n  condition: sel\n", R"({"Field": ""})",
     false},
    {"empty_matches_empty", "  sel:\n    Field: ''\n  condition: sel\n", R"({"Field": ""})", true},
    {"empty_rejects_absent", "  sel:\n    Field: ''\n  condition: sel\n", R"({"Other": ""})",
     false},
    {"exists_true", "  sel:\n    Field|exists: true\n  condition: sel\n", R"({"Field": ""})", true},
    {"exists_true_absent", "  sel:\n    Field|exists: true\n  condition: sel\n", R"({"F": 1})",
     false},
    {"exists_false", "  sel:\n    Field|exists: false\n  condition: sel\n", R"({"F": 1})", true},
    {"bool_value", "  sel:\n    Enabled: true\n  condition: sel\n", R"({"Enabled": true})", true},
    {"bool_value_string", "  sel:\n    Enabled: true\n  condition: sel\n", R"({"Enabled": "True"})",
     true},
    {"missing_field_is_false", "  sel:\n    Absent: x\n  condition: sel\n", R"({"Other": "x"})",
     false},
    {"not_of_missing_field_is_true", "  sel:\n    Absent: x\n  condition: not sel\n",
     R"({"Other": "x"})", true},
    {"neq_different", "  sel:\n    User|neq: admin\n  condition: sel\n", R"({"User": "bob"})",
     true},
    {"neq_same_other_case", "  sel:\n    User|neq: admin\n  condition: sel\n",
     R"({"User": "ADMIN"})", false},
    {"neq_list_is_none_of", "  sel:\n    User|neq:\n      - a\n      - b\n  condition: sel\n",
     R"({"User": "b"})", false},
    {"neq_absent_is_true", "  sel:\n    User|neq: admin\n  condition: sel\n", R"({"Other": 1})",
     true},
    {"gt_number", "  sel:\n    Count|gt: 10\n  condition: sel\n", R"({"Count": 11})", true},
    {"gt_numeric_string", "  sel:\n    Count|gt: 10\n  condition: sel\n", R"({"Count": "11"})",
     true},
    {"gt_equal_is_false", "  sel:\n    Count|gt: 10\n  condition: sel\n", R"({"Count": 10})",
     false},
    {"gte_equal", "  sel:\n    Count|gte: 10\n  condition: sel\n", R"({"Count": 10})", true},
    {"lt_float", "  sel:\n    Ratio|lt: 0.5\n  condition: sel\n", R"({"Ratio": 0.25})", true},
    {"lte_non_numeric_event", "  sel:\n    Count|lte: 10\n  condition: sel\n",
     R"({"Count": "ten"})", false},
    // --- cidr
    // ---------------------------------------------------------------------------------------
    {"cidr_v4_in", "  sel:\n    IpAddress|cidr: '10.0.0.0/8'\n  condition: sel\n",
     R"({"IpAddress": "10.212.134.7"})", true},
    {"cidr_v4_out", "  sel:\n    IpAddress|cidr: '10.0.0.0/8'\n  condition: sel\n",
     R"({"IpAddress": "11.0.0.1"})", false},
    {"cidr_v6_in", "  sel:\n    IpAddress|cidr: '2001:db8::/32'\n  condition: sel\n",
     R"({"IpAddress": "2001:DB8:0:1::5"})", true},
    {"cidr_v6_out", "  sel:\n    IpAddress|cidr: '2001:db8::/32'\n  condition: sel\n",
     R"({"IpAddress": "2001:db9::1"})", false},
    {"cidr_v4_mapped_v6", "  sel:\n    IpAddress|cidr: '192.168.0.0/16'\n  condition: sel\n",
     R"({"IpAddress": "::ffff:192.168.1.20"})", true},
    {"cidr_list",
     "  sel:\n    IpAddress|cidr:\n      - '127.0.0.0/8'\n      - '::1/128'\n  condition: sel\n",
     R"({"IpAddress": "::1"})", true},
    {"cidr_not_an_ip", "  sel:\n    IpAddress|cidr: '10.0.0.0/8'\n  condition: sel\n",
     R"({"IpAddress": "-"})", false},
    // --- re
    // -------------------------------------------------------------------------------------------
    {"re_substring_semantics", "  sel:\n    CommandLine|re: 'foo\\d+'\n  condition: sel\n",
     R"({"CommandLine": "xx foo12 yy"})", true},
    {"re_is_case_sensitive", "  sel:\n    CommandLine|re: 'FOO'\n  condition: sel\n",
     R"({"CommandLine": "foo"})", false},
    {"re_i", "  sel:\n    CommandLine|re|i: 'FOO'\n  condition: sel\n", R"({"CommandLine": "foo"})",
     true},
    {"re_dot_without_s", "  sel:\n    CommandLine|re: 'a.b'\n  condition: sel\n",
     R"({"CommandLine": "a\nb"})", false},
    {"re_s_dotall", "  sel:\n    CommandLine|re|s: 'a.b'\n  condition: sel\n",
     R"({"CommandLine": "a\nb"})", true},
    {"re_anchor_without_m", "  sel:\n    CommandLine|re: '^b'\n  condition: sel\n",
     R"({"CommandLine": "a\nb"})", false},
    {"re_m_multiline", "  sel:\n    CommandLine|re|m: '^b'\n  condition: sel\n",
     R"({"CommandLine": "a\nb"})", true},
    {"re_anchored_whole", "  sel:\n    User|re: '^adm[0-9]{2}$'\n  condition: sel\n",
     R"({"User": "adm42"})", true},
    // --- encodings
    // ------------------------------------------------------------------------------------
    {"base64", "  sel:\n    CommandLine|base64|contains: 'zz whoami'\n  condition: sel\n",
     R"({"CommandLine": "echo enogd2hvYW1p | base64 -d"})", true},
    {"base64_is_case_sensitive",
     "  sel:\n    CommandLine|base64|contains: 'zz whoami'\n  condition: sel\n",
     R"({"CommandLine": "ENOGD2HVYW1P"})", false},
    {"base64offset", "  sel:\n    CommandLine|base64offset|contains: 'http://'\n  condition: sel\n",
     R"({"CommandLine": "powershell -e aHR0cDovL3d3dy5leGFtcGxlLmNvbQ=="})", true},
    {"base64offset_shifted",
     "  sel:\n    CommandLine|base64offset|contains: 'example'\n  condition: sel\n",
     R"({"CommandLine": "aHR0cDovL3d3dy5leGFtcGxlLmNvbQ=="})", true},
    {"base64offset_utf16le",
     "  sel:\n    CommandLine|utf16le|base64offset|contains: 'Invoke-Mimikatz'\n  condition: sel\n",
     R"({"CommandLine": "powershell -enc IAAgAEkAbgB2AG8AawBlAC0ATQBpAG0AaQBrAGEAdAB6ACAALQB4AA=="})",
     true},
    {"base64offset_wide",
     "  sel:\n    CommandLine|wide|base64offset|contains: 'Invoke-Mimikatz'\n  condition: sel\n",
     R"({"CommandLine": "IAAgAEkAbgB2AG8AawBlAC0ATQBpAG0AaQBrAGEAdAB6ACAALQB4AA=="})", true},
    {"base64_utf16_bom",
     "  sel:\n    CommandLine|utf16|base64|contains: 'Invoke-Mimikatz'\n  condition: sel\n",
     R"({"CommandLine": "x //5JAG4AdgBvAGsAZQAtAE0AaQBtAGkAawBhAHQAegA= y"})", true},
    {"base64offset_no_match",
     "  sel:\n    CommandLine|base64offset|contains: 'http://'\n  condition: sel\n",
     R"({"CommandLine": "http://"})", false},
    // --- windash
    // --------------------------------------------------------------------------------------
    {"windash_slash", "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
     R"({"CommandLine": "powershell /enc abc"})", true},
    {"windash_en_dash", "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
     R"({"CommandLine": "powershell –enc abc"})", true},
    {"windash_horizontal_bar",
     "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
     R"({"CommandLine": "powershell ―enc abc"})", true},
    {"windash_original", "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
     R"({"CommandLine": "powershell -enc abc"})", true},
    {"windash_other_text", "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
     R"({"CommandLine": "powershell +enc abc"})", false},
    {"windash_all_needs_each",
     "  sel:\n    CommandLine|windash|contains|all:\n      - ' -a'\n      - ' -b'\n  condition: "
     "sel\n",
     R"({"CommandLine": "tool /a –b"})", true},
    {"windash_all_missing_one",
     "  sel:\n    CommandLine|windash|contains|all:\n      - ' -a'\n      - ' -b'\n  condition: "
     "sel\n",
     R"({"CommandLine": "tool /a"})", false},
    // --- fieldref
    // -------------------------------------------------------------------------------------
    {"fieldref_equal", "  sel:\n    TargetUserName|fieldref: SubjectUserName\n  condition: sel\n",
     R"({"TargetUserName": "Bob", "SubjectUserName": "BOB"})", true},
    {"fieldref_different",
     "  sel:\n    TargetUserName|fieldref: SubjectUserName\n  condition: sel\n",
     R"({"TargetUserName": "alice", "SubjectUserName": "bob"})", false},
    {"fieldref_missing_other",
     "  sel:\n    TargetUserName|fieldref: SubjectUserName\n  condition: sel\n",
     R"({"TargetUserName": "bob"})", false},
    {"fieldref_missing_self",
     "  sel:\n    TargetUserName|fieldref: SubjectUserName\n  condition: sel\n",
     R"({"SubjectUserName": "bob"})", false},
    {"fieldref_neq_missing_is_true",
     "  sel:\n    TargetUserName|fieldref|neq: SubjectUserName\n  condition: sel\n",
     R"({"SubjectUserName": "bob"})", true},
    {"fieldref_startswith", "  sel:\n    ParentImage|fieldref|startswith: Dir\n  condition: sel\n",
     R"({"ParentImage": "C:\\Temp\\x.exe", "Dir": "c:\\temp"})", true},
    {"fieldref_endswith", "  sel:\n    Image|fieldref|endswith: Name\n  condition: sel\n",
     R"({"Image": "C:\\Temp\\x.exe", "Name": "X.EXE"})", true},
    {"fieldref_contains", "  sel:\n    CommandLine|fieldref|contains: User\n  condition: sel\n",
     R"({"CommandLine": "net user bob /add", "User": "bob"})", true},
    {"fieldref_cased", "  sel:\n    A|fieldref|cased: B\n  condition: sel\n",
     R"({"A": "x", "B": "X"})", false},
    {"fieldref_numbers_by_value",
     "  sel:\n    SourcePort|fieldref: DestinationPort\n  condition: sel\n",
     R"({"SourcePort": 445, "DestinationPort": "0445"})", true},
    {"fieldref_numbers_differ",
     "  sel:\n    SourcePort|fieldref: DestinationPort\n  condition: sel\n",
     R"({"SourcePort": 445, "DestinationPort": "4450"})", false},
    {"fieldref_neq_numbers_by_value",
     "  sel:\n    SourcePort|fieldref|neq: DestinationPort\n  condition: sel\n",
     R"({"SourcePort": "445", "DestinationPort": 445.0})", false},
    {"fieldref_hex_is_text", "  sel:\n    A|fieldref: B\n  condition: sel\n",
     R"({"A": "0x17", "B": 23})", false},
    // --- expand, date parts
    // ---------------------------------------------------------------------------
    {"expand_placeholder", "  sel:\n    Computer|expand: '%dcs%'\n  condition: sel\n",
     R"({"Computer": "dc1"})", true},
    {"expand_placeholder_wildcard", "  sel:\n    Computer|expand: '%dcs%'\n  condition: sel\n",
     R"({"Computer": "DC-PARIS"})", true},
    {"expand_no_match", "  sel:\n    Computer|expand: '%dcs%'\n  condition: sel\n",
     R"({"Computer": "WS42"})", false},
    {"placeholder_literal_without_expand", "  sel:\n    Computer: '%dcs%'\n  condition: sel\n",
     R"({"Computer": "%DCS%"})", true},
    {"hour", "  sel:\n    UtcTime|hour: 3\n  condition: sel\n",
     R"({"UtcTime": "2024-01-01T03:15:00Z"})", true},
    {"hour_with_zone", "  sel:\n    UtcTime|hour: 3\n  condition: sel\n",
     R"({"UtcTime": "2024-01-01T04:15:00+01:00"})", true},
    {"hour_gte", "  sel:\n    UtcTime|hour|gte: 22\n  condition: sel\n",
     R"({"UtcTime": "2024-01-01T21:59:59Z"})", false},
    {"month_and_year", "  sel:\n    UtcTime|month: 2\n    UtcTime|year: 2024\n  condition: sel\n",
     R"({"UtcTime": "2024-02-29 10:00:00"})", true},
    // --- keywords
    // ---------------------------------------------------------------------------------------
    {"keyword_any_field", "  keywords:\n    - mimikatz\n    - sekurlsa\n  condition: keywords\n",
     R"({"Msg": "run MIMIKATZ now", "Other": 1})", true},
    {"keyword_no_match", "  keywords:\n    - mimikatz\n  condition: keywords\n",
     R"({"Msg": "benign"})", false},
    {"keyword_wildcard", "  keywords:\n    - 'sekurlsa::*passwords'\n  condition: keywords\n",
     R"({"Msg": "x sekurlsa::logonpasswords y"})", true},
    {"keyword_all",
     "  keywords:\n    '|all':\n      - alpha\n      - beta\n  condition: keywords\n",
     R"({"A": "alpha", "B": "BETA"})", true},
    {"keyword_all_missing",
     "  keywords:\n    '|all':\n      - alpha\n      - beta\n  condition: keywords\n",
     R"({"A": "alpha"})", false},
    {"keyword_nested_field", "  keywords:\n    - secret\n  condition: keywords\n",
     R"({"a": {"b": "top SECRET"}})", true},
    // --- conditions
    // ---------------------------------------------------------------------------------------
    {"one_of_pattern",
     "  selection_a:\n    A: 1\n  selection_b:\n    B: 1\n  condition: 1 of selection_*\n",
     R"({"B": 1})", true},
    {"all_of_pattern",
     "  selection_a:\n    A: 1\n  selection_b:\n    B: 1\n  condition: all of selection_*\n",
     R"({"B": 1})", false},
    {"any_of_pattern",
     "  selection_a:\n    A: 1\n  selection_b:\n    B: 1\n  condition: any of selection_*\n",
     R"({"A": 1})", true},
    {"all_of_them_skips_underscore",
     "  sel:\n    A: 1\n  _helper:\n    B: 1\n  condition: all of them\n", R"({"A": 1})", true},
    {"one_of_them_skips_underscore",
     "  sel:\n    A: 1\n  _helper:\n    B: 1\n  condition: 1 of them\n", R"({"B": 1})", false},
    {"underscore_by_name", "  sel:\n    A: 1\n  _helper:\n    B: 1\n  condition: sel or _helper\n",
     R"({"B": 1})", true},
    {"two_of", "  s1:\n    A: 1\n  s2:\n    B: 1\n  s3:\n    C: 1\n  condition: 2 of s*\n",
     R"({"A": 1, "C": 1})", true},
    {"two_of_only_one", "  s1:\n    A: 1\n  s2:\n    B: 1\n  s3:\n    C: 1\n  condition: 2 of s*\n",
     R"({"C": 1})", false},
    {"not_filter",
     "  sel:\n    A: 1\n  filter_x:\n    B: 1\n  condition: sel and not 1 of filter_*\n",
     R"({"A": 1, "B": 1})", false},
    {"and_binds_tighter_than_or",
     "  a:\n    A: 1\n  b:\n    B: 1\n  c:\n    C: 1\n  condition: a or b and c\n", R"({"A": 1})",
     true},
    {"parentheses", "  a:\n    A: 1\n  b:\n    B: 1\n  c:\n    C: 1\n  condition: (a or b) and c\n",
     R"({"A": 1})", false},
    {"not_binds_tighter_than_and", "  a:\n    A: 1\n  b:\n    B: 1\n  condition: not a and b\n",
     R"({"B": 1})", true},
    {"not_of_quantifier", "  f1:\n    A: 1\n  f2:\n    B: 1\n  condition: not 1 of f*\n",
     R"({"C": 1})", true},
    {"condition_list_is_or", "  a:\n    A: 1\n  b:\n    B: 1\n  condition:\n    - a\n    - b\n",
     R"({"B": 1})", true},
    {"list_of_maps_is_or", "  sel:\n    - A: 1\n      B: 2\n    - C: 3\n  condition: sel\n",
     R"({"C": 3})", true},
    {"map_keys_are_anded", "  sel:\n    - A: 1\n      B: 2\n    - C: 3\n  condition: sel\n",
     R"({"A": 1})", false},
    {"field_name_with_space_alias", "  sel:\n    ThreatName: Eicar\n  condition: sel\n",
     R"({"Threat Name": "EICAR"})", true},
};

INSTANTIATE_TEST_SUITE_P(Sigma, ModifierTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// A 1-byte base64offset value encodes to nothing at some offset: it would match every value, so
// the rule is refused (2 bytes, and 1 character as UTF-16, are long enough).
TEST(ModifierErrors, Base64OffsetNeedsTwoBytes) {
  auto one = testing::compile_yaml(testing::rule_with_detection(
      "  sel:\n    CommandLine|base64offset|contains: 'a'\n  condition: sel\n"));
  ASSERT_EQ(one.diags.errors(), 1u) << one.diags.render_text();
  EXPECT_EQ(one.diags.items()[0].code, "bad-value");
  EXPECT_EQ(one.rules->size(), 0u);
  for (const char* ok : {"CommandLine|base64offset|contains: 'ab'",
                         "CommandLine|utf16le|base64offset|contains: 'a'"}) {
    auto two = testing::compile_yaml(
        testing::rule_with_detection(std::string("  sel:\n    ") + ok + "\n  condition: sel\n"));
    EXPECT_EQ(two.diags.errors(), 0u) << ok << two.diags.render_text();
    EXPECT_EQ(two.rules->size(), 1u) << ok;
    EXPECT_TRUE(testing::run(two.rules, R"({"CommandLine": "zzzz"})").empty()) << ok;
  }
}

}  // namespace
}  // namespace vigie
