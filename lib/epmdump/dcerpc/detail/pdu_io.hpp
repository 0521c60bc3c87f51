#pragma once
// Helpers shared by the PDU body codecs (internal).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/ndr/reader.hpp>
#include <epmdump/ndr/writer.hpp>

#include <cstddef>
#include <span>

namespace epmdump::dcerpc::detail {

// p_syntax_id_t: GUID, then u32 if_version with major in the low 16 bits (C706 §12.6.3.1).
inline result<epm::syntax_id> read_syntax_id(ndr::reader& r) noexcept
{
    auto id = r.guid();
    if (!id) return id.error();
    auto version = r.u32();
    if (!version) return version.error();
    return epm::syntax_id{*id, static_cast<std::uint16_t>(*version & 0xFFFF), static_cast<std::uint16_t>(*version >> 16)};
}

inline void write_syntax_id(ndr::writer& w, const epm::syntax_id& s)
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
