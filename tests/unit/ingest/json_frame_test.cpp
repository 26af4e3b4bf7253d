// JSON framing: pretty-printed records, evtx_dump `-o json` output ("Record <n>" lines), top-level
// arrays, JSON lines, braces and quotes inside strings, what is skipped or reported between
// records, oversized and truncated records, deep nesting, and the same records whatever the cuts
// between the reads a stream arrives in.
#include "ingest/json_frame.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ingest_test_support.h"
#include "json_split_harness.h"
#include "split_cuts.h"

namespace vigie::ingest {
namespace {

using Outcome = JsonSplitter::Outcome;
using Records = std::vector<std::string>;

// What a splitter gives for a stream that arrives in chunks of the given sizes (then the rest in
// one piece): see json_split_harness.h; any broken promise of the contract fails the test.
Records split(std::string_view stream, std::size_t max = 1 << 20,
              const std::vector<std::size_t>& chunks = {}) {
  return testing::json_split_in_chunks(stream, JsonSplitOptions{max}, chunks,
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
void expect_same_whatever_the_cuts(std::string_view stream, const Records& want) {
  expect_same_whatever_the_cuts(stream, 1 << 20, want);
}

// Two records as a pretty-printer writes them (two-space indent), with what a splitter that did
// not know strings would trip on: braces, escaped quotes and a final backslash inside strings.
const std::string kA =
    "{\n"
    "  \"@timestamp\": \"2026-03-14T00:04:30.250Z\",\n"
    "  \"winlog\": {\n"
    "    \"event_id\": 4625,\n"
    "    \"event_data\": {\n"
    "      \"TargetUserName\": \"svc}{\",\n"
    "      \"CommandLine\": \"cmd /c \\\"echo }\\\"\",\n"
    "      \"Path\": \"C:\\\\Temp\\\\\"\n"
    "    },\n"
    "    \"keywords\": [\n"
    "      \"Audit Failure\"\n"
    "    ]\n"
    "  }\n"
    "}";
const std::string kB = "{\n  \"resourceType\": \"AuditEvent\",\n  \"entity\": [\n    {}\n  ]\n}";
const std::string kC = "{\"a\":1}";

TEST(JsonFrame, ErrorNames) {
  EXPECT_EQ(json_frame_error_name(JsonFrameError::kOk), "ok");
  EXPECT_EQ(json_frame_error_name(JsonFrameError::kNotARecord), "json-not-a-record");
  EXPECT_EQ(json_frame_error_name(JsonFrameError::kTooLarge), "json-too-large");
  EXPECT_EQ(json_frame_error_name(JsonFrameError::kTruncated), "json-truncated");
  EXPECT_EQ(json_frame_error_name(static_cast<JsonFrameError>(kJsonFrameErrorCount)),
            "json-unknown-error");
}

TEST(JsonFrame, PrettyPrintedRecords) {
  expect_same_whatever_the_cuts(kA + "\n" + kB + "\n", {kA, kB});
  // Without a line end between them, with blank lines, and with CRLF line ends.
  expect_same_whatever_the_cuts(kA + kB + "\n\n\n" + kC, {kA, kB, kC});
  std::string crlf_a;
  for (char c : kA) crlf_a += c == '\n' ? std::string("\r\n") : std::string(1, c);
  expect_same_whatever_the_cuts(crlf_a + "\r\n" + kB + "\r\n", {crlf_a, kB});
  // Tabs, and a record as the last bytes of the stream.
  expect_same_whatever_the_cuts("\t{\n\t\"a\": {\"b\": \"}\"}\n}",
                                {"{\n\t\"a\": {\"b\": \"}\"}\n}"});
}

TEST(JsonFrame, QuotesAndBackslashesInStrings) {
  // A backslash escapes the next byte only: "\\" ends with a backslash, "\"" does not end.
  expect_same_whatever_the_cuts(R"({"a":"\\"}{"b":"\\\"}"}{"c":"x\"{\"y"})",
                                {R"({"a":"\\"})", R"({"b":"\\\"}"})", R"({"c":"x\"{\"y"})"});
  // Keys count as strings too; an empty string; a brace right after a string.
  expect_same_whatever_the_cuts(R"({"}":"{","":""}{"x":{}})",
                                {R"({"}":"{","":""})", R"({"x":{}})"});
  // Escaped unicode and a non-ASCII byte are bytes like any other.
  expect_same_whatever_the_cuts("{\"n\":\"\\u007d \xC3\xA9\"}", {"{\"n\":\"\\u007d \xC3\xA9\"}"});
}

TEST(JsonFrame, EvtxDumpOutput) {
  // `evtx_dump -o json`: "Record <EventRecordID>" on its own line before each record.
  const std::string a =
      "{\n  \"Event\": {\n    \"System\": {\n      \"EventID\": 4624\n    }\n  }\n}";
  const std::string b =
      "{\n  \"Event\": {\n    \"System\": {\n      \"EventID\": 4625\n    }\n  }\n}";
  expect_same_whatever_the_cuts("Record 884204\n" + a + "\nRecord 884205\n" + b + "\n", {a, b});
  // CRLF, the largest EventRecordID, a "Record" line as the last line (with or without LF).
  expect_same_whatever_the_cuts(
      "Record 1\r\n" + a + "\r\nRecord 18446744073709551615\r\n" + b + "\r\nRecord 3", {a, b});
  expect_same_whatever_the_cuts("Record 1\n" + a + "\nRecord 2\n", {a});
  // After a BOM, indented, and after blank lines.
  expect_same_whatever_the_cuts("\xEF\xBB\xBFRecord 1\n" + a + "\n  Record 2\n\n" + b, {a, b});
}

TEST(JsonFrame, RecordLinesThatAreNotOnesAreGarbage) {
  // Not at the start of a line, without a number, with more after it, too long, in lower case.
  expect_same_whatever_the_cuts(kC + " Record 1\n" + kC, {kC, "!json-not-a-record", kC});
  for (std::string_view bad : {"Record\n", "Record \n", "Record x\n", "Record 12 of 40\n",
                               "Record 123456789012345678901\n", "record 1\n", "Record 1\r\r\n",
                               "Records 1\n", "Reco\n"}) {
    SCOPED_TRACE(bad);
    std::string stream = kC + "\n";
    stream.append(bad).append(kC);
    expect_same_whatever_the_cuts(stream, {kC, "!json-not-a-record", kC});
  }
  // At the end of the stream: a cut "Record" line is garbage.
  expect_same_whatever_the_cuts(kC + "\nRecord ", {kC, "!json-not-a-record"});
  expect_same_whatever_the_cuts(kC + "\nRec", {kC, "!json-not-a-record"});
}

TEST(JsonFrame, TopLevelArrays) {
  // Pretty-printed (json.dumps(list, indent=2)), on one line, and empty.
  expect_same_whatever_the_cuts("[\n  " + kB + ",\n  " + kC + "\n]\n", {kB, kC});
  expect_same_whatever_the_cuts("[" + kC + "," + kC + " , " + kA + "]", {kC, kC, kA});
  expect_same_whatever_the_cuts("[]\n[ ]\n", {});
  // Arrays one after the other (a file per page of results, concatenated).
  expect_same_whatever_the_cuts("[" + kC + "]\n[" + kB + "]", {kC, kB});
  // An element that is not an object is garbage, up to the next line starting with "{".
  expect_same_whatever_the_cuts("[\n  " + kC + ",\n  42,\n  \"x\",\n  " + kB + "\n]",
                                {kC, "!json-not-a-record", kB});
}

TEST(JsonFrame, JsonLinesGiveTheirLines) {
  // One object per line is cut the same way: each line is a record, its line end left out.
  expect_same_whatever_the_cuts(kC + "\n" + kC + "\r\n\n" + kC, {kC, kC, kC});
  // The shared samples, as they are, and with line breaks inside each record: every ", " between
  // two values becomes ",\n  " (inside string values too, which a splitter must not care about).
  for (const char* name :
       {"windows_winlogbeat_raw.ndjson", "ehr_fhir_r4_auditevent_balp.ndjson",
        "windows_nxlog_im_msvistalog.ndjson", "ehr_dpi_vendor_flat_access.ndjson"}) {
    const std::string sample = testing::read_file(testing::shared_dir() / "formats" / name);
    ASSERT_FALSE(sample.empty()) << name;
    Records lines, broken_lines;
    std::string broken;
    for (std::size_t at = 0; at < sample.size();) {
      const std::size_t lf = std::min(sample.find('\n', at), sample.size());
      std::string line = sample.substr(at, lf - at);
      at = lf + 1;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string spread;
      for (std::size_t i = 0; i < line.size(); ++i) {
        spread += line[i];
        if (line[i] == ',' && i + 1 < line.size() && line[i + 1] == ' ') spread += "\n ";
      }
      lines.push_back(line);
      broken_lines.push_back(spread);
      broken += spread + "\n";
    }
    ASSERT_GE(lines.size(), 3u) << name;
    EXPECT_EQ(split(sample), lines) << name;
    EXPECT_EQ(split(sample, 1 << 20, std::vector<std::size_t>(sample.size(), 1)), lines) << name;
    EXPECT_EQ(split(broken), broken_lines) << name;
    EXPECT_EQ(split(broken, 1 << 20, std::vector<std::size_t>(broken.size(), 3)), broken_lines)
        << name;
  }
}

TEST(JsonFrame, BlanksAndByteOrderMarksAreSkipped) {
  expect_same_whatever_the_cuts("\xEF\xBB\xBF \t\r\n" + kC + "\n\xEF\xBB\xBF" + kC, {kC, kC});
  EXPECT_EQ(split(""), Records{});
  EXPECT_EQ(split(" \r\n\t\n\xEF\xBB\xBF"), Records{});
  // Part of a BOM is garbage, at the end too.
  expect_same_whatever_the_cuts("\xEF\xBB" + kC, {"!json-not-a-record"});
  expect_same_whatever_the_cuts(kC + "\xEF", {kC, "!json-not-a-record"});
}

TEST(JsonFrame, GarbageIsReportedOnceAndSkippedToALineStartingWithABrace) {
  // A run of garbage, however many lines, is one error; a "{" inside it that does not start a
  // line is skipped with it; the next line starting with "{" (after spaces) is a record.
  const std::string junk = "# exported 2026-03-14\nnot json {\"a\":1}\n  x\n";
  expect_same_whatever_the_cuts(junk + kC + "\n" + kB, {"!json-not-a-record", kC, kB});
  expect_same_whatever_the_cuts(junk + "   \t" + kC, {"!json-not-a-record", kC});
  // Between records, once per run; a stray "}" is garbage too.
  expect_same_whatever_the_cuts(kC + "xx\n" + kB + "\n}\n}\n" + kC,
                                {kC, "!json-not-a-record", kB, "!json-not-a-record", kC});
  // Garbage and nothing else, and garbage after the last record.
  EXPECT_EQ(split("garbage"), Records{"!json-not-a-record"});
  expect_same_whatever_the_cuts(kC + "\n\n oops", {kC, "!json-not-a-record"});

  // The error points at the garbage, after the blanks skipped before it.
  JsonSplitter s;
  const std::string stream = "\n\n\n xx\n" + kC;
  const JsonSplitter::Step e = s.next(stream);
  ASSERT_EQ(e.outcome, Outcome::kError);
  EXPECT_EQ(e.error, JsonFrameError::kNotARecord);
  EXPECT_TRUE(e.record.empty());
  EXPECT_EQ(e.record.data(), stream.data() + 4);
  EXPECT_EQ(e.consumed, 5u);
  const JsonSplitter::Step r = s.next(std::string_view(stream).substr(e.consumed));
  ASSERT_EQ(r.outcome, Outcome::kRecord);
  EXPECT_EQ(r.record, kC);
}

TEST(JsonFrame, ARecordCutShortIsTruncated) {
  // The stream ends inside a record: json-truncated, pointing at its "{".
  expect_same_whatever_the_cuts(kC + "\n{\"a\": {\"b\": 1}", {kC, "!json-truncated"});
  expect_same_whatever_the_cuts("{\"a\": \"}", {"!json-truncated"});
  expect_same_whatever_the_cuts("{", {"!json-truncated"});
  // next() keeps a record whose end is not in sight; finish() reports it.
  JsonSplitter s;
  const std::string cut = "\n{\"a\":";
  const JsonSplitter::Step more = s.next(cut);
  EXPECT_EQ(more.outcome, Outcome::kNeedMore);
  EXPECT_EQ(more.consumed, 1u);
  const JsonSplitter::Step last = s.finish(std::string_view(cut).substr(1));
  ASSERT_EQ(last.outcome, Outcome::kError);
  EXPECT_EQ(last.error, JsonFrameError::kTruncated);
  EXPECT_EQ(last.record.data(), cut.data() + 1);
  EXPECT_EQ(last.consumed, cut.size() - 1);
  EXPECT_EQ(s.finish("").outcome, Outcome::kEnd);
}

TEST(JsonFrame, OversizedRecordsAreReportedOnceAndDiscardedToTheirEnd) {
  // Nested objects, and braces and quotes in strings, inside the oversized record: the depth is
  // still counted while it is discarded, so the record after it comes out whole.
  const std::string big = "{\n  \"a\": {\"b\": \"}}}\\\"}}\", \"c\": {\"d\": [" +
                          std::string(300, '1') + "]}},\n  \"e\": \"{{\"\n}";
  const std::size_t max = 100;
  expect_same_whatever_the_cuts(kC + "\n" + big + "\n" + kC, max, {kC, "!json-too-large", kC});
  expect_same_whatever_the_cuts("Record 1\n" + big + "\nRecord 2\n" + kC, max,
                                {"!json-too-large", kC});
  expect_same_whatever_the_cuts("[" + big + "," + kC + "]", max, {"!json-too-large", kC});
  // As the last record, closed or not: one error.
  expect_same_whatever_the_cuts(kC + big, max, {kC, "!json-too-large"});
  expect_same_whatever_the_cuts(kC + big.substr(0, 250), max, {kC, "!json-too-large"});
  // The error points at the record's "{".
  JsonSplitter s(JsonSplitOptions{max});
  const std::string stream = "\n " + big;
  const JsonSplitter::Step e = s.next(stream);
  ASSERT_EQ(e.outcome, Outcome::kError);
  EXPECT_EQ(e.error, JsonFrameError::kTooLarge);
  EXPECT_EQ(e.record.data(), stream.data() + 2);
  EXPECT_EQ(e.consumed, 2 + max);
}

TEST(JsonFrame, TheLimitIsOnTheRecord) {
  const std::string at_limit = "{\"a\":\"" + std::string(92, 'x') + "\"}";  // 100 bytes
  ASSERT_EQ(at_limit.size(), 100u);
  // What surrounds it does not count...
  expect_same_whatever_the_cuts("  \n" + at_limit + "\n\n,  " + at_limit, 100,
                                {at_limit, at_limit});
  // ...one more byte in it does.
  const std::string over = "{\"a\":\"" + std::string(93, 'x') + "\"}";
  expect_same_whatever_the_cuts(over + "\n" + at_limit, 100, {"!json-too-large", at_limit});
  expect_same_whatever_the_cuts("{}", 2, {"{}"});
  expect_same_whatever_the_cuts("{ }{}", 2, {"!json-too-large", "{}"});
  expect_same_whatever_the_cuts("{}", 1, {"!json-too-large"});
}

TEST(JsonFrame, PendingBytesStayBounded) {
  // A record far over the limit, fed in small reads: what is kept stays near the limit (the
  // harness checks max + 32 after each read), and the error comes once. So do long runs of
  // garbage and of blanks.
  const std::string huge =
      "{\"a\": \"" + std::string(5000, 'z') + "\", \"b\": {" + std::string(3000, '\n') + "}}";
  EXPECT_EQ(split(huge + "\n" + kC, 100, std::vector<std::size_t>(huge.size() / 7 + 1, 7)),
            (Records{"!json-too-large", kC}));
  const std::string junk = std::string(5000, 'j') + "\n" + std::string(5000, ' ') + "\n";
  EXPECT_EQ(split(junk + kC, 100, std::vector<std::size_t>(junk.size() / 7 + 1, 7)),
            (Records{"!json-not-a-record", kC}));
}

TEST(JsonFrame, ByteByByteFeedingIsLinear) {
  // 4 MiB fed one byte at a time: a splitter that rescanned its pending record on each call
  // would look at ~10^13 bytes here and never finish.
  const std::string record = "{\"a\": \"" + std::string(4 << 20, 'a') + "\"}";
  const std::string stream = record + "\n" + kC;
  JsonSplitter s(JsonSplitOptions{8 << 20});
  std::string_view all(stream);
  std::size_t begin = 0;
  Records out;
  for (std::size_t end = 1; end <= all.size(); ++end) {
    const JsonSplitter::Step step = s.next(all.substr(begin, end - begin));
    begin += step.consumed;
    if (step.outcome == Outcome::kRecord) out.emplace_back(step.record.substr(0, 8));
  }
  EXPECT_EQ(out, (Records{"{\"a\": \"a", kC}));
  EXPECT_EQ(s.finish(all.substr(begin)).outcome, Outcome::kEnd);
}

TEST(JsonFrame, DeepNestingCostsNothing) {
  // A million levels: one record (the decoders reject it as too deep), and the one after it.
  const std::size_t levels = 1'000'000;
  const std::string deep = std::string(levels, '{') + std::string(levels, '}');
  EXPECT_EQ(split(deep + kC, 4 << 20), (Records{deep, kC}));
  // Never closed: discarded to the end of the stream once over the limit, truncated if not.
  EXPECT_EQ(split(std::string(levels, '{') + kC, 1000), Records{"!json-too-large"});
  EXPECT_EQ(split(std::string(levels, '{') + kC, 4 << 20), Records{"!json-truncated"});
}

TEST(JsonFrame, ResetForgetsTheStream) {
  JsonSplitter s(JsonSplitOptions{10});
  const std::string input = "\r\n{\"a\": \"0123456789\"}";
  const JsonSplitter::Step big = s.next(input);
  ASSERT_EQ(big.outcome, Outcome::kError);
  EXPECT_EQ(big.error, JsonFrameError::kTooLarge);
  s.reset();  // a new file: not discarding any more
  const JsonSplitter::Step next = s.finish("{\"x\":1}");
  ASSERT_EQ(next.outcome, Outcome::kRecord);
  EXPECT_EQ(next.record, "{\"x\":1}");
  // After kEnd, the splitter reads a new stream from its start (a "Record" line included).
  EXPECT_EQ(s.finish("").outcome, Outcome::kEnd);
  s.next("x");  // garbage: skipping
  s.reset();
  EXPECT_EQ(s.finish("Record 1\n{}").record, "{}");
}

TEST(JsonFrame, RandomStreamsGiveTheSameRecordsWhateverTheCuts) {
  // The fuzz target's property, run briefly in every test pass.
  const std::string pieces[] = {
      kA,  kB,  kC,  "{", "}",   "\"",   "\\",         "\n",           "\r\n",         " ",
      "[", "]", ",", "x", "Rec", "ord ", "Record 7\n", "\xEF\xBB\xBF", "{\"k\":\"}\"}"};
  std::mt19937 rng(11);
  for (int round = 0; round < 400; ++round) {
    std::string stream;
    for (int n = rng() % 12; n > 0; --n) stream += pieces[rng() % std::size(pieces)];
    const std::size_t max = 10 + rng() % 120;
    const Records whole = split(stream, max);
    EXPECT_EQ(split(stream, max, std::vector<std::size_t>(stream.size(), 1)), whole) << round;
    EXPECT_EQ(split(stream, max, {rng() % (stream.size() + 1)}), whole) << round;
  }
}

}  // namespace
}  // namespace vigie::ingest
