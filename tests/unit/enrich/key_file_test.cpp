// Key files (enrich/pseudonym.h, read_key_file): the accepted format, the permission, owner, type
// and length checks, and error messages that name the path and the rule but never the key.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "../support/temp_dir.h"
#include "enrich/pseudonym.h"

namespace vigie::enrich {
namespace {

constexpr std::string_view kKeyHex =
    "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";

class KeyFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, std::string_view content, mode_t mode = 0600) {
    return tmp_.write(name, content, mode);
  }

  // The error must say what is wrong with the file, never what is in it: no run of six hex
  // digits of the content appears in the message.
  static void expect_no_key_material(const Status& s, std::string_view content) {
    const std::string text = s.to_string();
    for (std::size_t i = 0; i + 6 <= content.size(); ++i) {
      const std::string_view piece = content.substr(i, 6);
      if (piece.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) continue;
      ASSERT_EQ(text.find(piece), std::string::npos) << "the message leaks key text: " << text;
    }
  }

  vigie::testing::TempDir tmp_;
};

TEST_F(KeyFileTest, ReadsHexWithBlanksCommentsAndEitherCase) {
  const std::string content =
      "# tenant CHU-X, created 2025-01-06\n  0011223344556677 8899AABBCCDDEEFF\r\n"
      "\t0123456789abcdef fedcba9876543210\n\n# end\n";
  const auto key = read_key_file(write("key", content));
  ASSERT_TRUE(key.ok()) << key.status().to_string();
  ASSERT_EQ(key->bytes().size(), 32u);
  EXPECT_EQ(key->bytes()[0], 0x00);
  EXPECT_EQ(key->bytes()[9], 0x99);
  EXPECT_EQ(key->bytes()[31], 0x10);
}

TEST_F(KeyFileTest, ThirtyTwoToSixtyFourBytes) {
  EXPECT_TRUE(read_key_file(write("k32", kKeyHex)).ok());
  EXPECT_TRUE(read_key_file(write("k64", std::string(kKeyHex) + std::string(kKeyHex))).ok());
  const std::string short_key(kKeyHex.substr(0, 62));
  const auto too_short = read_key_file(write("k31", short_key));
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.status().code(), "key-too-short");
  expect_no_key_material(too_short.status(), short_key);
  const std::string long_key = std::string(kKeyHex) + std::string(kKeyHex) + "00";
  const auto too_long = read_key_file(write("k65", long_key));
  EXPECT_EQ(too_long.status().code(), "key-too-long");
  expect_no_key_material(too_long.status(), long_key);
  EXPECT_EQ(read_key_file(write("empty", "")).status().code(), "key-too-short");
  EXPECT_EQ(read_key_file(write("comments", "# nothing\n")).status().code(), "key-too-short");
}

TEST_F(KeyFileTest, AnythingButHexIsMalformed) {
  for (const std::string& content :
       {std::string(kKeyHex.substr(0, 63)),  // odd count
        std::string(kKeyHex.substr(0, 30)) + "g" + std::string(kKeyHex.substr(31)),
        std::string("ABEiM0RVZneImaq7zN3u/wEjRWeJq83v/ty6mHZUMhA="),  // base64
        std::string("key = ") + std::string(kKeyHex),
        std::string(kKeyHex) + " # trailing comment"}) {
    const auto r = read_key_file(write("bad", content));
    ASSERT_FALSE(r.ok()) << content;
    EXPECT_EQ(r.status().code(), "key-malformed");
    expect_no_key_material(r.status(), content);
  }
}

TEST_F(KeyFileTest, RefusesGroupOrOtherPermissions) {
  for (mode_t mode : {0640, 0604, 0644, 0620, 0602, 0610, 0601, 0660, 0666, 0440}) {
    const std::string path = write("perm", kKeyHex, mode);
    const auto r = read_key_file(path);
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    EXPECT_EQ(r.status().code(), "key-file-permissions");
    EXPECT_NE(r.status().message().find(path), std::string::npos) << "names the file";
    EXPECT_NE(r.status().message().find("0400 or 0600"), std::string::npos) << "says the fix";
    expect_no_key_material(r.status(), kKeyHex);
  }
  EXPECT_TRUE(read_key_file(write("ro", kKeyHex, 0400)).ok());
  EXPECT_TRUE(read_key_file(write("rw", kKeyHex, 0600)).ok());
  EXPECT_TRUE(read_key_file(write("rwx", kKeyHex, 0700)).ok());
}

TEST_F(KeyFileTest, RefusesWhatIsNotARegularFile) {
  EXPECT_EQ(read_key_file(tmp_.path()).status().code(), "key-file-not-regular");
  const std::string fifo = tmp_.track("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(read_key_file(fifo).status().code(), "key-file-not-regular");
  EXPECT_EQ(read_key_file(tmp_.path() + "/missing").status().code(), "key-file-unreadable");
}

TEST_F(KeyFileTest, FollowsASymlinkAndChecksTheTarget) {
  const std::string target = write("target", kKeyHex, 0600);
  const std::string link = tmp_.track("link");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_TRUE(read_key_file(link).ok());
  ASSERT_EQ(::chmod(target.c_str(), 0644), 0);
  EXPECT_EQ(read_key_file(link).status().code(), "key-file-permissions");
}

TEST_F(KeyFileTest, RefusesALargeFile) {
  std::string content = std::string(kKeyHex) + "\n";
  content += std::string(4096, '#');
  EXPECT_EQ(read_key_file(write("large", content)).status().code(), "key-file-too-large");
}

TEST_F(KeyFileTest, RefusesAFileOfAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
  const std::string path = write("other", kKeyHex, 0600);
  ASSERT_EQ(::chown(path.c_str(), 4242, 4242), 0);
  EXPECT_EQ(read_key_file(path).status().code(), "key-file-owner");
}

TEST_F(KeyFileTest, LoadReadsTheCurrentAndThePreviousKey) {
  const std::string current = write("current", kKeyHex);
  const std::string previous = write("previous", std::string(64, '7'));
  const auto p = Pseudonymiser::load("CHU-X", current, previous);
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_TRUE((*p)->has_previous_key());
  const auto only = Pseudonymiser::load("CHU-X", current);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(*(*p)->token(IdKind::kIpp, "1"), *(*only)->token(IdKind::kIpp, "1"));
  const std::string loose = write("loose", std::string(64, '7'), 0644);
  const auto refused = Pseudonymiser::load("CHU-X", current, loose);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), "key-file-permissions");
}

}  // namespace
}  // namespace vigie::enrich
