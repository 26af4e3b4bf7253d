// libFuzzer target for ingest/xml.h and the ad plugin's wef-xml decoder. Every input is (1) read
// by an XmlReader, with its own scratch buffer and with one of the caller's, (2) cut by an
// XmlSplitter whole and in chunks, and (3) decoded as a WEF record, whole and record by record.
// Checks the contracts, not only the absence of crashes: tokens nest and their end tags match,
// views point into the input or the scratch buffer, both buffers give the same tokens, an error
// has a known name, an offset inside the input and sticks; splitting gives the same records
// whatever the chunk boundaries and always makes progress; a WEF reject has a known code and
// leaves the event empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoder.h"
#include "event/event.h"
#include "event/field_table.h"
#include "ingest/xml.h"
#include "plugins/ad/wef.h"

namespace {

using vigie::ingest::XmlError;
using vigie::ingest::XmlOptions;
using vigie::ingest::XmlReader;
using vigie::ingest::XmlSplitOptions;
using vigie::ingest::XmlSplitter;
using vigie::ingest::XmlToken;

volatile std::size_t g_sink = 0;

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void touch(std::string_view s) {
  for (char c : s) g_sink = g_sink + static_cast<unsigned char>(c);
}

// One token as text, to compare two readers.
std::string describe(const XmlReader& r, XmlToken t) {
  std::string out(1, static_cast<char>('0' + static_cast<int>(t)));
  if (t == XmlToken::kStartElement || t == XmlToken::kEndElement) {
    out.append(r.name());
    for (const auto& a : r.attributes()) {
      out.append("|").append(a.name).append("=").append(a.value);
    }
  } else if (t == XmlToken::kText) {
    out.append(r.text());
  } else if (t == XmlToken::kError) {
    out.append(vigie::ingest::xml_error_name(r.error()));
    out.append(std::to_string(r.error_offset()));
  }
  return out;
}

// Reads `in` to its end; returns the tokens described.
std::vector<std::string> read_all(XmlReader& r, std::string_view in, std::span<char> scratch) {
  r.reset(in, scratch);
  const std::string_view scratch_view(scratch.data(), scratch.size());
  std::vector<std::string_view> open;
  std::vector<std::string> tokens;
  // Each token but an empty element's end consumes input: more tokens than this is a loop.
  const std::size_t bound = 2 * in.size() + 4;
  for (;;) {
    const XmlToken t = r.next();
    check(tokens.size() < bound);
    tokens.push_back(describe(r, t));
    auto readable = [&](std::string_view v) {
      touch(v);
      // Into the input, the caller's buffer, or (when it was too small) the reader's own.
      if (scratch.size() >= in.size() && !v.empty())
        check(inside(v, in) || inside(v, scratch_view));
    };
    switch (t) {
      case XmlToken::kStartElement:
        check(!r.name().empty());
        check(inside(r.name(), in));
        for (const auto& a : r.attributes()) {
          check(inside(a.name, in));
          readable(a.value);
        }
        open.push_back(r.name());
        check(r.depth() == open.size());
        break;
      case XmlToken::kEndElement:
        check(!open.empty() && open.back() == r.name());
        open.pop_back();
        check(r.depth() == open.size());
        break;
      case XmlToken::kText:
        check(!r.text().empty());
        check(!open.empty());
        readable(r.text());
        break;
      case XmlToken::kEnd:
        check(open.empty());
        check(r.error() == XmlError::kOk);
        check(r.next() == XmlToken::kEnd);
        return tokens;
      case XmlToken::kError: {
        const auto e = static_cast<int>(r.error());
        check(e > 0 && e < vigie::ingest::kXmlErrorCount);
        check(r.error_offset() <= in.size() || r.error() == XmlError::kTooLarge);
        check(r.next() == XmlToken::kError);
        return tokens;
      }
    }
  }
}

std::vector<std::string> split_all(std::string_view in, std::size_t chunk) {
  XmlSplitOptions options;
  options.max_record_bytes = 512;
  XmlSplitter splitter(options);
  std::vector<std::string> out;
  std::string pending;
  std::size_t fed = 0;
  for (std::size_t guard = 0;; ++guard) {
    check(guard < 4 * in.size() + 16);
    const bool at_end = fed == in.size();
    const XmlSplitter::Step s = at_end ? splitter.finish(pending) : splitter.next(pending);
    check(s.consumed <= pending.size());
    if (s.outcome == XmlSplitter::Outcome::kRecord) {
      check(!s.record.empty() && inside(s.record, pending));
      check(s.record.size() <= options.max_record_bytes);
      check(s.consumed > 0);
      out.emplace_back(s.record);
    } else if (s.outcome == XmlSplitter::Outcome::kError) {
      check(s.error == XmlError::kTooLarge && s.consumed > 0);
      out.emplace_back("!too-large");
    }
    pending.erase(0, s.consumed);
    if (s.outcome == XmlSplitter::Outcome::kEnd) {
      check(at_end);
      return out;
    }
    if (s.outcome == XmlSplitter::Outcome::kNeedMore) {
      check(!at_end);
      const std::size_t n = chunk == 0 ? in.size() - fed : std::min(chunk, in.size() - fed);
      pending.append(in.substr(fed, n));
      fed += n;
    }
  }
}

bool known_wef_code(std::string_view code) {
  if (code.starts_with("xml-")) return true;
  for (std::string_view k : {"oversized", "empty", "no-event", "wef-unexpected-root",
                             "wef-several-events", "wef-no-system"}) {
    if (code == k) return true;
  }
  return false;
}

struct Wef {
  Wef() {
    for (std::string_view name : format.info.fields) table.intern(name);
    for (const char* name : {"TargetUserName", "SubjectUserName", "Param", "Correlation"}) {
      table.intern(name);
    }
    vigie::decode::DecoderSetup setup;
    setup.fields = &table;
    setup.max_record_bytes = 4096;
    decoders[0] = format.make(setup);
    setup.keep_unknown_fields = true;
    decoders[1] = format.make(setup);
  }
  void decode(std::string_view record) {
    for (auto& d : decoders) {
      const vigie::Status s = d->decode(record, {}, event);
      if (!s.ok()) {
        check(known_wef_code(s.code()));
        check(event.present().empty() && event.extras().empty());
        continue;
      }
      for (vigie::event::FieldId id : event.present()) {
        const vigie::event::Value* v = event.get(id);
        check(v != nullptr);
        touch(v->text);
        if (v->kind == vigie::event::Kind::kList) {
          check(static_cast<std::size_t>(v->list_begin) + v->list_size <=
                event.list_items().size());
        }
      }
      for (const auto& [name, v] : event.extras()) {
        touch(name);
        touch(v.text);
      }
    }
  }
  vigie::decode::Format format = vigie::plugins::ad::wef_format();
  vigie::event::FieldTable table;
  std::unique_ptr<vigie::decode::Decoder> decoders[2];
  vigie::event::Event event;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static XmlReader readers[2] = {
      XmlReader(),
      XmlReader(XmlOptions{.max_bytes = 1 << 20, .max_depth = 8, .max_attributes = 4})};
  static Wef wef;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // (1) The parser, with its own scratch buffer and with the caller's: the same tokens.
  std::vector<char> scratch(size);
  const std::vector<std::string> own = read_all(readers[0], in, {});
  const std::vector<std::string> callers = read_all(readers[0], in, scratch);
  check(own == callers);
  (void)read_all(readers[1], in, {});
  (void)vigie::plugins::ad::sniff_wef(in);

  // (2) The splitter: the same records whatever the chunks.
  const std::size_t chunk = size == 0 ? 1 : 1 + data[0] % 64;
  const std::vector<std::string> whole = split_all(in, 0);
  check(split_all(in, chunk) == whole);

  // (3) The WEF decoder, on the input and on each record.
  wef.decode(in);
  for (const std::string& record : whole) {
    if (record.front() != '!') wef.decode(record);
  }
  return 0;
}
