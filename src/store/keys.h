// Key encodings of the store's column families (docs/store.md). Internal to vigie::store; exposed
// in a header only so that the unit tests can check the ordering properties the indexes rely on.
//
// A string component is written escaped and terminated: 0x00 -> 01 01, 0x01 -> 01 02, every other
// byte as is, then a 0x00 terminator. The encoding keeps byte-wise order and no encoded component
// is a prefix of another, so "tenant A" never matches the prefix of "tenant A\0B".
// Times are 8 bytes big-endian: "descending" flips the sign bit and inverts all bits, so that a
// forward scan meets the newest time first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::store::keys {

void append_component(std::string& out, std::string_view s);
// Reads one component at the start of `in` and advances `in` past its terminator; nullopt if the
// bytes are not a valid encoded component.
std::optional<std::string> read_component(std::string_view& in);

void append_time_desc(std::string& out, std::int64_t t);
std::int64_t read_time_desc(std::string_view eight_bytes);

void append_u32_be(std::string& out, std::uint32_t v);
void append_u64_be(std::string& out, std::uint64_t v);
std::uint32_t read_u32_be(std::string_view four_bytes);
std::uint64_t read_u64_be(std::string_view eight_bytes);

// Index key: component(value) time_desc(time) 0x00 id. The prefix of one index value is
// component(value); its exclusive upper bound is that prefix with the terminator replaced by 0x01.
std::string index_key(std::string_view value, std::int64_t time_ms, std::string_view id);
std::string index_prefix(std::string_view value);
std::string prefix_upper_bound(std::string_view prefix);  // prefix ends with the 0x00 terminator
// Splits the part of an index key after its prefix into (time, id); false if malformed.
bool split_index_suffix(std::string_view suffix, std::int64_t& time_ms, std::string_view& id);

// Offsets key: component(topic) partition (4 bytes big-endian, sign bit flipped); value: the next
// offset, 8 bytes big-endian (sign bit flipped).
std::string offset_key(std::string_view topic, std::int32_t partition);
bool read_offset_key(std::string_view key, std::string& topic, std::int32_t& partition);
std::string offset_value(std::int64_t next_offset);
std::optional<std::int64_t> read_offset_value(std::string_view value);

}  // namespace vigie::store::keys
