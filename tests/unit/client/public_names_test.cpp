// What `using namespace` brings into an embedder's code: no asio, steady_clock or duration of
// ours to clash with standalone Asio's or the user's own, and one to_string for a UUID whether
// Boost's uuid_io.hpp is included or not.
#include <epmdump/client/client.hpp>
#include <epmdump/client/scanner.hpp>
#include <epmdump/client/verify.hpp>
#include <epmdump/core/uuid.hpp>

#include <boost/uuid/uuid_io.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <type_traits>

// Stand-ins for a standalone-Asio user's names. With an alias of ours in epmdump::client, the
// unqualified uses below are ambiguous and this file does not compile.
namespace asio {
struct io_context_marker
{
};
} // namespace asio
using steady_clock = std::chrono::system_clock;
using duration = int;

using namespace epmdump;
using namespace epmdump::client;

static_assert(std::is_same_v<asio::io_context_marker, ::asio::io_context_marker>);
static_assert(std::is_same_v<steady_clock, std::chrono::system_clock>);
static_assert(std::is_same_v<duration, int>);
static_assert(std::is_same_v<timeouts::duration, std::chrono::milliseconds>);

TEST_CASE("to_string of a UUID is one function, unqualified, qualified and Boost's, with the same text")
{
    const auto u = uuid_literal("E1AF8308-5D1F-11C9-91A4-08002B14A0FA");
    CHECK(to_string(u) == "e1af8308-5d1f-11c9-91a4-08002b14a0fa");
    CHECK(epmdump::to_string(u) == boost::uuids::to_string(u));
    std::string (*ours)(const epmdump::uuid&) = &epmdump::to_string;
    std::string (*boosts)(const boost::uuids::uuid&) = &boost::uuids::to_string;
    CHECK(static_cast<bool>(ours == boosts));
}
