// RecordInput: the records of a log file or of standard input, for `vigie decode` and `vigie hunt`.
//
// Four framings. Lines (LineReader): one record per line, which is what JSON lines, syslog files
// and CSV exports are. XML (ingest::XmlSplitter): one record per element whatever the line breaks,
// for Windows event XML, where a 4662 event's AccessList spans several lines; the XML declaration,
// comments and the <Events> container are skipped. Syslog frames (ingest::FrameSplitter, RFC 6587
// in its auto mode): octet-counted frames ("MSG-LEN SP MSG", whose MSG may hold line breaks, as
// an ATNA audit message's XML does) and LF-terminated lines, frame by frame, for TCP captures and
// relays that write octet counting. HL7 v2 (ingest::Hl7Splitter): one record per message, from
// its MSH to the next MSH at the start of a line or to its MLLP end, for MLLP captures
// ("0x0B message 0x1C 0x0D") and for files with one segment per line (LF or CRLF), one message per
// line, or CR only. `auto` picks XML when a regular file starts (after a BOM and blanks) with
// "<?xml", "<!--", "<Events" or "<Event", syslog frames when it starts with an octet count before
// a PRI ("123 <"), HL7 v2 when it starts (after a BOM, blanks and an MLLP start byte) with "MSH"
// and a field separator, else lines; standard input is read as lines unless another framing is
// asked for. A file that starts as HL7 is read as HL7 to its end: a line that is not an HL7
// segment becomes part of the message before it (and its decoder rejects that message).
//
// Line numbers count LF: a record's line is the one where it starts (where its "MSH" is, for
// HL7). A file without LF (an MLLP capture, a CR-only file) is all on line 1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vigie::app {

enum class Framing { kAuto, kLines, kXml, kSyslogFrames, kHl7 };

class RecordInput {
 public:
  enum class Status { kRecord, kOversized, kMalformed, kEnd, kError };

  // `fd` stays open and is read until EOF.
  RecordInput(int fd, std::size_t max_record_bytes, Framing framing);
  ~RecordInput();

  // The next record. kOversized: skipped, oversized_bytes() says how long it was (lines);
  // kMalformed: the splitter's reason in error() (XML, syslog frames, HL7 v2: a lower-kebab-case code
  // such as hl7-too-large; for HL7, line_number() is the line of the garbage or of the oversized
  // message's MSH); kError: read(2) failed (errno kept).
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
      default:
        return "the syslog stream cannot be cut into frames here";
    }
  }
  bool xml() const { return framing_ == Framing::kXml; }
  // The framing in use (never kAuto: what auto picked).
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
