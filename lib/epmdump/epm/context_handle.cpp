#include <epmdump/epm/context_handle.hpp>
#include <epmdump/core/hex.hpp>

namespace epmdump::epm {

result<context_handle> read_context_handle(ndr::reader& in) noexcept
{
    context_handle h;
    if (auto e = in.read(h.attributes, h.id); !e) return e.error();
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
