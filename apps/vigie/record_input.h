// RecordInput: the records of a log file or of standard input, for `vigie decode` and `vigie hunt`.
//
// Five framings. Lines (LineReader): one record per line, which is what JSON lines, syslog files
// and CSV exports are. XML (ingest::XmlSplitter): one record per element whatever the line breaks,
// for Windows event XML, where a 4662 event's AccessList spans several lines; the XML declaration,
// comments and the <Events> container are skipped. Syslog frames (ingest::FrameSplitter, RFC 6587
// in its auto mode): octet-counted frames ("MSG-LEN SP MSG", whose MSG may hold line breaks, as
// an ATNA audit message's XML does) and LF-terminated lines, frame by frame, for TCP captures and
// relays that write octet counting. HL7 v2 (ingest::Hl7Splitter): one record per message, from
// its MSH to the next MSH at the start of a line or to its MLLP end, for MLLP captures
// ("0x0B message 0x1C 0x0D") and for files with one segment per line (LF or CRLF), one message per
// line, or CR only. JSON (ingest::JsonSplitter): one record per top-level object whatever its line
// breaks, for pretty-printed files (a FHIR Bundle saved from a search, json.dumps(indent=2)),
// `evtx_dump -o json` output (its "Record <n>" lines skipped) and top-level arrays of objects
// (each element a record).
//
// `auto` picks, for a regular file, by its first bytes (after a BOM and blanks): XML when it
// starts with "<?xml", "<!--", "<Events" or "<Event"; syslog frames when it starts with an octet
// count before a PRI ("123 <"); HL7 v2 when it starts (after an MLLP start byte too) with "MSH"
// and a field separator; JSON when it starts with an evtx_dump "Record <n>" line followed by a
// "{" line, with "[" followed by "{" or "]", or with a "{" whose object does not end on its first
// line (looked for in the first 64 KiB); else lines. So JSON lines whose first line is a whole
// object stay line-framed (a broken line costs that line only). A named JSON format gets only the
// JSON detection (framing_for_format(): kJsonOrLines). Standard input is read as lines unless
// another framing is asked for. A file that starts as HL7 is read as HL7 to its end: a line that
// is not an HL7 segment becomes part of the message before it (and its decoder rejects that
// message). A file read as JSON reports once each run of bytes between its objects that is not
// blank, array punctuation or a "Record <n>" line (json-not-a-record).
//
// Line numbers count LF: a record's line is the one where it starts (where its "MSH" is, for
// HL7; its "{", for JSON). A file without LF (an MLLP capture, a CR-only file) is all on line 1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vigie::app {

enum class Framing {
  kAuto,
  kLines,
  kXml,
  kSyslogFrames,
  kHl7,
  kJson,
  kJsonOrLines,  // JSON when a regular file holds objects spread over lines (as auto tells), else
                 // lines: for a named JSON format
};

// The framing `vigie decode` and `vigie hunt` read a --format with: "auto" -> kAuto, "wef-xml" ->
// kXml, "hl7v2-adt" -> kHl7, a JSON format (winlogbeat, evtx-json, nxlog, flat, fhir-auditevent,
// dpi-flat) -> kJsonOrLines, any other -> kLines.
Framing framing_for_format(std::string_view format);

class RecordInput {
 public:
  enum class Status { kRecord, kOversized, kMalformed, kEnd, kError };

  // `fd` stays open and is read until EOF.
  RecordInput(int fd, std::size_t max_record_bytes, Framing framing);
  ~RecordInput();

  // The next record. kOversized: skipped, oversized_bytes() says how long it was (lines);
  // kMalformed: the splitter's reason in error() (XML, syslog frames, HL7 v2, JSON: a lower-kebab-
  // case code such as hl7-too-large or json-not-a-record; for HL7 and JSON, line_number() is the
  // line of the garbage or of the oversized or truncated record's start); kError: read(2) failed
  // (errno kept).
  Status next(std::string_view& record);

  // 1-based line where the last record (or problem) starts.
  std::int64_t line_number() const;
  std::size_t oversized_bytes() const;
  std::string_view error() const { return error_; }
  // What a kMalformed record is, for a reject message.
  std::string_view malformed_what() const {
    switch (framing_) {
      case Framing::kXml:
        return "the XML stream cannot be cut into records here";
      case Framing::kHl7:
        return "the HL7 v2 stream cannot be cut into messages here";
      case Framing::kJson:
        return "the JSON stream cannot be cut into records here";
      default:
        return "the syslog stream cannot be cut into frames here";
    }
  }
  bool xml() const { return framing_ == Framing::kXml; }
  // The framing in use (never kAuto or kJsonOrLines: what was picked).
  Framing framing() const { return framing_; }

 private:
  struct Lines;
  struct Stream;
  std::unique_ptr<Lines> lines_;
  std::unique_ptr<Stream> stream_;
  Framing framing_ = Framing::kLines;
  std::string_view error_;
};

}  // namespace vigie::app
