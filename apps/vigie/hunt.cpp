// `vigie hunt`: every rule on every event of a JSON-lines file, in input order.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.h"
#include "common/json.h"
#include "common/line_reader.h"
#include "common/timestamp.h"
#include "event/json_reader.h"
#include "match/load.h"

namespace vigie::app {
namespace {

void write_all(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

void append_match_jsonl(std::string& out, const rules::Rule& r, const event::Event& e) {
  out += "{\"type\":\"match\",\"rule_id\":";
  json::append_string(out, r.id);
  out += ",\"rule_title\":";
  json::append_string(out, r.title);
  if (!r.name.empty()) {
    out += ",\"rule_name\":";
    json::append_string(out, r.name);
  }
  out += ",\"level\":";
  json::append_string(out, r.level);
  out += ",\"tags\":[";
  for (std::size_t i = 0; i < r.tags.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, r.tags[i]);
  }
  out += "],\"line\":";
  out += std::to_string(e.line);
  if (e.time_ms != event::Event::kNoTime) {
    out += ",\"time\":";
    json::append_string(out, format_timestamp_ms(e.time_ms));
  }
  out += ",\"rule_file\":";
  json::append_string(out, r.file);
  out += "}\n";
}

void append_match_text(std::string& out, const rules::Rule& r, const event::Event& e) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%8lld  %-13s ", static_cast<long long>(e.line),
                r.level.empty() ? "-" : r.level.c_str());
  out += buf;
  out += r.title;
  out += "  [";
  out += r.id.empty() ? r.file : r.id;
  out += "]\n";
}

}  // namespace

int hunt(const HuntOptions& options) {
  auto format = event::parse_input_format(options.format);
  if (!format) {
    std::fprintf(stderr, "vigie hunt: unknown --format '%s'\n", options.format.c_str());
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  match::LoadedRules loaded = match::load_rule_set(
      {options.rules.paths, options.rules.placeholders, options.rules.logsource_maps});
  const rules::Diagnostics& d = loaded.diags;
  for (const rules::Diagnostic& diag : d.items()) {
    if (diag.severity == rules::Severity::kError) {
      std::fprintf(stderr, "%s:%d:%d: error: [%s] %s\n", diag.file.c_str(), diag.line, diag.column,
                   diag.code.c_str(), diag.message.c_str());
    }
  }
  std::fprintf(stderr, "vigie hunt: %zu rules loaded, %zu errors, %zu warnings%s\n",
               loaded.rules->size(), d.errors(), d.warnings(),
               d.warnings() > 0 ? " (see `vigie rules check`)" : "");
  if (options.strict && d.errors() > 0) return 1;
  if (loaded.rules->size() == 0) {
    std::fprintf(stderr, "vigie hunt: no rule to run\n");
    return 1;
  }

  int fd = 0;
  if (options.input != "-") {
    fd = ::open(options.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "vigie hunt: cannot open %s: %s\n", options.input.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  const std::string input_name = options.input == "-" ? "<stdin>" : options.input;

  const match::RuleSet& rules = *loaded.rules;
  match::Matcher matcher(loaded.rules);
  event::ReaderOptions reader_options;
  reader_options.max_record_bytes = options.max_line_bytes;
  reader_options.keep_unknown_fields = rules.needs_all_fields();
  event::JsonReader reader(rules.fields(), reader_options);
  event::Event ev;
  LineReader lines(fd, options.max_line_bytes);

  std::vector<std::uint64_t> per_rule(rules.size(), 0);
  std::uint64_t events = 0, rejected = 0, blank = 0, matches = 0;
  std::string out;
  std::string_view line;
  bool read_error = false;
  while (true) {
    LineReader::Status st = lines.next(line);
    if (st == LineReader::Status::kEnd) break;
    if (st == LineReader::Status::kError) {
      std::fprintf(stderr, "vigie hunt: read error on %s after line %lld: %s\n", input_name.c_str(),
                   static_cast<long long>(lines.line_number()), std::strerror(errno));
      read_error = true;
      break;
    }
    if (st == LineReader::Status::kOversized) {
      ++rejected;
      std::fprintf(stderr,
                   "%s:%lld: rejected [oversized] line of %zu bytes exceeds --max-line-bytes %zu\n",
                   input_name.c_str(), static_cast<long long>(lines.line_number()),
                   lines.oversized_bytes(), options.max_line_bytes);
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      ++blank;
      continue;
    }
    ++events;
    Status s = reader.read(line, *format, ev);
    if (!s.ok()) {
      ++rejected;
      std::fprintf(stderr, "%s:%lld: rejected [%s] %s\n", input_name.c_str(),
                   static_cast<long long>(lines.line_number()), s.code().c_str(),
                   s.message().c_str());
      continue;
    }
    ev.line = lines.line_number();
    for (std::uint32_t idx : matcher.match(ev)) {
      ++per_rule[idx];
      ++matches;
      if (options.output == "text")
        append_match_text(out, rules.rule(idx), ev);
      else
        append_match_jsonl(out, rules.rule(idx), ev);
    }
    if (out.size() > (1 << 16)) {
      write_all(out);
      out.clear();
    }
  }
  write_all(out);
  std::fflush(stdout);
  if (fd > 0) ::close(fd);

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "vigie hunt: %llu events read, %llu rejected, %llu matches in %.2f s\n",
               static_cast<unsigned long long>(events), static_cast<unsigned long long>(rejected),
               static_cast<unsigned long long>(matches), secs);
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < per_rule.size(); ++i) {
    if (per_rule[i] > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return per_rule[a] != per_rule[b] ? per_rule[a] > per_rule[b] : a < b;
  });
  for (std::uint32_t i : order) {
    const rules::Rule& r = rules.rule(i);
    std::fprintf(stderr, "  %8llu  %-36s  %s\n", static_cast<unsigned long long>(per_rule[i]),
                 r.id.empty() ? "-" : r.id.c_str(), r.title.c_str());
  }
  (void)blank;
  return read_error ? 1 : 0;
}

}  // namespace vigie::app
