#include "record_input.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>

#include "common/line_reader.h"
#include "ingest/hl7_frame.h"
#include "ingest/json_frame.h"
#include "ingest/syslog.h"
#include "ingest/xml.h"

namespace vigie::app {
namespace {

// How much of a file's start detection reads: enough for the first object of a pretty-printed
// JSON file to show a line break, and for a long first line of JSON lines (a one-line FHIR
// Bundle) to stay JSON lines.
constexpr std::size_t kHeadBytes = 64 << 10;

// The first bytes of a regular file, read with pread so that the file is still read from its
// start; "" for anything else (a pipe or a terminal: what detection read would be lost).
std::string file_head(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return {};
  std::string buf(kHeadBytes, '\0');
  ssize_t n = -1;
  do {
    n = ::pread(fd, buf.data(), buf.size(), 0);
  } while (n < 0 && errno == EINTR);
  buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return buf;
}

// `head` past a UTF-8 byte order mark and blanks.
std::string_view content_start(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  const std::size_t first = head.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view{} : head.substr(first);
}

// XML markup (not a syslog "<PRI>"). `start`: content_start() of the head.
bool starts_as_xml(std::string_view start) {
  for (std::string_view markup : {"<?xml", "<!--", "<Events", "<Event"}) {
    if (start.starts_with(markup)) return true;
  }
  return false;
}

// An RFC 6587 octet-counted syslog frame, from the very first byte: MSG-LEN SP "<" DIGIT (a TCP
// capture, or rsyslog's omfwd/omfile with octet-counted framing).
bool starts_octet_counted(std::string_view head) {
  if (head.empty() || head[0] < '1' || head[0] > '9') return false;
  std::size_t i = 0;
  while (i < head.size() && i < 10 && head[i] >= '0' && head[i] <= '9') ++i;
  return i + 2 < head.size() && head[i] == ' ' && head[i + 1] == '<' && head[i + 2] >= '0' &&
         head[i + 2] <= '9';
}

// An HL7 v2 message: "MSH" and a field separator, after an optional MLLP start byte (0x0B). A
// one-message-per-line ER7 file, a file with one segment per line, and an MLLP capture all do.
bool starts_as_hl7(std::string_view start) {
  if (start.starts_with('\x0B')) start.remove_prefix(1);
  return ingest::hl7_message_start(start);
}

// JSON objects spread over several lines: an evtx_dump "Record <n>" line followed by a "{" line
// (`evtx_dump -o json`), a top-level array of objects ("[" then "{" or "]"), or a "{" whose
// object does not end on its first line (pretty-printed). A file whose first line is a whole
// object is JSON lines, read line by line: a broken line then costs that line only.
bool starts_as_json(std::string_view start) {
  const auto skip_blanks = [&start] {
    const std::size_t first = start.find_first_not_of(" \t\r\n");
    start.remove_prefix(first == std::string_view::npos ? start.size() : first);
  };
  if (start.starts_with("Record ")) {
    start.remove_prefix(7);
    const std::size_t digits = std::min(start.find_first_not_of("0123456789"), start.size());
    if (digits == 0 || digits > 20) return false;
    start.remove_prefix(digits);
    if (start.starts_with('\r')) start.remove_prefix(1);
    if (!start.starts_with('\n')) return false;
    skip_blanks();
    return start.starts_with('{');
  }
  if (start.starts_with('[')) {
    start.remove_prefix(1);
    skip_blanks();
    return start.starts_with('{') || start.starts_with(']');
  }
  if (!start.starts_with('{')) return false;
  // The first object, cut as the JsonSplitter cuts it (strings and escapes known): a line break
  // before its end, or (not closed within the head) anywhere in the head after its "{".
  ingest::JsonSplitter first(ingest::JsonSplitOptions{kHeadBytes});
  const ingest::JsonSplitter::Step s = first.next(start);
  if (s.outcome == ingest::JsonSplitter::Outcome::kRecord) {
    return s.record.find('\n') != std::string_view::npos;
  }
  return s.outcome == ingest::JsonSplitter::Outcome::kNeedMore &&
         start.find('\n') != std::string_view::npos;
}

// One step of a splitter over the pending bytes, whichever the splitter.
struct Cut {
  enum class Kind { kRecord, kError, kNeedMore, kEnd } kind;
  std::string_view record;
  std::string_view error;
  std::size_t consumed;
  std::size_t at = 0;  // kRecord, kError: where in the pending bytes the record or problem starts
};

// `at` for a record: its offset in the pending bytes.
std::size_t offset_in(std::string_view part, std::string_view pending) {
  return static_cast<std::size_t>(part.data() - pending.data());
}

// What differs between the splitters' steps: the names of the record and of the error, and where
// an error starts (HL7 and JSON point at the problem, the garbage or the oversized record; the
// others at the pending bytes).
std::string_view error_name(ingest::XmlError e) { return ingest::xml_error_name(e); }
std::string_view error_name(ingest::SyslogError e) { return ingest::syslog_error_name(e); }
std::string_view error_name(ingest::Hl7FrameError e) { return ingest::hl7_frame_error_name(e); }
std::string_view error_name(ingest::JsonFrameError e) { return ingest::json_frame_error_name(e); }
std::string_view record_of(const ingest::FrameSplitter::Step& s) { return s.frame; }
template <typename Step>
std::string_view record_of(const Step& s) {
  return s.record;
}
std::size_t error_at(const ingest::Hl7Splitter::Step& s, std::string_view pending) {
  return offset_in(s.record, pending);
}
std::size_t error_at(const ingest::JsonSplitter::Step& s, std::string_view pending) {
  return offset_in(s.record, pending);
}
template <typename Step>
std::size_t error_at(const Step&, std::string_view) {
  return 0;
}

template <typename Splitter>
Cut cut(Splitter& splitter, std::string_view pending, bool eof) {
  const typename Splitter::Step s = eof ? splitter.finish(pending) : splitter.next(pending);
  using O = typename Splitter::Outcome;
  if (s.outcome == O::kNeedMore) return {Cut::Kind::kNeedMore, {}, {}, s.consumed};
  if (s.outcome == O::kEnd) return {Cut::Kind::kEnd, {}, {}, s.consumed};
  if (s.outcome == O::kError) {
    return {Cut::Kind::kError, {}, error_name(s.error), s.consumed, error_at(s, pending)};
  }
  const std::string_view record = record_of(s);  // kRecord (kFrame for syslog)
  return {Cut::Kind::kRecord, record, {}, s.consumed, offset_in(record, pending)};
}

}  // namespace

struct RecordInput::Lines {
  LineReader reader;
  Lines(int fd, std::size_t max) : reader(fd, max) {}
};

// A splitter (XML elements, syslog frames, HL7 v2 messages or JSON objects) over a buffer refilled
// from the file: records may span lines, and line numbers are counted over the bytes consumed.
struct RecordInput::Stream {
  int fd;
  std::optional<ingest::XmlSplitter> xml;
  std::optional<ingest::FrameSplitter> frames;
  std::optional<ingest::Hl7Splitter> hl7;
  std::optional<ingest::JsonSplitter> json;
  std::string buf;
  std::size_t pos = 0;    // bytes of buf consumed
  std::int64_t line = 1;  // line at buf[pos]
  std::int64_t record_line = 0;
  bool eof = false;

  Stream(int f, std::size_t max, Framing framing) : fd(f) {
    if (framing == Framing::kXml) {
      xml.emplace(ingest::XmlSplitOptions{max, "Events"});
    } else if (framing == Framing::kHl7) {
      hl7.emplace(ingest::Hl7SplitOptions{max});
    } else if (framing == Framing::kJson) {
      json.emplace(ingest::JsonSplitOptions{max});
    } else {
      frames.emplace(ingest::FrameOptions{ingest::Framing::kAuto, max});
    }
  }

  Cut next() {
    const std::string_view pending(buf.data() + pos, buf.size() - pos);
    if (xml) return cut(*xml, pending, eof);
    if (hl7) return cut(*hl7, pending, eof);
    if (json) return cut(*json, pending, eof);
    return cut(*frames, pending, eof);
  }

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

Framing framing_for_format(std::string_view format) {
  if (format == "auto") return Framing::kAuto;
  if (format == "wef-xml") return Framing::kXml;
  if (format == "hl7v2-adt") return Framing::kHl7;
  for (std::string_view json :
       {"winlogbeat", "evtx-json", "nxlog", "flat", "fhir-auditevent", "dpi-flat"}) {
    if (format == json) return Framing::kJsonOrLines;
  }
  return Framing::kLines;
}

RecordInput::RecordInput(int fd, std::size_t max_record_bytes, Framing framing) {
  if (framing == Framing::kJsonOrLines || framing == Framing::kAuto) {
    const std::string head = file_head(fd);
    const std::string_view start = content_start(head);
    if (framing == Framing::kJsonOrLines) {
      framing = starts_as_json(start) ? Framing::kJson : Framing::kLines;
    } else {
      framing = starts_as_xml(start)         ? Framing::kXml
                : starts_octet_counted(head) ? Framing::kSyslogFrames
                : starts_as_hl7(start)       ? Framing::kHl7
                : starts_as_json(start)      ? Framing::kJson
                                             : Framing::kLines;
    }
  }
  framing_ = framing;
  if (framing == Framing::kLines) {
    lines_ = std::make_unique<Lines>(fd, max_record_bytes);
  } else {
    stream_ = std::make_unique<Stream>(fd, max_record_bytes, framing);
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
  Stream& x = *stream_;
  for (;;) {
    const Cut c = x.next();
    if (c.kind == Cut::Kind::kRecord || c.kind == Cut::Kind::kError) {
      // The line where the record (or problem) starts, then the rest of what was consumed.
      const std::size_t start = std::min(c.at, c.consumed);
      x.consume(start);
      x.record_line = x.line;
      x.consume(c.consumed - start);
      if (c.kind == Cut::Kind::kError) {
        error_ = c.error;
        return Status::kMalformed;
      }
      record = c.record;
      return Status::kRecord;
    }
    if (c.kind == Cut::Kind::kEnd) return Status::kEnd;
    // kNeedMore: keep what is pending, read more.
    x.consume(c.consumed);
    if (!x.fill()) return Status::kError;
  }
}

std::int64_t RecordInput::line_number() const {
  return lines_ ? lines_->reader.line_number() : stream_->record_line;
}

std::size_t RecordInput::oversized_bytes() const {
  return lines_ ? lines_->reader.oversized_bytes() : 0;
}

}  // namespace vigie::app
