#pragma once
// ept_lookup_handle_t: an NDR context handle, 20 bytes on the wire (C706 App. O; [MS-RPCE] 2.2.4.15:
// u32 attributes + GUID). All zeros before the first call and after the last one.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/uuid.hpp>
#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstdint>
#include <string>

namespace epmdump::epm {

struct context_handle
{
    std::uint32_t attributes = 0;
    uuid id{};

    bool is_null() const noexcept { return attributes == 0 && id.is_nil(); }
    friend bool operator==(const context_handle&, const context_handle&) = default;
};

result<context_handle> read_context_handle(ndr::reader& in) noexcept;
void write_context_handle(ndr::writer& out, const context_handle& h);

// 40 hex digits of the little-endian wire form, as tshark shows epm.hnd
// ("000000007cfc5f3b92b07544a3e3e4d53df481df").
std::string to_hex(const context_handle& h);

} // namespace epmdump::epm
