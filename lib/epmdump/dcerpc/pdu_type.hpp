#pragma once
// PDU types and pfc_flags of the connection-oriented protocol (C706 §12.6.3.1, §12.6.4;
// [MS-RPCE] 2.2.2.3 for PFC_SUPPORT_HEADER_SIGN, [MS-RPCH] 2.2.3.6.1 for rts).
#include <cstddef>
#include <cstdint>

namespace epmdump::dcerpc {

// All C706 values; 1 and 4-10 are connectionless-only and never valid on a TCP stream.
enum class pdu_type : std::uint8_t
{
    request = 0,
    ping = 1,               // CL
    response = 2,
    fault = 3,
    working = 4,            // CL
    nocall = 5,             // CL
    reject = 6,             // CL
    ack = 7,                // CL
    cl_cancel = 8,          // CL
    fack = 9,               // CL
    cancel_ack = 10,        // CL
    bind = 11,
    bind_ack = 12,
    bind_nak = 13,
    alter_context = 14,
    alter_context_resp = 15,
    auth3 = 16,             // [MS-RPCE] 2.2.2.10 rpc_auth_3
    shutdown = 17,
    co_cancel = 18,
    orphaned = 19,
    rts = 20,               // [MS-RPCH] 2.2.3.6.1, ncacn_http only
};

// True for the types a connection-oriented peer may send (C706 §12.6.4 plus auth3 and rts).
constexpr bool is_connection_oriented(pdu_type t) noexcept
{
    const auto v = static_cast<std::uint8_t>(t);
    return v == 0 || v == 2 || v == 3 || (v >= 11 && v <= 20);
}

// pfc_flags bits (C706 §12.6.3.1).
inline constexpr std::uint8_t pfc_first_frag = 0x01;
inline constexpr std::uint8_t pfc_last_frag = 0x02;
inline constexpr std::uint8_t pfc_pending_cancel = 0x04;      // request/response only
inline constexpr std::uint8_t pfc_support_header_sign = 0x04; // same bit on bind/bind_ack/alter_context ([MS-RPCE] 2.2.2.3)
inline constexpr std::uint8_t pfc_reserved_1 = 0x08;
inline constexpr std::uint8_t pfc_conc_mpx = 0x10;
inline constexpr std::uint8_t pfc_did_not_execute = 0x20;
inline constexpr std::uint8_t pfc_maybe = 0x40;
inline constexpr std::uint8_t pfc_object_uuid = 0x80;

inline constexpr std::uint8_t pfc_single_frag = pfc_first_frag | pfc_last_frag;

inline constexpr std::size_t common_header_size = 16;
inline constexpr std::size_t sec_trailer_size = 8;       // [MS-RPCE] 2.2.2.11
inline constexpr std::uint8_t rpc_vers = 5;
inline constexpr std::uint8_t rpc_vers_minor_max = 1;

// C706 §12.6.3: every CO implementation accepts fragments of this size at least.
inline constexpr std::uint16_t must_recv_frag_size = 1432;
// What Windows proposes and answers with; our default max_xmit_frag / max_recv_frag.
inline constexpr std::uint16_t default_max_frag = 5840;

} // namespace epmdump::dcerpc
