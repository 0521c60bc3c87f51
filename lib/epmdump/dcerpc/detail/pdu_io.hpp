#pragma once
// Helpers shared by the PDU body codecs (internal).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace epmdump::dcerpc::detail {

// p_syntax_id_t: GUID, then u32 if_version with major in the low 16 bits (C706 §12.6.3.1).
inline result<syntax_id> read_syntax_id(ndr::reader& r) noexcept
{
    auto id = r.guid();
    if (!id) return id.error();
    auto version = r.u32();
    if (!version) return version.error();
    return syntax_id{*id, static_cast<std::uint16_t>(*version & 0xFFFF), static_cast<std::uint16_t>(*version >> 16)};
}

inline void write_syntax_id(ndr::writer& w, const syntax_id& s)
{
    w.guid(s.id);
    w.u32(std::uint32_t{s.major} | std::uint32_t{s.minor} << 16);
}

// A reader over pdu[0, end) positioned at body_offset, so alignment counts from the PDU start
// (C706 §12.6.2) and error offsets are PDU offsets.
inline ndr::reader body_reader(std::span<const std::byte> pdu, const common_header& h, std::size_t body_offset,
                               std::size_t end) noexcept
{
    ndr::reader r(pdu.first(end), h.drep);
    (void)r.skip(body_offset);
    return r;
}

// A reader over one whole fragment, at its body; truncated when the input ends before frag_length.
inline result<ndr::reader> fragment_reader(std::span<const std::byte> pdu, const common_header& h) noexcept
{
    if (pdu.size() < h.frag_length) return codec_error{codec_errc::truncated, pdu.size(), "frag_length beyond input"};
    return body_reader(pdu, h, common_header_size, h.frag_length);
}

// alloc_hint and p_cont_id open every request, response and fault body (C706 §12.6.4.7-10).
struct call_body_start
{
    std::uint32_t alloc_hint = 0;
    std::uint16_t context_id = 0;
};

inline result<call_body_start> read_call_body_start(ndr::reader& r) noexcept
{
    call_body_start s;
    if (auto e = r.read(s.alloc_hint, s.context_id); !e) return e.error();
    return s;
}

// max_xmit_frag, max_recv_frag and assoc_group_id open every bind, bind_ack, alter_context and
// alter_context_resp body (C706 §12.6.4.3-4).
struct association_fields
{
    std::uint16_t max_xmit_frag = 0;
    std::uint16_t max_recv_frag = 0;
    std::uint32_t assoc_group_id = 0;
};

inline result<association_fields> read_association_fields(ndr::reader& r) noexcept
{
    association_fields a;
    if (auto e = r.read(a.max_xmit_frag, a.max_recv_frag, a.assoc_group_id); !e) return e.error();
    return a;
}

inline codec_error wrong_type(const char* expected) noexcept
{
    return codec_error{codec_errc::bad_value, 2, expected};
}

// Starts a PDU of the given type in a fresh writer (each fragment has its own writer so NDR
// alignment is relative to the fragment start).
inline ndr::writer start_pdu(pdu_type type, std::uint8_t flags, std::uint32_t call_id, ndr::drep rep)
{
    ndr::writer w(rep);
    common_header h;
    h.type = type;
    h.flags = flags;
    h.call_id = call_id;
    encode_common_header(w, h);
    return w;
}

} // namespace epmdump::dcerpc::detail
