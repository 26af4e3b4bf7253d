// Per-event evaluation of a compiled rule set.
//
// Everything is lazy and memoised per event with epoch stamps (no clearing between events): an
// atom is evaluated at most once, a field's prefilter scans the value at most once, and a rule
// reached through several logsource entries is evaluated once.

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/number.h"
#include "common/timestamp.h"
#include "common/utf8.h"
#include "match/compiled.h"

namespace vigie::match {

class MatcherScratch {
 public:
  explicit MatcherScratch(const RuleSetImpl& impl)
      : atom_stamp(impl.atoms.size(), 0),
        atom_value(impl.atoms.size(), 0),
        needle_stamp(impl.needle_total, 0),
        needle_flags(impl.needle_total, 0),
        scan_stamp(impl.prefilters.size(), 0),
        rule_stamp(impl.rules.size(), 0),
        ref_stamp(impl.trigger_refs.size(), 0),
        cell_stamp(impl.cells.size(), 0),
        fold_stamp(impl.fields.size(), 0),
        fold_text(impl.fields.size()) {}

  void next_epoch() {
    if (++epoch == 0) {
      std::fill(atom_stamp.begin(), atom_stamp.end(), 0);
      std::fill(needle_stamp.begin(), needle_stamp.end(), 0);
      std::fill(scan_stamp.begin(), scan_stamp.end(), 0);
      std::fill(rule_stamp.begin(), rule_stamp.end(), 0);
      std::fill(ref_stamp.begin(), ref_stamp.end(), 0);
      std::fill(cell_stamp.begin(), cell_stamp.end(), 0);
      std::fill(fold_stamp.begin(), fold_stamp.end(), 0);
      epoch = 1;
    }
  }

  std::uint32_t epoch = 0;
  std::vector<std::uint32_t> atom_stamp;
  std::vector<std::uint8_t> atom_value;
  std::vector<std::uint32_t> needle_stamp;
  std::vector<std::uint8_t> needle_flags;
  std::vector<std::uint32_t> scan_stamp;
  std::vector<std::uint32_t> rule_stamp;
  std::vector<std::uint32_t> ref_stamp;   // trigger rule expressions evaluated this event
  std::vector<std::uint32_t> cell_stamp;  // cells the event falls in
  std::vector<std::uint32_t> fold_stamp;  // fields whose folded value is in fold_text
  std::vector<std::string> fold_text;
  std::vector<std::uint32_t> hits;  // needle slots hit this event, in order of first hit
  std::string keyword_text;         // every value of the event, NUL-separated (keyword scan)
  std::vector<std::uint32_t> matched;
  std::vector<std::uint32_t> entries;
  std::string fold_a;
  std::string fold_b;
};

namespace {

// Calls fn(scalar) for a value or each element of a list; stops when fn returns true.
template <typename F>
bool any_scalar(const event::Event& e, const event::Value& v, F&& fn) {
  if (v.kind == event::Kind::kList) {
    const auto& items = e.list_items();
    for (std::uint32_t i = 0; i < v.list_size; ++i) {
      if (fn(items[v.list_begin + i])) return true;
    }
    return false;
  }
  return fn(v);
}

bool has_text(const event::Value& v);

// Calls fn(text) for the text of every value of the event, list items included: what keywords
// search. Numbers count as written and booleans as "true"/"false", so that a keyword finds the
// same events whether a shape carries EventID as 4769 (evtx, flat) or as "4769" (Winlogbeat).
template <typename F>
void for_each_text(const event::Event& e, F&& fn) {
  auto each = [&](const event::Value& v) {
    any_scalar(e, v, [&](const event::Value& sv) {
      if (has_text(sv)) fn(sv.text);
      return false;
    });
  };
  for (event::FieldId id : e.present()) {
    if (const event::Value* v = e.get(id)) each(*v);
  }
  for (const auto& [name, v] : e.extras()) each(v);
}

bool has_text(const event::Value& v) {
  return v.kind == event::Kind::kString || v.kind == event::Kind::kInt ||
         v.kind == event::Kind::kDouble || v.kind == event::Kind::kBool;
}

std::optional<double> number_of(const event::Value& v) {
  if (v.kind == event::Kind::kInt || v.kind == event::Kind::kDouble) return v.real;
  if (v.kind != event::Kind::kString) return std::nullopt;
  return parse_decimal(v.text);
}

bool compare(double value, CmpOp op, double bound) {
  switch (op) {
    case CmpOp::kLt:
      return value < bound;
    case CmpOp::kLte:
      return value <= bound;
    case CmpOp::kGt:
      return value > bound;
    case CmpOp::kGte:
      return value >= bound;
    case CmpOp::kEq:
      return value == bound;
  }
  return false;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (utf8::kAsciiLower[static_cast<unsigned char>(a[i])] !=
        utf8::kAsciiLower[static_cast<unsigned char>(b[i])]) {
      return false;
    }
  }
  return true;
}

class Evaluator {
 public:
  Evaluator(const RuleSetImpl& impl, MatcherScratch& s, const event::Event& e)
      : impl_(impl), s_(s), e_(e) {}

  // Runs the prefilter scan of `prefilter_index` now (it is memoised like the lazy ones).
  void prescan(int prefilter_index) { scan(prefilter_index); }

  bool node(std::uint32_t id) {
    const Node& n = impl_.nodes[id];
    switch (n.kind) {
      case Node::Kind::kAtom:
        return atom(n.atom);
      case Node::Kind::kAnd:
        for (std::uint32_t i = 0; i < n.count; ++i) {
          if (!node(impl_.child_index[n.first + i])) return false;
        }
        return true;
      case Node::Kind::kOr:
        for (std::uint32_t i = 0; i < n.count; ++i) {
          if (node(impl_.child_index[n.first + i])) return true;
        }
        return false;
      case Node::Kind::kNot:
        return !node(impl_.child_index[n.first]);
      case Node::Kind::kAtLeast: {
        std::uint32_t hits = 0;
        for (std::uint32_t i = 0; i < n.count; ++i) {
          if (node(impl_.child_index[n.first + i]) && ++hits >= n.at_least) return true;
          if (hits + (n.count - i - 1) < n.at_least) return false;
        }
        return false;
      }
      case Node::Kind::kTrue:
        return true;
      case Node::Kind::kFalse:
        return false;
    }
    return false;
  }

 private:
  bool atom(std::uint32_t id) {
    if (s_.atom_stamp[id] == s_.epoch) return s_.atom_value[id] != 0;
    bool v = evaluate(impl_.atoms[id]);
    s_.atom_stamp[id] = s_.epoch;
    s_.atom_value[id] = v ? 1 : 0;
    return v;
  }

  std::string_view folded(std::string_view text, std::string& buf) {
    utf8::fold(text, buf);
    return buf;
  }

  void scan(int prefilter_index) {
    if (s_.scan_stamp[prefilter_index] == s_.epoch) return;
    s_.scan_stamp[prefilter_index] = s_.epoch;
    const Prefilter& p = impl_.prefilters[prefilter_index];
    if (p.field == kAnyField) {
      scan_keywords(p);
      return;
    }
    const event::Value* v = e_.get(p.field);
    if (v == nullptr) return;
    any_scalar(e_, *v, [&](const event::Value& sv) {
      if (has_text(sv)) scan_text(p, sv.text);
      return false;
    });
  }

  // Keyword atoms only ask whether a needle occurs in some value (kHitAny). Every value goes into
  // one buffer, each followed by a NUL that no needle holds (an occurrence cannot straddle two
  // values), and the buffer is scanned once: one call instead of one per value.
  void scan_keywords(const Prefilter& p) {
    if (!p.nul_free_needles) {
      for_each_text(e_, [&](std::string_view text) { scan_text(p, text); });
      return;
    }
    std::string& all = s_.keyword_text;
    all.clear();
    const bool fold_all = !p.cased && !p.ascii_needles;
    for_each_text(e_, [&](std::string_view text) {
      if (fold_all) {
        utf8::fold(text, s_.fold_a);
        all.append(s_.fold_a);
      } else {
        all.append(text);
      }
      all.push_back('\0');
    });
    auto record = [&](std::uint32_t needle, std::size_t) {
      const std::uint32_t slot = p.needle_base + needle;
      if (s_.needle_stamp[slot] != s_.epoch) {
        s_.needle_stamp[slot] = s_.epoch;
        s_.needle_flags[slot] = 0;
        s_.hits.push_back(slot);
      }
      s_.needle_flags[slot] |= kHitAny;
    };
    if (p.cased || fold_all) {
      p.automaton.scan_any_order(all, record);
    } else {
      p.automaton.scan_folded_any_order(all, record);
    }
  }

  void scan_text(const Prefilter& p, std::string_view text) {
    const std::size_t len = text.size();
    auto record = [&](std::uint32_t needle, std::size_t end) {
      std::uint32_t slot = p.needle_base + needle;
      if (s_.needle_stamp[slot] != s_.epoch) {
        s_.needle_stamp[slot] = s_.epoch;
        s_.needle_flags[slot] = 0;
        s_.hits.push_back(slot);
      }
      std::uint8_t flags = kHitAny;
      bool at_start = end == p.needle_len[needle];
      bool at_end = end == len;
      if (at_start) flags |= kHitStart;
      if (at_end) flags |= kHitEnd;
      if (at_start && at_end) flags |= kHitWhole;
      s_.needle_flags[slot] |= flags;
    };
    // Hit flags are OR-ed per needle: the order of the occurrences does not matter.
    if (p.cased) {
      p.automaton.scan_any_order(text, record);
    } else if (!p.ascii_needles && utf8::has_non_ascii(text)) {
      p.automaton.scan_any_order(folded(text, s_.fold_a), record);
    } else {
      p.automaton.scan_folded_any_order(text, record);
    }
  }

  // The folded text of a (non-list) field, folded once per event.
  std::string_view folded_field(event::FieldId field, std::string_view text) {
    std::string& buf = s_.fold_text[field];
    if (s_.fold_stamp[field] != s_.epoch) {
      utf8::fold(text, buf);
      s_.fold_stamp[field] = s_.epoch;
    }
    return buf;
  }

  bool needle_hit(int prefilter_index, std::uint32_t needle, std::uint8_t flag) {
    scan(prefilter_index);
    std::uint32_t slot = impl_.prefilters[prefilter_index].needle_base + needle;
    return s_.needle_stamp[slot] == s_.epoch && (s_.needle_flags[slot] & flag) != 0;
  }

  bool glob_value(const Atom& a, const event::Value& sv) {
    if (!has_text(sv)) return false;
    return a.glob->match(a.cased ? sv.text : folded(sv.text, s_.fold_a));
  }

  bool evaluate(const Atom& a) {
    if (a.kind == AtomKind::kKeyword) return keyword(a);
    const event::Value* v = e_.get(a.field);
    switch (a.kind) {
      case AtomKind::kExists:
        return v != nullptr;
      case AtomKind::kNull:
        return v == nullptr || v->kind == event::Kind::kNull;
      default:
        break;
    }
    if (v == nullptr) return false;
    switch (a.kind) {
      case AtomKind::kLiteral:
        return needle_hit(a.prefilter, a.needle, a.hit);
      case AtomKind::kGlob:
        if (a.prefilter >= 0 && !needle_hit(a.prefilter, a.needle, kHitAny)) return false;
        if (v->kind != event::Kind::kList && !a.cased) {
          return has_text(*v) && a.glob->match(folded_field(a.field, v->text));
        }
        return any_scalar(e_, *v, [&](const event::Value& sv) { return glob_value(a, sv); });
      case AtomKind::kRegex:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          if (!has_text(sv)) return false;
          return RE2::PartialMatch(re2::StringPiece(sv.text.data(), sv.text.size()), *a.regex);
        });
      case AtomKind::kNumEq:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          if (sv.kind == event::Kind::kInt || sv.kind == event::Kind::kDouble)
            return sv.real == a.number;
          if (sv.kind != event::Kind::kString) return false;
          if (iequals_ascii(sv.text, a.text)) return true;
          auto n = number_of(sv);
          return n && *n == a.number;
        });
      case AtomKind::kNumCmp:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          auto n = number_of(sv);
          return n && compare(*n, a.op, a.number);
        });
      case AtomKind::kCidr:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          if (sv.kind != event::Kind::kString) return false;
          auto ip = parse_ip(sv.text);
          if (!ip) return false;
          for (const Network& n : a.networks) {
            if (n.contains(*ip)) return true;
          }
          return false;
        });
      case AtomKind::kEmpty:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          return sv.kind == event::Kind::kString && sv.text.empty();
        });
      case AtomKind::kBool:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          if (sv.kind == event::Kind::kBool) return sv.boolean == a.boolean;
          return sv.kind == event::Kind::kString &&
                 iequals_ascii(sv.text, a.boolean ? "true" : "false");
        });
      case AtomKind::kFieldRef:
        return field_ref(a, *v);
      case AtomKind::kDatePart:
        return any_scalar(e_, *v, [&](const event::Value& sv) {
          if (sv.kind != event::Kind::kString) return false;
          auto ms = parse_timestamp_ms(sv.text);
          if (!ms) return false;
          DateParts d = date_parts_utc(*ms);
          int part = 0;
          switch (a.part) {
            case DatePart::kMinute:
              part = d.minute;
              break;
            case DatePart::kHour:
              part = d.hour;
              break;
            case DatePart::kDay:
              part = d.day;
              break;
            case DatePart::kWeek:
              part = d.iso_week;
              break;
            case DatePart::kMonth:
              part = d.month;
              break;
            case DatePart::kYear:
              part = d.year;
              break;
          }
          return compare(part, a.op, a.number);
        });
      default:
        return false;
    }
  }

  bool field_ref(const Atom& a, const event::Value& v) {
    const event::Value* other = e_.get(a.other);
    if (other == nullptr) return false;
    return any_scalar(e_, *other, [&](const event::Value& ov) {
      if (!has_text(ov)) return false;
      std::string_view want = a.cased ? ov.text : folded(ov.text, s_.fold_b);
      return any_scalar(e_, v, [&](const event::Value& sv) {
        if (!has_text(sv)) return false;
        std::string_view have = a.cased ? sv.text : folded(sv.text, s_.fold_a);
        switch (a.ref) {
          case RefMode::kEquals: {
            if (have == want) return true;
            // Numbers compare by value, as everywhere else: 445 equals "445" and "0445".
            const auto a = number_of(sv);
            const auto b = number_of(ov);
            return a && b && *a == *b;
          }
          case RefMode::kContains:
            return have.find(want) != std::string_view::npos;
          case RefMode::kStartsWith:
            return have.substr(0, want.size()) == want;
          case RefMode::kEndsWith:
            return have.size() >= want.size() && have.substr(have.size() - want.size()) == want;
        }
        return false;
      });
    });
  }

  bool keyword(const Atom& a) {
    if (a.prefilter >= 0 && !needle_hit(a.prefilter, a.needle, kHitAny)) return false;
    if (a.glob == nullptr) return true;  // a plain literal: the needle decides
    bool found = false;
    for_each_text(e_, [&](std::string_view text) {
      found = found || a.glob->match(a.cased ? text : folded(text, s_.fold_a));
    });
    return found;
  }

  const RuleSetImpl& impl_;
  MatcherScratch& s_;
  const event::Event& e_;
};

std::optional<std::int64_t> event_id_of(const event::Event& e) {
  const event::Value* v = e.get(event::FieldTable::kEventID);
  if (v == nullptr) return std::nullopt;
  if (v->kind == event::Kind::kInt) return v->integer;
  auto n = number_of(*v);
  if (n && *n == std::floor(*n) && std::abs(*n) < 1e15) return static_cast<std::int64_t>(*n);
  return std::nullopt;
}

// Evaluates a cell's rules that have no trigger, scans its trigger prefilters and marks it as one
// the event falls in; its trigger rules run afterwards, from the needles hit (run_triggers).
void enter_cell(const RuleSetImpl& impl, MatcherScratch& s, Evaluator& ev, std::uint32_t index) {
  if (s.cell_stamp[index] == s.epoch) return;
  s.cell_stamp[index] = s.epoch;
  const Cell& cell = impl.cells[index];
  for (const RuleRef& r : cell.always) {
    if (s.rule_stamp[r.rule] != s.epoch && ev.node(r.root)) {
      s.rule_stamp[r.rule] = s.epoch;
      s.matched.push_back(r.rule);
    }
  }
  for (int p : cell.scans) ev.prescan(p);
}

void enter_bucket(const RuleSetImpl& impl, MatcherScratch& s, Evaluator& ev, const Bucket& b,
                  std::optional<std::int64_t> event_id) {
  if (event_id && !b.by_event_id.empty()) {
    auto it = b.by_event_id.find(*event_id);
    if (it != b.by_event_id.end()) enter_cell(impl, s, ev, it->second);
  }
  enter_cell(impl, s, ev, b.any_event_id);
}

void run_triggers(const RuleSetImpl& impl, MatcherScratch& s, Evaluator& ev) {
  // Evaluating a rule may scan more prefilters and append to `hits`: index, don't iterate.
  for (std::size_t h = 0; h < s.hits.size(); ++h) {
    const std::uint32_t slot = s.hits[h];
    for (std::uint32_t t = impl.trigger_begin[slot]; t < impl.trigger_begin[slot + 1]; ++t) {
      const Trigger& trigger = impl.triggers[t];
      if (s.cell_stamp[trigger.cell] != s.epoch || s.ref_stamp[trigger.ref] == s.epoch) continue;
      s.ref_stamp[trigger.ref] = s.epoch;
      const RuleRef& r = impl.trigger_refs[trigger.ref];
      if (s.rule_stamp[r.rule] != s.epoch && ev.node(r.root)) {
        s.rule_stamp[r.rule] = s.epoch;
        s.matched.push_back(r.rule);
      }
    }
  }
}

}  // namespace

Matcher::Matcher(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)), scratch_(std::make_unique<MatcherScratch>(rules_->impl())) {}
Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

std::span<const std::uint32_t> Matcher::match(const event::Event& e) {
  const RuleSetImpl& impl = rules_->impl();
  MatcherScratch& s = *scratch_;
  s.next_epoch();
  s.matched.clear();
  s.entries.clear();
  s.hits.clear();
  impl.logsource_index->classify(e, s.entries);
  auto event_id = event_id_of(e);
  Evaluator ev(impl, s, e);
  enter_bucket(impl, s, ev, impl.always, event_id);
  for (std::uint32_t entry : s.entries) enter_bucket(impl, s, ev, impl.buckets[entry], event_id);
  run_triggers(impl, s, ev);
  std::sort(s.matched.begin(), s.matched.end());
  return s.matched;
}

}  // namespace vigie::match
