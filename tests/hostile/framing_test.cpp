// Hostile servers at the PDU level: cut, lying, dripping, silent and resetting peers. Each case
// must end with a typed failure within the host deadline, keeping the pages already received.
#include "alloc_probe.hpp"
#include "hostile_util.hpp"

#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::test;
using client::client_errc;
using client::phase;

namespace {

server_script nine_entries()
{
    server_script s;
    s.entries = sample_entries(9);
    return s;
}

// Messages on a connection: 0 is the bind, 1 the first ept_lookup, 2 the second.
constexpr int bind_message = 0;
constexpr int first_lookup = 1;
constexpr int second_lookup = 2;

wire_plan as_is(std::vector<std::byte> answer) { return {wire_step::write(std::move(answer))}; }

// A plan for message `at`; every other message is answered normally.
template <class F>
tamper_fn at_message(int at, F plan)
{
    return [at, plan](const dcerpc::message& request, std::vector<std::byte> answer, int index) -> wire_plan {
        if (index != at) return as_is(std::move(answer));
        return plan(request, std::move(answer));
    };
}

wire_plan drip(std::span<const std::byte> bytes, std::chrono::milliseconds every)
{
    wire_plan p;
    for (auto b : bytes)
    {
        p.push_back(wire_step::pause(every));
        p.push_back(wire_step::write({b}));
    }
    return p;
}

} // namespace

TEST_CASE("a bind_ack cut short and then a close is a reset in the bind phase")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(head(answer, 30)), wire_step::close()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::reset, phase::bind);
    CHECK(out.r.enumeration.entries.empty());
}

TEST_CASE("a server that closes or resets on our bind without a word is reported as doing just that")
{
    for (const bool reset : {false, true})
    {
        CAPTURE(reset);
        auto s = nine_entries();
        s.tamper = at_message(bind_message, [reset](const dcerpc::message&, std::vector<std::byte>) {
            return wire_plan{reset ? wire_step::reset() : wire_step::close()};
        });
        scripted_server server(s);
        const auto o = paged_options();
        auto out = enumerate_at(server, o);
        check_ended(out, o, client_errc::not_dcerpc, phase::bind);
        const std::string said = reset ? "the server reset the connection before answering the bind"
                                       : "the server closed the connection before answering the bind";
        CHECK_MESSAGE(out.r.enumeration.error->message.find(said) != std::string::npos, out.r.enumeration.error->message);
    }
}

TEST_CASE("a response cut short and then a close is a reset that keeps the pages before it")
{
    auto s = nine_entries();
    s.tamper = at_message(second_lookup, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(head(answer, answer.size() / 2)), wire_step::close()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::reset, phase::lookup);
    CHECK(out.r.enumeration.entries == slice(s.entries, 0, per_page));
}

TEST_CASE("a response with frag_length 0 or 15 is a protocol violation that keeps the pages before it")
{
    for (const std::uint16_t length : {0, 15})
    {
        CAPTURE(length);
        auto s = nine_entries();
        s.tamper = at_message(second_lookup, [length](const dcerpc::message&, std::vector<std::byte> answer) {
            return wire_plan{wire_step::write(with_frag_length(std::move(answer), length)), wire_step::hang()};
        });
        scripted_server server(s);
        const auto o = paged_options();
        auto out = enumerate_at(server, o);
        check_ended(out, o, client_errc::protocol_violation, phase::lookup);
        REQUIRE(out.r.error->codec.has_value());
        CHECK(out.r.error->codec->code == codec_errc::bad_header);
        CHECK(out.r.enumeration.entries == slice(s.entries, 0, per_page));
    }
}

TEST_CASE("a bind_ack with frag_length 0 is not a DCE/RPC server")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(with_frag_length(std::move(answer), 0)), wire_step::hang()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::not_dcerpc, phase::bind);
}

TEST_CASE("a response with frag_length 65535 after the bind is refused at its header, without waiting for the bytes")
{
    auto s = nine_entries();
    s.tamper = at_message(second_lookup, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(with_frag_length(std::move(answer), 65535)), wire_step::hang()};
    });
    scripted_server server(s);
    auto o = paged_options();
    o.timeouts.call = 10s; // a wait for the promised bytes would show as a host-deadline timeout
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::limit_exceeded);
    CHECK(out.r.enumeration.entries == slice(s.entries, 0, per_page));
}

TEST_CASE("a response fragment larger than the negotiated fragment size is a protocol violation")
{
    server_script s;
    s.entries = sample_entries(30);
    s.max_xmit_frag = 2048; // the bind_ack says it sends at most 2048...
    s.max_recv_frag = 2048;
    s.tamper = at_message(first_lookup, [](const dcerpc::message& request, std::vector<std::byte> answer) {
        const auto stub = stub_of(answer); // ...then sends one 4 kB fragment
        return wire_plan{wire_step::write(response_to(request, stub, 8192)), wire_step::hang()};
    });
    scripted_server server(s);
    auto o = hostile_options();
    o.max_recv_frag = 2048;
    o.max_xmit_frag = 2048;
    o.timeouts.call = 10s;
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::limit_exceeded);
}

TEST_CASE("a bind_ack promising 65535 bytes that never come times out in the bind phase")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(with_frag_length(std::move(answer), 65535)), wire_step::hang()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::timeout, phase::bind);
}

TEST_CASE("a response header promising a large fragment, then one byte per second, is cut by the call timeout")
{
    auto s = nine_entries();
    s.tamper = at_message(second_lookup, [](const dcerpc::message&, std::vector<std::byte> answer) {
        const auto pdu = with_frag_length(std::move(answer), 5840);
        auto plan = drip(tail(pdu, 16), 1s);
        plan.insert(plan.begin(), wire_step::write(head(pdu, 16)));
        return plan;
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::timeout, phase::lookup);
    CHECK(out.r.error->detail.find("lookup not finished within its limit of 400 ms") != std::string::npos);
    CHECK(out.r.enumeration.entries == slice(s.entries, 0, per_page));
}

TEST_CASE("a dripping bind_ack is cut by the host deadline when the phase budget is longer")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message&, std::vector<std::byte> answer) {
        const auto pdu = with_frag_length(std::move(answer), 65535);
        auto plan = drip(tail(pdu, 16), 200ms);
        plan.insert(plan.begin(), wire_step::write(head(pdu, 16)));
        return plan;
    });
    scripted_server server(s);
    auto o = paged_options();
    o.timeouts.bind = 30s;
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::timeout, phase::bind);
    CHECK(out.r.error->detail.find("host deadline of 1500 ms") != std::string::npos);
    CHECK(out.took >= 1000ms); // it was the deadline, not something earlier
}

TEST_CASE("a server that accepts and never answers times out in the bind phase, or at the host deadline")
{
    server_script s;
    s.silent = true;
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::timeout, phase::bind);
    auto longer = o;
    longer.timeouts.bind = 60s;
    auto cut = enumerate_at(server, longer);
    check_ended(cut, longer, client_errc::timeout, phase::bind);
    CHECK(cut.r.error->detail.find("host deadline") != std::string::npos);
}

TEST_CASE("an RST in the middle of a response is a reset that keeps the pages before it")
{
    auto s = nine_entries();
    s.tamper = at_message(second_lookup, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(head(answer, answer.size() / 2)), wire_step::pause(50ms), wire_step::reset()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::reset, phase::lookup);
    CHECK(out.r.enumeration.entries == slice(s.entries, 0, per_page));
}

TEST_CASE("an RST in the middle of the bind_ack is a reset in the bind phase")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message&, std::vector<std::byte> answer) {
        return wire_plan{wire_step::write(head(answer, 20)), wire_step::pause(50ms), wire_step::reset()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::reset, phase::bind);
}

TEST_CASE("a bind_ack with zero results accepts nothing: bind_rejected")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message& request, std::vector<std::byte>) {
        dcerpc::bind_ack_params ack;
        ack.secondary_address = "135";
        return wire_plan{wire_step::write(dcerpc::encode_bind_ack(request.call_id, ack)), wire_step::hang()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::bind_rejected, phase::bind);
}

TEST_CASE("a server accepting the endpoint mapper with NDR64, which we never offered, is a protocol violation in the bind phase")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message& request, std::vector<std::byte> answer) {
        auto ack = dcerpc::decode_bind_ack(dcerpc::decode_common_header(answer).value(), answer).value().params;
        ack.results.at(0).transfer_syntax = dcerpc::ndr64_syntax();
        return wire_plan{wire_step::write(dcerpc::encode_bind_ack(request.call_id, ack)), wire_step::hang()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::protocol_violation, phase::bind);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::bad_value);
    CHECK(out.r.error->message().find("not offered") != std::string::npos);
    CHECK(out.r.enumeration.entries.empty());
}

TEST_CASE("a bind_ack with an absurd secondary-address length is a protocol violation")
{
    // port_spec's length is the u16 after max_xmit_frag, max_recv_frag and assoc_group_id (C706 §12.6.4.4).
    for (const std::uint16_t length : {0xffff, 200})
    {
        CAPTURE(length);
        auto s = nine_entries();
        s.tamper = at_message(bind_message, [length](const dcerpc::message&, std::vector<std::byte> answer) {
            answer.at(24) = static_cast<std::byte>(length & 0xff);
            answer.at(25) = static_cast<std::byte>(length >> 8);
            return wire_plan{wire_step::write(std::move(answer)), wire_step::hang()};
        });
        scripted_server server(s);
        const auto o = paged_options();
        auto out = enumerate_at(server, o);
        check_ended(out, o, client_errc::protocol_violation, phase::bind);
        CHECK(out.r.error->codec.has_value());
    }
}

TEST_CASE("a response before the bind_ack is a protocol violation in the bind phase")
{
    auto s = nine_entries();
    s.tamper = at_message(bind_message, [](const dcerpc::message& request, std::vector<std::byte> answer) {
        const std::vector<std::byte> stub(24);
        return wire_plan{wire_step::write(response_to(request, stub)), wire_step::write(std::move(answer))};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::protocol_violation, phase::bind);
}

TEST_CASE("a bind_ack or a response for another call_id is a protocol violation")
{
    for (const int at : {bind_message, second_lookup})
    {
        CAPTURE(at);
        auto s = nine_entries();
        s.tamper = at_message(at, [](const dcerpc::message& request, std::vector<std::byte> answer) {
            return wire_plan{wire_step::write(with_call_id(std::move(answer), request.call_id + 7)), wire_step::hang()};
        });
        scripted_server server(s);
        const auto o = paged_options();
        auto out = enumerate_at(server, o);
        check_ended(out, o, client_errc::protocol_violation, at == bind_message ? phase::bind : phase::lookup);
        CHECK(out.r.enumeration.entries == slice(s.entries, 0, at == bind_message ? 0 : per_page));
    }
}

TEST_CASE("a multi-fragment response that stops before LAST_FRAG times out and keeps the pages before it")
{
    auto s = nine_entries();
    s.tamper = at_message(second_lookup, [](const dcerpc::message&, std::vector<std::byte> answer) {
        // The whole page, flagged as a first fragment only: the client waits for the rest.
        return wire_plan{wire_step::write(with_flags(std::move(answer), dcerpc::pfc_first_frag)), wire_step::hang()};
    });
    scripted_server server(s);
    const auto o = paged_options();
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::timeout, phase::lookup);
    CHECK(out.r.enumeration.entries == slice(s.entries, 0, per_page));
}

TEST_CASE("fragments that never end in LAST_FRAG stop at the response cap, and a 4 GB alloc_hint reserves nothing of the kind")
{
    server_script s;
    s.entries = sample_entries(9);
    s.tamper = at_message(first_lookup, [](const dcerpc::message& request, std::vector<std::byte>) {
        const std::vector<std::byte> chunk(4000, std::byte{0x41});
        const auto one = response_to(request, chunk);
        auto first = with_flags(one, dcerpc::pfc_first_frag);
        for (int i = 16; i < 20; ++i) first.at(static_cast<std::size_t>(i)) = std::byte{0xff}; // alloc_hint
        wire_plan p{wire_step::write(std::move(first))};
        for (int i = 0; i < 200; ++i) p.push_back(wire_step::write(with_flags(one, 0)));
        p.push_back(wire_step::hang());
        return p;
    });
    scripted_server server(s);
    auto o = hostile_options();
    o.limits.max_response = 128 * 1024;
    o.timeouts.call = 10s;
    alloc_probe probe;
    auto out = enumerate_at(server, o);
    const auto largest = probe.largest();
    const auto peak = probe.peak_live();
    MESSAGE("largest allocation " << largest << " bytes, peak held " << peak << " bytes");
    check_ended(out, o, client_errc::protocol_violation, phase::lookup);
    REQUIRE(out.r.error->codec.has_value());
    CHECK(out.r.error->codec->code == codec_errc::limit_exceeded);
    CHECK(largest < 1024 * 1024);
    CHECK(peak < 4 * 1024 * 1024);
}

TEST_CASE("an ncacn_http banner that never ends times out in the banner phase, or at the host deadline")
{
    const std::string_view almost = "ncacn_http/1.";
    server_script s;
    s.entries = sample_entries(3);
    std::vector<std::byte> prefix;
    for (char c : almost) prefix.push_back(static_cast<std::byte>(c));
    s.on_accept = drip(prefix, 100ms);
    s.on_accept.push_back(wire_step::pause(60s));
    scripted_server server(s);
    auto o = hostile_options();
    o.transport = client::transport::ncacn_http;
    auto out = enumerate_at(server, o);
    check_ended(out, o, client_errc::timeout, phase::banner);
    auto longer = o;
    longer.timeouts.banner = 60s;
    auto cut = enumerate_at(server, longer);
    check_ended(cut, longer, client_errc::timeout, phase::banner);
    CHECK(cut.r.error->detail.find("host deadline") != std::string::npos);
}
