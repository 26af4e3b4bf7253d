#include "rules/diagnostics.h"

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <utility>

#include "common/json.h"

namespace vigie::rules {

const char* severity_name(Severity s) { return s == Severity::kError ? "error" : "warning"; }

void Diagnostics::error(std::string code, std::string file, int line, int col,
                        std::string message) {
  items_.push_back(Diagnostic{Severity::kError, std::move(code), std::move(file), line, col,
                              std::move(message)});
  ++errors_;
}

void Diagnostics::warning(std::string code, std::string file, int line, int col,
                          std::string message) {
  items_.push_back(Diagnostic{Severity::kWarning, std::move(code), std::move(file), line, col,
                              std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  errors_ += other.errors_;
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
}

std::string Diagnostics::render_text() const {
  std::string out;
  for (const Diagnostic& d : items_) {
    if (!d.file.empty()) {
      out += d.file;
      if (d.line > 0) {
        out += ':' + std::to_string(d.line);
        if (d.column > 0) out += ':' + std::to_string(d.column);
      }
      out += ": ";
    }
    out += severity_name(d.severity);
    out += ": [";
    out += d.code;
    out += "] ";
    // One line per diagnostic, whatever the message holds: tools grep this output.
    for (char c : d.message) out += (c == '\n' || c == '\r') ? ' ' : c;
    out += '\n';
  }
  return out;
}

std::string Diagnostics::render_json() const {
  if (items_.empty()) return "[]";
  std::string out = "[\n";
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const Diagnostic& d = items_[i];
    out += "  {\"file\":";
    json::append_string(out, d.file);
    out += ",\"line\":" + std::to_string(d.line);
    out += ",\"column\":" + std::to_string(d.column);
    out += ",\"severity\":\"";
    out += severity_name(d.severity);
    out += "\",\"code\":";
    json::append_string(out, d.code);
    out += ",\"message\":";
    json::append_string(out, d.message);
    out += i + 1 < items_.size() ? "},\n" : "}\n";
  }
  out += ']';
  return out;
}

}  // namespace vigie::rules
