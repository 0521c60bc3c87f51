#include <epmdump/smb2/error.hpp>
#include <epmdump/smb2/status.hpp>

#include <epmdump/core/hex.hpp>

namespace epmdump::smb2 {

std::string_view to_string(errc e) noexcept
{
    switch (e)
    {
    case errc::protocol_violation: return "protocol_violation";
    case errc::server_status: return "server_status";
    case errc::access_denied: return "access_denied";
    case errc::auth_failed: return "auth_failed";
    case errc::bad_signature: return "bad_signature";
    case errc::signing_unavailable: return "signing_unavailable";
    case errc::encryption_unavailable: return "encryption_unavailable";
    case errc::no_dialect: return "no_dialect";
    case errc::credits_exhausted: return "credits_exhausted";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::pipe_not_found: return "pipe_not_found";
    case errc::netbios_refused: return "netbios_refused";
    case errc::not_smb2: return "not_smb2";
    case errc::timeout: return "timeout";
    case errc::reset: return "reset";
    case errc::io_error: return "io_error";
    case errc::usage: return "usage";
    }
    return "unknown";
}

std::string_view to_string(phase p) noexcept
{
    switch (p)
    {
    case phase::netbios: return "netbios";
    case phase::negotiate: return "negotiate";
    case phase::session_setup: return "session_setup";
    case phase::auth: return "auth";
    case phase::tree_connect: return "tree_connect";
    case phase::create: return "create";
    case phase::transceive: return "transceive";
    case phase::close: return "close";
    case phase::logoff: return "logoff";
    }
    return "unknown";
}

std::string failure::message() const
{
    std::string out(to_string(code));
    out += " in ";
    out += to_string(phase);
    if (status)
    {
        out += ": ";
        const auto name = status_name(*status);
        out += name.empty() ? hex32(*status) : std::string(name);
    }
    if (codec)
    {
        out += ": ";
        out += codec->message();
    }
    if (auth)
    {
        out += ": ";
        out += epm::to_string(*auth);
    }
    if (!detail.empty())
    {
        out += " (";
        out += detail;
        out += ")";
    }
    return out;
}

} // namespace epmdump::smb2
