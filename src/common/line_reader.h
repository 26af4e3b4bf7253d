// LineReader: reads newline-delimited records from a file descriptor with bounded memory.
//
// A line longer than `max_line_bytes` is not buffered: the reader skips to its end and reports it
// as oversized (with its line number), so one huge record cannot exhaust memory. A trailing '\r'
// is removed (CRLF files). The returned view is valid until the next call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigie {

class LineReader {
 public:
  enum class Status { kLine, kOversized, kEnd, kError };

  // Takes ownership of nothing: `fd` stays open and is read until EOF.
  LineReader(int fd, std::size_t max_line_bytes);

  // Next record. kLine: `line` is set. kOversized: the line was skipped; `oversized_bytes` says
  // how long it was. kError: read(2) failed (errno kept).
  Status next(std::string_view& line);

  std::int64_t line_number() const { return line_number_; }  // 1-based number of the last record
  std::size_t oversized_bytes() const { return oversized_bytes_; }

 private:
  bool fill();
  int fd_;
  std::size_t max_;
  std::string buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool error_ = false;
  std::int64_t line_number_ = 0;
  std::size_t oversized_bytes_ = 0;
};

// A line that holds no record: blank, or a comment whose first non-blank character is '#'.
// No log format Vigie reads starts a record with '#' (JSON, syslog, key=value, CSV data rows,
// HL7, XML), and annotated sample files and W3C-style exports put headers there.
inline bool is_blank_or_comment(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

}  // namespace vigie
