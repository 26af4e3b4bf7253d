// Structured log lines of the stream processor: one event name and a few key=value fields, as
// text for a terminal or JSON lines for a log collector.
//
// THE RULE: callers pass counts, ids, offsets, topic names, rule ids, reason codes. Never event
// payloads and never field values (user names, patient identifiers, hostnames from events): EHR
// and AD events carry personal data and logs are kept, shipped and read far more widely than the
// alert store. Per-event problems are counters (observe/metrics.h), not log lines.
//
// Formats (time is UTC with milliseconds):
//   text: 2026-12-06T05:12:00.123Z INFO consumer_started topic=ehr.access partitions=3
//         A value is written bare unless it is empty or contains a space, '"', '=', '\' or a
//         character below 0x20 or invalid UTF-8; then it is quoted and escaped as a JSON string
//         ("a b", "say \"hi\"", "two\nlines"). Event and keys are written the same way.
//   json: {"time":"2026-12-06T05:12:00.123Z","level":"INFO","event":"consumer_started",
//          "topic":"ehr.access","partitions":"3"}
//         One object per line; field values are JSON strings. A field named time, level or event
//         is written as field_time, field_level, field_event so that keys stay unique.
//
// Thread safety: a Logger may be shared by threads; each line is built first, then written and
// flushed as one write under a mutex, so lines never interleave. Logging is not for the hot path
// (it allocates and locks).
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::observe {

enum class LogFormat { kText, kJson };
enum class LogLevel { kInfo, kWarn, kError };

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Logger {
 public:
  // `out` is borrowed (not closed) and must outlive the logger; nullptr discards every line.
  explicit Logger(LogFormat format, std::FILE* out = stderr);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void info(std::string_view event, const LogFields& fields = {}) {
    log(LogLevel::kInfo, event, fields);
  }
  void warn(std::string_view event, const LogFields& fields = {}) {
    log(LogLevel::kWarn, event, fields);
  }
  void error(std::string_view event, const LogFields& fields = {}) {
    log(LogLevel::kError, event, fields);
  }
  void log(LogLevel level, std::string_view event, const LogFields& fields = {});

  // The line log() would write at time `now`, newline included (for tests and other sinks).
  std::string format_line(std::chrono::system_clock::time_point now, LogLevel level,
                          std::string_view event, const LogFields& fields) const;

 private:
  LogFormat format_;
  std::FILE* out_;
  std::mutex mutex_;
};

// "INFO", "WARN", "ERROR".
const char* level_name(LogLevel level);

}  // namespace vigie::observe
