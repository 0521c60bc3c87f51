#include <epmdump/epm/ept_lookup_handle_free.hpp>
#include <epmdump/ndr/reader.hpp>

namespace epmdump::epm {

void encode_ept_lookup_handle_free_request(const context_handle& entry_handle, ndr::writer& out)
{
    write_context_handle(out, entry_handle);
}

result<context_handle> decode_ept_lookup_handle_free_request(std::span<const std::byte> stub, ndr::drep rep,
                                                             ndr::transfer_syntax syntax)
{
    ndr::reader in(stub, rep, syntax);
    return read_context_handle(in);
}

void encode_ept_lookup_handle_free_response(const ept_lookup_handle_free_response& response, ndr::writer& out)
{
    write_context_handle(out, response.entry_handle);
    out.u32(response.status);
}

result<ept_lookup_handle_free_response> decode_ept_lookup_handle_free_response(std::span<const std::byte> stub,
                                                                               ndr::drep rep,
                                                                               ndr::transfer_syntax syntax)
{
    ndr::reader in(stub, rep, syntax);
    ept_lookup_handle_free_response r;
    auto handle = read_context_handle(in);
    if (!handle) return handle.error();
    r.entry_handle = *handle;
    auto status = in.u32();
    if (!status) return status.error();
    r.status = *status;
    return r;
}

} // namespace epmdump::epm
