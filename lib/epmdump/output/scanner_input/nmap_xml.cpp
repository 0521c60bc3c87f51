// nmap -oX through expat's streaming parser: <host> ... <address addr= addrtype="ipv4|ipv6"/> ...
// <ports><port protocol="tcp" portid="135"><state state="open"/></port></ports> ... </host>
// (nmap.dtd). Only a host's address and wanted open ports are kept, so memory stays small.
#include "records.hpp"

#ifdef EPMDUMP_HAVE_EXPAT
#include <expat.h>
#endif

#include <algorithm>
#include <cstring>

namespace epmdump::output::scanner_input {

bool xml_supported() noexcept
{
#ifdef EPMDUMP_HAVE_EXPAT
    return true;
#else
    return false;
#endif
}

namespace detail {

#ifdef EPMDUMP_HAVE_EXPAT

struct xml_parser::state
{
    XML_Parser parser = nullptr;
    std::vector<std::uint16_t> wanted;
    std::vector<open_port>* out = nullptr;
    std::optional<error> failed;
    std::uint64_t fed = 0;       // bytes given to expat
    std::uint64_t last_event = 0; // byte index of the last token expat finished: bounds what it holds

    bool in_host = false;
    std::uint64_t host_line = 0;
    std::string address;          // ipv4 preferred over ipv6
    bool address_v4 = false;
    std::vector<std::uint16_t> open;
    std::optional<std::uint16_t> port; // inside <port protocol="tcp">

    ~state()
    {
        if (parser != nullptr) XML_ParserFree(parser);
    }

    void stop(errc code, std::string detail)
    {
        if (!failed)
            failed = error{code, XML_GetCurrentLineNumber(parser), static_cast<std::uint64_t>(XML_GetCurrentByteIndex(parser)),
                           std::move(detail)};
        XML_StopParser(parser, XML_FALSE);
    }

    static const char* attribute(const XML_Char** atts, const char* name)
    {
        for (int i = 0; atts[i] != nullptr; i += 2)
            if (std::strcmp(atts[i], name) == 0) return atts[i + 1];
        return nullptr;
    }

    void start(const char* name, const XML_Char** atts)
    {
        last_event = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(parser));
        if (std::strcmp(name, "host") == 0)
        {
            if (in_host) return stop(errc::bad_xml, "a <host> inside a <host>: not nmap's XML");
            in_host = true;
            host_line = XML_GetCurrentLineNumber(parser);
            address.clear();
            address_v4 = false;
            open.clear();
            return;
        }
        if (!in_host) return;
        if (std::strcmp(name, "address") == 0)
        {
            const char* addr = attribute(atts, "addr");
            const char* type = attribute(atts, "addrtype");
            if (addr == nullptr || type == nullptr) return stop(errc::bad_xml, "an <address> without addr and addrtype");
            const bool v4 = std::strcmp(type, "ipv4") == 0;
            if (!v4 && std::strcmp(type, "ipv6") != 0) return; // mac
            if (!looks_like_address(addr)) return stop(errc::bad_xml, "an <address> whose addr is not an IP address");
            if (address.empty() || (v4 && !address_v4))
            {
                address = addr;
                address_v4 = v4;
            }
        }
        else if (std::strcmp(name, "port") == 0)
        {
            const char* protocol = attribute(atts, "protocol");
            const char* id = attribute(atts, "portid");
            const auto number = id != nullptr ? parse_port(id) : std::nullopt;
            if (protocol == nullptr || !number) return stop(errc::bad_xml, "a <port> without protocol and a portid 1-65535");
            port.reset();
            if (std::strcmp(protocol, "tcp") == 0 && wanted_port(wanted, *number)) port = number;
        }
        else if (std::strcmp(name, "state") == 0 && port)
        {
            const char* s = attribute(atts, "state");
            if (s != nullptr && std::strcmp(s, "open") == 0 && !wanted_port(open, *port)) open.push_back(*port);
        }
    }

    void end(const char* name)
    {
        last_event = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(parser));
        if (std::strcmp(name, "port") == 0) port.reset();
        if (std::strcmp(name, "host") != 0 || !in_host) return;
        in_host = false;
        if (address.empty()) return; // nmap always writes one; a host without one names nothing to scan
        for (const auto w : wanted)
            if (wanted_port(open, w)) out->push_back(open_port{address, w, host_line});
    }
};

namespace {

void nmap_xml_start(void* data, const XML_Char* name, const XML_Char** atts)
{
    static_cast<xml_parser::state*>(data)->start(name, atts);
}

void nmap_xml_end(void* data, const XML_Char* name) { static_cast<xml_parser::state*>(data)->end(name); }

// nmap writes no entities; a DTD that declares one is refused before it can expand (billion laughs).
void nmap_xml_entity(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                                const XML_Char*, const XML_Char*)
{
    static_cast<xml_parser::state*>(data)->stop(errc::bad_xml, "an entity declaration: nmap's XML declares none");
}

// Every other piece of the document (text, comments, declarations): a token expat has finished.
void nmap_xml_other(void* data, const XML_Char*, int)
{
    auto& s = *static_cast<xml_parser::state*>(data);
    s.last_event = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(s.parser));
}

} // namespace

xml_parser::xml_parser(std::vector<std::uint16_t> wanted) : state_(std::make_unique<state>())
{
    state_->wanted = std::move(wanted);
    state_->parser = XML_ParserCreate(nullptr);
    if (state_->parser == nullptr) return; // out of memory: feed reports it
    XML_SetUserData(state_->parser, state_.get());
    XML_SetElementHandler(state_->parser, nmap_xml_start, nmap_xml_end);
    XML_SetEntityDeclHandler(state_->parser, nmap_xml_entity);
    XML_SetDefaultHandlerExpand(state_->parser, nmap_xml_other);
}

xml_parser::~xml_parser() = default;

std::optional<error> xml_parser::feed(std::span<const std::byte> bytes, bool last, std::vector<open_port>& out)
{
    state& s = *state_;
    if (s.parser == nullptr) return error{errc::bad_xml, 0, 0, "no memory for an XML parser"};
    s.out = &out;
    // Expat takes an int length: feed big inputs in slices.
    constexpr std::size_t slice = 1 << 20;
    do
    {
        const auto n = std::min(bytes.size(), slice);
        const bool final_slice = last && n == bytes.size();
        const auto status = XML_Parse(s.parser, reinterpret_cast<const char*>(bytes.data()), static_cast<int>(n), final_slice ? XML_TRUE : XML_FALSE);
        s.fed += n;
        bytes = bytes.subspan(n);
        if (s.failed) return s.failed;
        if (status != XML_STATUS_OK)
        {
            const auto code = XML_GetErrorCode(s.parser);
            const bool cut = code == XML_ERROR_NO_ELEMENTS || code == XML_ERROR_UNCLOSED_TOKEN || code == XML_ERROR_UNCLOSED_CDATA_SECTION;
            const std::string what = XML_ErrorString(code) != nullptr ? XML_ErrorString(code) : "not well-formed";
            s.failed = error{cut && last ? errc::truncated : errc::bad_xml, XML_GetCurrentLineNumber(s.parser),
                             static_cast<std::uint64_t>(XML_GetCurrentByteIndex(s.parser)),
                             cut && last ? "nmap XML output ends before its document does (" + what +
                                               "; an interrupted scan? nmap's -oG output of it can be read)"
                                         : "not well-formed XML: " + what};
            return s.failed;
        }
        // A token expat must hold whole (a start tag), longer than any nmap writes.
        if (s.fed - s.last_event > max_scanner_record)
        {
            s.failed = error{errc::record_too_long, XML_GetCurrentLineNumber(s.parser), s.last_event,
                             "an XML token longer than " + std::to_string(max_scanner_record) + " bytes"};
            return s.failed;
        }
    } while (!bytes.empty());
    return std::nullopt;
}

#else

struct xml_parser::state
{
};

xml_parser::xml_parser(std::vector<std::uint16_t>) {}
xml_parser::~xml_parser() = default;

std::optional<error> xml_parser::feed(std::span<const std::byte>, bool, std::vector<open_port>&)
{
    return error{errc::no_xml_support, 1, 0, "this epmdump was built without XML support (expat): give nmap's grepable output (-oG) instead"};
}

#endif

} // namespace detail

} // namespace epmdump::output::scanner_input
