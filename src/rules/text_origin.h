// Source positions, and where each byte of a YAML scalar's decoded text is written in the file.
//
// yaml-cpp hands the loader a scalar's decoded text: quotes removed, escapes decoded (`\t`,
// `\u00e9`, `''`), lines folded, block indentation and indicators stripped. A diagnostic about a
// byte of that text (a condition token, a modifier, a regex construct) must still point into the
// file, so the loader re-reads the scalar's source and records a TextOrigin for it.
//
// Positions are 1-based. Columns count bytes of the line (UTF-8 code units), as yaml-cpp's marks
// do: `é` takes two columns, a tab one. A byte order mark at the start of a file is not part of
// line 1. Offsets into decoded text are byte offsets as well.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace vigie::rules {

struct SourcePos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
};

// Maps byte offsets of a decoded scalar to positions in the file. The text is held as runs: from a
// run's offset on, bytes are written one after the other on one line. A TextOrigin built from a
// position alone is one run (text written as is, e.g. a plain one-line scalar or a string given
// to parse_condition()). Cheap to copy when it is one run (no allocation).
class TextOrigin {
 public:
  TextOrigin() = default;
  explicit TextOrigin(SourcePos start) : start_(start), head_(start) {}

  // Position of the scalar's first content byte: where a diagnostic about the whole value points
  // (after the opening quote; the first non-empty line of a block scalar).
  SourcePos start() const { return start_; }

  // Position of the byte at `offset` of the decoded text. A byte produced by an escape maps to its
  // backslash; a space or newline produced by line folding maps to the end of the folded line.
  // An offset at or past the end of the text maps to the position just after the last byte
  // written in the file (the closing quote of a quoted scalar).
  SourcePos at(std::size_t offset) const;

  // ---- building (scalar_origin) ----
  // The byte at `offset` is at `pos`, the following ones contiguous. Offsets must not decrease.
  void add(std::size_t offset, SourcePos pos);
  void set_start(SourcePos pos) { start_ = pos; }
  // Offsets >= `size` map to `pos`.
  void set_end(std::size_t size, SourcePos pos);

 private:
  struct Run {
    std::size_t offset;
    SourcePos pos;
  };
  SourcePos start_;
  SourcePos head_;         // position of offset 0 (the implicit first run)
  std::vector<Run> runs_;  // further runs, ascending offsets
  bool has_end_ = false;
  std::size_t size_ = 0;
  SourcePos end_;
};

// The TextOrigin of one scalar. `lines` are the lines of the YAML document (without '\n'; a
// trailing '\r' is ignored), `mark_line`/`mark_column` the 0-based position of the node as
// yaml-cpp's Mark gives it (its first byte, opening quote, block indicator `|`/`>`, or a tag or
// anchor before them), `first_line` the file line of lines[0], `decoded` the node's Scalar().
//
// Handles plain, single-quoted (`''`), double-quoted (every YAML escape, escaped line breaks),
// literal `|` and folded `>` block scalars with chomping and indentation indicators, multi-line
// flow scalars (folding, empty lines). The source is read alongside the decoded text; should the
// two ever disagree the remaining bytes map contiguously from the last known run: positions may
// then be approximate, never out of the document. Never throws.
TextOrigin scalar_origin(const std::vector<std::string_view>& lines, int mark_line, int mark_column,
                         int first_line, std::string_view decoded);

}  // namespace vigie::rules
