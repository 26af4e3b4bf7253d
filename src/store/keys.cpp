#include "store/keys.h"

#include <utility>

namespace vigie::store::keys {
namespace {

constexpr std::uint64_t kSignBit64 = 0x8000'0000'0000'0000ULL;
constexpr std::uint32_t kSignBit32 = 0x8000'0000U;

}  // namespace

void append_component(std::string& out, std::string_view s) {
  for (const char c : s) {
    if (c == '\0') {
      out += "\x01\x01";
    } else if (c == '\x01') {
      out += "\x01\x02";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\0');
}

std::optional<std::string> read_component(std::string_view& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\0') {
      in.remove_prefix(i + 1);
      return out;
    }
    if (c != '\x01') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= in.size()) return std::nullopt;
    const char next = in[++i];
    if (next == '\x01') {
      out.push_back('\0');
    } else if (next == '\x02') {
      out.push_back('\x01');
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;  // no terminator
}

void append_u64_be(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void append_u32_be(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

std::uint64_t read_u64_be(std::string_view eight_bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(eight_bytes[i]);
  return v;
}

std::uint32_t read_u32_be(std::string_view four_bytes) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(four_bytes[i]);
  return v;
}

void append_time_desc(std::string& out, std::int64_t t) {
  append_u64_be(out, ~(static_cast<std::uint64_t>(t) ^ kSignBit64));
}

std::int64_t read_time_desc(std::string_view eight_bytes) {
  return static_cast<std::int64_t>(~read_u64_be(eight_bytes) ^ kSignBit64);
}

std::string index_prefix(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 1);
  append_component(out, value);
  return out;
}

std::string index_key(std::string_view value, std::int64_t time_ms, std::string_view id) {
  std::string out;
  out.reserve(value.size() + id.size() + 11);
  append_component(out, value);
  append_time_desc(out, time_ms);
  out.push_back('\0');
  out.append(id);
  return out;
}

std::string prefix_upper_bound(std::string_view prefix) {
  std::string out(prefix);
  if (!out.empty()) out.back() = '\x01';
  return out;
}

bool split_index_suffix(std::string_view suffix, std::int64_t& time_ms, std::string_view& id) {
  if (suffix.size() < 9 || suffix[8] != '\0') return false;
  time_ms = read_time_desc(suffix.substr(0, 8));
  id = suffix.substr(9);
  return true;
}

std::string offset_key(std::string_view topic, std::int32_t partition) {
  std::string out;
  out.reserve(topic.size() + 5);
  append_component(out, topic);
  append_u32_be(out, static_cast<std::uint32_t>(partition) ^ kSignBit32);
  return out;
}

bool read_offset_key(std::string_view key, std::string& topic, std::int32_t& partition) {
  std::optional<std::string> t = read_component(key);
  if (!t || key.size() != 4) return false;
  topic = std::move(*t);
  partition = static_cast<std::int32_t>(read_u32_be(key) ^ kSignBit32);
  return true;
}

std::string offset_value(std::int64_t next_offset) {
  std::string out;
  append_u64_be(out, static_cast<std::uint64_t>(next_offset) ^ kSignBit64);
  return out;
}

std::optional<std::int64_t> read_offset_value(std::string_view value) {
  if (value.size() != 8) return std::nullopt;
  return static_cast<std::int64_t>(read_u64_be(value) ^ kSignBit64);
}

}  // namespace vigie::store::keys
