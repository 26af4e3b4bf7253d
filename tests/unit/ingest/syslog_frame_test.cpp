// RFC 6587 framing: octet counting, LF-delimited frames, their errors, and the same frames
// whatever the cuts between the buffers a stream arrives in.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "frame_split_harness.h"
#include "ingest/syslog.h"

namespace vigie::ingest {
namespace {

using Outcome = FrameSplitter::Outcome;

// What a splitter gives for a stream that arrives in chunks of the given sizes: see
// frame_split_harness.h; any broken promise of the splitter's contract fails the test.
std::vector<std::string> split(std::string_view stream, FrameOptions options,
                               const std::vector<std::size_t>& chunks = {}) {
  return testing::split_in_chunks(stream, options, chunks,
                                  [](const char* what) { ADD_FAILURE() << what; });
}

std::string octet(std::string_view msg) {
  return std::to_string(msg.size()) + " " + std::string(msg);
}

const std::string kMsgA = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - hi";
const std::string kMsgB = "<13>1 - - - - - [a x=\"multi\nline\"] body with\nnewlines";
const std::string kMsgC = "<13>Mar 14 01:01:58 h t: m";

TEST(Framing, OctetCounting) {
  const std::string stream = octet(kMsgA) + octet(kMsgB) + octet(kMsgC);
  const std::vector<std::string> want = {kMsgA, kMsgB, kMsgC};
  for (Framing f : {Framing::kOctetCounting, Framing::kAuto}) {
    EXPECT_EQ(split(stream, {f, 1 << 20}), want);
  }
}

TEST(Framing, NonTransparent) {
  const std::string stream = kMsgA + "\n" + kMsgC + "\r\n\n\r\n" + kMsgA + "\n" + kMsgC;
  const std::vector<std::string> want = {kMsgA, kMsgC, kMsgA, kMsgC};  // blank lines skipped
  for (Framing f : {Framing::kNonTransparent, Framing::kAuto}) {
    EXPECT_EQ(split(stream, {f, 1 << 20}), want);
  }
}

TEST(Framing, AutoPerFrame) {
  // Mixed framing, stray LFs between octet-counted frames, lines that start with digits but are
  // not octet counts (an ISO stamp, a CSV) stay lines.
  const std::string stream = octet(kMsgA) + "\n" + kMsgC + "\n" + octet(kMsgB) +
                             "2024-03-01T12:34:56Z host t: x\n1,2026/03/14,GLOBALPROTECT\n" +
                             "12345678901 is eleven digits\n";
  EXPECT_EQ(
      split(stream, {Framing::kAuto, 1 << 20}),
      (std::vector<std::string>{kMsgA, kMsgC, kMsgB, "2024-03-01T12:34:56Z host t: x",
                                "1,2026/03/14,GLOBALPROTECT", "12345678901 is eleven digits"}));
}

TEST(Framing, SameFramesWhateverTheCuts) {
  const std::string octets = octet(kMsgA) + octet(kMsgB) + octet(kMsgC) + octet(kMsgA);
  const std::string lines = kMsgA + "\r\n" + kMsgC + "\n\n" + kMsgA;
  struct Case {
    std::string stream;
    FrameOptions options;
  };
  const Case cases[] = {
      {octets, {Framing::kOctetCounting, 1 << 20}},
      {octets, {Framing::kAuto, 1 << 20}},
      {lines, {Framing::kNonTransparent, 1 << 20}},
      {lines, {Framing::kAuto, 1 << 20}},
      // With errors in the stream: an oversized frame of each kind, then good ones.
      {octet(std::string(100, 'x')) + octet(kMsgC) + octet(kMsgA), {Framing::kOctetCounting, 60}},
      {std::string(100, 'x') + "\n" + kMsgC + "\n", {Framing::kNonTransparent, 60}},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> whole = split(c.stream, c.options);
    ASSERT_FALSE(whole.empty());
    for (std::size_t cut = 0; cut <= c.stream.size(); ++cut) {
      EXPECT_EQ(split(c.stream, c.options, {cut}), whole) << "cut at " << cut;
    }
    for (std::size_t size = 1; size <= 17; ++size) {
      EXPECT_EQ(split(c.stream, c.options, std::vector<std::size_t>(c.stream.size(), size)), whole)
          << "chunks of " << size;
    }
  }
}

TEST(Framing, ZeroLengthOctetFrameIsABadLength) {
  // MSG-LEN = NONZERO-DIGIT *DIGIT.
  EXPECT_EQ(split("0 \n" + octet(kMsgC), {Framing::kOctetCounting, 1 << 20}),
            (std::vector<std::string>{"!syslog-frame-bad-length", kMsgC}));
}

struct FrameErrorCase {
  const char* what;
  std::string stream;
  FrameOptions options;
  std::vector<std::string> want;
};

std::vector<FrameErrorCase> frame_error_cases() {
  const FrameOptions octets{Framing::kOctetCounting, 64};
  const FrameOptions lines{Framing::kNonTransparent, 64};
  const FrameOptions any{Framing::kAuto, 64};
  return {
      {"octet count not a number: resync at the next LF",
       "<13>no count\n" + octet(kMsgC),
       octets,
       {"!syslog-frame-bad-length", kMsgC}},
      {"octet count with leading zero",
       "026 " + kMsgC + "\n" + octet(kMsgC),
       octets,
       {"!syslog-frame-bad-length", kMsgC}},
      {"octet count of 11 digits",
       "12345678901 x\n" + octet(kMsgC),
       octets,
       {"!syslog-frame-bad-length", kMsgC}},
      {"octet count without SP",
       "26<13>Mar 14 01:01:58 h t: m\n" + octet(kMsgC),
       octets,
       {"!syslog-frame-bad-length", kMsgC}},
      {"bad count and no LF: the rest is dropped",
       "x" + octet(kMsgC),
       octets,
       {"!syslog-frame-bad-length"}},
      {"auto: a zero count is a line", "0 x\n" + kMsgC + "\n", any, {"0 x", kMsgC}},
      {"octet frame over the limit, skipped exactly",
       octet(std::string(65, 'x')) + octet(kMsgC),
       octets,
       {"!syslog-frame-too-large", kMsgC}},
      {"octet frame at the limit", octet(std::string(64, 'x')), octets, {std::string(64, 'x')}},
      {"line over the limit, skipped to its LF",
       std::string(65, 'x') + "\n" + kMsgC + "\n",
       lines,
       {"!syslog-frame-too-large", kMsgC}},
      {"line far over the limit",
       std::string(1000, 'x') + "\n" + kMsgC + "\n",
       lines,
       {"!syslog-frame-too-large", kMsgC}},
      {"line at the limit, with CRLF",
       std::string(64, 'x') + "\r\n",
       lines,
       {std::string(64, 'x')}},
      {"last line over the limit, no LF", std::string(65, 'x'), lines, {"!syslog-frame-too-large"}},
      {"stream ends inside an octet frame",
       octet(kMsgC) + "30 <13>1 - -",
       octets,
       {kMsgC, "!syslog-frame-truncated"}},
      {"stream ends inside an octet count",
       octet(kMsgC) + "12",
       octets,
       {kMsgC, "!syslog-frame-truncated"}},
      {"stream ends after an octet count",
       octet(kMsgC) + "12 ",
       octets,
       {kMsgC, "!syslog-frame-truncated"}},
      {"stream ends inside an oversized frame",
       octet(kMsgC) + "100 <13>",
       octets,
       {kMsgC, "!syslog-frame-too-large"}},
      {"last line without LF is a frame",
       kMsgA + "\n" + kMsgC,
       {Framing::kNonTransparent, 1 << 20},
       {kMsgA, kMsgC}},
  };
}

TEST(Framing, Errors) {
  for (const FrameErrorCase& c : frame_error_cases()) {
    EXPECT_EQ(split(c.stream, c.options), c.want) << c.what;
    // The same with the stream arriving one byte at a time.
    EXPECT_EQ(split(c.stream, c.options, std::vector<std::size_t>(c.stream.size(), 1)), c.want)
        << c.what << " (byte by byte)";
  }
}

TEST(Framing, EmptyInputs) {
  FrameSplitter s;
  EXPECT_EQ(s.next("").outcome, Outcome::kNeedMore);
  EXPECT_EQ(s.finish("").outcome, Outcome::kEnd);
  const FrameSplitter::Step blank = s.finish("\r\n\n");
  EXPECT_EQ(blank.outcome, Outcome::kEnd);
  EXPECT_EQ(blank.consumed, 3u);
}

TEST(Framing, ResetForgetsADiscard) {
  FrameSplitter s({Framing::kOctetCounting, 10});
  const FrameSplitter::Step big = s.next("100 <13>");
  EXPECT_EQ(big.outcome, Outcome::kError);
  EXPECT_EQ(big.error, SyslogError::kFrameTooLarge);
  s.reset();  // a new connection
  const FrameSplitter::Step next = s.next("3 abc");
  EXPECT_EQ(next.outcome, Outcome::kFrame);
  EXPECT_EQ(next.frame, "abc");
}

TEST(Framing, SharedSampleFilesSplitIntoTheirLines) {
  // A file is an LF-delimited stream: the splitter gives the same lines as reading it line by line.
  const std::string text = "# comment\n<13>Mar 14 01:01:58 h t: m\r\nlast";
  EXPECT_EQ(split(text, {Framing::kNonTransparent, 1 << 20}),
            (std::vector<std::string>{"# comment", "<13>Mar 14 01:01:58 h t: m", "last"}));
}

}  // namespace
}  // namespace vigie::ingest
