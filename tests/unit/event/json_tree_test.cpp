#include "event/json_tree.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::event {
namespace {

TEST(JsonTree, KeepsNestedArraysOfObjectsInDocumentOrder) {
  JsonTree t;
  ASSERT_TRUE(
      t.parse(R"({"a":[{"b":"x\u00e9","c":1.5},{"b":"y","d":[true,null,-3]}],"e":{}})").ok());
  const JsonNode& root = t.root();
  EXPECT_EQ(root.type, JsonType::kObject);
  EXPECT_EQ(root.child_count, 2u);
  const JsonNode* a = t.child(root, "a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->type, JsonType::kArray);
  EXPECT_EQ(a->child_count, 2u);
  const JsonNode* first = t.first(*a);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(t.string(first, "b"), "x\xc3\xa9");  // unescaped
  EXPECT_EQ(t.child(*first, "c")->type, JsonType::kNumber);
  EXPECT_EQ(t.child(*first, "c")->text, "1.5");  // as written
  const JsonNode* second = t.next(*first);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(t.next(*second), nullptr);
  const JsonNode* d = t.child(*second, "d");
  ASSERT_NE(d, nullptr);
  const JsonNode* d0 = t.first(*d);
  EXPECT_TRUE(d0->boolean);
  EXPECT_EQ(t.next(*d0)->type, JsonType::kNull);
  EXPECT_EQ(t.next(*t.next(*d0))->text, "-3");
  EXPECT_EQ(t.path(root, {"e"})->type, JsonType::kObject);
  EXPECT_EQ(t.path(root, {"a", "b"}), nullptr);  // arrays have no members
  EXPECT_EQ(t.string(&root, "a"), "");           // not a string
  EXPECT_EQ(t.string(nullptr, "a"), "");
}

TEST(JsonTree, ViewsStayValidUntilTheNextParse) {
  JsonTree t;
  ASSERT_TRUE(t.parse(R"({"k":"first"})").ok());
  const std::string_view v = t.string(&t.root(), "k");
  EXPECT_EQ(v, "first");
  ASSERT_TRUE(t.parse(R"({"k":"second", "x": [1, 2, 3]})").ok());
  EXPECT_EQ(t.string(&t.root(), "k"), "second");
  EXPECT_EQ(t.child(t.root(), "x")->child_count, 3u);
}

TEST(JsonTree, RepeatedKeysAreKeptAndChildReturnsTheFirst) {
  JsonTree t;
  ASSERT_TRUE(t.parse(R"({"k":"1","k":"2"})").ok());
  EXPECT_EQ(t.root().child_count, 2u);
  EXPECT_EQ(t.string(&t.root(), "k"), "1");
}

// Objects and arrays keep their text as written, and offset() finds it in the caller's record:
// what a FHIR Bundle's split needs to hand on each entry's resource.
TEST(JsonTree, ObjectsAndArraysKeepTheirTextAsWritten) {
  JsonTree t;
  const std::string record =
      R"( {"entry": [ {"resource" : {"a":"}\"{", "n": [1, {}] }  }, {} ],"x":-1.5e3 })"
      "\n";
  ASSERT_TRUE(t.parse(record).ok());
  EXPECT_EQ(t.root().text, record.substr(1, record.size() - 2));
  EXPECT_EQ(t.offset(t.root()), 1u);
  const JsonNode* entry = t.child(t.root(), "entry");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->text, R"([ {"resource" : {"a":"}\"{", "n": [1, {}] }  }, {} ])");
  const JsonNode* resource = t.child(*t.first(*entry), "resource");
  ASSERT_NE(resource, nullptr);
  EXPECT_EQ(resource->text, R"({"a":"}\"{", "n": [1, {}] })");
  EXPECT_EQ(record.substr(t.offset(*resource), resource->text.size()), resource->text);
  EXPECT_EQ(t.string(resource, "a"), "}\"{");  // a string is unescaped
  const JsonNode* n = t.child(*resource, "n");
  EXPECT_EQ(n->text, "[1, {}]");
  EXPECT_EQ(t.next(*t.first(*n))->text, "{}");
  EXPECT_EQ(t.next(*t.first(*entry))->text, "{}");
  const JsonNode* x = t.child(t.root(), "x");
  EXPECT_EQ(record.substr(t.offset(*x), x->text.size()), "-1.5e3");
}

struct BadCase {
  const char* name;
  std::string record;
  const char* code;
};

class JsonTreeRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(JsonTreeRejects, WithItsCodeAndNoContent) {
  JsonTreeOptions o;
  o.max_bytes = 64;
  o.max_depth = 4;
  o.max_nodes = 10;
  JsonTree t(o);
  const Status s = t.parse(GetParam().record);
  EXPECT_EQ(s.code(), GetParam().code) << s.to_string();
  EXPECT_EQ(s.message().find("secret"), std::string::npos) << s.message();
  // The tree recovers.
  EXPECT_TRUE(t.parse(R"({"ok":true})").ok());
}

INSTANTIATE_TEST_SUITE_P(
    Codes, JsonTreeRejects,
    ::testing::Values(BadCase{"empty", " \t", "empty"},
                      BadCase{"oversized", std::string(65, ' '), "oversized"},
                      BadCase{"utf8", "{\"secret\":\"\xff\"}", "invalid-utf8"},
                      BadCase{"deep", R"({"a":{"b":{"c":{"d":{"secret":1}}}}})", "too-deep"},
                      BadCase{"deep_array", R"({"a":[[[["secret"]]]]})", "too-deep"},
                      BadCase{"nodes", R"({"a":[1,2,3,4,5,6,7,8,9,10]})", "too-many-nodes"},
                      BadCase{"array", R"(["secret"])", "not-an-object"},
                      BadCase{"scalar", R"("secret")", "not-an-object"},
                      BadCase{"truncated_object", R"({"a":"secret","b":[1,)", "truncated"},
                      BadCase{"truncated_string", R"({"a":"secr)", "truncated"},
                      BadCase{"trailing", R"({"a":"secret"} {})", "invalid-json"},
                      BadCase{"bad_number", R"({"a":01})", "invalid-json"},
                      BadCase{"bad_atom", R"({"a":nul})", "invalid-json"},
                      BadCase{"bad_escape", R"({"a":"\q"})", "invalid-json"},
                      BadCase{"no_colon", R"({"a" "secret"})", "invalid-json"}),
    [](const ::testing::TestParamInfo<BadCase>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace vigie::event
