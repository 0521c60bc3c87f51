#include <epmdump/epm/ept_status.hpp>

namespace epmdump::epm {

std::string_view ept_status_name(std::uint32_t status) noexcept
{
    switch (status)
    {
    case rpc_s_ok: return "rpc_s_ok";
    case ept_s_cant_perform_op: return "ept_s_cant_perform_op";
    case ept_s_no_memory: return "ept_s_no_memory";
    case ept_s_database_invalid: return "ept_s_database_invalid";
    case ept_s_cant_create: return "ept_s_cant_create";
    case ept_s_cant_access: return "ept_s_cant_access";
    case ept_s_database_already_open: return "ept_s_database_already_open";
    case ept_s_invalid_entry: return "ept_s_invalid_entry";
    case ept_s_update_failed: return "ept_s_update_failed";
    case ept_s_invalid_context: return "ept_s_invalid_context";
    case ept_s_not_registered: return "ept_s_not_registered";
    case ept_s_server_unavailable: return "ept_s_server_unavailable";
    default: return "";
    }
}

} // namespace epmdump::epm
