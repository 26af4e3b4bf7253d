#include "enrich/directory.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <utility>

#include "common/timestamp.h"
#include "common/utf8.h"
#include "enrich/pseudonym.h"
#include "event/event.h"
#include "event/field_table.h"
#include "event/json_reader.h"

namespace vigie::enrich {

// ---------------------------------------------------------------------------------------------
// Columns

namespace {

enum class Column : std::uint8_t {
  kAdAccount,
  kSid,
  kUpn,
  kEhrLogin,
  kVpnUser,
  kEmployeeId,
  kUnit,
  kValidFrom,
  kValidTo,
  kNir,
  kBirthDate,
  kFamilyName,
  kGivenName,
};
constexpr std::size_t kColumnCount = 13;

struct ColumnName {
  std::string_view name;
  Column column;
};
// Canonical names first: column_name() returns the first name of a column.
constexpr ColumnName kColumnNames[] = {
    {"ad_account", Column::kAdAccount},
    {"sid", Column::kSid},
    {"upn", Column::kUpn},
    {"ehr_login", Column::kEhrLogin},
    {"vpn_user", Column::kVpnUser},
    {"employee_id", Column::kEmployeeId},
    {"unit", Column::kUnit},
    {"valid_from", Column::kValidFrom},
    {"valid_to", Column::kValidTo},
    {"nir", Column::kNir},
    {"birth_date", Column::kBirthDate},
    {"family_name", Column::kFamilyName},
    {"given_name", Column::kGivenName},
    {"samaccountname", Column::kAdAccount},
    {"objectsid", Column::kSid},
    {"userprincipalname", Column::kUpn},
    {"dpi_login", Column::kEhrLogin},
    {"vpn_username", Column::kVpnUser},
    {"employeeid", Column::kEmployeeId},
    {"matricule", Column::kEmployeeId},
    {"uf", Column::kUnit},
    {"ins", Column::kNir},
};

std::string_view column_name(Column c) { return kColumnNames[static_cast<std::size_t>(c)].name; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Header cell -> column: trimmed, ASCII lower case, ' ' and '-' read as '_'.
std::optional<Column> find_column(std::string_view header) {
  header = trim(header);
  if (header.size() > 32) return std::nullopt;
  char buf[32];
  for (std::size_t i = 0; i < header.size(); ++i) {
    char c = static_cast<char>(utf8::kAsciiLower[static_cast<unsigned char>(header[i])]);
    buf[i] = (c == ' ' || c == '-') ? '_' : c;
  }
  const std::string_view name(buf, header.size());
  for (const ColumnName& cn : kColumnNames) {
    if (cn.name == name) return cn.column;
  }
  return std::nullopt;
}

using Values = std::array<std::string_view, kColumnCount>;

// ---------------------------------------------------------------------------------------------
// CSV

// Splits one CSV record (RFC 4180 quoting, `delim` between fields). Unquoted fields are views of
// `line`; quoted ones are unescaped into `storage` (a deque: earlier views stay valid as it
// grows). Returns an error code, or "" on success.
std::string_view split_csv(std::string_view line, char delim, std::vector<std::string_view>& fields,
                           std::deque<std::string>& storage) {
  fields.clear();
  std::size_t used = 0;
  std::size_t i = 0;
  for (;;) {
    std::size_t start = i;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t') &&
           line[start] != delim) {
      ++start;
    }
    if (start < line.size() && line[start] == '"') {
      if (used == storage.size()) storage.emplace_back();
      std::string& out = storage[used++];
      out.clear();
      std::size_t j = start + 1;
      for (;;) {
        if (j >= line.size()) return "unterminated-quote";
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            out += '"';
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        out += line[j++];
      }
      while (j < line.size() && (line[j] == ' ' || line[j] == '\t') && line[j] != delim) ++j;
      if (j < line.size() && line[j] != delim) return "stray-quote";
      fields.push_back(out);
      i = j;
    } else {
      std::size_t j = i;
      while (j < line.size() && line[j] != delim) {
        if (line[j] == '"') return "stray-quote";
        ++j;
      }
      fields.push_back(line.substr(i, j - i));
      i = j;
    }
    if (i >= line.size()) return {};
    ++i;  // the delimiter
  }
}

// The delimiter of a CSV file: the most frequent of ',', ';' and TAB outside quotes in the
// header (',' when none or on a tie).
char detect_delimiter(std::string_view header) {
  std::size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma += c == ',';
    semicolon += c == ';';
    tab += c == '\t';
  }
  if (semicolon > comma && semicolon >= tab) return ';';
  if (tab > comma && tab > semicolon) return '\t';
  return ',';
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// DirectoryBuilder: turns rows into entries, collects diagnostics, builds the indexes.

class DirectoryBuilder {
 public:
  DirectoryBuilder(std::string_view file, const Pseudonymiser* pseudonymiser,
                   std::vector<Diagnostic>& diagnostics, const DirectoryOptions& options)
      : file_(file),
        pseudonymiser_(pseudonymiser),
        diagnostics_(diagnostics),
        options_(options),
        dir_(std::make_shared<Directory>()),
        first_diagnostic_(diagnostics.size()) {}

  ~DirectoryBuilder() {
    OPENSSL_cleanse(personal_.data(), personal_.size());
    OPENSSL_cleanse(scratch_.data(), scratch_.size());
  }

  void report(Severity severity, std::string code, std::int64_t line, std::string message) {
    if (diagnostics_.size() - first_diagnostic_ >= options_.max_diagnostics) {
      if (!capped_) {
        capped_ = true;
        diagnostics_.push_back(Diagnostic{Severity::kWarning, "too-many-diagnostics",
                                          std::string(file_), line,
                                          "more diagnostics than the limit; the rest are not "
                                          "reported"});
      }
      return;
    }
    diagnostics_.push_back(
        Diagnostic{severity, std::move(code), std::string(file_), line, std::move(message)});
  }

  void skip_row(std::string code, std::int64_t line, std::string message) {
    ++data_rows_;
    ++dir_->rows_skipped_;
    report(Severity::kError, std::move(code), line, std::move(message) + "; row skipped");
  }

  // One data row; `values` are the raw cells by column (empty when absent).
  void add_row(std::int64_t line, const Values& values);

  Result<std::shared_ptr<const Directory>> finish();

 private:
  // Canonicalises an identifier column; false (row skipped) if it is not a user account. An
  // absent value ("", "-", "N/A"...) leaves `out` empty.
  bool account_column(std::int64_t line, Column column, std::string_view raw, std::string& out,
                      UserForm* form = nullptr);
  bool time_column(std::int64_t line, Column column, std::string_view raw, bool end,
                   std::int64_t& out);
  void token_column(std::int64_t line, Column column, IdKind kind, std::string_view raw,
                    std::string& out);
  void add_index(Directory::Index& index, std::string_view key, std::uint32_t id);
  void check_conflicts(const Directory::Index& index, std::string_view column);

  std::string_view file_;
  const Pseudonymiser* pseudonymiser_;
  std::vector<Diagnostic>& diagnostics_;
  const DirectoryOptions& options_;
  std::shared_ptr<Directory> dir_;
  std::size_t first_diagnostic_;
  std::size_t data_rows_ = 0;
  bool capped_ = false;
  bool warned_no_pseudonymiser_ = false;
  std::string scratch_;
  std::string personal_;
};

bool DirectoryBuilder::account_column(std::int64_t line, Column column, std::string_view raw,
                                      std::string& out, UserForm* form) {
  out.clear();
  if (trim(raw).empty()) return true;
  const UserName name = canonicalize_user(raw, scratch_);
  if (name.kind == PrincipalKind::kNobody) return true;
  const bool sid_column = column == Column::kSid;
  const bool ok = name.kind == PrincipalKind::kUser &&
                  (name.form == UserForm::kSid) == sid_column &&
                  (column != Column::kUpn || name.form == UserForm::kUpn);
  if (!ok) {
    std::string message = "column ";
    message += column_name(column);
    message += sid_column ? ": not the SID of a user account (S-1-5-21-... or S-1-12-...)"
               : column == Column::kUpn ? ": not a user principal name (user@suffix)"
                                        : ": not a user account (a SID, a machine account or a "
                                          "well-known principal)";
    skip_row(sid_column ? "invalid-sid" : "invalid-account", line, std::move(message));
    return false;
  }
  out.assign(name.canonical);
  if (form != nullptr) *form = name.form;
  return true;
}

bool DirectoryBuilder::time_column(std::int64_t line, Column column, std::string_view raw, bool end,
                                   std::int64_t& out) {
  raw = trim(raw);
  if (raw.empty()) return true;
  const std::optional<std::int64_t> ms = parse_timestamp_ms(raw);
  if (!ms) {
    std::string message = "column ";
    message += column_name(column);
    message += ": not an ISO 8601 date or timestamp";
    skip_row("invalid-date", line, std::move(message));
    return false;
  }
  // valid_to given as a date includes that day.
  constexpr std::int64_t kDayMs = 86'400'000;
  out = end && raw.size() == 10 ? *ms + kDayMs : *ms;
  return true;
}

void DirectoryBuilder::token_column(std::int64_t line, Column column, IdKind kind,
                                    std::string_view raw, std::string& out) {
  out.clear();
  if (trim(raw).empty()) return;
  if (pseudonymiser_ == nullptr) {
    if (!warned_no_pseudonymiser_) {
      warned_no_pseudonymiser_ = true;
      report(Severity::kWarning, "no-pseudonymiser", line,
             "the file has personal columns (nir, birth_date, family_name, given_name) but no "
             "pseudonymisation key is configured: their values are dropped");
    }
    return;
  }
  const Status s = pseudonymiser_->pseudonymise(kind, raw, out);
  if (!s.ok()) {
    std::string message = "column ";
    message += column_name(column);
    message += ": cannot be pseudonymised (";
    message += s.code();
    message += "); its token is left empty";
    report(Severity::kWarning, "invalid-personal-value", line, std::move(message));
  }
}

void DirectoryBuilder::add_row(std::int64_t line, const Values& v) {
  DirectoryEntry e;
  e.line = line;
  UserForm ad_form = UserForm::kEmpty;
  if (!account_column(line, Column::kSid, v[static_cast<std::size_t>(Column::kSid)], e.sid) ||
      !account_column(line, Column::kAdAccount, v[static_cast<std::size_t>(Column::kAdAccount)],
                      e.ad_account, &ad_form) ||
      !account_column(line, Column::kUpn, v[static_cast<std::size_t>(Column::kUpn)], e.upn) ||
      !account_column(line, Column::kEhrLogin, v[static_cast<std::size_t>(Column::kEhrLogin)],
                      e.ehr_login) ||
      !account_column(line, Column::kVpnUser, v[static_cast<std::size_t>(Column::kVpnUser)],
                      e.vpn_user)) {
    return;
  }
  if (!e.ad_account.empty() && ad_form == UserForm::kSid) {
    skip_row("invalid-account", line, "column ad_account: a SID belongs in the sid column");
    return;
  }
  e.employee_id = utf8::folded(trim(v[static_cast<std::size_t>(Column::kEmployeeId)]));
  e.unit = trim(v[static_cast<std::size_t>(Column::kUnit)]);
  if (!time_column(line, Column::kValidFrom, v[static_cast<std::size_t>(Column::kValidFrom)], false,
                   e.valid_from_ms) ||
      !time_column(line, Column::kValidTo, v[static_cast<std::size_t>(Column::kValidTo)], true,
                   e.valid_to_ms)) {
    return;
  }
  if (e.valid_from_ms >= e.valid_to_ms) {
    skip_row("empty-validity", line, "valid_from is not before valid_to");
    return;
  }
  if (!e.sid.empty()) {
    e.person_id = "sid:" + e.sid;
  } else if (!e.employee_id.empty()) {
    e.person_id = "emp:" + e.employee_id;
  } else {
    skip_row("no-person-key", line, "the row has neither a sid nor an employee_id");
    return;
  }

  token_column(line, Column::kNir, IdKind::kNir, v[static_cast<std::size_t>(Column::kNir)],
               e.nir_token);
  token_column(line, Column::kBirthDate, IdKind::kBirthDate,
               v[static_cast<std::size_t>(Column::kBirthDate)], e.birth_token);
  const std::string_view family = trim(v[static_cast<std::size_t>(Column::kFamilyName)]);
  const std::string_view given = trim(v[static_cast<std::size_t>(Column::kGivenName)]);
  token_column(line, Column::kFamilyName, IdKind::kFamilyName, family, e.family_token);
  if (!family.empty() && !given.empty()) {
    OPENSSL_cleanse(personal_.data(), personal_.size());
    personal_.assign(given);
    personal_ += ' ';
    personal_ += family;
    token_column(line, Column::kGivenName, IdKind::kName, personal_, e.name_token);
  }

  ++data_rows_;
  dir_->entries_.push_back(std::move(e));
}

void DirectoryBuilder::add_index(Directory::Index& index, std::string_view key, std::uint32_t id) {
  if (key.empty()) return;
  auto it = index.find(key);
  if (it == index.end()) it = index.emplace(std::string(key), std::vector<std::uint32_t>{}).first;
  it->second.push_back(id);
}

// One identifier mapped to two persons over overlapping validity: lookups in the overlap are
// ambiguous. Sorting by valid_from and sweeping finds an overlap in O(n log n) per identifier.
void DirectoryBuilder::check_conflicts(const Directory::Index& index, std::string_view column) {
  const auto& entries = dir_->entries_;
  std::vector<std::uint32_t> ids;
  for (const auto& [key, list] : index) {
    if (list.size() < 2) continue;
    ids = list;
    std::sort(ids.begin(), ids.end(), [&](std::uint32_t a, std::uint32_t b) {
      return entries[a].valid_from_ms < entries[b].valid_from_ms ||
             (entries[a].valid_from_ms == entries[b].valid_from_ms && a < b);
    });
    std::uint32_t open = ids[0];
    for (std::size_t k = 1; k < ids.size(); ++k) {
      const DirectoryEntry& e = entries[ids[k]];
      const DirectoryEntry& o = entries[open];
      if (e.valid_from_ms < o.valid_to_ms && e.person_id != o.person_id) {
        std::string message = "column ";
        message += column;
        message += ": the same identifier as line ";
        message += std::to_string(std::min(o.line, e.line));
        message +=
            " maps to another person over an overlapping validity; lookups in the "
            "overlap are ambiguous";
        report(Severity::kWarning, "conflicting-mapping", std::max(o.line, e.line),
               std::move(message));
      }
      if (e.valid_to_ms > o.valid_to_ms) open = ids[k];
    }
  }
}

Result<std::shared_ptr<const Directory>> DirectoryBuilder::finish() {
  Directory& d = *dir_;
  if (data_rows_ > 0 && d.entries_.empty()) {
    return Status::error("no-valid-rows", std::string(file_) + ": none of the " +
                                              std::to_string(data_rows_) +
                                              " rows is usable (see the diagnostics)");
  }
  for (std::uint32_t id = 0; id < d.entries_.size(); ++id) {
    const DirectoryEntry& e = d.entries_[id];
    add_index(d.by_sid_, e.sid, id);
    add_index(d.by_upn_, e.upn, id);
    add_index(d.by_vpn_, e.vpn_user, id);
    add_index(d.by_ehr_, e.ehr_login, id);
    add_index(d.by_employee_, e.employee_id, id);
    if (!e.ad_account.empty()) {
      const UserName name = canonicalize_user(e.ad_account, scratch_);
      if (name.form == UserForm::kDownLevel) add_index(d.by_down_level_, name.canonical, id);
      if (name.form == UserForm::kUpn) add_index(d.by_upn_, name.canonical, id);
      add_index(d.by_account_, name.account, id);
    }
  }
  check_conflicts(d.by_sid_, "sid");
  check_conflicts(d.by_upn_, "upn");
  check_conflicts(d.by_down_level_, "ad_account");
  check_conflicts(d.by_vpn_, "vpn_user");
  check_conflicts(d.by_ehr_, "ehr_login");
  return std::shared_ptr<const Directory>(std::move(dir_));
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

// Splits `text` into lines (LF or CR LF), numbered from 1.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  std::int64_t number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t number_ = 0;
};

bool skippable(std::string_view line) {
  const std::string_view t = trim(line);
  return t.empty() || t.front() == '#';
}

std::string position_message(std::size_t index, std::string_view what) {
  std::string message = "column ";
  message += std::to_string(index + 1);
  message += " of the header ";
  message += what;
  return message;
}

Status parse_csv(DirectoryBuilder& b, Lines& lines, std::string_view header, std::string_view file,
                 const DirectoryOptions& options) {
  const std::int64_t header_line = lines.number();
  const char delim = detect_delimiter(header);
  std::vector<std::string_view> fields;
  std::deque<std::string> storage;
  if (const std::string_view code = split_csv(header, delim, fields, storage); !code.empty()) {
    return Status::error("no-header", std::string(file) + ":" + std::to_string(header_line) +
                                          ": the header row is not valid CSV (" +
                                          std::string(code) + ")");
  }
  std::vector<std::optional<Column>> columns(fields.size());
  std::array<bool, kColumnCount> seen{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    columns[i] = find_column(fields[i]);
    if (!columns[i]) {
      b.report(Severity::kWarning, "unknown-column", header_line,
               position_message(i, "is not a known column: ignored"));
      continue;
    }
    bool& s = seen[static_cast<std::size_t>(*columns[i])];
    if (s) {
      std::string message = std::string(file) + ":" + std::to_string(header_line) + ": ";
      message += position_message(i, "names column ");
      message += column_name(*columns[i]);
      message += " a second time";
      return Status::error("duplicate-column", std::move(message));
    }
    s = true;
  }
  if (!seen[static_cast<std::size_t>(Column::kSid)] &&
      !seen[static_cast<std::size_t>(Column::kEmployeeId)]) {
    return Status::error("no-key-column",
                         std::string(file) + ":" + std::to_string(header_line) +
                             ": the header names neither sid nor employee_id (is the first "
                             "line a header?)");
  }

  std::string_view line;
  Values values;
  while (lines.next(line)) {
    if (skippable(line)) continue;
    const std::int64_t n = lines.number();
    if (line.size() > options.max_line_bytes) {
      b.skip_row("line-too-long", n,
                 "longer than " + std::to_string(options.max_line_bytes) + " bytes");
      continue;
    }
    if (!utf8::valid(line)) {
      b.skip_row("invalid-utf8", n, "not valid UTF-8");
      continue;
    }
    if (const std::string_view code = split_csv(line, delim, fields, storage); !code.empty()) {
      b.skip_row(std::string(code), n,
                 code == "stray-quote" ? "a quote inside an unquoted field or after a quoted one"
                                       : "a quoted field is not closed on its line");
      continue;
    }
    if (fields.size() != columns.size()) {
      b.skip_row("column-count", n,
                 std::to_string(fields.size()) + " fields where the header has " +
                     std::to_string(columns.size()));
      continue;
    }
    values.fill({});
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (columns[i]) values[static_cast<std::size_t>(*columns[i])] = fields[i];
    }
    b.add_row(n, values);
  }
  for (std::string& s : storage) OPENSSL_cleanse(s.data(), s.size());
  return Status::ok_status();
}

Status parse_json_lines(DirectoryBuilder& b, Lines& lines, std::string_view first,
                        const DirectoryOptions& options) {
  // No field is interned: every key comes back as an "extra" and is matched like a CSV header
  // (case-insensitive, aliases), so both formats name columns the same way.
  const event::FieldTable table;
  event::JsonReader reader(table, event::ReaderOptions{.max_record_bytes = options.max_line_bytes,
                                                       .max_depth = 8,
                                                       .keep_unknown_fields = true});
  event::Event ev;
  std::size_t unknown_reported = 0;
  std::string_view line = first;
  Values values;
  do {
    if (skippable(line)) continue;
    const std::int64_t n = lines.number();
    const Status s = reader.read(line, event::InputFormat::kFlat, ev);
    if (!s.ok()) {
      b.skip_row(s.code(), n, "not a JSON object (" + s.code() + ")");
      continue;
    }
    values.fill({});
    std::array<bool, kColumnCount> seen{};
    bool ok = true;
    bool unknown = false;
    for (const auto& [name, v] : ev.extras()) {
      const std::optional<Column> c = find_column(name);
      if (!c) {
        unknown = true;
        continue;
      }
      if (v.kind == event::Kind::kNull) continue;
      if (v.kind != event::Kind::kString && v.kind != event::Kind::kInt) {
        b.skip_row("not-a-string", n,
                   "column " + std::string(column_name(*c)) + ": not a string or an integer");
        ok = false;
        break;
      }
      // A column named twice (an alias and its name): the first one in the object wins.
      const auto i = static_cast<std::size_t>(*c);
      if (!seen[i]) values[i] = v.text;
      seen[i] = true;
    }
    if (!ok) continue;
    // Keys are not reported by name: a key may be data in a malformed export.
    if (unknown && unknown_reported < 10) {
      ++unknown_reported;
      b.report(Severity::kWarning, "unknown-column", n,
               "a key of this object is not a known column: ignored");
    }
    b.add_row(n, values);
  } while (lines.next(line));
  return Status::ok_status();
}

}  // namespace

Result<std::shared_ptr<const Directory>> Directory::parse(std::string_view text,
                                                          std::string_view file,
                                                          const Pseudonymiser* pseudonymiser,
                                                          std::vector<Diagnostic>& diagnostics,
                                                          const DirectoryOptions& options) {
  if (text.size() > options.max_file_bytes) {
    return Status::error(
        "directory-too-large",
        std::string(file) + ": larger than " + std::to_string(options.max_file_bytes) + " bytes");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  DirectoryBuilder builder(file, pseudonymiser, diagnostics, options);
  Lines lines(text);
  std::string_view first;
  bool found = false;
  while (lines.next(first)) {
    if (!skippable(first)) {
      found = true;
      break;
    }
  }
  if (!found) {
    return Status::error("no-header", std::string(file) + ": no header row (the file is empty)");
  }
  const Status s = trim(first).front() == '{' ? parse_json_lines(builder, lines, first, options)
                                              : parse_csv(builder, lines, first, file, options);
  if (!s.ok()) return s;
  return builder.finish();
}

Result<std::shared_ptr<const Directory>> Directory::load(const std::string& path,
                                                         const Pseudonymiser* pseudonymiser,
                                                         std::vector<Diagnostic>& diagnostics,
                                                         const DirectoryOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Status::error("directory-unreadable", path + ": " + std::strerror(errno));
  }
  struct stat st {};
  std::string text;
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = Status::error("directory-unreadable", path + ": " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = Status::error("directory-unreadable", path + ": not a regular file");
  } else if (static_cast<std::size_t>(st.st_size) > options.max_file_bytes) {
    status =
        Status::error("directory-too-large",
                      path + ": larger than " + std::to_string(options.max_file_bytes) + " bytes");
  } else {
    // Sized once: growing the string would leave copies of the personal columns behind.
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t size = 0;
    while (size < text.size()) {
      const ssize_t n = ::read(fd, text.data() + size, text.size() - size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = Status::error("directory-unreadable", path + ": " + std::strerror(errno));
        break;
      }
      if (n == 0) break;
      size += static_cast<std::size_t>(n);
    }
    text.resize(size);
  }
  ::close(fd);
  Result<std::shared_ptr<const Directory>> result =
      status.ok() ? parse(text, path, pseudonymiser, diagnostics, options)
                  : Result<std::shared_ptr<const Directory>>(status);
  OPENSSL_cleanse(text.data(), text.size());
  return result;
}

std::shared_ptr<const Directory> Directory::empty() {
  static const std::shared_ptr<const Directory> kEmpty = std::make_shared<const Directory>();
  return kEmpty;
}

// ---------------------------------------------------------------------------------------------
// Lookups

namespace {

// b - a for a <= b, without overflow.
std::uint64_t distance(std::int64_t a, std::int64_t b) {
  return static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
}

}  // namespace

Resolution Directory::find(const Index& index, std::string_view key, std::int64_t at_ms,
                           ResolvedVia via) const {
  // Several accounts of one employee are several persons by design: an employee id resolves to
  // the first of its rows valid at that time, never "ambiguous".
  const bool one_human = via == ResolvedVia::kEmployeeId;
  Resolution r;
  r.principal = PrincipalKind::kUser;
  const auto it = index.find(key);
  if (it == index.end()) return r;
  const DirectoryEntry* hit = nullptr;
  const DirectoryEntry* nearest = nullptr;
  std::uint64_t nearest_gap = 0;
  for (std::uint32_t id : it->second) {
    const DirectoryEntry& e = entries_[id];
    if (!e.valid_at(at_ms)) {
      const std::uint64_t g = at_ms < e.valid_from_ms ? distance(at_ms, e.valid_from_ms)
                                                      : distance(e.valid_to_ms, at_ms);
      if (nearest == nullptr || g < nearest_gap) {
        nearest = &e;
        nearest_gap = g;
      }
      continue;
    }
    if (hit != nullptr && hit->person_id != e.person_id && !one_human) {
      r.outcome = Outcome::kAmbiguous;
      r.via = via;
      r.entry = hit;
      return r;
    }
    if (hit == nullptr) hit = &e;
  }
  r.via = via;
  if (hit != nullptr) {
    r.outcome = Outcome::kResolved;
    r.entry = hit;
  } else {
    r.outcome = Outcome::kOutsideValidity;
    r.entry = nearest;
  }
  return r;
}

Resolution Directory::resolve(Source source, std::string_view raw_user, std::int64_t at_ms,
                              std::string& scratch) const {
  const UserName name = canonicalize_user(raw_user, scratch);
  Resolution r;
  r.principal = name.kind;
  if (name.kind != PrincipalKind::kUser) {
    r.outcome = Outcome::kNotAPerson;
    return r;
  }
  if (name.form == UserForm::kSid) return find(by_sid_, name.canonical, at_ms, ResolvedVia::kSid);

  // Strongest evidence first; an ambiguous or out-of-validity answer is kept only if nothing
  // weaker resolves.
  Resolution best;
  best.principal = PrincipalKind::kUser;
  auto consider = [&](const Resolution& candidate) {
    if (candidate.outcome == Outcome::kResolved) return true;
    if (best.outcome == Outcome::kUnknown && candidate.outcome != Outcome::kUnknown) {
      best = candidate;
    }
    return false;
  };
  if (source == Source::kVpn) {
    if (Resolution c = find(by_vpn_, name.canonical, at_ms, ResolvedVia::kVpnUser); consider(c)) {
      return c;
    }
  }
  if (source == Source::kEhr) {
    if (Resolution c = find(by_ehr_, name.canonical, at_ms, ResolvedVia::kEhrLogin); consider(c)) {
      return c;
    }
  }
  if (name.form == UserForm::kUpn) {
    if (Resolution c = find(by_upn_, name.canonical, at_ms, ResolvedVia::kUpn); consider(c)) {
      return c;
    }
  }
  if (name.form == UserForm::kDownLevel) {
    if (Resolution c = find(by_down_level_, name.canonical, at_ms, ResolvedVia::kDownLevel);
        consider(c)) {
      return c;
    }
  }
  if (Resolution c = find(by_account_, name.account, at_ms, ResolvedVia::kAccount); consider(c)) {
    return c;
  }
  return best;
}

Resolution Directory::resolve_employee(std::string_view employee_id, std::int64_t at_ms,
                                       std::string& scratch) const {
  utf8::fold(trim(employee_id), scratch);
  return find(by_employee_, scratch, at_ms, ResolvedVia::kEmployeeId);
}

// ---------------------------------------------------------------------------------------------

std::string_view to_string(Outcome outcome) {
  static constexpr std::string_view kNames[] = {"resolved", "not-a-person", "unknown",
                                                "outside-validity", "ambiguous"};
  return kNames[static_cast<std::size_t>(outcome)];
}

std::string_view to_string(ResolvedVia via) {
  static constexpr std::string_view kNames[] = {
      "none", "sid", "upn", "down-level", "vpn-user", "ehr-login", "employee-id", "account"};
  return kNames[static_cast<std::size_t>(via)];
}

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  }
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  out += message;
  out += " [";
  out += code;
  out += ']';
  return out;
}

void DirectorySlot::replace(std::shared_ptr<const Directory> next) {
  if (next == nullptr) next = Directory::empty();
  current_.store(std::move(next));
  generation_.fetch_add(1);
}

Status DirectorySlot::reload(const std::string& path, const Pseudonymiser* pseudonymiser,
                             std::vector<Diagnostic>& diagnostics,
                             const DirectoryOptions& options) {
  Result<std::shared_ptr<const Directory>> next =
      Directory::load(path, pseudonymiser, diagnostics, options);
  if (!next.ok()) return next.status();
  replace(std::move(next).value());
  return Status::ok_status();
}

}  // namespace vigie::enrich
