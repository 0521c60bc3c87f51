#include <epmdump/session/error.hpp>
#include <epmdump/core/error_exception.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <string>

namespace epmdump::client {

std::string_view to_string(client_errc code) noexcept
{
    switch (code)
    {
    case client_errc::resolve_failed: return "resolve_failed";
    case client_errc::refused: return "refused";
    case client_errc::unreachable: return "unreachable";
    case client_errc::timeout: return "timeout";
    case client_errc::reset: return "reset";
    case client_errc::not_dcerpc: return "not_dcerpc";
    case client_errc::bind_rejected: return "bind_rejected";
    case client_errc::fault: return "fault";
    case client_errc::protocol_violation: return "protocol_violation";
    case client_errc::lookup_failed: return "lookup_failed";
    case client_errc::incomplete: return "incomplete";
    case client_errc::cancelled: return "cancelled";
    case client_errc::io_error: return "io_error";
    case client_errc::auth_failed: return "auth_failed";
    case client_errc::access_denied: return "access_denied";
    }
    return "io_error";
}

std::string_view to_string(phase p) noexcept
{
    switch (p)
    {
    case phase::resolve: return "resolve";
    case phase::connect: return "connect";
    case phase::banner: return "banner";
    case phase::bind: return "bind";
    case phase::lookup: return "lookup";
    case phase::map: return "map";
    case phase::free_handle: return "free_handle";
    case phase::ping: return "ping";
    case phase::auth: return "auth";
    case phase::pipe: return "pipe";
    }
    return "connect";
}

namespace {

class category final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "epmdump.client"; }
    std::string message(int ev) const override
    {
        switch (static_cast<client_errc>(ev))
        {
        case client_errc::resolve_failed: return "name did not resolve";
        case client_errc::refused: return "connection refused";
        case client_errc::unreachable: return "host or network unreachable";
        case client_errc::timeout: return "timed out";
        case client_errc::reset: return "connection reset by the server";
        case client_errc::not_dcerpc: return "not a DCE/RPC server";
        case client_errc::bind_rejected: return "bind rejected";
        case client_errc::fault: return "the server answered with a fault";
        case client_errc::protocol_violation: return "protocol violation";
        case client_errc::lookup_failed: return "the endpoint mapper returned an error status";
        case client_errc::incomplete: return "the endpoint list did not end";
        // Never the kind's own word: the formats print "KIND: MESSAGE".
        case client_errc::cancelled: return "stopped in flight when the scan was interrupted";
        case client_errc::io_error: return "I/O error";
        case client_errc::auth_failed: return "authentication failed";
        case client_errc::access_denied: return "the server refused access";
        }
        return "unknown client error";
    }
};

} // namespace

const boost::system::error_category& client_category() noexcept
{
    static const category instance;
    return instance;
}

std::string failure::message() const
{
    std::string text(client_category().message(static_cast<int>(code)));
    // A phase tells the reader where it stopped; for these codes the phase is the whole story.
    if (code == client_errc::timeout || code == client_errc::reset || code == client_errc::not_dcerpc ||
        code == client_errc::protocol_violation || code == client_errc::io_error)
    {
        text += " during ";
        text += to_string(phase);
    }
    if (!detail.empty())
    {
        text += ": ";
        text += detail;
    }
    return text;
}

void throw_exception_from_error(const failure& f, const boost::source_location&)
{
    std::optional<std::uint64_t> offset;
    if (f.codec) offset = f.codec->offset;
    throw error_exception(make_error_code(f.code), f.message(), offset);
}

epm::enumeration_error to_enumeration_error(const failure& f)
{
    return epm::enumeration_error{epm::parse_failure_kind(to_string(f.code)).value_or(epm::failure_kind::io_error), f.message(), f.auth};
}

} // namespace epmdump::client
