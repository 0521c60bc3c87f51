#include <epmdump/epm/context_handle.hpp>
#include <epmdump/core/hex.hpp>

namespace epmdump::epm {

result<context_handle> read_context_handle(ndr::reader& in) noexcept
{
    context_handle h;
    auto attributes = in.u32();
    if (!attributes) return attributes.error();
    h.attributes = *attributes;
    auto id = in.guid();
    if (!id) return id.error();
    h.id = *id;
    return h;
}

void write_context_handle(ndr::writer& out, const context_handle& h)
{
    out.u32(h.attributes);
    out.guid(h.id);
}

std::string to_hex(const context_handle& h)
{
    ndr::writer w(ndr::little_endian_ascii);
    write_context_handle(w, h);
    return epmdump::to_hex(w.buffer());
}

} // namespace epmdump::epm
