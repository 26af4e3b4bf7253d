// Compilation of Sigma rule models into the shared atom/expression representation (compiled.h).
//
// Every problem is a diagnostic with the position of the offending key, modifier or value; a rule
// with an error is dropped, the others compile.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string_view>

#include "common/number.h"
#include "common/utf8.h"
#include "match/compiled.h"
#include "match/encodings.h"
#include "match/sigma_string.h"

namespace vigie::match {
namespace {

using rules::Diagnostics;
using rules::FieldItem;
using rules::Rule;
using rules::RuleValue;
using rules::SourcePos;

std::string fold(std::string_view s) {
  std::string out;
  utf8::fold(s, out);
  return out;
}

struct Modifiers {
  enum class Position { kEquals, kContains, kStartsWith, kEndsWith };
  Position position = Position::kEquals;
  bool all = false, cased = false, re = false, re_i = false, re_m = false, re_s = false;
  bool base64 = false, base64offset = false, windash = false, cidr = false, exists = false;
  bool neq = false, fieldref = false, expand = false;
  enum class Wide { kNone, kLe, kBe, kBom } wide = Wide::kNone;
  std::optional<CmpOp> cmp;
  std::optional<DatePart> date;
};

const std::set<std::string, std::less<>> kModifierNames = {
    "contains", "startswith", "endswith",     "all",  "cased",   "re",      "i",     "m",
    "s",        "base64",     "base64offset", "wide", "utf16le", "utf16be", "utf16", "windash",
    "cidr",     "lt",         "lte",          "gt",   "gte",     "exists",  "neq",   "fieldref",
    "expand",   "minute",     "hour",         "day",  "week",    "month",   "year"};

class Compiler {
 public:
  Compiler(RuleSetImpl& impl, const CompileOptions& options, Diagnostics& diags)
      : impl_(impl), options_(options), diags_(diags) {}

  // Compiles the detection of `rule` with `mapping` applied to field names; returns the root node.
  std::optional<std::uint32_t> compile_rule(
      const Rule& rule, const std::vector<std::pair<std::string, std::string>>* mapping,
      bool report) {
    rule_ = &rule;
    mapping_ = mapping;
    report_ = report;
    ok_ = true;
    selection_roots_.clear();
    for (const rules::Selection& sel : rule.detection.selections) {
      selection_roots_.emplace_back(sel.name, compile_selection(sel));
    }
    std::vector<std::uint32_t> conds;
    for (const rules::Condition& c : rule.detection.conditions) {
      if (c.root >= 0) conds.push_back(compile_condition(c, c.root));
    }
    if (!ok_) return std::nullopt;
    if (conds.empty()) {
      error("condition-syntax", rule.detection.pos, "detection has no usable condition");
      return std::nullopt;
    }
    return conds.size() == 1 ? conds[0] : make(Node::Kind::kOr, conds);
  }

  // Literal-prefilter needles are registered while compiling; build the automata afterwards.
  void build_prefilters() {
    std::uint32_t base = 0;
    for (Prefilter& p : impl_.prefilters) {
      p.automaton.build();
      p.needle_base = base;
      p.needle_count = static_cast<std::uint32_t>(p.needle_ids.size());
      p.ascii_needles = std::none_of(p.needle_ids.begin(), p.needle_ids.end(),
                                     [](const auto& n) { return utf8::has_non_ascii(n.first); });
      p.nul_free_needles =
          std::none_of(p.needle_ids.begin(), p.needle_ids.end(),
                       [](const auto& n) { return n.first.find('\0') != std::string::npos; });
      base += p.needle_count;
      p.needle_ids.clear();
    }
    impl_.needle_total = base;
    impl_.stats.prefilter_needles = base;
  }

 private:
  // ---- diagnostics -------------------------------------------------------------------------
  void error(const char* code, SourcePos pos, std::string message) {
    ok_ = false;
    if (report_) diags_.error(code, rule_->file, pos.line, pos.column, std::move(message));
  }
  void warning(const char* code, SourcePos pos, std::string message) {
    if (report_) diags_.warning(code, rule_->file, pos.line, pos.column, std::move(message));
  }

  // ---- nodes ---------------------------------------------------------------------------------
  std::uint32_t make(Node::Kind kind, const std::vector<std::uint32_t>& children,
                     std::uint32_t at_least = 0) {
    if ((kind == Node::Kind::kAnd || kind == Node::Kind::kOr) && children.size() == 1) {
      return children[0];
    }
    Node n;
    n.kind = kind;
    n.first = static_cast<std::uint32_t>(impl_.child_index.size());
    n.count = static_cast<std::uint32_t>(children.size());
    n.at_least = at_least;
    impl_.child_index.insert(impl_.child_index.end(), children.begin(), children.end());
    impl_.nodes.push_back(n);
    return static_cast<std::uint32_t>(impl_.nodes.size() - 1);
  }
  std::uint32_t make_const(bool value) {
    Node n;
    n.kind = value ? Node::Kind::kTrue : Node::Kind::kFalse;
    impl_.nodes.push_back(n);
    return static_cast<std::uint32_t>(impl_.nodes.size() - 1);
  }
  std::uint32_t make_not(std::uint32_t child) { return make(Node::Kind::kNot, {child}); }
  std::uint32_t atom_node(std::uint32_t atom) {
    auto it = atom_nodes_.find(atom);
    if (it != atom_nodes_.end()) return it->second;
    Node n;
    n.kind = Node::Kind::kAtom;
    n.atom = atom;
    impl_.nodes.push_back(n);
    auto id = static_cast<std::uint32_t>(impl_.nodes.size() - 1);
    atom_nodes_.emplace(atom, id);
    return id;
  }

  // ---- atoms (shared between rules by key) ---------------------------------------------------
  std::uint32_t intern_atom(const std::string& key, Atom atom) {
    ++impl_.stats.atom_refs;
    auto it = atom_keys_.find(key);
    if (it != atom_keys_.end()) return it->second;
    impl_.atoms.push_back(std::move(atom));
    auto id = static_cast<std::uint32_t>(impl_.atoms.size() - 1);
    atom_keys_.emplace(key, id);
    return id;
  }

  // The prefilter of `field` (kAnyField: the keyword prefilter), made on first use.
  int prefilter_for(event::FieldId field, bool cased) {
    if (field != kAnyField && impl_.field_prefilters.size() <= field) {
      impl_.field_prefilters.resize(field + 1, {-1, -1});
    }
    int& slot = field == kAnyField ? impl_.keyword_prefilters[cased ? 1 : 0]
                                   : impl_.field_prefilters[field][cased ? 1 : 0];
    if (slot < 0) {
      impl_.prefilters.emplace_back();
      impl_.prefilters.back().field = field;
      impl_.prefilters.back().cased = cased;
      slot = static_cast<int>(impl_.prefilters.size() - 1);
    }
    return slot;
  }

  std::uint32_t add_needle(int prefilter, const std::string& needle) {
    Prefilter& p = impl_.prefilters[prefilter];
    auto it = p.needle_ids.find(needle);
    if (it != p.needle_ids.end()) return it->second;
    std::uint32_t id = p.automaton.add(needle);
    p.needle_ids.emplace(needle, id);
    if (p.needle_len.size() <= id) p.needle_len.resize(id + 1);
    p.needle_len[id] = static_cast<std::uint32_t>(needle.size());
    return id;
  }

  event::FieldId field_id(const std::string& name) {
    if (mapping_ != nullptr) {
      for (const auto& [from, to] : *mapping_) {
        if (from == name) return impl_.fields.intern(to);
      }
    }
    return impl_.fields.intern(name);
  }

  // A string atom for one Sigma string on `field`, after modifiers built the final pattern.
  std::uint32_t string_atom(event::FieldId field, const SigmaString& pattern, bool cased) {
    std::string key = (cased ? "S|" : "s|") + std::to_string(field) + "|" + pattern.to_display();
    if (field == kAnyField) {
      // A keyword is a substring of some value (strings, numbers as written, booleans). Its
      // longest literal goes into the keyword prefilter, scanned once over every value; a keyword
      // that is a plain literal is decided by that scan alone, anything else is verified with a
      // glob on each value.
      Atom a;
      a.kind = AtomKind::kKeyword;
      a.field = field;
      a.cased = cased;
      SigmaString contains = pattern;
      if (contains.parts.empty() || contains.parts.front().kind != SigmaString::PartKind::kAnyRun)
        contains.prepend_any();
      if (contains.parts.back().kind != SigmaString::PartKind::kAnyRun) contains.append_any();
      const bool plain =
          contains.parts.size() == 3 && contains.parts[1].kind == SigmaString::PartKind::kLiteral;
      std::string_view longest = contains.longest_literal();
      if (!longest.empty()) {
        a.prefilter = prefilter_for(kAnyField, cased);
        a.needle = add_needle(a.prefilter, cased ? std::string(longest) : fold(longest));
      }
      if (!plain) a.glob = std::make_unique<Glob>(Glob::compile(contains, !cased));
      impl_.needs_all_fields = true;
      return intern_atom("k" + key, std::move(a));
    }
    // Classify: literal, *literal, literal*, *literal*, empty, or a general glob.
    const auto& parts = pattern.parts;
    std::size_t lits = 0, runs = 0, ones = 0;
    for (const auto& p : parts) {
      if (p.kind == SigmaString::PartKind::kLiteral)
        ++lits;
      else if (p.kind == SigmaString::PartKind::kAnyRun)
        ++runs;
      else
        ++ones;
    }
    if (parts.empty()) {
      Atom a;
      a.kind = AtomKind::kEmpty;
      a.field = field;
      return intern_atom("e|" + std::to_string(field), std::move(a));
    }
    if (ones == 0 && lits == 1 && runs <= 2) {
      bool lead = parts.front().kind == SigmaString::PartKind::kAnyRun;
      bool trail = parts.back().kind == SigmaString::PartKind::kAnyRun;
      std::size_t expected = 1 + (lead ? 1 : 0) + (trail ? 1 : 0);
      if (expected == parts.size()) {
        const std::string& lit = parts[lead ? 1 : 0].text;
        Atom a;
        a.kind = AtomKind::kLiteral;
        a.field = field;
        a.cased = cased;
        a.prefilter = prefilter_for(field, cased);
        a.needle = add_needle(a.prefilter, cased ? lit : fold(lit));
        a.hit = lead && trail ? kHitAny : lead ? kHitEnd : trail ? kHitStart : kHitWhole;
        return intern_atom(key, std::move(a));
      }
    }
    if (ones == 0 && lits == 0) {  // only '*': any present value
      Atom a;
      a.kind = AtomKind::kExists;
      a.field = field;
      return intern_atom("x|" + std::to_string(field), std::move(a));
    }
    Atom a;
    a.kind = AtomKind::kGlob;
    a.field = field;
    a.cased = cased;
    a.glob = std::make_unique<Glob>(Glob::compile(pattern, !cased));
    std::string_view longest = pattern.longest_literal();
    if (longest.size() >= 3) {
      a.prefilter = prefilter_for(field, cased);
      a.needle = add_needle(a.prefilter, cased ? std::string(longest) : fold(longest));
    }
    return intern_atom(key, std::move(a));
  }

  // ---- modifiers -------------------------------------------------------------------------------
  std::optional<Modifiers> parse_modifiers(const FieldItem& item) {
    Modifiers m;
    int positions = 0;
    bool bad = false;
    for (std::size_t i = 0; i < item.modifiers.size(); ++i) {
      const std::string& name = item.modifiers[i];
      SourcePos pos = i < item.modifier_pos.size() ? item.modifier_pos[i] : item.pos;
      if (!kModifierNames.contains(name)) {
        error("unknown-modifier", pos, "unknown modifier '" + name + "'");
        bad = true;
        continue;
      }
      if (name == "contains")
        m.position = Modifiers::Position::kContains, ++positions;
      else if (name == "startswith")
        m.position = Modifiers::Position::kStartsWith, ++positions;
      else if (name == "endswith")
        m.position = Modifiers::Position::kEndsWith, ++positions;
      else if (name == "all")
        m.all = true;
      else if (name == "cased")
        m.cased = true;
      else if (name == "re")
        m.re = true;
      else if (name == "i" || name == "m" || name == "s") {
        bool after_re = false;
        for (std::size_t j = 0; j < i; ++j) after_re = after_re || item.modifiers[j] == "re";
        if (!after_re) {
          error("bad-modifier-combination", pos, "modifier '" + name + "' only applies after 're'");
          bad = true;
        }
        if (name == "i") m.re_i = true;
        if (name == "m") m.re_m = true;
        if (name == "s") m.re_s = true;
      } else if (name == "base64")
        m.base64 = true;
      else if (name == "base64offset")
        m.base64offset = true;
      else if (name == "wide" || name == "utf16le")
        m.wide = Modifiers::Wide::kLe;
      else if (name == "utf16be")
        m.wide = Modifiers::Wide::kBe;
      else if (name == "utf16")
        m.wide = Modifiers::Wide::kBom;
      else if (name == "windash")
        m.windash = true;
      else if (name == "cidr")
        m.cidr = true;
      else if (name == "lt")
        m.cmp = CmpOp::kLt;
      else if (name == "lte")
        m.cmp = CmpOp::kLte;
      else if (name == "gt")
        m.cmp = CmpOp::kGt;
      else if (name == "gte")
        m.cmp = CmpOp::kGte;
      else if (name == "exists")
        m.exists = true;
      else if (name == "neq")
        m.neq = true;
      else if (name == "fieldref")
        m.fieldref = true;
      else if (name == "expand")
        m.expand = true;
      else if (name == "minute")
        m.date = DatePart::kMinute;
      else if (name == "hour")
        m.date = DatePart::kHour;
      else if (name == "day")
        m.date = DatePart::kDay;
      else if (name == "week")
        m.date = DatePart::kWeek;
      else if (name == "month")
        m.date = DatePart::kMonth;
      else if (name == "year")
        m.date = DatePart::kYear;
    }
    if (bad) return std::nullopt;
    auto conflict = [&](const std::string& what) {
      error("bad-modifier-combination", item.pos, "modifiers of '" + item.field + "': " + what);
      return std::nullopt;
    };
    if (positions > 1) return conflict("contains, startswith and endswith exclude each other");
    if (m.re &&
        (positions > 0 || m.base64 || m.base64offset || m.windash || m.cidr || m.cmp || m.fieldref))
      return conflict("'re' cannot be combined with string or type modifiers (only i, m, s)");
    if (m.cidr && (positions > 0 || m.base64 || m.base64offset || m.windash || m.cmp || m.fieldref))
      return conflict("'cidr' cannot be combined with string modifiers");
    if (m.cmp && (positions > 0 || m.base64 || m.base64offset || m.windash || m.fieldref))
      return conflict("lt/lte/gt/gte compare numbers and cannot be combined with string modifiers");
    if (m.base64 && m.base64offset) return conflict("base64 and base64offset exclude each other");
    if (m.wide != Modifiers::Wide::kNone && !m.base64 && !m.base64offset)
      return conflict("utf16/wide encodings only make sense before base64 or base64offset");
    if (m.exists && item.modifiers.size() > 1) return conflict("'exists' stands alone");
    if (m.fieldref && (m.base64 || m.base64offset || m.windash || m.cidr))
      return conflict(
          "'fieldref' combines only with contains, startswith, endswith, neq, all, cased");
    if (item.field.empty() && (m.cidr || m.cmp || m.exists || m.fieldref || m.date))
      return conflict("keyword searches take only string modifiers");
    return m;
  }

  // Expands %placeholders% of a value (|expand). Returns nullopt after a diagnostic.
  std::optional<std::vector<std::string>> expand_placeholders(const RuleValue& v) {
    std::vector<std::string> out = {""};
    const std::string& s = v.text;
    std::size_t i = 0;
    while (i < s.size()) {
      std::size_t open = s.find('%', i);
      std::size_t close = open == std::string::npos ? std::string::npos : s.find('%', open + 1);
      if (close == std::string::npos) {
        for (auto& o : out) o += s.substr(i);
        break;
      }
      for (auto& o : out) o += s.substr(i, open - i);
      std::string name = s.substr(open + 1, close - open - 1);
      auto it = options_.placeholders.find(name);
      if (it == options_.placeholders.end() || it->second.empty()) {
        error("unresolved-placeholder", v.pos,
              "placeholder '%" + name + "%' has no values: define it in the --placeholders file");
        return std::nullopt;
      }
      std::vector<std::string> next;
      for (const auto& o : out) {
        for (const auto& val : it->second) next.push_back(o + val);
      }
      if (next.size() > 4096) {
        error("unresolved-placeholder", v.pos,
              "placeholder expansion yields more than 4096 values");
        return std::nullopt;
      }
      out = std::move(next);
      i = close + 1;
    }
    return out;
  }

  // Constructs RE2 cannot run (it never backtracks): name them precisely.
  std::optional<std::string> unsupported_regex_construct(std::string_view p, std::size_t& where) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '\\') {
        if (i + 1 < p.size()) {
          char c = p[i + 1];
          if (c >= '1' && c <= '9') {
            where = i;
            return "backreference '\\" + std::string(1, c) + "'";
          }
          if (c == 'k' && i + 2 < p.size() &&
              (p[i + 2] == '<' || p[i + 2] == '\'' || p[i + 2] == '{')) {
            where = i;
            return "named backreference '\\k'";
          }
        }
        ++i;
        continue;
      }
      if (p.substr(i, 3) == "(?=") return where = i, std::string("lookahead '(?='");
      if (p.substr(i, 3) == "(?!") return where = i, std::string("negative lookahead '(?!'");
      if (p.substr(i, 4) == "(?<=") return where = i, std::string("lookbehind '(?<='");
      if (p.substr(i, 4) == "(?<!") return where = i, std::string("negative lookbehind '(?<!'");
      if (p.substr(i, 3) == "(?>") return where = i, std::string("atomic group '(?>'");
      if (i > 0 && (p[i] == '+') &&
          (p[i - 1] == '*' || p[i - 1] == '+' || p[i - 1] == '?' || p[i - 1] == '}') &&
          !(i > 1 && p[i - 2] == '\\')) {
        return where = i - 1, std::string("possessive quantifier '") + p[i - 1] + "+'";
      }
    }
    return std::nullopt;
  }

  std::optional<std::uint32_t> regex_atom(event::FieldId field, const RuleValue& v,
                                          const Modifiers& m) {
    std::size_t where = 0;
    if (auto construct = unsupported_regex_construct(v.text, where)) {
      // The offset is in the decoded text: the origin map finds its byte in the file, whatever
      // the scalar style (escapes, block scalars).
      error("unsupported-regex", v.origin.at(where),
            "regular expression uses a " + *construct + " at offset " + std::to_string(where) +
                ", which RE2 (linear time, no backtracking) cannot run");
      return std::nullopt;
    }
    std::string flags;
    if (m.re_i) flags += 'i';
    if (m.re_m) flags += 'm';
    if (m.re_s) flags += 's';
    std::string pattern = flags.empty() ? v.text : "(?" + flags + ")" + v.text;
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(8 << 20);
    auto re = std::make_unique<RE2>(pattern, opts);
    if (!re->ok()) {
      error("unsupported-regex", v.pos, "regular expression does not compile: " + re->error());
      return std::nullopt;
    }
    Atom a;
    a.kind = AtomKind::kRegex;
    a.field = field;
    a.regex = std::move(re);
    return intern_atom("r|" + std::to_string(field) + "|" + pattern, std::move(a));
  }

  // Strings a value stands for after base64/wide/windash/expand: each one a Sigma string.
  std::optional<std::vector<SigmaString>> value_strings(const RuleValue& v, const Modifiers& m,
                                                        bool& cased) {
    std::vector<std::string> raws;
    if (m.expand) {
      auto expanded = expand_placeholders(v);
      if (!expanded) return std::nullopt;
      raws = std::move(*expanded);
    } else {
      raws.push_back(v.text);
    }
    std::vector<SigmaString> out;
    for (const std::string& raw : raws) {
      if (m.base64 || m.base64offset) {
        SigmaString parsed = SigmaString::parse(raw);
        if (parsed.has_wildcards()) {
          error("bad-value", v.pos, "base64 modifiers need a value without wildcards");
          return std::nullopt;
        }
        std::string bytes = parsed.plain();
        switch (m.wide) {
          case Modifiers::Wide::kLe:
            bytes = utf16le(bytes);
            break;
          case Modifiers::Wide::kBe:
            bytes = utf16be(bytes);
            break;
          case Modifiers::Wide::kBom:
            bytes = utf16_bom(bytes);
            break;
          case Modifiers::Wide::kNone:
            break;
        }
        // Encoded text is case-significant: a case-insensitive match would accept other bytes.
        cased = true;
        if (m.base64) {
          out.push_back(SigmaString::literal(base64(bytes)));
        } else {
          std::vector<std::string> shifted = base64offset(bytes);
          if (std::any_of(shifted.begin(), shifted.end(),
                          [](const std::string& e) { return e.empty(); })) {
            // A 1-byte value has no stable base64 character at some offset: an empty needle
            // there would match every value.
            error("bad-value", v.pos,
                  "base64offset needs a value of at least 2 bytes: a shorter one has no stable "
                  "encoding at every offset and would match everything");
            return std::nullopt;
          }
          for (std::string& e : shifted) out.push_back(SigmaString::literal(e));
        }
        continue;
      }
      SigmaString s = SigmaString::parse(raw);
      if (m.windash) {
        auto variants = windash_variants(s);
        if (!variants) {
          error("bad-value", v.pos,
                "windash expansion of this value yields more than 1024 variants");
          return std::nullopt;
        }
        for (auto& var : *variants) out.push_back(std::move(var));
      } else {
        out.push_back(std::move(s));
      }
    }
    return out;
  }

  std::optional<std::uint32_t> compile_value(event::FieldId field, const FieldItem& item,
                                             const RuleValue& v, const Modifiers& m) {
    using T = RuleValue::Type;
    if (m.re) {
      if (v.type == T::kNull) {
        error("bad-value", v.pos, "'re' needs a pattern, not null");
        return std::nullopt;
      }
      auto atom = regex_atom(field, v, m);
      if (!atom) return std::nullopt;
      return atom_node(*atom);
    }
    if (m.cidr) {
      auto net = Network::parse(v.text);
      if (!net) {
        error("bad-value", v.pos, "'" + v.text + "' is not an IPv4 or IPv6 network (CIDR)");
        return std::nullopt;
      }
      Atom a;
      a.kind = AtomKind::kCidr;
      a.field = field;
      a.networks.push_back(*net);
      return atom_node(intern_atom("c|" + std::to_string(field) + "|" + v.text, std::move(a)));
    }
    if (m.date) {
      auto num = parse_decimal(v.text);
      if (!num) {
        error("bad-value", v.pos, "date-part modifiers compare with a number");
        return std::nullopt;
      }
      Atom a;
      a.kind = AtomKind::kDatePart;
      a.field = field;
      a.part = *m.date;
      a.op = m.cmp.value_or(CmpOp::kEq);
      a.number = *num;
      // The key first: the order of evaluation of the arguments is unspecified.
      std::string key = "d|" + std::to_string(field) + "|" +
                        std::to_string(static_cast<int>(a.part)) + "|" +
                        std::to_string(static_cast<int>(a.op)) + "|" + v.text;
      return atom_node(intern_atom(key, std::move(a)));
    }
    if (m.cmp) {
      auto num = parse_decimal(v.text);
      if (!num || v.type == T::kNull) {
        error("bad-value", v.pos,
              "lt/lte/gt/gte compare with a number; '" + v.text + "' is not one");
        return std::nullopt;
      }
      Atom a;
      a.kind = AtomKind::kNumCmp;
      a.field = field;
      a.op = *m.cmp;
      a.number = *num;
      std::string key = "n|" + std::to_string(field) + "|" +
                        std::to_string(static_cast<int>(a.op)) + "|" + v.text;
      return atom_node(intern_atom(key, std::move(a)));
    }
    if (m.fieldref) {
      if (v.type == T::kNull || v.text.empty()) {
        error("bad-value", v.pos, "'fieldref' needs the name of another field");
        return std::nullopt;
      }
      Atom a;
      a.kind = AtomKind::kFieldRef;
      a.field = field;
      a.other = field_id(v.text);
      a.cased = m.cased;
      a.ref = m.position == Modifiers::Position::kContains     ? RefMode::kContains
              : m.position == Modifiers::Position::kStartsWith ? RefMode::kStartsWith
              : m.position == Modifiers::Position::kEndsWith   ? RefMode::kEndsWith
                                                               : RefMode::kEquals;
      return atom_node(intern_atom("f|" + std::to_string(field) + "|" + std::to_string(a.other) +
                                       "|" + std::to_string(static_cast<int>(a.ref)) +
                                       (a.cased ? "C" : ""),
                                   std::move(a)));
    }
    if (v.type == T::kNull) {
      if (m.position != Modifiers::Position::kEquals || m.base64 || m.base64offset || m.windash) {
        error("bad-value", v.pos, "null only means 'field absent'; it takes no string modifier");
        return std::nullopt;
      }
      if (field == kAnyField) {
        error("bad-value", v.pos, "a keyword cannot be null");
        return std::nullopt;
      }
      Atom a;
      a.kind = AtomKind::kNull;
      a.field = field;
      return atom_node(intern_atom("0|" + std::to_string(field), std::move(a)));
    }
    bool plain_equality = m.position == Modifiers::Position::kEquals && !m.base64 &&
                          !m.base64offset && !m.windash && !m.expand && field != kAnyField;
    if (plain_equality && v.type == T::kBool) {
      Atom a;
      a.kind = AtomKind::kBool;
      a.field = field;
      a.boolean = v.text[0] == 't' || v.text[0] == 'T';
      return atom_node(intern_atom(
          std::string("b|") + std::to_string(field) + (a.boolean ? "1" : "0"), std::move(a)));
    }
    if (plain_equality && !m.cased) {
      if (auto num = parse_decimal(v.text)) {
        Atom a;
        a.kind = AtomKind::kNumEq;
        a.field = field;
        a.number = *num;
        a.text = fold(v.text);
        return atom_node(intern_atom("q|" + std::to_string(field) + "|" + v.text, std::move(a)));
      }
    }
    bool cased = m.cased;
    auto strings = value_strings(v, m, cased);
    if (!strings) return std::nullopt;
    std::vector<std::uint32_t> alternatives;
    for (SigmaString& s : *strings) {
      if (m.position == Modifiers::Position::kContains ||
          m.position == Modifiers::Position::kEndsWith) {
        if (s.parts.empty() || s.parts.front().kind != SigmaString::PartKind::kAnyRun)
          s.prepend_any();
      }
      if (m.position == Modifiers::Position::kContains ||
          m.position == Modifiers::Position::kStartsWith) {
        if (s.parts.empty() || s.parts.back().kind != SigmaString::PartKind::kAnyRun)
          s.append_any();
      }
      alternatives.push_back(atom_node(string_atom(field, s, cased)));
    }
    (void)item;
    return make(Node::Kind::kOr, alternatives);
  }

  std::uint32_t compile_item(const FieldItem& item) {
    auto m = parse_modifiers(item);
    if (!m) return make_const(false);
    if (!item.field.empty() && item.field.find(' ') != std::string::npos) {
      warning("field-with-space", item.pos,
              "field '" + item.field + "' contains a space: Sigma field names drop spaces");
    }
    event::FieldId field = item.field.empty() ? kAnyField : field_id(item.field);
    if (m->exists) {
      if (item.values.size() != 1 || item.values[0].type != RuleValue::Type::kBool) {
        error("bad-value", item.values.size() == 1 ? item.values[0].pos : item.pos,
              "'exists' takes true or false");
        return make_const(false);
      }
      Atom a;
      a.kind = AtomKind::kExists;
      a.field = field;
      std::uint32_t node = atom_node(intern_atom("x|" + std::to_string(field), std::move(a)));
      bool want = item.values[0].text[0] == 't' || item.values[0].text[0] == 'T';
      return want ? node : make_not(node);
    }
    std::vector<std::uint32_t> per_value;
    for (const RuleValue& v : item.values) {
      auto node = compile_value(field, item, v, *m);
      if (!node) return make_const(false);
      // compile_value returns a node id for string paths and an atom id otherwise.
      per_value.push_back(*node);
    }
    std::uint32_t combined = make(m->all ? Node::Kind::kAnd : Node::Kind::kOr, per_value);
    return m->neq ? make_not(combined) : combined;
  }

  std::uint32_t compile_selection(const rules::Selection& sel) {
    std::vector<std::uint32_t> groups;
    for (const auto& group : sel.groups) {
      std::vector<std::uint32_t> items;
      items.reserve(group.size());
      for (const FieldItem& item : group) items.push_back(compile_item(item));
      groups.push_back(make(Node::Kind::kAnd, items));
    }
    return make(Node::Kind::kOr, groups);
  }

  std::uint32_t compile_condition(const rules::Condition& c, int index) {
    const rules::ConditionNode& n = c.nodes[index];
    using K = rules::ConditionNode::Kind;
    switch (n.kind) {
      case K::kOr:
      case K::kAnd: {
        std::vector<std::uint32_t> kids;
        for (int child : n.children) kids.push_back(compile_condition(c, child));
        return make(n.kind == K::kOr ? Node::Kind::kOr : Node::Kind::kAnd, kids);
      }
      case K::kNot:
        return make_not(compile_condition(c, n.children[0]));
      case K::kRef:
        for (const auto& [name, root] : selection_roots_) {
          if (name == n.pattern) return root;
        }
        return make_const(false);  // reported by the loader
      case K::kOneOf:
      case K::kAllOf: {
        std::vector<std::uint32_t> kids;
        for (const auto& [name, root] : selection_roots_) {
          if (rules::in_quantifier(n.pattern, name)) kids.push_back(root);
        }
        if (kids.empty()) return make_const(false);
        if (n.kind == K::kAllOf) return make(Node::Kind::kAnd, kids);
        if (n.count <= 1) return make(Node::Kind::kOr, kids);
        return make(Node::Kind::kAtLeast, kids, static_cast<std::uint32_t>(n.count));
      }
    }
    return make_const(false);
  }

  RuleSetImpl& impl_;
  const CompileOptions& options_;
  Diagnostics& diags_;
  const Rule* rule_ = nullptr;
  const std::vector<std::pair<std::string, std::string>>* mapping_ = nullptr;
  bool report_ = true;
  bool ok_ = true;
  std::vector<std::pair<std::string, std::uint32_t>> selection_roots_;
  std::unordered_map<std::string, std::uint32_t> atom_keys_;
  std::unordered_map<std::uint32_t, std::uint32_t> atom_nodes_;
};

// EventID values an expression requires (nullopt: any). Used to dispatch rules by EventID.
std::optional<std::set<std::int64_t>> required_event_ids(const RuleSetImpl& impl,
                                                         std::uint32_t node) {
  const Node& n = impl.nodes[node];
  switch (n.kind) {
    case Node::Kind::kAtom: {
      const Atom& a = impl.atoms[n.atom];
      if (a.field == event::FieldTable::kEventID && a.kind == AtomKind::kNumEq &&
          a.number == std::floor(a.number) && std::abs(a.number) < 1e15) {
        return std::set<std::int64_t>{static_cast<std::int64_t>(a.number)};
      }
      return std::nullopt;
    }
    case Node::Kind::kAnd: {
      std::optional<std::set<std::int64_t>> acc;
      for (std::uint32_t i = 0; i < n.count; ++i) {
        auto r = required_event_ids(impl, impl.child_index[n.first + i]);
        if (!r) continue;
        if (!acc) {
          acc = std::move(r);
        } else {
          std::set<std::int64_t> both;
          std::set_intersection(acc->begin(), acc->end(), r->begin(), r->end(),
                                std::inserter(both, both.begin()));
          acc = std::move(both);
        }
      }
      return acc;
    }
    case Node::Kind::kOr: {
      std::set<std::int64_t> acc;
      for (std::uint32_t i = 0; i < n.count; ++i) {
        auto r = required_event_ids(impl, impl.child_index[n.first + i]);
        if (!r) return std::nullopt;
        acc.insert(r->begin(), r->end());
      }
      return acc;
    }
    case Node::Kind::kFalse:
      return std::set<std::int64_t>{};
    default:
      return std::nullopt;
  }
}

// True when the detection names a field that `mapping` renames.
bool rule_uses_any(const rules::Rule& rule,
                   const std::vector<std::pair<std::string, std::string>>& mapping) {
  for (const auto& sel : rule.detection.selections) {
    for (const auto& group : sel.groups) {
      for (const auto& item : group) {
        for (const auto& [from, to] : mapping) {
          if (item.field == from) return true;
          for (std::size_t i = 0; i < item.modifiers.size(); ++i) {
            // fieldref values name fields too.
            if (item.modifiers[i] == "fieldref") {
              for (const auto& v : item.values) {
                if (v.text == from) return true;
              }
            }
          }
        }
      }
    }
  }
  return false;
}

void add_to_bucket(const RuleSetImpl& impl, Bucket& bucket, std::uint32_t rule,
                   std::uint32_t root) {
  auto ids = required_event_ids(impl, root);
  if (!ids) {
    bucket.pending_any.push_back({rule, root});
    return;
  }
  for (std::int64_t id : *ids) bucket.pending_by_event_id[id].push_back({rule, root});
}

// Needle slots of which at least one is hit whenever an expression is true (`any`: no such set
// is known). An empty set means the expression can never be true.
struct TriggerSet {
  bool any = true;
  std::vector<std::uint32_t> slots;
  std::uint32_t shortest = 0;  // length of the shortest needle: longer needles hit less often

  static TriggerSet unknown() { return {}; }
  static TriggerSet never() { return {false, {}, std::numeric_limits<std::uint32_t>::max()}; }
  // Prefer long needles, then few of them.
  bool better_than(const TriggerSet& o) const {
    if (any != o.any) return !any;
    if (shortest != o.shortest) return shortest > o.shortest;
    return slots.size() < o.slots.size();
  }
};

// More needles than this in one rule's set and the rule is simply evaluated on every event.
constexpr std::size_t kMaxTriggersPerRule = 1 << 16;

TriggerSet trigger_set(const RuleSetImpl& impl, std::uint32_t node) {
  const Node& n = impl.nodes[node];
  switch (n.kind) {
    case Node::Kind::kAtom: {
      const Atom& a = impl.atoms[n.atom];
      const bool literal_gate =
          a.kind == AtomKind::kLiteral || a.kind == AtomKind::kGlob || a.kind == AtomKind::kKeyword;
      if (!literal_gate || a.prefilter < 0) return TriggerSet::unknown();
      const Prefilter& p = impl.prefilters[a.prefilter];
      return {false, {p.needle_base + a.needle}, p.needle_len[a.needle]};
    }
    case Node::Kind::kAnd: {
      TriggerSet best;
      for (std::uint32_t i = 0; i < n.count; ++i) {
        TriggerSet t = trigger_set(impl, impl.child_index[n.first + i]);
        if (!t.any && t.slots.empty()) return t;  // one child never true: neither is the AND
        if (t.better_than(best)) best = std::move(t);
      }
      return best;
    }
    case Node::Kind::kOr:
    case Node::Kind::kAtLeast: {
      TriggerSet all = TriggerSet::never();
      for (std::uint32_t i = 0; i < n.count; ++i) {
        TriggerSet t = trigger_set(impl, impl.child_index[n.first + i]);
        if (t.any) return t;
        all.slots.insert(all.slots.end(), t.slots.begin(), t.slots.end());
        all.shortest = std::min(all.shortest, t.shortest);
        if (all.slots.size() > kMaxTriggersPerRule) return TriggerSet::unknown();
      }
      std::sort(all.slots.begin(), all.slots.end());
      all.slots.erase(std::unique(all.slots.begin(), all.slots.end()), all.slots.end());
      return all;
    }
    case Node::Kind::kFalse:
      return TriggerSet::never();
    case Node::Kind::kNot:
    case Node::Kind::kTrue:
      return TriggerSet::unknown();
  }
  return TriggerSet::unknown();
}

// Turns the rules gathered per bucket into cells with trigger lists; needs the prefilters built.
void build_cells(RuleSetImpl& impl, bool literal_triggers) {
  std::vector<std::uint32_t> slot_of_prefilter;  // prefilter index of a needle slot
  slot_of_prefilter.resize(impl.needle_total);
  for (std::size_t p = 0; p < impl.prefilters.size(); ++p) {
    const Prefilter& pf = impl.prefilters[p];
    for (std::uint32_t k = 0; k < pf.needle_count; ++k) {
      slot_of_prefilter[pf.needle_base + k] = static_cast<std::uint32_t>(p);
    }
  }
  std::vector<std::pair<std::uint32_t, Trigger>> by_slot;
  auto make_cell = [&](const std::vector<RuleRef>& refs) {
    const auto cell_index = static_cast<std::uint32_t>(impl.cells.size());
    Cell cell;
    for (const RuleRef& ref : refs) {
      TriggerSet t = literal_triggers ? trigger_set(impl, ref.root) : TriggerSet::unknown();
      if (t.any) {
        cell.always.push_back(ref);
        continue;
      }
      const auto ref_index = static_cast<std::uint32_t>(impl.trigger_refs.size());
      impl.trigger_refs.push_back(ref);
      for (std::uint32_t slot : t.slots) {
        by_slot.push_back({slot, Trigger{cell_index, ref_index}});
        cell.scans.push_back(static_cast<int>(slot_of_prefilter[slot]));
      }
    }
    std::sort(cell.scans.begin(), cell.scans.end());
    cell.scans.erase(std::unique(cell.scans.begin(), cell.scans.end()), cell.scans.end());
    impl.cells.push_back(std::move(cell));
    return cell_index;
  };
  auto build_bucket = [&](Bucket& b) {
    for (auto& [id, refs] : b.pending_by_event_id) b.by_event_id.emplace(id, make_cell(refs));
    b.any_event_id = make_cell(b.pending_any);
    b.pending_by_event_id.clear();
    b.pending_any.clear();
  };
  build_bucket(impl.always);
  for (Bucket& b : impl.buckets) build_bucket(b);

  std::stable_sort(by_slot.begin(), by_slot.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  impl.trigger_begin.assign(impl.needle_total + 1, 0);
  for (const auto& [slot, trigger] : by_slot) ++impl.trigger_begin[slot + 1];
  for (std::size_t i = 1; i < impl.trigger_begin.size(); ++i) {
    impl.trigger_begin[i] += impl.trigger_begin[i - 1];
  }
  impl.triggers.reserve(by_slot.size());
  for (const auto& entry : by_slot) impl.triggers.push_back(entry.second);
  impl.stats.trigger_rules = impl.trigger_refs.size();
}

}  // namespace

RuleSet::RuleSet(std::unique_ptr<RuleSetImpl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;

std::shared_ptr<const RuleSet> RuleSet::compile(std::vector<rules::Rule> rules,
                                                const CompileOptions& options,
                                                rules::Diagnostics& diags) {
  auto impl = std::make_unique<RuleSetImpl>();
  impl->logsource = options.logsource;
  impl->logsource_index = std::make_unique<LogsourceIndex>(impl->logsource, impl->fields);
  impl->buckets.resize(impl->logsource.entries.size());
  Compiler compiler(*impl, options, diags);
  for (const std::string& f : options.extra_fields) impl->fields.intern(f);

  for (rules::Rule& rule : rules) {
    bool has_logsource = !rule.product.empty() || !rule.service.empty() || !rule.category.empty();
    std::vector<std::size_t> entries;
    if (has_logsource) {
      entries = impl->logsource.entries_for(rule.product, rule.service, rule.category);
      if (entries.empty()) {
        diags.warning("unmapped-logsource", rule.file, rule.logsource_pos.line,
                      rule.logsource_pos.column,
                      "no logsource mapping produces product '" + rule.product + "' service '" +
                          rule.service + "' category '" + rule.category +
                          "': the rule can never match (extend the map with --logsource-map)");
      }
    }
    auto root = compiler.compile_rule(rule, nullptr, true);
    if (!root) continue;
    auto index = static_cast<std::uint32_t>(impl->rules.size());
    CompiledRule compiled;
    compiled.roots.push_back(*root);
    if (!has_logsource) {
      add_to_bucket(*impl, impl->always, index, *root);
    }
    for (std::size_t e : entries) {
      const auto& mapping = impl->logsource.entries[e].fieldmappings;
      std::uint32_t r = *root;
      if (!mapping.empty() && rule_uses_any(rule, mapping)) {
        auto mapped = compiler.compile_rule(rule, &mapping, false);
        if (mapped) r = *mapped;
      }
      add_to_bucket(*impl, impl->buckets[e], index, r);
    }
    compiled.rule = std::move(rule);
    impl->rules.push_back(std::move(compiled));
  }
  compiler.build_prefilters();
  build_cells(*impl, options.literal_triggers);
  impl->stats.rules = impl->rules.size();
  impl->stats.atoms = impl->atoms.size();
  impl->stats.fields = impl->fields.size();
  return std::shared_ptr<const RuleSet>(new RuleSet(std::move(impl)));
}

const event::FieldTable& RuleSet::fields() const { return impl_->fields; }
bool RuleSet::needs_all_fields() const { return impl_->needs_all_fields; }
std::size_t RuleSet::size() const { return impl_->rules.size(); }
const rules::Rule& RuleSet::rule(std::uint32_t index) const { return impl_->rules[index].rule; }
RuleSetStats RuleSet::stats() const { return impl_->stats; }

}  // namespace vigie::match
