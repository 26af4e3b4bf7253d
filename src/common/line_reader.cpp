#include "common/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigie {

namespace {
constexpr std::size_t kReadChunk = 1 << 16;
}

LineReader::LineReader(int fd, std::size_t max_line_bytes) : fd_(fd), max_(max_line_bytes) {
  buf_.resize(max_ + kReadChunk + 1);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // compact
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) return true;  // full: caller handles oversize
  while (true) {
    ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      error_ = n < 0;
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

LineReader::Status LineReader::next(std::string_view& line) {
  std::size_t scanned = begin_;
  while (true) {
    const char* start = buf_.data() + scanned;
    const void* nl = std::memchr(start, '\n', end_ - scanned);
    if (nl != nullptr) {
      std::size_t pos = static_cast<const char*>(nl) - buf_.data();
      ++line_number_;
      std::size_t len = pos - begin_;
      if (len > max_) {
        oversized_bytes_ = len;
        begin_ = pos + 1;
        return Status::kOversized;
      }
      line = std::string_view(buf_.data() + begin_, len);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      begin_ = pos + 1;
      return Status::kLine;
    }
    if (end_ - begin_ > max_) {
      // Oversized: discard until the next newline without buffering it.
      std::size_t skipped = end_ - begin_;
      begin_ = end_ = 0;
      while (true) {
        bool more = fill();
        const void* p = std::memchr(buf_.data(), '\n', end_);
        if (p != nullptr) {
          std::size_t pos = static_cast<const char*>(p) - buf_.data();
          skipped += pos;
          begin_ = pos + 1;
          break;
        }
        skipped += end_;
        begin_ = end_ = 0;
        if (!more) break;
      }
      ++line_number_;
      oversized_bytes_ = skipped;
      return Status::kOversized;
    }
    scanned = end_;
    std::size_t before = end_ - begin_;
    if (!fill()) {
      if (eof_ && end_ > begin_) {  // last line without newline
        ++line_number_;
        line = std::string_view(buf_.data() + begin_, end_ - begin_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        begin_ = end_;
        return Status::kLine;
      }
      return error_ ? Status::kError : Status::kEnd;
    }
    scanned = begin_ + before;
  }
}

}  // namespace vigie
