// A safe, non-validating XML pull parser for log records (Windows event XML, DICOM audit
// messages), and a splitter that cuts a stream of such records apart.
//
// What it reads (XML 1.0, 5th edition, without a DTD):
//
//   document  = [ BOM ] [ xmldecl ] *misc element *misc
//   xmldecl   = "<?xml" S "version" Eq ( '"1.' 1*DIGIT '"' | "'1." 1*DIGIT "'" )
//               [ S "encoding" Eq quoted-encoding ] [ S "standalone" Eq quoted-yes-no ] [ S ] "?>"
//               ; only at the very start; the encoding, when named, must be UTF-8 or US-ASCII
//               ; (case-insensitive): anything else is xml-unsupported-encoding
//   misc      = comment | pi | S
//   element   = "<" qname *( S attribute ) [ S ] ( "/>" | ">" content "</" qname [ S ] ">" )
//   attribute = qname [ S ] "=" [ S ] ( '"' *( char - '<' ) '"' | "'" *( char - '<' ) "'" )
//   content   = *( chardata | reference | cdata | element | comment | pi )
//   reference = "&lt;" | "&gt;" | "&amp;" | "&apos;" | "&quot;"
//             | "&#" 1*DIGIT ";" | "&#x" 1*HEXDIG ";"   ; a code point XML allows (below)
//   cdata     = "<![CDATA[" *char "]]>"
//   comment   = "<!--" *( char, no "--" ) "-->"
//   pi        = "<?" name *char "?>"                    ; target not "xml" in any case
//   qname     = [ ncname ":" ] ncname                   ; kept as written (xml_local_name())
//   ncname    = ( ALPHA | "_" | non-ASCII ) *( ALPHA | DIGIT | "_" | "-" | "." | non-ASCII )
//   char      = %x9 | %xA | %xD | %x20-D7FF | %xE000-FFFD | %x10000-10FFFF   ; as UTF-8
//
// Refused, never expanded, never fetched: "<!DOCTYPE", and any other markup declaration
// ("<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION", indeed "<!" followed by a letter),
// anywhere in the input: xml-doctype-refused. An entity reference other than the five predefined
// ones is xml-bad-entity (there is no DTD to declare it). So no billion laughs, no external entity
// (XXE), no network or file access.
//
// Deviations from the specification, on purpose:
//   - Non-ASCII name characters are accepted when they are valid UTF-8; the NameChar ranges of
//     XML 1.0 are not checked.
//   - "]]>" in character data is accepted (harmless for logs).
//   - Namespaces are not resolved: names are kept as written ("prefix:local"), xmlns attributes
//     are ordinary attributes. A name with more than one ':' or an empty prefix or local part is
//     xml-bad-name.
// What it does as the specification says: line ends in text and attribute values are normalised
// (CR LF and a lone CR become LF, §2.11), and so are attribute values (a literal tab, LF or CR
// becomes a space, §3.3.3; a character reference such as "&#10;" is kept as the character).
//
// Contract:
//   - Never throws, never reads outside its input, never crashes: any byte string gives a
//     sequence of tokens ending in kEnd, or an error.
//   - Linear time in the input size; no recursion (the open elements are a stack bounded by
//     max_depth). The whole input is checked for UTF-8 and forbidden characters once, at reset().
//   - Zero-copy: names, attribute values and text are views into the input, except a value that
//     needed decoding (an entity or character reference, a CDATA section joined to text, a line
//     end or attribute whitespace to normalise): that one is written into the scratch buffer.
//     Decoding never makes text longer than its source, so a scratch buffer as long as the input
//     always suffices. All views stay valid until the next reset() (and as long as the input and
//     the scratch buffer live).
//   - No allocation once warmed up (the attribute list, the element stack and the internal
//     scratch buffer keep their capacity).
//   - Errors are a closed set with stable names (xml_error_name()); after an error, next() keeps
//     returning kError with the same error and offset. Messages built from them must never hold
//     the input (it may carry personal data): the error name and offset say enough.
//
// Thread safety: the free functions are pure; an XmlReader or XmlSplitter is used by one thread at
// a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace vigie::ingest {

// Every way an input can be refused, with its stable name (xml_error_name()).
enum class XmlError : std::uint8_t {
  kOk,                   // "ok"
  kEmpty,                // "xml-empty": no root element (nothing, or only whitespace and misc)
  kTooLarge,             // "xml-too-large": the input is longer than XmlOptions::max_bytes
  kBadUtf8,              // "xml-bad-utf8": not well-formed UTF-8 (overlong, surrogate, above
                         //   U+10FFFF, cut short), a UTF-16/32 byte order mark included
  kBadChar,              // "xml-bad-char": a character XML forbids (C0 controls except tab, LF,
                         //   CR; U+FFFE; U+FFFF)
  kDoctypeRefused,       // "xml-doctype-refused": a DTD or any other markup declaration
  kBadEntity,            // "xml-bad-entity": '&' not starting one of the five predefined
                         //   entities or a well-formed character reference, or a reference to a
                         //   code point XML forbids (NUL, a surrogate, above U+10FFFF, ...)
  kBadName,              // "xml-bad-name": an element or attribute name missing or malformed
  kBadAttribute,         // "xml-bad-attribute": no '=' or no quotes, '<' in a value, the same
                         //   attribute twice, or no space between two attributes
  kTooManyAttributes,    // "xml-too-many-attributes": over XmlOptions::max_attributes on one tag
  kUnbalanced,           // "xml-unbalanced": an end tag that does not close the open element
  kTooDeep,              // "xml-too-deep": elements nested deeper than XmlOptions::max_depth
  kStrayContent,         // "xml-stray-content": text, CDATA or a second element outside the root
  kBadDeclaration,       // "xml-bad-declaration": a malformed XML declaration, or "<?xml" other
                         //   than at the very start
  kUnsupportedEncoding,  // "xml-unsupported-encoding": the declaration names another encoding
  kMalformed,            // "xml-malformed": any other syntax error ("--" in a comment, a
                         //   processing instruction without a target, "<" before a space, ...)
  kTruncated,            // "xml-truncated": the input ends inside markup or an element
};
inline constexpr int kXmlErrorCount = static_cast<int>(XmlError::kTruncated) + 1;

std::string_view xml_error_name(XmlError error);
// A short description of `error` (lower case, no trailing period), for reject messages.
std::string_view xml_error_message(XmlError error);

struct XmlOptions {
  std::size_t max_bytes = 1 << 20;   // longer input -> xml-too-large
  std::size_t max_depth = 64;        // the root is depth 1; deeper -> xml-too-deep
  std::size_t max_attributes = 256;  // per tag; more -> xml-too-many-attributes
};

// "ev:Event" -> "Event"; a name without prefix is its own local name.
std::string_view xml_local_name(std::string_view qname);
// "ev:Event" -> "ev"; "" without prefix.
std::string_view xml_prefix(std::string_view qname);

struct XmlAttribute {
  std::string_view name;   // as written
  std::string_view value;  // decoded
};

enum class XmlToken : std::uint8_t {
  kStartElement,  // name(), attributes(); "<a/>" gives kStartElement then kEndElement
  kEndElement,    // name() of the element it closes
  kText,          // text(): the character data between two tags, never empty: text and CDATA
                  // sections joined, comments and processing instructions left out, references
                  // decoded. Whitespace-only text (indentation) is a kText too.
  kEnd,           // the document is complete and well-formed
  kError,         // error(), error_offset()
};

class XmlReader {
 public:
  explicit XmlReader(XmlOptions options = {});

  // Starts reading a new document; decoded values go to a buffer the reader keeps.
  void reset(std::string_view input);
  // The same with a buffer of the caller's (an arena, say) for decoded values; one shorter than
  // the input is not used (the reader's own buffer is, as with reset(input)).
  void reset(std::string_view input, std::span<char> scratch);

  XmlToken next();

  // Of the last kStartElement / kEndElement.
  std::string_view name() const { return name_; }
  // The same without its prefix: xml_local_name(name()).
  std::string_view local_name() const { return local_; }
  // Of the last kStartElement: in document order.
  std::span<const XmlAttribute> attributes() const { return attributes_; }
  // The value of the attribute named `qname` (as written) on the last kStartElement, or nullptr.
  const std::string_view* attribute(std::string_view qname) const;
  // Of the last kStartElement / kEndElement: whether it was written "<a/>".
  bool empty_element() const { return empty_element_; }
  // Of the last kText.
  std::string_view text() const { return text_; }
  // Open elements after the last token: 1 after the root's kStartElement, 0 after its kEndElement.
  std::size_t depth() const { return stack_.size(); }

  // After kStartElement: reads up to and including the matching kEndElement, still checking
  // everything in between. Returns kEndElement, or kError.
  XmlToken skip_element();

  XmlError error() const { return error_; }
  // Byte offset in the input where the error was found.
  std::size_t error_offset() const { return error_offset_; }

 private:
  enum class State : std::uint8_t { kProlog, kContent, kEpilog, kDone, kFailed };

  XmlToken fail(XmlError e, std::size_t at);
  XmlToken markup();        // at '<' in any state
  XmlToken start_tag();     // at '<' + name start
  XmlToken end_tag();       // at "</"
  XmlToken text_token();    // in content, at anything but a tag
  XmlError skip_comment();  // at "<!--"
  XmlError skip_pi();       // at "<?"
  XmlError declaration();   // at "<?xml" at the start
  XmlError reference(std::size_t& at, char* out, std::size_t& n) const;
  XmlError attribute_value(std::size_t& at, std::string_view& value);
  std::size_t scan_name(std::size_t at) const;  // end of a qname at `at`, `at` when there is none
  void use_scratch(std::span<char> scratch, std::size_t need);

  XmlOptions options_;
  std::string_view in_;
  std::size_t pos_ = 0;
  State state_ = State::kDone;
  XmlError error_ = XmlError::kOk;
  std::size_t error_offset_ = 0;
  bool pending_end_ = false;  // "<a/>": the kEndElement to give next
  bool empty_element_ = false;

  std::string_view name_;
  std::string_view local_;
  std::string_view text_;
  std::vector<XmlAttribute> attributes_;
  std::vector<std::string_view> stack_;  // names of the open elements

  char* scratch_ = nullptr;  // where decoded values go: own_ or the caller's
  std::size_t scratch_used_ = 0;
  std::unique_ptr<char[]> own_;
  std::size_t own_size_ = 0;
};

// ---- Splitting a stream of records -------------------------------------------------------------

struct XmlSplitOptions {
  std::size_t max_record_bytes = 1 << 20;  // a record not closed within that -> xml-too-large
  // A top-level element of this name (as written) is a container, not a record: its start and
  // end tags are skipped and its children are the records (wevtutil /e:Events, the WEF sample's
  // <Events>). Empty: no container.
  std::string_view container = "Events";
};

// Cuts a stream of XML records (one element each, as wevtutil, Get-WinEvent | ToXml() and WEC
// exports write them, on one line or on several, concatenated or inside a container element)
// into records, without copying and without decoding them: each record then goes to a parser
// (XmlReader, a decoder), which judges it. Usage, like syslog's FrameSplitter: the caller passes
// the bytes received and not yet consumed and drops step.consumed bytes from their front after
// each call.
//
//   for (;;) {
//     Step s = splitter.next(pending);          // finish(pending) once the stream has ended
//     pending.remove_prefix(s.consumed);
//     if (s.outcome == kRecord) decode(s.record);
//     else if (s.outcome == kError) count_reject(s.error);
//     else break;                               // kNeedMore: read more; kEnd: done
//   }
//
// Skipped between records, since they carry nothing: whitespace, a byte order mark, XML
// declarations, comments, processing instructions and the container's own tags. A record is an
// element from its '<' to the '>' that closes it (quotes in tags, comments and CDATA sections
// respected); anything else at the top level (text, "<!DOCTYPE ...>", a stray end tag) is a
// record of its own, up to the next '<' or '>', so that the parser rejects it with its reason.
// Anything longer than max_record_bytes (a record, or a comment to skip) is reported once
// (xml-too-large) and the stream is discarded up to the next line that starts with '<', whether
// its end was in sight or not: the records are the same whatever the cuts between reads. Each
// call scans the pending record from its start: pass reads of a few KiB or more and the whole is
// linear. A malformed record (an unclosed tag) may swallow the records after it, up to
// max_record_bytes.
class XmlSplitter {
 public:
  enum class Outcome : std::uint8_t {
    kRecord,    // `record` is the next one
    kError,     // `error` says why (xml-too-large); call again for what follows
    kNeedMore,  // next(): the input holds no complete record (what it holds is kept unconsumed)
    kEnd,       // finish(): nothing left
  };
  struct Step {
    Outcome outcome = Outcome::kNeedMore;
    std::string_view record;  // a view into the input
    XmlError error = XmlError::kOk;
    std::size_t consumed = 0;  // bytes of the input to drop before the next call
  };

  explicit XmlSplitter(XmlSplitOptions options = {});

  // The next record of a stream that goes on.
  Step next(std::string_view input) { return step(input, false); }
  // The next record once the stream has ended: an unclosed last record is given as it is (its
  // parser reports it truncated); kEnd when nothing is left.
  Step finish(std::string_view input) { return step(input, true); }
  // Forgets the stream (a new file or connection).
  void reset();

 private:
  Step step(std::string_view input, bool at_end);

  XmlSplitOptions options_;
  bool discarding_ = false;  // after an oversized record: up to the next line starting with '<'
  bool started_ = false;     // past the byte order mark
};

}  // namespace vigie::ingest
