// JsonTree: one JSON record parsed into a small read-only tree of nodes, for decoders that walk
// nested arrays of objects (a FHIR resource's agent[] and entity[]) which JsonReader's flattening
// into Sigma fields does not keep. The third-party parser (simdjson On-Demand) stays inside this
// module: the header shows only the project's own types.
//
// Contract:
//   - parse() reads the whole record: every value is visited and validated (syntax, UTF-8,
//     numbers, nesting), none is skipped unread, so the outcome does not depend on what the caller
//     will look at. The top-level value must be an object.
//   - Nodes are views: keys and string values are unescaped into the parser's buffer, numbers,
//     objects and arrays are their text as written (an object from its '{' to its '}'), so a
//     nested object can be handed on as a record of its own (a FHIR Bundle's entries). Every
//     view stays valid until the next parse() on this tree; offset() places a text as written in
//     the caller's record.
//   - Object members keep their document order; a repeated key is kept twice (child() returns the
//     first). The number of nodes is bounded by JsonTreeOptions::max_nodes.
//   - Once warmed up (buffers grown to the largest record seen), parse() does not allocate except
//     to build the Status of a rejected record.
//
// Errors (Status::code()), with a message naming the problem and the byte offset where known,
// never any content:
//   "empty"          the record is empty or only whitespace
//   "oversized"      the record is longer than JsonTreeOptions::max_bytes
//   "invalid-utf8"   the record is not valid UTF-8
//   "too-deep"       arrays/objects nest deeper than max_depth (the top-level object is depth 1)
//   "too-many-nodes" more than max_nodes values
//   "not-an-object"  the top-level value is an array or a scalar
//   "truncated"      the record ends inside an object, an array or a string
//   "invalid-json"   any other syntax error, a bad escape or number, or content after the object
//   "out-of-memory"  the parser could not grow its buffers
//
// Thread safety: a JsonTree is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vigie::event {

enum class JsonType : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

struct JsonNode {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  JsonType type = JsonType::kNull;
  bool boolean = false;
  std::string_view key;  // the member name in the parent object; "" in an array or at the root
  // kString: unescaped; kNumber, kObject, kArray: as written (brackets included; the top-level
  // object's too); kBool: "true"/"false"; kNull: "".
  std::string_view text;
  std::uint32_t first_child = kNone;  // kArray/kObject: the first element or member
  std::uint32_t next = kNone;         // the next sibling in the parent
  std::uint32_t child_count = 0;
};

struct JsonTreeOptions {
  std::size_t max_bytes = 1 << 20;  // longer record -> "oversized" (at most 4 GiB)
  std::size_t max_depth = 32;       // deeper nesting -> "too-deep" (at most 1024)
  std::size_t max_nodes = 1 << 16;  // more values -> "too-many-nodes"
};

class JsonTree {
 public:
  explicit JsonTree(JsonTreeOptions options = {});
  ~JsonTree();
  JsonTree(JsonTree&&) noexcept;
  JsonTree& operator=(JsonTree&&) noexcept;
  JsonTree(const JsonTree&) = delete;
  JsonTree& operator=(const JsonTree&) = delete;

  // Parses one record (a trailing '\r' or '\n' is whitespace). On error the tree is empty.
  Status parse(std::string_view record);

  // The top-level object (after a successful parse()).
  const JsonNode& root() const { return nodes_.front(); }

  // The first member named `key` of `object`, or nullptr (also when `object` is not an object).
  const JsonNode* child(const JsonNode& object, std::string_view key) const;
  // child() along a path of member names: path(root(), {"source", "observer", "display"}).
  const JsonNode* path(const JsonNode& from, std::initializer_list<std::string_view> keys) const;
  // The text of a string member, or "" when absent or not a string.
  std::string_view string(const JsonNode* object, std::string_view key) const;
  // The first element or member of `node`, and the next sibling of a child: for (const JsonNode*
  // c = tree.first(n); c; c = tree.next(*c)).
  const JsonNode* first(const JsonNode& node) const { return at(node.first_child); }
  const JsonNode* next(const JsonNode& node) const { return at(node.next); }
  // The byte offset in the record given to parse() where the text of a number, an object or an
  // array starts: record.substr(offset(n), n.text.size()) is n.text, a view whose lifetime is
  // the record's rather than the tree's.
  std::size_t offset(const JsonNode& node) const;

 private:
  const JsonNode* at(std::uint32_t i) const { return i == JsonNode::kNone ? nullptr : &nodes_[i]; }
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<JsonNode> nodes_;
};

}  // namespace vigie::event
