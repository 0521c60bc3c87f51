#include <epmdump/epm/failure_kind.hpp>

namespace epmdump::epm {

std::string_view to_string(failure_kind k) noexcept
{
    switch (k)
    {
    case failure_kind::unspecified: return "";
    case failure_kind::resolve_failed: return "resolve_failed";
    case failure_kind::refused: return "refused";
    case failure_kind::unreachable: return "unreachable";
    case failure_kind::timeout: return "timeout";
    case failure_kind::reset: return "reset";
    case failure_kind::not_dcerpc: return "not_dcerpc";
    case failure_kind::bind_rejected: return "bind_rejected";
    case failure_kind::fault: return "fault";
    case failure_kind::protocol_violation: return "protocol_violation";
    case failure_kind::lookup_failed: return "lookup_failed";
    case failure_kind::incomplete: return "incomplete";
    case failure_kind::cancelled: return "cancelled";
    case failure_kind::io_error: return "io_error";
    case failure_kind::auth_failed: return "auth_failed";
    case failure_kind::access_denied: return "access_denied";
    case failure_kind::no_response: return "no_response";
    case failure_kind::encrypted: return "encrypted";
    case failure_kind::decode: return "decode";
    case failure_kind::no_full_listing: return "no_full_listing";
    case failure_kind::no_conversation: return "no_conversation";
    case failure_kind::cut_dump: return "cut_dump";
    }
    return "";
}

std::optional<failure_kind> parse_failure_kind(std::string_view word) noexcept
{
    for (const failure_kind k : all_failure_kinds)
        if (to_string(k) == word) return k;
    return std::nullopt;
}

} // namespace epmdump::epm
