#include "observe/logger.h"

#include "common/json.h"
#include "common/timestamp.h"
#include "common/utf8.h"

namespace vigie::observe {
namespace {

// Bare words keep text logs greppable; anything that could split a line or a key=value pair, or
// is not plain UTF-8, is quoted the JSON way (logfmt readers accept that quoting).
bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == '"' || c == '=' || c == '\\' || c == 0x7F) return true;
  }
  return utf8::has_non_ascii(s) && !utf8::valid(s);
}

void append_text_token(std::string& out, std::string_view s) {
  if (needs_quotes(s)) {
    json::append_string(out, s);
  } else {
    out += s;
  }
}

}  // namespace

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

Logger::Logger(LogFormat format, std::FILE* out) : format_(format), out_(out) {}

std::string Logger::format_line(std::chrono::system_clock::time_point now, LogLevel level,
                                std::string_view event, const LogFields& fields) const {
  std::int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::string line;
  line.reserve(64 + 32 * fields.size());
  if (format_ == LogFormat::kText) {
    line += format_timestamp_ms(ms);
    line.push_back(' ');
    line += level_name(level);
    line.push_back(' ');
    append_text_token(line, event);
    for (const auto& [key, value] : fields) {
      line.push_back(' ');
      append_text_token(line, key);
      line.push_back('=');
      append_text_token(line, value);
    }
  } else {
    line += "{\"time\":";
    json::append_string(line, format_timestamp_ms(ms));
    line += ",\"level\":";
    json::append_string(line, level_name(level));
    line += ",\"event\":";
    json::append_string(line, event);
    for (const auto& [key, value] : fields) {
      line.push_back(',');
      if (key == "time" || key == "level" || key == "event") {
        json::append_string(line, "field_" + key);
      } else {
        json::append_string(line, key);
      }
      line.push_back(':');
      json::append_string(line, value);
    }
    line.push_back('}');
  }
  line.push_back('\n');
  return line;
}

void Logger::log(LogLevel level, std::string_view event, const LogFields& fields) {
  if (out_ == nullptr) return;
  std::string line;
  try {
    line = format_line(std::chrono::system_clock::now(), level, event, fields);
  } catch (...) {
    return;  // out of memory: losing one log line beats throwing out of a logging call
  }
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace vigie::observe
