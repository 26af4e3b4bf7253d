// HL7 v2 framing: MLLP blocks, segment-per-line files (LF, CRLF), one message per line (the
// shared ER7 sample), CR-only files, what is skipped or reported before a message, oversized
// messages, and the same records whatever the cuts between the reads a stream arrives in.
#include "ingest/hl7_frame.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "hl7_split_harness.h"
#include "ingest_test_support.h"
#include "split_cuts.h"

namespace vigie::ingest {
namespace {

using Outcome = Hl7Splitter::Outcome;
using Records = std::vector<std::string>;

// What a splitter gives for a stream that arrives in chunks of the given sizes (then the rest in
// one piece): see hl7_split_harness.h; any broken promise of the contract fails the test.
Records split(std::string_view stream, std::size_t max = 1 << 20,
              const std::vector<std::size_t>& chunks = {}) {
  return testing::hl7_split_in_chunks(stream, Hl7SplitOptions{max}, chunks,
                                      [](const char* what) { ADD_FAILURE() << what; });
}

// The same stream whole, byte by byte, in pseudo-random chunks and at every single cut.
void expect_same_whatever_the_cuts(std::string_view stream, std::size_t max, const Records& want) {
  testing::expect_same_whatever_the_cuts(
      [](std::string_view s, std::size_t m, const std::vector<std::size_t>& chunks) {
        return split(s, m, chunks);
      },
      stream, max, want);
}

// Three short ADT messages, segments separated by CR (the standard's layout).
const std::string kA = "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000||ADT^A01|1|P|2.5\rPID|1||123";
const std::string kB = "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310094500||ADT^A02|2|P|2.5\rPV1|1|I";
const std::string kC = "MSH#^~\\&#GAM#CHEX#DPI#CHEX#20260310100000##ADT^A03#3#P#2.5\rZBE#1";

// `message` with its segment separators (CR) replaced by `separator`.
std::string with_segment_ends(std::string_view message, std::string_view separator) {
  std::string out;
  for (char c : message) {
    if (c == '\r') {
      out.append(separator);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string mllp(std::string_view message) { return "\x0B" + std::string(message) + "\x1C\r"; }

TEST(Hl7Frame, MessageStartAndErrorNames) {
  EXPECT_TRUE(hl7_message_start("MSH|^~\\&|"));
  EXPECT_TRUE(hl7_message_start("MSH#"));
  EXPECT_FALSE(hl7_message_start("MSH"));
  EXPECT_FALSE(hl7_message_start("MSHA|"));  // a letter is not a separator
  EXPECT_FALSE(hl7_message_start("MSH1"));
  EXPECT_FALSE(hl7_message_start("MSH |"));
  EXPECT_FALSE(hl7_message_start("MSH\r"));
  EXPECT_FALSE(hl7_message_start("msh|"));
  EXPECT_FALSE(hl7_message_start("\x0BMSH|"));  // the caller strips the MLLP start
  EXPECT_EQ(hl7_frame_error_name(Hl7FrameError::kOk), "ok");
  EXPECT_EQ(hl7_frame_error_name(Hl7FrameError::kNotAMessage), "hl7-not-a-message");
  EXPECT_EQ(hl7_frame_error_name(Hl7FrameError::kTooLarge), "hl7-too-large");
  EXPECT_EQ(hl7_frame_error_name(static_cast<Hl7FrameError>(kHl7FrameErrorCount)),
            "hl7-unknown-error");
}

TEST(Hl7Frame, MllpBlocksSeveralInOneRead) {
  const std::string stream = mllp(kA) + mllp(kB) + mllp(kC);
  expect_same_whatever_the_cuts(stream, 1 << 20, {kA, kB, kC});
  // A block whose message ends with CR, and blocks separated by LF (a capture written by lines).
  expect_same_whatever_the_cuts(mllp(kA + "\r") + "\n" + mllp(kB) + "\r\n", 1 << 20, {kA, kB});
  // The MLLP end consumes its CR; the next block starts right after.
  Hl7Splitter s;
  const Hl7Splitter::Step first = s.next(stream);
  ASSERT_EQ(first.outcome, Outcome::kRecord);
  EXPECT_EQ(first.record, kA);
  EXPECT_EQ(first.consumed, kA.size() + 3);
}

TEST(Hl7Frame, SegmentPerLineFiles) {
  for (std::string_view end : {"\n", "\r\n"}) {
    const std::string a = with_segment_ends(kA, end);
    const std::string b = with_segment_ends(kB, end);
    const std::string c = with_segment_ends(kC, end);
    // Each message's last segment ends with a line end too, and a blank line may follow.
    std::string file;
    for (std::string_view part :
         {std::string_view(a), end, std::string_view(b), end, end, std::string_view(c), end}) {
      file.append(part);
    }
    expect_same_whatever_the_cuts(file, 1 << 20, {a, b, c});
  }
}

TEST(Hl7Frame, CrOnlyFiles) {
  expect_same_whatever_the_cuts(kA + "\r" + kB + "\r" + kC + "\r", 1 << 20, {kA, kB, kC});
  expect_same_whatever_the_cuts(kA + "\r" + kB + "\r" + kC, 1 << 20, {kA, kB, kC});
}

TEST(Hl7Frame, TheSharedSampleGivesOneRecordPerLine) {
  // One message per line, segments separated by CR: each line is one record, as it is.
  const std::string sample =
      testing::read_file(testing::shared_dir() / "formats" / "ehr_hl7v2_pamfr_adt.er7");
  ASSERT_FALSE(sample.empty());
  Records lines;
  for (std::size_t at = 0; at < sample.size();) {
    const std::size_t lf = std::min(sample.find('\n', at), sample.size());
    if (lf > at) lines.push_back(sample.substr(at, lf - at));
    at = lf + 1;
  }
  ASSERT_EQ(lines.size(), 3u);
  expect_same_whatever_the_cuts(sample, 1 << 20, lines);

  // The same messages in the other layouts give the same records, segment ends aside.
  std::string mllp_capture, lf_file, crlf_file, cr_file;
  for (const std::string& m : lines) {
    mllp_capture += mllp(m);
    lf_file += with_segment_ends(m, "\n") + "\n";
    crlf_file += with_segment_ends(m, "\r\n") + "\r\n";
    cr_file += m + "\r";
  }
  EXPECT_EQ(split(mllp_capture), lines);
  EXPECT_EQ(split(cr_file), lines);
  Records lf_lines, crlf_lines;
  for (const std::string& m : lines) {
    lf_lines.push_back(with_segment_ends(m, "\n"));
    crlf_lines.push_back(with_segment_ends(m, "\r\n"));
  }
  EXPECT_EQ(split(lf_file), lf_lines);
  EXPECT_EQ(split(crlf_file), crlf_lines);
  EXPECT_EQ(split(lf_file, 1 << 20, std::vector<std::size_t>(lf_file.size(), 1)), lf_lines);
}

TEST(Hl7Frame, MshInsideAFieldDoesNotStartAMessage) {
  const std::string one = "MSH|^~\\&|GAM\rNTE|1||see MSH|x\rNTE|2||MSH|y and ^MSH|\rPID|1";
  expect_same_whatever_the_cuts(one + "\n" + kB + "\n", 1 << 20, {one, kB});
  // Nor after a space, nor in lower case, nor without a separator after it.
  const std::string two = "MSH|a\r MSH|b\rmsh|c\rMSHX|d\rMSH\rMSH1";
  expect_same_whatever_the_cuts(two, 1 << 20, {two});
}

TEST(Hl7Frame, BlanksBeforeAndBetweenMessagesAreSkipped) {
  // A byte order mark (at the start or after a line end), blank lines, stray MLLP bytes.
  expect_same_whatever_the_cuts("\xEF\xBB\xBF\r\n \t\n" + kA + "\n\n\x0B\x1C\r\n" + kB + "\n",
                                1 << 20, {kA, kB});
  expect_same_whatever_the_cuts(kA + "\n\xEF\xBB\xBF" + kB, 1 << 20, {kA, kB});
  EXPECT_EQ(split(""), Records{});
  EXPECT_EQ(split("\r\n\n \x0B\x1C\r"), Records{});
}

TEST(Hl7Frame, GarbageBeforeAMessageIsReportedOnce) {
  // A run of garbage, however long and however many lines, is one error, then the messages.
  const std::string junk = "# exported 2026-03-10\nnot hl7 at all\n PID|1\n";
  expect_same_whatever_the_cuts(junk + kA + "\n" + kB, 1 << 20, {"!hl7-not-a-message", kA, kB});
  // Between MLLP blocks: once per run.
  expect_same_whatever_the_cuts(mllp(kA) + "xx" + mllp(kB) + "yy\r\nzz" + mllp(kC), 1 << 20,
                                {kA, "!hl7-not-a-message", kB, "!hl7-not-a-message", kC});
  // Garbage and nothing else; a lone "MS" at the end; a BOM that is not one.
  EXPECT_EQ(split("garbage"), Records{"!hl7-not-a-message"});
  expect_same_whatever_the_cuts("\nMS", 1 << 20, {"!hl7-not-a-message"});
  expect_same_whatever_the_cuts("\xEF\xBB" + kA, 1 << 20, {"!hl7-not-a-message"});

  // The error points at the garbage, after the blanks skipped before it.
  Hl7Splitter s;
  const std::string stream = "\n\n\nxx\n" + kA;
  const Hl7Splitter::Step e = s.next(stream);
  ASSERT_EQ(e.outcome, Outcome::kError);
  EXPECT_EQ(e.error, Hl7FrameError::kNotAMessage);
  EXPECT_TRUE(e.record.empty());
  EXPECT_EQ(e.record.data(), stream.data() + 3);
  EXPECT_EQ(e.consumed, 4u);
}

TEST(Hl7Frame, AMessageCutAtTheEndIsGivenAsItIs) {
  // A file that ends inside a message, an MLLP block without its end: the decoder judges them.
  expect_same_whatever_the_cuts(kA + "\n" + "MSH|^~\\&|GAM|CH", 1 << 20, {kA, "MSH|^~\\&|GAM|CH"});
  expect_same_whatever_the_cuts(mllp(kA) + "\x0B" + kB.substr(0, 30), 1 << 20,
                                {kA, kB.substr(0, 30)});
  // A block whose end never came, followed by the next block: cut at its start.
  expect_same_whatever_the_cuts("\x0B" + kA + "\x0B" + kB + "\x1C\r", 1 << 20, {kA, kB});
  // next() keeps a message whose end is not in sight; finish() gives it.
  Hl7Splitter s;
  const Hl7Splitter::Step more = s.next(kA);
  EXPECT_EQ(more.outcome, Outcome::kNeedMore);
  EXPECT_EQ(more.consumed, 0u);
  const Hl7Splitter::Step last = s.finish(kA);
  ASSERT_EQ(last.outcome, Outcome::kRecord);
  EXPECT_EQ(last.record, kA);
  EXPECT_EQ(s.finish("").outcome, Outcome::kEnd);
}

TEST(Hl7Frame, OversizedMessagesAreReportedOnceAndSkipped) {
  const std::string big = "MSH|^~\\&|" + std::string(200, 'x') + "\rPID|" + std::string(300, 'y');
  const std::size_t max = 100;
  // In a segment-per-line file, an MLLP capture, a CR-only file, and as the last message.
  expect_same_whatever_the_cuts(kA + "\n" + with_segment_ends(big, "\n") + "\n" + kB + "\n", max,
                                {kA, "!hl7-too-large", kB});
  expect_same_whatever_the_cuts(mllp(kA) + mllp(big) + mllp(kB), max, {kA, "!hl7-too-large", kB});
  expect_same_whatever_the_cuts(kA + "\r" + big + "\r" + kB, max, {kA, "!hl7-too-large", kB});
  expect_same_whatever_the_cuts(kA + "\n" + big, max, {kA, "!hl7-too-large"});
  // Garbage after an oversized MLLP block is reported as such.
  expect_same_whatever_the_cuts(mllp(big) + "junk" + mllp(kB), max,
                                {"!hl7-too-large", "!hl7-not-a-message", kB});
}

TEST(Hl7Frame, TheLimitIsOnTheRecord) {
  const std::string at_limit = "MSH|" + std::string(96, 'x');  // 100 bytes
  ASSERT_EQ(at_limit.size(), 100u);
  // Its line ends after it do not count...
  expect_same_whatever_the_cuts(at_limit + "\r\n\r\n\n" + at_limit, 100, {at_limit, at_limit});
  expect_same_whatever_the_cuts(mllp(at_limit) + mllp(at_limit), 100, {at_limit, at_limit});
  // ...one more byte of content does, and so do more than 16 bytes of line ends.
  expect_same_whatever_the_cuts(at_limit + "y\n" + at_limit, 100, {"!hl7-too-large", at_limit});
  // (spaces are content, even on a blank line the record would leave out)
  expect_same_whatever_the_cuts(at_limit + "\r\n  \r\n" + kA, 100, {"!hl7-too-large", kA});
  expect_same_whatever_the_cuts(at_limit + std::string(17, '\n') + "\x1C" + mllp(at_limit), 100,
                                {"!hl7-too-large", at_limit});
  expect_same_whatever_the_cuts(at_limit + std::string(16, '\n') + "\x1C" + mllp(at_limit), 100,
                                {at_limit, at_limit});
}

TEST(Hl7Frame, PendingBytesStayBounded) {
  // A message far over the limit, fed in small reads: what is kept stays near the limit (the
  // harness checks max + 32 after each read), and the error comes once.
  const std::string huge = "MSH|" + std::string(5000, 'z') + "\r" + std::string(3000, '\n') + "x";
  EXPECT_EQ(split(huge + "\n" + kA, 100, std::vector<std::size_t>(huge.size() / 7 + 1, 7)),
            (Records{"!hl7-too-large", kA}));
}

TEST(Hl7Frame, ByteByByteFeedingIsLinear) {
  // 4 MiB fed one byte at a time: a splitter that rescanned its pending message on each call
  // would look at ~10^13 bytes here and never finish.
  const std::string message = "MSH|^~\\&|" + std::string(4 << 20, 'a') + "\rPID|1";
  const std::string stream = message + "\n" + kA;
  Hl7Splitter s(Hl7SplitOptions{8 << 20});
  std::string_view all(stream);
  std::size_t begin = 0;
  Records out;
  for (std::size_t end = 1; end <= all.size(); ++end) {
    const Hl7Splitter::Step step = s.next(all.substr(begin, end - begin));
    begin += step.consumed;
    if (step.outcome == Outcome::kRecord) out.emplace_back(step.record.substr(0, 9));
  }
  const Hl7Splitter::Step last = s.finish(all.substr(begin));
  ASSERT_EQ(last.outcome, Outcome::kRecord);
  out.emplace_back(last.record);
  EXPECT_EQ(out, (Records{"MSH|^~\\&|", kA}));
}

TEST(Hl7Frame, ResetForgetsTheStream) {
  Hl7Splitter s(Hl7SplitOptions{10});
  const std::string input = "\r\nMSH|0123456789abc";
  const Hl7Splitter::Step big = s.next(input);
  ASSERT_EQ(big.outcome, Outcome::kError);
  EXPECT_EQ(big.error, Hl7FrameError::kTooLarge);
  EXPECT_EQ(big.record.data(), input.data() + 2);  // where the message starts
  s.reset();                                       // a new connection
  const Hl7Splitter::Step next = s.finish("MSH|x");
  ASSERT_EQ(next.outcome, Outcome::kRecord);
  EXPECT_EQ(next.record, "MSH|x");
  // After kEnd, the splitter reads a new stream from its start.
  EXPECT_EQ(s.finish("").outcome, Outcome::kEnd);
  EXPECT_EQ(s.finish("MSH|y").record, "MSH|y");
}

TEST(Hl7Frame, RandomStreamsGiveTheSameRecordsWhateverTheCuts) {
  // The fuzz target's property, run briefly in every test pass.
  const std::string pieces[] = {
      kA,       kB,     kC,   "\r",           "\n", "\r\n", "\x0B",        "\x1C",
      "\x1C\r", "MSH|", "MS", "\xEF\xBB\xBF", " ",  "junk", "NTE|1||MSH|x"};
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::string stream;
    for (int n = rng() % 12; n > 0; --n) stream += pieces[rng() % std::size(pieces)];
    const std::size_t max = 20 + rng() % 80;
    const Records whole = split(stream, max);
    EXPECT_EQ(split(stream, max, std::vector<std::size_t>(stream.size(), 1)), whole) << round;
    EXPECT_EQ(split(stream, max, {rng() % (stream.size() + 1)}), whole) << round;
  }
}

}  // namespace
}  // namespace vigie::ingest
