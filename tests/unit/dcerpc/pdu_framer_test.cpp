#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include "dcerpc_test_util.hpp"
#include "pdu_vectors.hpp"

using namespace epmdump;
using namespace epmdump::dcerpc;
using namespace epmdump::test;

namespace {
// The Samba conversation as one byte sequence of five PDUs.
std::vector<std::byte> samba_stream()
{
    return concat({hex(vectors::samba_bind), hex(vectors::samba_bind_ack), hex(vectors::samba_request),
                   hex(vectors::samba_response_first), hex(vectors::samba_response_last)});
}

struct seen
{
    std::vector<std::uint64_t> offsets;
    std::vector<std::vector<std::byte>> pdus;
    friend bool operator==(const seen&, const seen&) = default;
};

// Feeds the chunks and drains next() after each; fails the test on any error.
seen run(pdu_framer& f, const std::vector<std::span<const std::byte>>& chunks)
{
    seen out;
    for (auto c : chunks)
    {
        REQUIRE_OK(f.feed(c));
        for (;;)
        {
            auto p = f.next();
            REQUIRE_OK(p);
            if (!*p) break;
            out.offsets.push_back((*p)->stream_offset);
            out.pdus.push_back(to_vector((*p)->bytes));
        }
    }
    return out;
}
} // namespace

TEST_CASE("framer cuts the Samba conversation into its five PDUs with their stream offsets")
{
    auto stream = samba_stream();
    pdu_framer f;
    auto s = run(f, {stream});
    REQUIRE(s.pdus.size() == 5);
    CHECK(s.offsets == std::vector<std::uint64_t>{0, 72, 132, 196, 4476});
    CHECK(s.pdus[3] == hex(vectors::samba_response_first));
    CHECK(f.idle());
    CHECK(f.stream_offset() == stream.size());
}

TEST_CASE("framer gives the same PDUs for every two-way split of the stream")
{
    auto stream = samba_stream();
    pdu_framer whole;
    const auto expect = run(whole, {stream});
    const std::span<const std::byte> s(stream);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut)
    {
        pdu_framer f;
        auto got = run(f, {s.first(cut), s.subspan(cut)});
        REQUIRE(got == expect);
    }
}

TEST_CASE("framer gives the same PDUs fed one byte at a time")
{
    auto stream = samba_stream();
    pdu_framer whole;
    const auto expect = run(whole, {stream});
    std::vector<std::span<const std::byte>> drip;
    for (std::size_t i = 0; i < stream.size(); ++i) drip.push_back(std::span<const std::byte>(stream).subspan(i, 1));
    pdu_framer f;
    CHECK(run(f, drip) == expect);
}

TEST_CASE("framer prepare/commit path reads straight into its buffer")
{
    auto stream = samba_stream();
    pdu_framer f;
    std::size_t at = 0, count = 0;
    while (at < stream.size())
    {
        auto room = f.prepare(1000);
        const auto n = std::min(room.size(), stream.size() - at);
        std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(at), n, room.begin());
        REQUIRE_OK(f.commit(n));
        at += n;
        for (;;)
        {
            auto p = f.next();
            REQUIRE_OK(p);
            if (!*p) break;
            ++count;
        }
    }
    CHECK(count == 5);
}

TEST_CASE("framer reports frag_length 0 and 15 as bad_header at the PDU's stream offset")
{
    for (std::uint8_t len : {0, 15})
    {
        auto stream = hex(vectors::samba_bind);
        auto bad = hex("0500000310000000 0000 0000 02000000");
        bad[8] = std::byte{len};
        stream.insert(stream.end(), bad.begin(), bad.end());
        pdu_framer f;
        REQUIRE_OK(f.feed(stream));
        REQUIRE_OK(f.next());
        auto e = f.next();
        REQUIRE_FALSE(e.has_value());
        CHECK(e.error().code == codec_errc::bad_header);
        CHECK(e.error().offset == 72 + 8);
        // The stream cannot be resynchronised: the error sticks.
        CHECK(f.failed());
        CHECK(f.next().error() == e.error());
        CHECK(f.feed(hex(vectors::samba_bind)).error() == e.error());
    }
}

TEST_CASE("framer accepts frag_length 65535 only when whole and up to the configured maximum")
{
    // A response of frag_length 65535 (one fragment, stub of 65511 bytes).
    auto big = hex("0500020310000000 ffff 0000 01000000 e7ff0000 0000 0000");
    big.resize(65535, std::byte{0x5a});
    {
        pdu_framer f;
        REQUIRE_OK(f.feed(std::span<const std::byte>(big).first(65534)));
        auto p = f.next();
        REQUIRE_OK(p);
        CHECK_FALSE(p->has_value());
        REQUIRE_OK(f.feed(std::span<const std::byte>(big).last(1)));
        p = f.next();
        REQUIRE_OK(p);
        REQUIRE(p->has_value());
        CHECK((*p)->header.frag_length == 65535);
    }
    {
        pdu_framer f({5840, 256 * 1024});
        REQUIRE_OK(f.feed(std::span<const std::byte>(big).first(16)));
        auto p = f.next();
        REQUIRE_FALSE(p.has_value());
        CHECK(p.error().code == codec_errc::limit_exceeded);
        CHECK(p.error().offset == 8);
    }
}

TEST_CASE("framer rejects a fragment larger than the negotiated max_recv_frag set after bind")
{
    auto stream = concat({hex(vectors::samba_bind_ack), hex(vectors::samba_response_first)});
    pdu_framer f;
    REQUIRE_OK(f.feed(stream));
    auto ack = f.next();
    REQUIRE_OK(ack);
    REQUIRE(ack->has_value());
    f.set_max_frag_length(4279);
    auto p = f.next();
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == codec_errc::limit_exceeded);
    CHECK(p.error().offset == 60 + 8);
}

TEST_CASE("framer rejects a non-DCE/RPC stream on its first byte")
{
    const std::string http = "HTTP/1.1 400 Bad Request\r\n";
    pdu_framer f;
    REQUIRE_OK(f.feed(std::as_bytes(std::span(http.data(), 1))));
    auto p = f.next();
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == codec_errc::bad_header);
    CHECK(p.error().offset == 0);
}

TEST_CASE("framer stops at its buffered-bytes cap with limit_exceeded")
{
    pdu_framer f({65535, 100});
    auto big = encode_response(1, {}, pattern(400));
    REQUIRE_OK(f.feed(std::span<const std::byte>(big).first(60)));
    auto r = f.feed(std::span<const std::byte>(big).subspan(60, 60));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::limit_exceeded);
    CHECK(r.error().offset == 100);
    CHECK(f.failed());
}

TEST_CASE("frame_at splits a contiguous capture buffer without copying")
{
    auto stream = samba_stream();
    std::span<const std::byte> rest(stream);
    std::uint64_t offset = 0;
    std::size_t n = 0;
    while (!rest.empty())
    {
        auto p = frame_at(rest, 65535, offset);
        REQUIRE_OK(p);
        REQUIRE(p->has_value());
        CHECK((*p)->bytes.data() == rest.data());
        rest = rest.subspan((*p)->bytes.size());
        offset += (*p)->bytes.size();
        ++n;
    }
    CHECK(n == 5);
}
