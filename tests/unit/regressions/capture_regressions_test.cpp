// Captures and TCP streams the fuzzers found (tests/fuzz/targets/{tcp_reassembler,...}.cpp).
#include <epmdump/capture/pcap_reader.hpp>
#include <epmdump/capture/replay.hpp>
#include <epmdump/capture/tcp_reassembler.hpp>

#include "conversation_records.hpp"
#include "regression_inputs.hpp"
#include "stream_collector.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>

using namespace epmdump;
using namespace epmdump::capture;

namespace {

tcp_segment client_segment(std::uint32_t seq, std::string_view payload)
{
    static constexpr std::array<std::byte, 4> client{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{1}};
    static constexpr std::array<std::byte, 4> server{std::byte{10}, std::byte{0}, std::byte{0}, std::byte{2}};
    tcp_segment s;
    s.src = ip_address::from_v4(client);
    s.dst = ip_address::from_v4(server);
    s.src_port = 49152;
    s.dst_port = 135;
    s.seq = seq;
    s.flags = tcp_flags::ack;
    s.payload = std::as_bytes(std::span(payload));
    return s;
}

} // namespace

TEST_CASE("a handler that drops the connection on the bytes before a buffered block is not handed freed memory")
{
    // fuzz_tcp_reassembler (inputs/tcp_reassembler/drop-while-filling-hole): a segment fills the
    // hole before a buffered block and reaches past it; delivering its head made the handler
    // answer `drop`, which released the buffered blocks, and the reassembler then read the freed
    // block's size (heap-use-after-free under ASan) to decide whether to buffer the far part.
    test::stream_collector handler;
    handler.drop_after_bytes = 1;
    tcp_reassembler reassembler(handler);
    const std::uint32_t isn = 1000;
    reassembler.feed(client_segment(isn, ""), std::chrono::nanoseconds(1));         // starts the stream
    reassembler.feed(client_segment(isn + 10, "KLMNO"), std::chrono::nanoseconds(2)); // buffered after a hole
    reassembler.feed(client_segment(isn, "abcdefghijKLMNOpqrst"), std::chrono::nanoseconds(3));
    reassembler.feed(client_segment(isn + 20, "uvw"), std::chrono::nanoseconds(4)); // after the drop: ignored
    reassembler.finish();

    const auto& c = handler.only();
    CHECK(c.closed);
    CHECK(test::client_text(c) == "abcdefghij"); // the head only: the handler dropped the rest
    CHECK(c.info.stats(flow_direction::client_to_server).delivered == 10);
    CHECK(reassembler.stats().pending_bytes == 0);
}

TEST_CASE("a modified (Kuznetzov) pcap of Ethernet frames has libpcap's snap length, 14 above its header's")
{
    // fuzz_pcap_reader (inputs/pcap_reader/modified-pcap-ethernet-snap-length): magic a1b2cd34,
    // link type 1, snap length 262144 in the header. libpcap reports 262158 (it adds the fake
    // Ethernet header a cooked capture got after the snap length was applied) and cuts records
    // there; pcap_reader reported 262144 and would have cut 14 bytes earlier.
    std::FILE* f = test::open_regression_input("pcap_reader", "modified-pcap-ethernet-snap-length");
    REQUIRE(f != nullptr);
    auto reader = pcap_reader::open(f, "modified.pcap");
    REQUIRE(reader.has_value());
    CHECK(reader->link_type() == link_type::ethernet);
    CHECK(reader->snap_length() == 262144 + 14);
    auto first = reader->next();
    REQUIRE(first.has_value());
    REQUIRE(first->has_value());
    CHECK((*first)->data.size() == 62);
    auto second = reader->next(); // claims 3628532480 captured bytes
    CHECK_FALSE(second.has_value());
}

TEST_CASE("a classic pcap record stamped after 2038 reads as after 2038, as libpcap reads it")
{
    // fuzz_pcap_reader (inputs/pcap_reader/time-fields-unsigned): a big-endian classic pcap whose
    // second record has ts_sec 0xf1b60500 (2098) and ts_usec 0xe0600000. libpcap 1.10 reads
    // both fields as unsigned; pcap_reader read them as signed and put the record in 1962.
    using namespace std::chrono;
    std::FILE* f = test::open_regression_input("pcap_reader", "time-fields-unsigned");
    REQUIRE(f != nullptr);
    auto reader = pcap_reader::open(f, "stamps.pcap");
    REQUIRE(reader.has_value());
    REQUIRE(reader->next().has_value());
    auto second = reader->next();
    REQUIRE(second.has_value());
    REQUIRE(second->has_value());
    CHECK((*second)->timestamp == seconds(0xf1b60500) + microseconds(0xe0600000));
    CHECK((*second)->timestamp > seconds(0)); // not before the epoch
}

namespace {

// Records pcap_reader reads from a kept input before it ends (cleanly or not).
std::size_t records_read(const char* target, const char* name, std::optional<capture_error>& ending)
{
    std::FILE* f = test::open_regression_input(target, name);
    REQUIRE(f != nullptr);
    auto reader = pcap_reader::open(f, name);
    if (!reader)
    {
        ending = reader.error();
        return 0;
    }
    std::size_t n = 0;
    for (;;)
    {
        auto r = reader->next();
        if (!r) ending = r.error();
        if (!r || !*r) return n;
        ++n;
    }
}

} // namespace

TEST_CASE("a later pcapng section with an unknown minor version is read on, as libpcap reads it")
{
    // fuzz_pcap_reader (inputs/pcap_reader/later-section-minor-version): the second section says
    // version 1.65280. libpcap checks only the major version of sections after the first; the
    // built-in reader stopped with "unsupported pcapng version" and lost the five packets after it.
    std::optional<capture_error> ending;
    CHECK(records_read("pcap_reader", "later-section-minor-version", ending) == 5);
    REQUIRE(ending);
    CHECK(ending->message.find("version") == std::string::npos);
}

TEST_CASE("a second pcapng section header before any interface is skipped, as libpcap skips it")
{
    // fuzz_pcap_reader (inputs/pcap_reader/second-section-before-any-interface): the first section
    // has no interface; the next section header says version 80.0. libpcap ignores section
    // headers while it looks for the first interface; the built-in reader refused the file.
    std::optional<capture_error> ending;
    CHECK(records_read("pcap_reader", "second-section-before-any-interface", ending) == 5);

    // inputs/pcap_reader/second-section-other-byte-order-before-any-interface: that section header
    // says big-endian; libpcap reads it as any block, in the first section's order, and goes on.
    std::optional<capture_error> other_order;
    CHECK(records_read("pcap_reader", "second-section-other-byte-order-before-any-interface", other_order) == 2);
}

TEST_CASE("a conversation stamped at both ends of what int64 nanoseconds hold gets a finite, non-negative elapsed time")
{
    // fuzz_capture_file (inputs/capture_file/stamps-at-both-int64-limits): one connection's first
    // frame is clamped to +9e9 s and its last to -9e9 s; last_seen - first_seen overflowed int64
    // (UBSan) before the elapsed time was taken in double, and would be negative.
    std::FILE* f = test::open_regression_input("capture_file", "stamps-at-both-int64-limits");
    REQUIRE(f != nullptr);
    const file_replay r = replay_file(f, "stamps.pcap");
    REQUIRE_FALSE(r.conversations.empty());
    for (const auto& c : r.conversations)
    {
        CHECK(std::isfinite(c.enumeration.elapsed_ms));
        CHECK(c.enumeration.elapsed_ms >= 0.0);
    }
}

TEST_CASE("a first pcapng section header whose length is not a multiple of 4 is read, as libpcap reads it")
{
    // fuzz_pcap_reader (inputs/pcap_reader/first-section-length-not-multiple-of-4): the section
    // header says 209 bytes. libpcap checks the alignment of later blocks only; the built-in
    // reader refused the file and lost both packets.
    std::optional<capture_error> ending;
    CHECK(records_read("pcap_reader", "first-section-length-not-multiple-of-4", ending) == 2);
}

TEST_CASE("overlapping ept_lookup calls answered out of order each index their own response's entries")
{
    // fuzz_rpc_conversation (inputs/rpc_conversation/responses-out-of-request-order): on one
    // association call 4 is requested before call 3 and answered after it. Calls stay in
    // request order and entries in the order responses arrived, so call 4's range follows
    // call 3's; the target's property had wrongly required ranges in call order.
    const auto bytes = test::regression_input("rpc_conversation", "responses-out-of-request-order");
    const auto input = fuzz::read_conversation_input(bytes);
    REQUIRE(input.connection.server_port == 135);
    const auto r = fuzz::replay_conversation(input, false);
    REQUIRE(r);
    const auto call = [&](std::uint32_t id) -> const epm_call& {
        const auto it = std::find_if(r->calls.begin(), r->calls.end(), [&](const epm_call& x) { return x.call_id == id; });
        REQUIRE(it != r->calls.end());
        return *it;
    };
    const epm_call& fourth = call(4);
    const epm_call& third = call(3);
    CHECK(fourth.request_frame < third.request_frame);   // asked first
    CHECK(third.response_frame < fourth.response_frame); // answered second
    CHECK(third.first_entry == 0);
    CHECK(third.entry_count == 10);
    CHECK(fourth.first_entry == 10);
    CHECK(fourth.entry_count == 10);
    CHECK(r->enumeration.entries.size() == 20);
}
