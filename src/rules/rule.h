// The Sigma rule model: what a rule file says, as parsed, with source positions.
//
// The loader (loader.h) fills these from YAML; the matcher (match/rule_set.h) compiles them.
// Nothing here is evaluated: values keep their written form and type so that the compiler can apply
// modifiers and report problems at their exact position.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/text_origin.h"

namespace vigie::rules {

// One value of a detection item, as written in YAML.
struct RuleValue {
  enum class Type { kString, kInt, kFloat, kBool, kNull };
  Type type = Type::kString;
  std::string text;  // the scalar as written (without quotes)
  bool quoted = false;
  SourcePos pos;      // first byte of the value (after an opening quote; first block line)
  TextOrigin origin;  // file position of each byte of `text`: origin.at(offset)
};

// `field|mod1|mod2: value` or `field: [values]`, or a keyword list (field empty).
struct FieldItem {
  std::string field;  // empty: keyword search over every field value
  std::vector<std::string> modifiers;
  std::vector<SourcePos> modifier_pos;
  std::vector<RuleValue> values;
  SourcePos pos;
};

// A detection identifier (`selection`, `filter_main_*`, `keywords`...).
struct Selection {
  std::string name;
  SourcePos pos;
  // OR of AND-groups: a map is one group (its items AND-ed); a list of maps is one group per map;
  // a keyword list is one group holding one keyword FieldItem.
  std::vector<std::vector<FieldItem>> groups;
};

// Parsed condition: a tree in a node vector (index 0 unused when empty).
struct ConditionNode {
  enum class Kind { kOr, kAnd, kNot, kRef, kOneOf, kAllOf };
  Kind kind = Kind::kRef;
  std::string pattern;  // kRef: identifier; kOneOf/kAllOf: identifier, pattern with '*', or "them"
  int count = 1;        // kOneOf: how many (1 for "1 of"/"any of"; N for "N of")
  std::vector<int> children;
  SourcePos pos;
};

struct Condition {
  std::vector<ConditionNode> nodes;
  int root = -1;
  std::string text;
  SourcePos pos;
};

struct Detection {
  std::vector<Selection> selections;
  std::vector<Condition> conditions;  // a list of conditions means OR of them
  SourcePos pos;
};

struct RelatedRule {
  std::string id;
  std::string type;
};

struct Rule {
  std::string file;
  SourcePos pos;  // start of the YAML document
  std::string id, name, title, status, level, description, author, date, modified, license;
  std::vector<std::string> tags, references, falsepositives, fields;
  std::vector<RelatedRule> related;
  std::string product, service, category;
  SourcePos logsource_pos;
  Detection detection;
  // Any other top-level key, kept for tools (custom attributes).
  std::map<std::string, std::string> custom;
};

}  // namespace vigie::rules
