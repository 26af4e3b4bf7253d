#include "record_input.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/line_reader.h"
#include "ingest/xml.h"

namespace vigie::app {
namespace {

// Whether a regular file's first bytes are XML markup (not a syslog "<PRI>").
bool starts_as_xml(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  char buf[64];
  const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  std::string_view head(buf, static_cast<std::size_t>(n));
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  head.remove_prefix(first);
  for (std::string_view start : {"<?xml", "<!--", "<Events", "<Event"}) {
    if (head.substr(0, start.size()) == start) return true;
  }
  return false;
}

}  // namespace

struct RecordInput::Lines {
  LineReader reader;
  Lines(int fd, std::size_t max) : reader(fd, max) {}
};

struct RecordInput::Xml {
  int fd;
  ingest::XmlSplitter splitter;
  std::string buf;
  std::size_t pos = 0;    // bytes of buf consumed
  std::int64_t line = 1;  // line at buf[pos]
  std::int64_t record_line = 0;
  bool eof = false;

  Xml(int f, std::size_t max) : fd(f), splitter(ingest::XmlSplitOptions{max, "Events"}) {}

  // Moves pos over `n` bytes, counting lines.
  void consume(std::size_t n) {
    line += std::count(buf.begin() + static_cast<std::ptrdiff_t>(pos),
                       buf.begin() + static_cast<std::ptrdiff_t>(pos + n), '\n');
    pos += n;
  }

  bool fill() {
    if (pos > 0) {
      buf.erase(0, pos);
      pos = 0;
    }
    char chunk[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) {
        eof = true;
        return true;
      }
      if (errno != EINTR) return false;
    }
  }
};

RecordInput::RecordInput(int fd, std::size_t max_record_bytes, Framing framing) {
  xml_ = framing == Framing::kXml || (framing == Framing::kAuto && starts_as_xml(fd));
  if (xml_) {
    xml_reader_ = std::make_unique<Xml>(fd, max_record_bytes);
  } else {
    lines_ = std::make_unique<Lines>(fd, max_record_bytes);
  }
}

RecordInput::~RecordInput() = default;

RecordInput::Status RecordInput::next(std::string_view& record) {
  if (lines_) {
    switch (lines_->reader.next(record)) {
      case LineReader::Status::kLine:
        return Status::kRecord;
      case LineReader::Status::kOversized:
        return Status::kOversized;
      case LineReader::Status::kEnd:
        return Status::kEnd;
      case LineReader::Status::kError:
        return Status::kError;
    }
    return Status::kError;
  }
  Xml& x = *xml_reader_;
  for (;;) {
    const std::string_view pending(x.buf.data() + x.pos, x.buf.size() - x.pos);
    const ingest::XmlSplitter::Step s =
        x.eof ? x.splitter.finish(pending) : x.splitter.next(pending);
    using O = ingest::XmlSplitter::Outcome;
    if (s.outcome == O::kRecord || s.outcome == O::kError) {
      const std::size_t start =
          s.outcome == O::kRecord ? static_cast<std::size_t>(s.record.data() - pending.data()) : 0;
      x.consume(start);
      x.record_line = x.line;
      x.consume(s.consumed - start);
      if (s.outcome == O::kError) {
        error_ = ingest::xml_error_name(s.error);
        return Status::kMalformed;
      }
      record = s.record;
      return Status::kRecord;
    }
    if (s.outcome == O::kEnd) return Status::kEnd;
    // kNeedMore: keep what is pending, read more.
    x.consume(s.consumed);
    if (!x.fill()) return Status::kError;
  }
}

std::int64_t RecordInput::line_number() const {
  return lines_ ? lines_->reader.line_number() : xml_reader_->record_line;
}

std::size_t RecordInput::oversized_bytes() const {
  return lines_ ? lines_->reader.oversized_bytes() : 0;
}

}  // namespace vigie::app
