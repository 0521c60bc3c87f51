// Socket tables as admins paste them: Windows netstat -an/-ano/-anob, Linux netstat -ltnp and
// ss -ltnp (parse_netstat).
// Input: the text.
// Properties:
//  - every socket's line is within the text, in order; tcp_listeners(p) returns exactly the
//    listening TCP sockets on port p;
//  - the same text with CRLF line ends (a paste from a Windows console) parses the same.
#include <epmdump/exchange/netstat.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump;
using namespace epmdump::exchange;

namespace {

std::string digest(const input_result<netstat_snapshot>& r)
{
    if (!r) return "error " + std::to_string(r.error().line) + " " + r.error().message;
    std::string s = std::string(to_string(r->format)) + " " + std::to_string(r->has_pids) + "\n";
    for (const auto& e : r->sockets)
        s += e.protocol + " " + e.local_address + " " + std::to_string(e.local_port) + " " + e.state + " " +
             std::to_string(e.listening) + " " + (e.pid ? std::to_string(*e.pid) : "-") + " " + e.process + " " +
             std::to_string(e.line) + "\n";
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = fuzz::as_text(data, size);
    const auto parsed = parse_netstat(text);
    const auto d = digest(parsed);
    if (parsed)
    {
        // "\r\n", "\n" and a lone "\r" each end a line.
        std::size_t lines = 1;
        for (std::size_t i = 0; i < text.size(); ++i)
            lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
        std::size_t last = 0;
        for (const auto& e : parsed->sockets)
        {
            EPMDUMP_FUZZ_CHECK(e.line >= 1 && e.line <= lines && e.line > last);
            last = e.line;
            const auto listeners = parsed->tcp_listeners(e.local_port);
            const bool listed = std::find(listeners.begin(), listeners.end(), &e) != listeners.end();
            EPMDUMP_FUZZ_CHECK(listed == (e.protocol == "tcp" && e.listening));
        }
    }
    if (auto crlf = fuzz::with_crlf(text)) EPMDUMP_FUZZ_CHECK(digest(parse_netstat(*crlf)) == d);
    return 0;
}
