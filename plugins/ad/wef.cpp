#include "plugins/ad/wef.h"

#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "ingest/xml.h"
#include "plugins/ad/core_fields.h"

namespace vigie::plugins::ad {
namespace {

using ingest::XmlError;
using ingest::XmlToken;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kContainer = "Events";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t skip_spaces(std::string_view r, std::size_t i) {
  while (i < r.size() && is_space(r[i])) ++i;
  return i;
}

// Past the BOM, declarations, comments and PIs at the start of `r`; npos when one is unclosed.
std::size_t skip_prolog(std::string_view r) {
  std::size_t i = r.starts_with(kBom) ? kBom.size() : 0;
  for (;;) {
    i = skip_spaces(r, i);
    std::size_t end = std::string_view::npos;
    if (r.substr(i).starts_with("<?")) {
      end = r.find("?>", i + 2);
      if (end == std::string_view::npos) return end;
      i = end + 2;
    } else if (r.substr(i).starts_with("<!--")) {
      end = r.find("-->", i + 4);
      if (end == std::string_view::npos) return end;
      i = end + 3;
    } else {
      return i;
    }
  }
}

// Whether r[i..] starts with `tag` ("<Events", "</Events", "<Event") followed by one of `after`.
bool tag_at(std::string_view r, std::size_t i, std::string_view tag, std::string_view after) {
  if (!r.substr(i).starts_with(tag)) return false;
  const std::size_t k = i + tag.size();
  return k < r.size() && after.find(r[k]) != std::string_view::npos;
}

// A record that only frames the input: declaration, comments, the container's start or end tag.
bool framing_only(std::string_view r) {
  std::size_t i = skip_prolog(r);
  if (i == std::string_view::npos) return false;
  if (i == r.size()) return true;
  if (tag_at(r, i, "<Events", " \t\r\n>/") || tag_at(r, i, "</Events", " \t\r\n>")) {
    const std::size_t gt = r.find('>', i);
    return gt != std::string_view::npos && skip_spaces(r, gt + 1) == r.size();
  }
  return false;
}

// System elements whose text, and attributes whose value, evtx_dump writes as numbers.
bool numeric_text(std::string_view element) {
  return element == "EventID" || element == "Version" || element == "Level" || element == "Task" ||
         element == "Opcode" || element == "EventRecordID";
}
bool numeric_attribute(std::string_view element, std::string_view attribute) {
  return element == "Execution" || (element == "EventID" && attribute == "Qualifiers");
}

event::Value typed(std::string_view text, bool numeric) {
  if (numeric && !text.empty() && text.size() <= 19 && (text.size() == 1 || text[0] != '0')) {
    std::int64_t i = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec == std::errc() && end == text.data() + text.size() && text[0] != '-') {
      return event::Value::integer_value(i, text);
    }
  }
  return event::Value::string(text);
}

bool xmlns(std::string_view attribute) {
  return attribute == "xmlns" || ingest::xml_prefix(attribute) == "xmlns";
}

std::vector<std::string_view> wef_fields() {
  std::vector<std::string_view> f = windows_event_fields();
  f.insert(f.end(), {"Data", "RenderingInfo.Message", "RenderingInfo.Level", "RenderingInfo.Task",
                     "RenderingInfo.Opcode", "RenderingInfo.Keywords"});
  return f;
}

class WefDecoder : public decode::Decoder {
 public:
  // core_ is built first: it interns the fields it reads before anything looks at the table.
  explicit WefDecoder(const decode::DecoderSetup& setup)
      : core_(*setup.fields),
        table_(setup.fields),
        keep_unknown_(setup.keep_unknown_fields),
        max_bytes_(setup.max_record_bytes),
        xml_(ingest::XmlOptions{.max_bytes = setup.max_record_bytes}) {}

  Status decode(std::string_view record, const decode::RecordContext& /*ctx*/,
                event::Event& out) override {
    out.reset(table_->size());
    if (record.size() > max_bytes_) {
      return Status::error("oversized", "record of " + std::to_string(record.size()) +
                                            " bytes, over the limit of " +
                                            std::to_string(max_bytes_));
    }
    if (skip_spaces(record, 0) == record.size()) {
      return Status::error("empty", "the record is empty");
    }
    if (framing_only(record)) {
      return Status::error(std::string(decode::kNoEventCode),
                           "an XML declaration, a comment or an <Events> tag: no event");
    }
    // Values point into this copy, so that they outlive the caller's buffer.
    buf_.assign(record.data(), record.size());
    xml_.reset(buf_);
    Status s = read(out);
    if (s.ok()) {
      core_.apply(out);
    } else {
      out.reset(table_->size());
    }
    return s;
  }

 private:
  Status xml_status() const {
    const XmlError e = xml_.error();
    return Status::error(std::string(ingest::xml_error_name(e)),
                         std::string(ingest::xml_error_message(e)) + " at byte offset " +
                             std::to_string(xml_.error_offset()));
  }

  // A field by its name: the table's slot, or an extra when unknown fields are kept. `stable`:
  // the name lives as long as the event's values (a view into the record or a literal).
  void set(event::Event& e, std::string_view name, const event::Value& v, bool stable) {
    if (std::optional<event::FieldId> id = table_->find(name)) {
      e.set(*id, v);
    } else if (keep_unknown_) {
      e.add_extra(stable ? name : e.arena().copy(name), v);
    }
  }
  bool wanted(std::string_view name) const { return keep_unknown_ || table_->find(name); }

  // After a kStartElement: its first text, up to its end tag (child elements skipped).
  Status leaf_text(std::optional<std::string_view>& text, bool& has_children) {
    const std::size_t depth = xml_.depth();
    for (;;) {
      const XmlToken t = xml_.next();
      if (t == XmlToken::kError) return xml_status();
      if (t == XmlToken::kEndElement && xml_.depth() < depth) return Status();
      if (t == XmlToken::kText && !text) text = xml_.text();
      if (t == XmlToken::kStartElement) {
        has_children = true;
        if (xml_.skip_element() == XmlToken::kError) return xml_status();
      }
    }
  }

  // The next child element (its kStartElement) of the element open at `depth`, text skipped;
  // false once that element has ended, or on an error, which goes to `status`.
  bool next_child(std::size_t depth, Status& status) {
    for (;;) {
      const XmlToken t = xml_.next();
      if (t == XmlToken::kError) {
        status = xml_status();
        return false;
      }
      if (t == XmlToken::kEndElement && xml_.depth() < depth) return false;
      if (t == XmlToken::kStartElement) return true;
    }
  }

  Status read(event::Event& out) {
    XmlToken t = xml_.next();
    if (t == XmlToken::kError) return xml_status();
    bool in_container = false;
    if (xml_.local_name() == kContainer) {
      in_container = true;
      do {
        t = xml_.next();
      } while (t == XmlToken::kText);
      if (t == XmlToken::kError) return xml_status();
      if (t == XmlToken::kEndElement) {  // <Events></Events>
        while ((t = xml_.next()) != XmlToken::kEnd) {
          if (t == XmlToken::kError) return xml_status();
        }
        return Status::error(std::string(decode::kNoEventCode),
                             "an empty <Events> container: no event");
      }
    }
    if (xml_.local_name() != "Event") {
      return Status::error("wef-unexpected-root", in_container
                                                      ? "the <Events> container holds another "
                                                        "element than <Event>"
                                                      : "the root element is not <Event>");
    }
    const std::size_t depth = xml_.depth();
    bool saw_system = false;
    Status status;
    while (next_child(depth, status)) {
      const std::string_view section = xml_.local_name();
      if (section == "System") {
        saw_system = true;
        VIGIE_RETURN_IF_ERROR(system(out));
      } else if (section == "EventData" || section == "UserData") {
        VIGIE_RETURN_IF_ERROR(data(out));
      } else if (section == "RenderingInfo") {
        VIGIE_RETURN_IF_ERROR(rendering(out));
      } else if (xml_.skip_element() == XmlToken::kError) {
        return xml_status();
      }
    }
    VIGIE_RETURN_IF_ERROR(status);
    // The rest of the record must be well-formed too, and hold no second event.
    while ((t = xml_.next()) != XmlToken::kEnd) {
      if (t == XmlToken::kError) return xml_status();
      if (t != XmlToken::kStartElement) continue;
      if (xml_.local_name() == "Event") {
        return Status::error("wef-several-events",
                             "an <Events> container with more than one event (split the input "
                             "into records first)");
      }
      if (xml_.skip_element() == XmlToken::kError) return xml_status();
    }
    if (!saw_system) return Status::error("wef-no-system", "an <Event> without <System>");
    return Status();
  }

  // In <System>: element E gives field E from its text, E_A from its attributes.
  Status system(event::Event& out) {
    const std::size_t depth = xml_.depth();
    Status status;
    while (next_child(depth, status)) {
      const std::string_view element = xml_.local_name();
      bool has_attributes = false;
      for (const ingest::XmlAttribute& a : xml_.attributes()) {
        if (xmlns(a.name)) continue;
        has_attributes = true;
        const std::string_view attribute = ingest::xml_local_name(a.name);
        name_.assign(element);
        name_.push_back('_');
        name_.append(attribute);
        set(out, name_, typed(a.value, numeric_attribute(element, attribute)), false);
        if (name_ == "TimeCreated_SystemTime") {
          if (std::optional<std::int64_t> ms = parse_timestamp_ms(a.value)) out.time_ms = *ms;
        }
      }
      std::optional<std::string_view> text;
      bool has_children = false;
      VIGIE_RETURN_IF_ERROR(leaf_text(text, has_children));
      if (has_children) continue;
      if (text) {
        set(out, element, typed(*text, numeric_text(element)), true);
      } else if (!has_attributes) {
        set(out, element, event::Value::null(), true);
      }
    }
    return status;
  }

  // An element open inside EventData/UserData.
  struct Open {
    std::string_view local;
    std::string_view data_name;  // the Name of a Data element
    bool is_data = false;
    bool has_children = false;
    std::optional<std::string_view> text;
  };

  // In <EventData> or <UserData>: Data by its Name, other leaves by their own name, unnamed Data
  // as "Data". Walked with a stack of open elements, not by recursion.
  Status data(event::Event& out) {
    std::vector<Open>& open = open_;
    open.clear();
    unnamed_.clear();
    open.push_back({});
    for (;;) {
      const XmlToken t = xml_.next();
      if (t == XmlToken::kError) return xml_status();
      if (t == XmlToken::kText) {
        if (!open.back().text) open.back().text = xml_.text();
        continue;
      }
      if (t == XmlToken::kStartElement) {
        open.back().has_children = true;
        Open o;
        o.local = xml_.local_name();
        o.is_data = o.local == "Data";
        if (o.is_data) {
          if (const std::string_view* name = xml_.attribute("Name")) o.data_name = *name;
        }
        open.push_back(o);
        continue;
      }
      if (t != XmlToken::kEndElement) continue;
      const Open o = open.back();
      open.pop_back();
      const bool leaf_text = o.text.has_value() && !o.has_children;
      if (open.empty()) {  // the section itself: text right under it is unnamed data
        if (leaf_text) unnamed_.push_back(*o.text);
        break;
      }
      if (o.is_data && o.data_name.empty()) {
        if (leaf_text) unnamed_.push_back(*o.text);
      } else if (o.is_data) {
        set(out, o.data_name, leaf_text ? event::Value::string(*o.text) : event::Value::null(),
            true);
      } else if (!o.has_children) {
        set(out, o.local, o.text ? event::Value::string(*o.text) : event::Value::null(), true);
      }
    }
    if (unnamed_.size() == 1) {
      set(out, "Data", event::Value::string(unnamed_.front()), true);
    } else if (unnamed_.size() > 1 && wanted("Data")) {
      const std::uint32_t mark = out.list_mark();
      for (std::string_view v : unnamed_) out.push_list_item(event::Value::string(v));
      set(out, "Data", out.make_list(mark), true);
    }
    return Status();
  }

  // In <RenderingInfo>: the rendered strings, as RenderingInfo.X.
  Status rendering(event::Event& out) {
    const std::size_t depth = xml_.depth();
    Status status;
    while (next_child(depth, status)) {
      const std::string_view element = xml_.local_name();
      std::string_view field;
      if (element == "Message") {
        field = "RenderingInfo.Message";
      } else if (element == "Level") {
        field = "RenderingInfo.Level";
      } else if (element == "Task") {
        field = "RenderingInfo.Task";
      } else if (element == "Opcode") {
        field = "RenderingInfo.Opcode";
      } else if (element == "Keywords") {
        VIGIE_RETURN_IF_ERROR(keywords(out));
        continue;
      } else {
        if (xml_.skip_element() == XmlToken::kError) return xml_status();
        continue;
      }
      std::optional<std::string_view> text;
      bool has_children = false;
      VIGIE_RETURN_IF_ERROR(leaf_text(text, has_children));
      set(out, field, text ? event::Value::string(*text) : event::Value::null(), true);
    }
    return status;
  }

  Status keywords(event::Event& out) {
    const std::size_t depth = xml_.depth();
    const bool want = wanted("RenderingInfo.Keywords");
    const std::uint32_t mark = out.list_mark();
    Status status;
    while (next_child(depth, status)) {
      if (xml_.local_name() != "Keyword") {
        if (xml_.skip_element() == XmlToken::kError) return xml_status();
        continue;
      }
      std::optional<std::string_view> text;
      bool has_children = false;
      VIGIE_RETURN_IF_ERROR(leaf_text(text, has_children));
      if (want && text) out.push_list_item(event::Value::string(*text));
    }
    VIGIE_RETURN_IF_ERROR(status);
    if (want) set(out, "RenderingInfo.Keywords", out.make_list(mark), true);
    return Status();
  }

  WindowsCore core_;  // the common core fields (user.name, source.ip...), as the JSON formats
  const event::FieldTable* table_;
  bool keep_unknown_;
  std::size_t max_bytes_;
  ingest::XmlReader xml_;
  std::string buf_;   // the record being decoded
  std::string name_;  // Element_Attribute
  std::vector<std::string_view> unnamed_;
  std::vector<Open> open_;  // data(): the open elements
};

}  // namespace

bool sniff_wef(std::string_view record) {
  record = record.substr(0, 1024);
  const std::size_t i = skip_prolog(record);
  if (i == std::string_view::npos) return false;
  if (i == record.size()) return i > 0 && skip_spaces(record, 0) != record.size();
  return tag_at(record, i, "<Event", " \t\r\n>/") || tag_at(record, i, "<Events", " \t\r\n>/") ||
         tag_at(record, i, "</Events", " \t\r\n>");
}

decode::Format wef_format() {
  decode::Format f;
  f.info = decode::FormatInfo{
      "wef-xml",
      "Windows event XML (WEF ForwardedEvents, RenderingInfo; wevtutil /f:xml, Get-WinEvent ToXml)",
      decode::Logsource{"windows", "", ""}, wef_fields()};
  f.sniff = sniff_wef;
  f.make = [](const decode::DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<WefDecoder>(setup);
  };
  return f;
}

}  // namespace vigie::plugins::ad
