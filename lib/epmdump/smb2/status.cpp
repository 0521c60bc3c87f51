#include <epmdump/smb2/status.hpp>

namespace epmdump::smb2 {

std::string_view status_name(std::uint32_t value) noexcept
{
    switch (value)
    {
#define EPMDUMP_SMB2_STATUS(name, v) \
    case v: return #name;
#include <epmdump/smb2/status_names.inc>
#undef EPMDUMP_SMB2_STATUS
    default: return {};
    }
}

} // namespace epmdump::smb2
