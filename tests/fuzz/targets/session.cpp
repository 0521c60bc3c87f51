// The live client's sans-I/O session (session/): what a server sends, fed to lookup_session,
// map_session, ping_session or probe_session as the driver would: a write is taken as sent, a read gets the
// next chunk of the server's bytes, and when they run out the connection closes.
//
// Input: option byte, chunk byte, then the server's bytes (the server-to-client direction of
// a capture in the seeds). Option bits: 0-1 the session (0 lookup, 1 map, 2 ping, 3 probe;
// probe with bit 7 clear: lookup), 2 the ncacn_http banner comes first (probe: may come, the
// bind goes first), 3 tiny limits (so the caps are reached), 4 no feature negotiation context,
// 5-6 probe: --brute-versions, skip mgmt. Reads get 1 + chunk-byte bytes at a time.
// Properties:
//  - the session ends (done) within a bound of steps proportional to the input, in a typed
//    result: no failure, or a failure with a known code and phase and a message;
//  - it never holds more than its caps: entries or towers <= limits.max_entries, lookup pages
//    <= limits.max_pages, calls <= max_pages + 1 (the handle free), ping calls <= interfaces;
//  - a lookup that says complete() has no failure;
//  - probe: calls <= 3 mgmt calls + two alter_contexts per candidate (and per brute version), no
//    probed interface kept from a liar, the unserved interface never reported as probed.
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/session/lookup_session.hpp>
#include <epmdump/session/map_session.hpp>
#include <epmdump/session/ping_session.hpp>
#include <epmdump/session/probe_session.hpp>

#include "fuzz_support.hpp"

#include <vector>

using namespace epmdump;
using namespace epmdump::client;

namespace {

client_options options_of(std::uint8_t o)
{
    client_options opts;
    if (o & 0x08)
    {
        opts.limits.max_ents = 2;
        opts.limits.max_pages = 4;
        opts.limits.max_entries = 5;
        opts.limits.max_response = 4096;
    }
    opts.feature_negotiation = (o & 0x10) == 0;
    return opts;
}

// Plays the server's bytes into the session until it is done; returns false if it never ends.
bool drive(rpc_session& s, fuzz::input_reader& server, std::size_t chunk)
{
    // Each step either consumes a byte, or is one of a bounded number of writes per read.
    std::size_t budget = 4 * (server.size() + 8);
    bool flushed = false; // bytes the framer holds got one empty read before the close
    auto act = s.start();
    while (act.type != next_action::kind::done)
    {
        if (budget-- == 0) return false;
        if (act.type == next_action::kind::write)
        {
            EPMDUMP_FUZZ_CHECK(!act.data.empty());
            act = s.on_written();
            continue;
        }
        if (!server.empty())
        {
            act = s.on_read(server.take(chunk));
            continue;
        }
        if (!flushed)
        {
            flushed = true;
            act = s.on_read({});
            continue;
        }
        act = s.on_io_failure(failure{client_errc::reset, act.phase, {}, {}, "the server closed the connection"});
    }
    return s.done();
}

void check_typed(const rpc_session& s)
{
    const auto& e = s.error();
    if (!e) return;
    EPMDUMP_FUZZ_CHECK(e->code >= client_errc::resolve_failed && e->code <= client_errc::io_error);
    EPMDUMP_FUZZ_CHECK(e->phase <= phase::ping);
    EPMDUMP_FUZZ_CHECK(!e->message().empty());
    EPMDUMP_FUZZ_CHECK(!to_string(e->code).empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const std::uint8_t o = in.u8();
    const std::size_t chunk = 1 + std::size_t{in.u8()};
    const bool banner = (o & 0x04) != 0;
    const auto opts = options_of(o);
    const auto& limits = opts.limits;
    switch (o & 0x03)
    {
    case 1: {
        map_session s(opts, banner, epm::ept_interface(), "ncacn_ip_tcp", 1 + (o >> 5));
        EPMDUMP_FUZZ_CHECK(drive(s, in, chunk));
        check_typed(s);
        EPMDUMP_FUZZ_CHECK(s.towers().size() <= limits.max_entries);
        EPMDUMP_FUZZ_CHECK(s.stats().calls <= limits.max_pages + 1);
        break;
    }
    case 2: {
        // The mapper and interfaces numbered from the option's high bits (up to 8).
        std::vector<epm::syntax_id> interfaces{epm::ept_interface()};
        for (std::uint16_t i = 0; i < (o >> 5); ++i)
            interfaces.push_back(epm::syntax_id{epm::ept_interface().id, static_cast<std::uint16_t>(4 + i), 0});
        ping_session s(opts, banner, interfaces);
        EPMDUMP_FUZZ_CHECK(drive(s, in, chunk));
        check_typed(s);
        EPMDUMP_FUZZ_CHECK(s.accepted().size() == interfaces.size());
        EPMDUMP_FUZZ_CHECK(s.stats().calls <= interfaces.size());
        break;
    }
    case 3:
        if (o & 0x80)
        {
            probe_settings settings;
            settings.brute_versions = (o & 0x20) != 0;
            settings.skip_mgmt = (o & 0x40) != 0;
            settings.optional_banner = banner;
            for (std::uint16_t i = 0; i < 6; ++i)
                settings.candidates.push_back(epm::syntax_id{epm::ept_interface().id, static_cast<std::uint16_t>(i), 0});
            probe_session s(opts, false, settings);
            EPMDUMP_FUZZ_CHECK(drive(s, in, chunk));
            check_typed(s);
            const std::size_t offered = settings.candidates.size() + 1 + (settings.brute_versions ? brute_max_major + 2u : 0u);
            EPMDUMP_FUZZ_CHECK(s.stats().calls <= 3 + 2 * offered);
            EPMDUMP_FUZZ_CHECK(s.round_trips() <= s.stats().calls + 1);
            for (const auto& i : s.interfaces())
            {
                if (s.accepts_any_interface()) EPMDUMP_FUZZ_CHECK(i.how == epm::found_by::inq_if_ids);
                if (i.how != epm::found_by::inq_if_ids) EPMDUMP_FUZZ_CHECK(i.interface != unserved_interface());
            }
            break;
        }
        [[fallthrough]];
    default: {
        lookup_session s(opts, banner);
        EPMDUMP_FUZZ_CHECK(drive(s, in, chunk));
        check_typed(s);
        EPMDUMP_FUZZ_CHECK(s.entries().size() <= limits.max_entries);
        EPMDUMP_FUZZ_CHECK(s.pages().size() <= limits.max_pages);
        EPMDUMP_FUZZ_CHECK(s.stats().calls <= limits.max_pages + 1);
        if (s.complete()) EPMDUMP_FUZZ_CHECK(!s.error());
        break;
    }
    }
    return 0;
}
