#include "event/json_tree.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "event/padded_record.h"

namespace vigie::event {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// Recursion is bounded by max_depth; this cap keeps the worst case well inside a thread's stack.
constexpr std::size_t kMaxSupportedDepth = 1024;
constexpr std::size_t kMaxSupportedBytes = 0xFFFFFFFFULL - simdjson::SIMDJSON_PADDING;

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  return s;
}

// Our own error codes, beside simdjson's, travel in the same channel during the walk.
enum class Stop : std::uint8_t { kNone, kTooDeep, kTooManyNodes };

}  // namespace

class JsonTree::Impl {
 public:
  explicit Impl(JsonTreeOptions o)
      : max_bytes_(std::min(o.max_bytes, kMaxSupportedBytes)),
        max_depth_(std::clamp<std::size_t>(o.max_depth, 1, kMaxSupportedDepth)),
        max_nodes_(std::max<std::size_t>(o.max_nodes, 1)) {}

  Status parse(std::string_view record, std::vector<JsonNode>& nodes);
  std::size_t offset(std::string_view text) const { return record_.offset_of(text.data()); }

 private:
  error_code value(od::value& v, std::string_view key, std::size_t depth, std::uint32_t& index);
  error_code members(od::object& object, std::uint32_t parent, std::size_t depth);
  error_code elements(od::array& array, std::uint32_t parent, std::size_t depth);
  error_code add(JsonType type, std::string_view key, std::uint32_t& index);
  void link(std::uint32_t parent, std::uint32_t& last, std::uint32_t child);
  Status fail(error_code e, od::document* doc);
  std::string at_offset(od::document* doc) const;

  const std::size_t max_bytes_;
  const std::size_t max_depth_;
  const std::size_t max_nodes_;
  od::parser parser_;
  PaddedRecord record_;  // the record being read, padded for simdjson
  std::vector<JsonNode>* nodes_ = nullptr;
  Stop stop_ = Stop::kNone;
};

error_code JsonTree::Impl::add(JsonType type, std::string_view key, std::uint32_t& index) {
  if (nodes_->size() >= max_nodes_) {
    stop_ = Stop::kTooManyNodes;
    return simdjson::CAPACITY;
  }
  index = static_cast<std::uint32_t>(nodes_->size());
  JsonNode n;
  n.type = type;
  n.key = key;
  nodes_->push_back(n);
  return simdjson::SUCCESS;
}

void JsonTree::Impl::link(std::uint32_t parent, std::uint32_t& last, std::uint32_t child) {
  JsonNode& p = (*nodes_)[parent];
  if (last == JsonNode::kNone) {
    p.first_child = child;
  } else {
    (*nodes_)[last].next = child;
  }
  ++p.child_count;
  last = child;
}

error_code JsonTree::Impl::members(od::object& object, std::uint32_t parent, std::size_t depth) {
  std::uint32_t last = JsonNode::kNone;
  for (auto member : object) {
    od::field f;
    SIMDJSON_TRY(std::move(member).get(f));
    std::string_view key;
    SIMDJSON_TRY(f.unescaped_key().get(key));
    std::uint32_t child = 0;
    SIMDJSON_TRY(value(f.value(), key, depth + 1, child));
    link(parent, last, child);
  }
  return simdjson::SUCCESS;
}

error_code JsonTree::Impl::elements(od::array& array, std::uint32_t parent, std::size_t depth) {
  std::uint32_t last = JsonNode::kNone;
  for (auto element : array) {
    od::value v;
    SIMDJSON_TRY(element.get(v));
    std::uint32_t child = 0;
    SIMDJSON_TRY(value(v, {}, depth + 1, child));
    link(parent, last, child);
  }
  return simdjson::SUCCESS;
}

// `depth` is the depth `v` would open if it is an object or array.
error_code JsonTree::Impl::value(od::value& v, std::string_view key, std::size_t depth,
                                 std::uint32_t& index) {
  od::json_type t;
  SIMDJSON_TRY(v.type().get(t));
  switch (t) {
    case od::json_type::object: {
      if (depth > max_depth_) {
        stop_ = Stop::kTooDeep;
        return simdjson::DEPTH_ERROR;
      }
      od::object o;
      SIMDJSON_TRY(v.get_object().get(o));
      SIMDJSON_TRY(add(JsonType::kObject, key, index));
      SIMDJSON_TRY(members(o, index, depth));
      // Once read, raw_json() consumes nothing more: it spans from the '{' to the next token.
      std::string_view raw;
      SIMDJSON_TRY(o.raw_json().get(raw));
      (*nodes_)[index].text = trim_right(raw);
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      if (depth > max_depth_) {
        stop_ = Stop::kTooDeep;
        return simdjson::DEPTH_ERROR;
      }
      od::array a;
      SIMDJSON_TRY(v.get_array().get(a));
      SIMDJSON_TRY(add(JsonType::kArray, key, index));
      SIMDJSON_TRY(elements(a, index, depth));
      std::string_view raw;
      SIMDJSON_TRY(a.raw_json().get(raw));
      (*nodes_)[index].text = trim_right(raw);
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      SIMDJSON_TRY(v.get_string().get(s));
      SIMDJSON_TRY(add(JsonType::kString, key, index));
      (*nodes_)[index].text = s;
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      // raw_json_token() before get_*(): the token as written (plus trailing spaces).
      const std::string_view text = trim_right(v.raw_json_token());
      double d = 0;
      if (const error_code e = v.get_double().get(d); e != simdjson::SUCCESS) {
        // An integer beyond a double's range is still JSON; anything else is not.
        std::int64_t i = 0;
        std::uint64_t u = 0;
        if (v.get_int64().get(i) != simdjson::SUCCESS &&
            v.get_uint64().get(u) != simdjson::SUCCESS) {
          return e;
        }
      }
      SIMDJSON_TRY(add(JsonType::kNumber, key, index));
      (*nodes_)[index].text = text;
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b = false;
      SIMDJSON_TRY(v.get_bool().get(b));
      SIMDJSON_TRY(add(JsonType::kBool, key, index));
      (*nodes_)[index].boolean = b;
      (*nodes_)[index].text = b ? "true" : "false";
      return simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool is_null = false;
      SIMDJSON_TRY(v.is_null().get(is_null));
      if (!is_null) return simdjson::N_ATOM_ERROR;
      return add(JsonType::kNull, key, index);
    }
  }
  return simdjson::INCORRECT_TYPE;
}

std::string JsonTree::Impl::at_offset(od::document* doc) const { return record_.where(doc); }

Status JsonTree::Impl::fail(error_code e, od::document* doc) {
  nodes_->clear();
  if (stop_ == Stop::kTooDeep || e == simdjson::DEPTH_ERROR) {
    return Status::error("too-deep",
                         "nesting deeper than " + std::to_string(max_depth_) + at_offset(doc));
  }
  if (stop_ == Stop::kTooManyNodes) {
    return Status::error("too-many-nodes",
                         "more than " + std::to_string(max_nodes_) + " values" + at_offset(doc));
  }
  if (e == simdjson::UTF8_ERROR) return Status::error("invalid-utf8", "invalid UTF-8");
  if (e == simdjson::MEMALLOC) {
    return Status::error("out-of-memory", "cannot grow the JSON parser to the record size");
  }
  if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || e == simdjson::UNCLOSED_STRING) {
    return Status::error("truncated", "the record ends inside a JSON value");
  }
  // simdjson's messages describe the syntax problem, never the input.
  return Status::error("invalid-json", std::string(simdjson::error_message(e)) + at_offset(doc));
}

Status JsonTree::Impl::parse(std::string_view record, std::vector<JsonNode>& nodes) {
  nodes_ = &nodes;
  nodes.clear();
  stop_ = Stop::kNone;
  if (record.size() > max_bytes_) {
    return Status::error("oversized", "record of " + std::to_string(record.size()) +
                                          " bytes exceeds the limit of " +
                                          std::to_string(max_bytes_) + " bytes");
  }
  if (std::all_of(record.begin(), record.end(), is_json_space)) {
    return Status::error("empty", "empty record");
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: the record goes into an owned,
  // padded buffer that only grows (geometrically).
  if (!record_.load(record, max_bytes_, max_depth_ + 1, parser_)) {
    return Status::error("out-of-memory", "cannot grow the JSON parser to the record size");
  }

  od::document doc;
  if (const error_code e = record_.iterate(parser_).get(doc); e != simdjson::SUCCESS) {
    return fail(e, nullptr);
  }
  od::json_type top;
  if (const error_code e = doc.type().get(top); e != simdjson::SUCCESS) return fail(e, &doc);
  if (top != od::json_type::object) {
    return Status::error("not-an-object", top == od::json_type::array
                                              ? "the top-level JSON value is an array"
                                              : "the top-level JSON value is a scalar");
  }
  od::object root;
  std::uint32_t index = 0;
  error_code e = doc.get_object().get(root);
  if (e == simdjson::SUCCESS) e = add(JsonType::kObject, {}, index);
  if (e == simdjson::SUCCESS) e = members(root, index, 1);
  if (e != simdjson::SUCCESS) return fail(e, &doc);
  // The top-level object is closed; anything but whitespace after it is a second value.
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    nodes.clear();
    return Status::error("invalid-json", "content after the top-level object at byte offset " +
                                             std::to_string(record_.offset_of(trailing)));
  }
  // Only whitespace is around the top-level object.
  std::string_view text = trim_right(record_.text());
  while (!text.empty() && is_json_space(text.front())) text.remove_prefix(1);
  nodes.front().text = text;
  return Status::ok_status();
}

JsonTree::JsonTree(JsonTreeOptions options) : impl_(std::make_unique<Impl>(options)) {}
JsonTree::~JsonTree() = default;
JsonTree::JsonTree(JsonTree&&) noexcept = default;
JsonTree& JsonTree::operator=(JsonTree&&) noexcept = default;

Status JsonTree::parse(std::string_view record) { return impl_->parse(record, nodes_); }

std::size_t JsonTree::offset(const JsonNode& node) const { return impl_->offset(node.text); }

const JsonNode* JsonTree::child(const JsonNode& object, std::string_view key) const {
  if (object.type != JsonType::kObject) return nullptr;
  for (const JsonNode* c = first(object); c != nullptr; c = next(*c)) {
    if (c->key == key) return c;
  }
  return nullptr;
}

const JsonNode* JsonTree::path(const JsonNode& from,
                               std::initializer_list<std::string_view> keys) const {
  const JsonNode* n = &from;
  for (std::string_view k : keys) {
    n = child(*n, k);
    if (n == nullptr) return nullptr;
  }
  return n;
}

std::string_view JsonTree::string(const JsonNode* object, std::string_view key) const {
  if (object == nullptr) return {};
  const JsonNode* n = child(*object, key);
  return n != nullptr && n->type == JsonType::kString ? n->text : std::string_view{};
}

}  // namespace vigie::event
