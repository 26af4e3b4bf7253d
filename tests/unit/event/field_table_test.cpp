// FieldTable: interning is stable and lookups are exact, through every growth of the table.
#include "event/field_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigie::event {
namespace {

TEST(FieldTable, FixedIdsComeFirst) {
  FieldTable t;
  EXPECT_EQ(t.find("EventID"), FieldTable::kEventID);
  EXPECT_EQ(t.find("Channel"), FieldTable::kChannel);
  EXPECT_EQ(t.find("Provider_Name"), FieldTable::kProviderName);
  EXPECT_EQ(t.find("Computer"), FieldTable::kComputer);
  EXPECT_EQ(t.find("TimeCreated_SystemTime"), FieldTable::kTimeCreated);
  EXPECT_EQ(t.size(), 5u);
}

TEST(FieldTable, InternIsIdempotentAndFindIsExact) {
  FieldTable t;
  const FieldId a = t.intern("CommandLine");
  EXPECT_EQ(t.intern("CommandLine"), a);
  EXPECT_EQ(t.name(a), "CommandLine");
  EXPECT_EQ(t.find("CommandLine"), a);
  EXPECT_FALSE(t.find("commandline").has_value());   // case-sensitive
  EXPECT_FALSE(t.find("CommandLin").has_value());    // prefix
  EXPECT_FALSE(t.find("CommandLine ").has_value());  // trailing space
  EXPECT_FALSE(t.find("").has_value());
  const FieldId empty = t.intern("");
  EXPECT_EQ(t.find(""), empty);
}

// Thousands of names, sharing long prefixes and differing only in their last bytes (the hash
// reads 8 bytes at a time: the tail must count), found again after every rehash.
TEST(FieldTable, ManyNamesSurviveGrowth) {
  FieldTable t;
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) {
    names.push_back("winlog.event_data.Field" + std::to_string(i));
    names.push_back(std::string(1 + i % 23, 'x') + std::to_string(i % 7));
  }
  std::vector<FieldId> ids;
  for (const std::string& n : names) ids.push_back(t.intern(n));
  for (std::size_t i = 0; i < names.size(); ++i) {
    ASSERT_EQ(t.find(names[i]), ids[i]) << names[i];
    ASSERT_EQ(t.name(ids[i]), names[i]);
  }
  EXPECT_FALSE(t.find("winlog.event_data.Field5000").has_value());
  EXPECT_FALSE(t.find(std::string(24, 'x')).has_value());
}

TEST(FieldTable, HashSeesEveryByte) {
  EXPECT_NE(FieldTable::hash("abcdefgh1"), FieldTable::hash("abcdefgh2"));
  EXPECT_NE(FieldTable::hash("a"), FieldTable::hash(std::string("a\0", 2)));
  EXPECT_NE(FieldTable::hash("12345678"), FieldTable::hash("1234567"));
}

}  // namespace
}  // namespace vigie::event
