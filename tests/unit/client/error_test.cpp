// The failure taxonomy: stable words for scripts, messages that say where it stopped.
#include <epmdump/client/connection.hpp>
#include <epmdump/session/error.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace epmdump::client;
namespace epm = epmdump::epm;

TEST_CASE("every client_errc has its own stable kind word")
{
    std::set<std::string> words;
    for (int i = static_cast<int>(client_errc::resolve_failed); i <= static_cast<int>(client_errc::io_error); ++i)
        words.insert(std::string(to_string(static_cast<client_errc>(i))));
    CHECK(words.size() == static_cast<std::size_t>(client_errc::io_error));
    CHECK(to_string(client_errc::refused) == "refused");
    CHECK(to_string(client_errc::timeout) == "timeout");
    CHECK(to_string(client_errc::not_dcerpc) == "not_dcerpc");
    CHECK(to_string(client_errc::bind_rejected) == "bind_rejected");
    CHECK(to_string(client_errc::protocol_violation) == "protocol_violation");
}

TEST_CASE("client_errc is an error_code in the epmdump.client category")
{
    boost::system::error_code ec = client_errc::reset;
    CHECK(ec.category().name() == std::string("epmdump.client"));
    CHECK(ec.message() == "connection reset by the server");
    CHECK(ec == client_errc::reset);
}

TEST_CASE("a timeout's message names its phase and the budget, and becomes the JSON error")
{
    failure f{client_errc::timeout, phase::lookup, {}, {}, "no progress within 300 ms"};
    CHECK(f.message() == "timed out during lookup: no progress within 300 ms");
    auto e = to_enumeration_error(f);
    CHECK(e.kind == epm::failure_kind::timeout);
    CHECK(e.message == f.message());
}

TEST_CASE("a refusal's message does not repeat the obvious phase")
{
    auto f = classify(boost::asio::error::connection_refused, phase::connect);
    CHECK(f.code == client_errc::refused);
    CHECK(f.message() == "connection refused");
}

TEST_CASE("no failure message restates its kind word, since every format prints KIND: MESSAGE")
{
    for (int i = static_cast<int>(client_errc::resolve_failed); i <= static_cast<int>(client_errc::io_error); ++i)
    {
        const auto code = static_cast<client_errc>(i);
        const auto e = to_enumeration_error(failure{code, phase::lookup, {}, {}, {}});
        const std::string word(epm::to_string(e.kind));
        CAPTURE(word);
        CAPTURE(e.message);
        CHECK_FALSE(e.message.empty());
        CHECK(e.message.rfind(word, 0) != 0); // "cancelled: cancelled" read as a stutter
    }
}

TEST_CASE("every client_errc's kind word names the failure kind it becomes in results")
{
    for (int i = static_cast<int>(client_errc::resolve_failed); i <= static_cast<int>(client_errc::io_error); ++i)
    {
        const auto code = static_cast<client_errc>(i);
        CAPTURE(to_string(code));
        const auto e = to_enumeration_error(failure{code, phase::lookup, {}, {}, {}});
        CHECK(epm::to_string(e.kind) == to_string(code));
    }
}
