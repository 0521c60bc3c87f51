#pragma once
// Shared pieces of the hostile-server tests: short phase budgets, a timed run against the
// scripted server, and builders for the broken bytes the servers send.
#include "support/scripted_server.hpp"
#include "support/test_files.hpp"

#include <epmdump/client/client.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/epm/ept_lookup.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <span>
#include <string>
#include <vector>

namespace epmdump::test {

using namespace std::chrono_literals;

// Phases of 400 ms and a host deadline of 1.5 s: every case ends well inside a second or two.
inline client::client_options hostile_options()
{
    client::client_options o;
    o.timeouts.connect = 1000ms;
    o.timeouts.banner = 400ms;
    o.timeouts.bind = 400ms;
    o.timeouts.call = 400ms;
    o.timeouts.host = 1500ms;
    return o;
}

// Nine entries served three per page (max_ents 3): page 1 is whole before anything goes wrong.
inline constexpr std::uint32_t per_page = 3;

inline client::client_options paged_options()
{
    auto o = hostile_options();
    o.limits.max_ents = per_page;
    return o;
}

// What the machine's load may add to a deadline before we call it missed (it is shared and
// noisy, and the sanitizer build is slow): generous on purpose, a hang still fails.
inline constexpr auto slack = 3000ms;

struct outcome
{
    client::host_result r;
    std::chrono::milliseconds took{};
    std::string what() const
    {
        return r.error ? std::string(to_string(r.error->code)) + " in " + std::string(to_string(r.error->phase)) + ": " +
                             r.error->message()
                       : std::string("ok");
    }
};

inline outcome enumerate_at(const scripted_server& server, const client::client_options& o)
{
    const auto started = std::chrono::steady_clock::now();
    outcome out;
    out.r = client::enumerate(client::target{server.address(), server.port(), {}}, o);
    out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    MESSAGE(out.what() << " after " << out.took.count() << " ms, " << out.r.enumeration.entries.size() << " entries");
    return out;
}

// The case ended with this typed failure, within the host deadline (plus slack).
inline void check_ended(const outcome& o, const client::client_options& opts, client::client_errc code, client::phase p)
{
    REQUIRE_MESSAGE(o.r.error.has_value(), o.what());
    CHECK_MESSAGE(o.r.error->code == code, o.what());
    CHECK_MESSAGE(o.r.error->phase == p, o.what());
    CHECK(o.took < opts.timeouts.host + slack);
    // The shared result model says the same: kind word, and incomplete iff entries were kept.
    REQUIRE(o.r.enumeration.error.has_value());
    CHECK(o.r.enumeration.status == (o.r.enumeration.entries.empty() ? epm::enumeration_status::error
                                                                     : epm::enumeration_status::incomplete));
}

inline std::vector<std::byte> head(std::span<const std::byte> b, std::size_t n)
{
    return {b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(n, b.size()))};
}

inline std::vector<std::byte> tail(std::span<const std::byte> b, std::size_t from)
{
    return {b.begin() + static_cast<std::ptrdiff_t>(std::min(from, b.size())), b.end()};
}

// Our servers speak little-endian: frag_length is the u16 at offset 8 (C706 §12.6.3.1).
inline std::vector<std::byte> with_frag_length(std::vector<std::byte> pdu, std::uint16_t n)
{
    pdu.at(8) = static_cast<std::byte>(n & 0xff);
    pdu.at(9) = static_cast<std::byte>(n >> 8);
    return pdu;
}

inline std::vector<std::byte> with_flags(std::vector<std::byte> pdu, std::uint8_t flags)
{
    pdu.at(3) = static_cast<std::byte>(flags);
    return pdu;
}

inline std::vector<std::byte> with_call_id(std::vector<std::byte> pdu, std::uint32_t id)
{
    for (int i = 0; i < 4; ++i) pdu.at(12 + static_cast<std::size_t>(i)) = static_cast<std::byte>(id >> (8 * i));
    return pdu;
}

// The stub of a (possibly fragmented) response the scripted server would send; empty when the
// bytes are not one. Runs on the server's thread, so it does not assert.
inline std::vector<std::byte> stub_of(std::span<const std::byte> pdus)
{
    dcerpc::pdu_framer framer;
    dcerpc::message_assembler assembler;
    if (!framer.feed(pdus).has_value()) return {};
    for (;;)
    {
        auto frame = framer.next();
        if (!frame.has_value() || !*frame) return {};
        auto m = assembler.add(**frame);
        if (!m.has_value()) return {};
        if (*m) return (*m)->stub;
    }
}

inline std::vector<std::byte> response_to(const dcerpc::message& request, std::span<const std::byte> stub,
                                          std::uint16_t frag = 4280)
{
    dcerpc::response_params p;
    p.context_id = request.context_id;
    p.max_xmit_frag = frag;
    return dcerpc::encode_response(request.call_id, p, stub);
}

inline std::vector<std::byte> lookup_stub(const epm::ept_lookup_response& r, std::uint32_t max_count = 500)
{
    ndr::writer w;
    epm::encode_ept_lookup_response(r, w, max_count);
    return w.take();
}

inline epm::context_handle handle_no(std::uint8_t n)
{
    epm::context_handle h;
    h.id.data[0] = 0x5a;
    h.id.data[15] = n;
    return h;
}

inline std::vector<epm::endpoint_entry> slice(const std::vector<epm::endpoint_entry>& all, std::size_t from, std::size_t n)
{
    return {all.begin() + static_cast<std::ptrdiff_t>(from), all.begin() + static_cast<std::ptrdiff_t>(from + n)};
}

} // namespace epmdump::test
