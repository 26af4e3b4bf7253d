#include "match/logsource_index.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace vigie::match {

namespace {

namespace ls = rules::logsource;

// The integer an event value denotes, if any: an int, an integral double, or a decimal string.
std::optional<std::int64_t> event_integer(const event::Value& v) {
  switch (v.kind) {
    case event::Kind::kInt:
      return v.integer;
    case event::Kind::kString:
      return ls::parse_decimal(v.text);
    case event::Kind::kDouble:
      // 2^63 bounds: outside them the cast is undefined; such values never equal an EventID anyway.
      if (std::isfinite(v.real) && v.real == std::floor(v.real) && v.real >= -9.2e18 &&
          v.real <= 9.2e18) {
        return static_cast<std::int64_t>(v.real);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::size_t LogsourceIndex::FoldHash::operator()(std::string_view s) const noexcept {
  // FNV-1a over the folded bytes, so that "SECURITY" and "Security" land in the same slot without
  // folding into a buffer first.
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(ls::fold_ascii(c));
    h *= 1099511628211ULL;
  }
  return static_cast<std::size_t>(h);
}

LogsourceIndex::LogsourceIndex(const rules::LogsourceMap& map, event::FieldTable& fields)
    : entry_count_(map.entries.size()) {
  const event::FieldId channel_id = fields.intern("Channel");
  const event::FieldId event_id_id = fields.intern("EventID");

  auto add_condition = [&](const rules::LogsourceCondition& src) {
    Condition c;
    c.field = fields.intern(src.field);
    c.wants_begin = static_cast<std::uint32_t>(wants_.size());
    for (const std::string& value : src.values) {
      Want w;
      w.present = value == ls::kPresent;
      w.folded = ls::fold_ascii(value);
      if (auto n = ls::parse_decimal(value)) {
        w.is_int = true;
        w.number = *n;
      }
      wants_.push_back(std::move(w));
    }
    c.wants_end = static_cast<std::uint32_t>(wants_.size());
    return c;
  };

  // Placement is collected in ordered temporaries first, then flattened so that each (Channel,
  // EventID) list is one contiguous range of candidates_.
  struct Lists {
    std::map<std::int64_t, std::vector<Candidate>> by_event_id;
    std::vector<Candidate> any_event_id;
  };
  std::map<std::string, Lists> channel_lists;
  Lists any_channel_lists;

  full_.reserve(map.entries.size());
  for (std::size_t i = 0; i < map.entries.size(); ++i) {
    const rules::LogsourceEntry& entry = map.entries[i];
    const auto entry_id = static_cast<std::uint32_t>(i);

    std::vector<Condition> converted;
    for (const rules::LogsourceCondition& src : entry.when) converted.push_back(add_condition(src));

    // The first Channel condition is indexable when it lists plain names; the first EventID
    // condition when it lists only decimal integers. Everything else stays a residual check.
    int channel_cond = -1;
    int event_id_cond = -1;
    for (std::size_t k = 0; k < converted.size(); ++k) {
      const Condition& c = converted[k];
      bool any_present = false, all_int = true, any_int = false;
      for (std::uint32_t w = c.wants_begin; w < c.wants_end; ++w) {
        any_present = any_present || wants_[w].present;
        all_int = all_int && wants_[w].is_int;
        any_int = any_int || wants_[w].is_int;
      }
      if (c.field == channel_id && channel_cond < 0 && !any_present && !any_int) {
        channel_cond = static_cast<int>(k);
      } else if (c.field == event_id_id && event_id_cond < 0 && !any_present && all_int) {
        event_id_cond = static_cast<int>(k);
      }
    }

    Range full{static_cast<std::uint32_t>(conditions_.size()), 0};
    conditions_.insert(conditions_.end(), converted.begin(), converted.end());
    full.end = static_cast<std::uint32_t>(conditions_.size());
    full_.push_back(full);

    Candidate cand{entry_id, {static_cast<std::uint32_t>(conditions_.size()), 0}};
    for (std::size_t k = 0; k < converted.size(); ++k) {
      if (static_cast<int>(k) != channel_cond && static_cast<int>(k) != event_id_cond) {
        conditions_.push_back(converted[k]);
      }
    }
    cand.residual.end = static_cast<std::uint32_t>(conditions_.size());

    auto place = [&](Lists& lists) {
      if (event_id_cond < 0) {
        lists.any_event_id.push_back(cand);
        return;
      }
      const Condition& c = converted[static_cast<std::size_t>(event_id_cond)];
      std::vector<std::int64_t> ids;
      for (std::uint32_t w = c.wants_begin; w < c.wants_end; ++w) ids.push_back(wants_[w].number);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (std::int64_t id : ids) lists.by_event_id[id].push_back(cand);
    };
    if (channel_cond < 0) {
      place(any_channel_lists);
    } else {
      const Condition& c = converted[static_cast<std::size_t>(channel_cond)];
      std::vector<std::string> keys;
      for (std::uint32_t w = c.wants_begin; w < c.wants_end; ++w) keys.push_back(wants_[w].folded);
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (const std::string& key : keys) place(channel_lists[key]);
    }
  }

  auto flatten = [&](const std::vector<Candidate>& list) {
    Range r{static_cast<std::uint32_t>(candidates_.size()), 0};
    candidates_.insert(candidates_.end(), list.begin(), list.end());
    r.end = static_cast<std::uint32_t>(candidates_.size());
    return r;
  };
  auto build_bucket = [&](const Lists& lists, Bucket& bucket) {
    for (const auto& [id, list] : lists.by_event_id) bucket.by_event_id.emplace(id, flatten(list));
    bucket.any_event_id = flatten(lists.any_event_id);
  };
  for (const auto& [key, lists] : channel_lists) build_bucket(lists, by_channel_[key]);
  build_bucket(any_channel_lists, any_channel_);
  channel_id_ = channel_id;
  event_id_id_ = event_id_id;
}

bool LogsourceIndex::value_matches(const event::Value& v, const Condition& c,
                                   const event::Event& e) const {
  if (v.kind == event::Kind::kList) {
    const auto& items = e.list_items();
    for (std::uint32_t i = v.list_begin; i < v.list_begin + v.list_size && i < items.size(); ++i) {
      // Nested lists do not occur in Windows events; they never match rather than recurse.
      if (items[i].kind != event::Kind::kList && value_matches(items[i], c, e)) return true;
    }
    return false;
  }
  if (v.kind == event::Kind::kAbsent || v.kind == event::Kind::kNull) return false;
  const std::optional<std::int64_t> number = event_integer(v);
  for (std::uint32_t w = c.wants_begin; w < c.wants_end; ++w) {
    const Want& want = wants_[w];
    if (want.is_int && number) {
      if (want.number == *number) return true;
    } else if (ls::iequals_ascii(v.text, want.folded)) {
      return true;
    }
  }
  return false;
}

bool LogsourceIndex::condition_holds(const Condition& c, const event::Event& e) const {
  const event::Value* v = e.get(c.field);
  if (v == nullptr || v->kind == event::Kind::kNull) return false;
  for (std::uint32_t w = c.wants_begin; w < c.wants_end; ++w) {
    if (wants_[w].present) return true;
  }
  return value_matches(*v, c, e);
}

void LogsourceIndex::run_bucket(const Bucket& b, const event::Event& e, bool has_id,
                                std::int64_t id, std::vector<std::uint32_t>& out) const {
  auto run = [&](Range r) {
    for (std::uint32_t i = r.begin; i < r.end; ++i) {
      const Candidate& cand = candidates_[i];
      bool ok = true;
      for (std::uint32_t k = cand.residual.begin; ok && k < cand.residual.end; ++k) {
        ok = condition_holds(conditions_[k], e);
      }
      if (ok) out.push_back(cand.entry);
    }
  };
  if (has_id) {
    auto it = b.by_event_id.find(id);
    if (it != b.by_event_id.end()) run(it->second);
  }
  run(b.any_event_id);
}

void LogsourceIndex::classify(const event::Event& e, std::vector<std::uint32_t>& out) const {
  const std::size_t start = out.size();
  const event::Value* channel = e.get(channel_id_);
  const event::Value* event_id = e.get(event_id_id_);

  // A list-valued Channel or EventID could reach one entry through several index slots; such
  // events are not produced by the Windows readers, so they take the plain scan instead.
  if ((channel != nullptr && channel->kind == event::Kind::kList) ||
      (event_id != nullptr && event_id->kind == event::Kind::kList)) {
    for (std::size_t i = 0; i < full_.size(); ++i) {
      bool ok = true;
      for (std::uint32_t k = full_[i].begin; ok && k < full_[i].end; ++k) {
        ok = condition_holds(conditions_[k], e);
      }
      if (ok) out.push_back(static_cast<std::uint32_t>(i));
    }
    return;
  }

  std::optional<std::int64_t> id;
  if (event_id != nullptr) id = event_integer(*event_id);
  const bool has_id = id.has_value();
  const std::int64_t id_value = id.value_or(0);

  if (channel != nullptr && channel->kind != event::Kind::kNull) {
    auto it = by_channel_.find(channel->text);
    if (it != by_channel_.end()) run_bucket(it->second, e, has_id, id_value, out);
  }
  run_bucket(any_channel_, e, has_id, id_value, out);
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

}  // namespace vigie::match
