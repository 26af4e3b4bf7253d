// Diagnostics: the errors and warnings collected while loading rules, logsource maps and other
// user-supplied YAML.
//
// Contract: loaders never stop at the first problem and never throw; they append one Diagnostic per
// problem and carry on where they can. Each Diagnostic has a stable lower-kebab-case `code` (the
// closed set is documented by each loader, e.g. logsource_map.h), a severity, the file label and a
// 1-based line/column (0 = unknown). Messages name keys, codes and positions, never field values
// of events (personal data). Not thread-safe: one Diagnostics per loading thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigie::rules {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity;
  std::string code;  // stable lower-kebab-case code, e.g. "yaml-syntax"
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
  std::string message;
};

// "error" or "warning".
const char* severity_name(Severity s);

class Diagnostics {
 public:
  void error(std::string code, std::string file, int line, int col, std::string message);
  void warning(std::string code, std::string file, int line, int col, std::string message);
  // Appends every item of `other` (e.g. diagnostics gathered on a scratch object).
  void append(const Diagnostics& other);

  const std::vector<Diagnostic>& items() const { return items_; }
  std::size_t errors() const { return errors_; }
  std::size_t warnings() const { return items_.size() - errors_; }
  bool empty() const { return items_.empty(); }

  // Orders by file, then line, then column; items at the same position keep their order.
  void sort();

  // gcc style, one line per item, each ending in '\n':
  //   `file:line:col: error: [code] message`
  // An unknown column (0) drops `:col`, an unknown line drops `:line:col`, an empty file label
  // drops `file:` altogether. Newlines inside a message are rendered as spaces.
  std::string render_text() const;
  // A JSON array of objects {"file","line","column","severity","code","message"}, one object per
  // line; "[]" when empty.
  std::string render_json() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
};

}  // namespace vigie::rules
