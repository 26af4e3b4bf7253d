// The wef-xml format of the ad plugin: Windows event XML, as Windows Event Forwarding collectors
// (the ForwardedEvents channel of a WEC server, RenderedText or Events content format),
// `wevtutil qe /f:xml` and PowerShell `Get-WinEvent | % { $_.ToXml() }` write it.
//
// A record is one <Event> document (xmlns http://schemas.microsoft.com/win/2004/08/events/event),
// optionally preceded by an XML declaration and comments, or such an <Event> as the only child of
// an <Events> container. It becomes the same event as the evtx-json shape of event::JsonReader
// (see event/json_reader.h):
//   - each child E of <System> with text gives field E, each of its attributes A field E_A
//     (Provider_Name, Provider_Guid, EventID_Qualifiers, TimeCreated_SystemTime,
//     Correlation_ActivityID, Execution_ProcessID, Execution_ThreadID, Security_UserID, ...); an
//     element with neither (<Correlation/>) is null. EventID, EventID_Qualifiers, Version, Level,
//     Task, Opcode, EventRecordID and the Execution attributes are integers when they are decimal
//     (as evtx_dump writes them); everything else is a string. xmlns attributes are not fields.
//   - <EventData> and <UserData>: <Data Name="X">v</Data> is field X = "v" (null when empty); a
//     Data element without Name is field "Data" (a list when there are several); any other leaf
//     element (UserData's <LogFileCleared><SubjectUserName>...) is a field by its local name, null
//     when empty; elements holding elements are walked.
//   - <RenderingInfo> (ContentFormat=RenderedText): RenderingInfo.Message, RenderingInfo.Level,
//     RenderingInfo.Task, RenderingInfo.Opcode (strings) and RenderingInfo.Keywords (a list of the
//     <Keyword> texts), each only when present.
//   - Event time from TimeCreated SystemTime (an unparseable time leaves no time, as evtx-json).
// Values are views into the decoder's copy of the record (or its XML scratch buffer) and stay
// valid until the next decode() on the same decoder or the next reset of the event.
//
// Records that only frame a file (an XML declaration, a comment, the <Events> and </Events> tags
// on lines of their own, as a line-oriented input presents the WEF sample) carry no event: the
// decoder answers them with decode::kNoEventCode ("no-event"), which callers skip without counting
// a reject. Every other failure is a reject: the XML parser's codes (ingest/xml.h:
// xml-doctype-refused, xml-truncated, ...), "oversized", "empty", and "wef-unexpected-root" (the
// root is not <Event>), "wef-several-events" (an <Events> container holding more than one event:
// cut the stream with ingest::XmlSplitter first), "wef-no-system" (an <Event> without <System>).
// An event written over several lines (4662's AccessList and Properties hold line breaks) is not
// one record of a line-oriented input: read such files with ingest::XmlSplitter.
#pragma once

#include <string_view>

#include "decode/decoder.h"

namespace vigie::plugins::ad {

// Whether `record` is, after whitespace, a byte order mark, an XML declaration and comments (all
// optional, within the first 1 KiB), an <Event> (followed by a space, '>' or '/'), the <Events>
// container's start or end tag, or nothing at all after a declaration or comment.
bool sniff_wef(std::string_view record);

// The wef-xml format (name "wef-xml", logsource product windows).
decode::Format wef_format();

}  // namespace vigie::plugins::ad
