// RecordInput: the records of a log file or of standard input, for `vigie decode` and `vigie hunt`.
//
// Three framings. Lines (LineReader): one record per line, which is what JSON lines, syslog files
// and CSV exports are. XML (ingest::XmlSplitter): one record per element whatever the line breaks,
// for Windows event XML, where a 4662 event's AccessList spans several lines; the XML declaration,
// comments and the <Events> container are skipped. Syslog frames (ingest::FrameSplitter, RFC 6587
// in its auto mode): octet-counted frames ("MSG-LEN SP MSG", whose MSG may hold line breaks, as
// an ATNA audit message's XML does) and LF-terminated lines, frame by frame, for TCP captures and
// relays that write octet counting. `auto` picks XML when a regular file starts (after a BOM and
// blanks) with "<?xml", "<!--", "<Events" or "<Event", syslog frames when it starts with an octet
// count before a PRI ("123 <"), else lines; standard input is read as lines unless XML is asked
// for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vigie::app {

enum class Framing { kAuto, kLines, kXml, kSyslogFrames };

class RecordInput {
 public:
  enum class Status { kRecord, kOversized, kMalformed, kEnd, kError };

  // `fd` stays open and is read until EOF.
  RecordInput(int fd, std::size_t max_record_bytes, Framing framing);
  ~RecordInput();

  // The next record. kOversized: skipped, oversized_bytes() says how long it was (lines);
  // kMalformed: the splitter's reason in error() (XML, syslog frames); kError: read(2) failed
  // (errno kept).
  Status next(std::string_view& record);

  // 1-based line where the last record (or problem) starts.
  std::int64_t line_number() const;
  std::size_t oversized_bytes() const;
  std::string_view error() const { return error_; }
  // What a kMalformed record is, for a reject message.
  std::string_view malformed_what() const {
    return xml_ ? "the XML stream cannot be cut into records here"
                : "the syslog stream cannot be cut into frames here";
  }
  bool xml() const { return xml_; }

 private:
  struct Lines;
  struct Stream;
  std::unique_ptr<Lines> lines_;
  std::unique_ptr<Stream> stream_;
  bool xml_ = false;
  std::string_view error_;
};

}  // namespace vigie::app
