// RecordInput: the records of a log file or of standard input, for `vigie decode` and `vigie hunt`.
//
// Two framings. Lines (LineReader): one record per line, which is what JSON lines, syslog files and
// CSV exports are. XML (ingest::XmlSplitter): one record per element whatever the line breaks, for
// Windows event XML, where a 4662 event's AccessList spans several lines; the XML declaration,
// comments and the <Events> container are skipped. `auto` picks XML when a regular file starts
// (after a BOM and blanks) with "<?xml", "<!--", "<Events" or "<Event", else lines; standard input
// is read as lines unless XML is asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vigie::app {

enum class Framing { kAuto, kLines, kXml };

class RecordInput {
 public:
  enum class Status { kRecord, kOversized, kMalformed, kEnd, kError };

  // `fd` stays open and is read until EOF.
  RecordInput(int fd, std::size_t max_record_bytes, Framing framing);
  ~RecordInput();

  // The next record. kOversized: skipped, oversized_bytes() says how long it was (lines);
  // kMalformed: the splitter's reason in error() (XML); kError: read(2) failed (errno kept).
  Status next(std::string_view& record);

  // 1-based line where the last record (or problem) starts.
  std::int64_t line_number() const;
  std::size_t oversized_bytes() const;
  std::string_view error() const { return error_; }
  bool xml() const { return xml_; }

 private:
  struct Lines;
  struct Xml;
  std::unique_ptr<Lines> lines_;
  std::unique_ptr<Xml> xml_reader_;
  bool xml_ = false;
  std::string_view error_;
};

}  // namespace vigie::app
