// value() on every result type of the library throws the one exception type, which keeps the
// error's code, its place in the input and its message (what() unchanged from before).
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/session/error.hpp>
#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/error_exception.hpp>
#include <epmdump/exchange/input_error.hpp>
#include <epmdump/output/reader.hpp>

#include <doctest/doctest.h>

#include <string>

namespace {

template <class Result>
epmdump::error_exception thrown_by(const Result& r)
{
    try
    {
        (void)r.value();
    }
    catch (const epmdump::error_exception& e)
    {
        return e;
    }
    FAIL("value() did not throw epmdump::error_exception");
    return epmdump::error_exception({}, {});
}

} // namespace

TEST_CASE("a codec error thrown by value() keeps its codec_errc, byte offset and message")
{
    const epmdump::codec_error err{epmdump::codec_errc::truncated, 17, "frag_length"};
    const epmdump::result<int> r = err;
    const auto e = thrown_by(r);
    CHECK(e.code() == epmdump::codec_errc::truncated);
    CHECK(e.code().category().name() == std::string("epmdump.codec"));
    CHECK(e.offset() == 17u);
    CHECK(std::string(e.what()) == err.message());
    CHECK(std::string(e.what()) == "truncated (frag_length) at offset 17");
}

TEST_CASE("a dump reader error thrown by value() keeps its read_errc, line and message")
{
    const epmdump::output::read_error err{epmdump::output::read_errc::bad_uuid, 7, "not-a-uuid"};
    const epmdump::output::read_result<int> r = err;
    const auto e = thrown_by(r);
    CHECK(e.code() == epmdump::output::read_errc::bad_uuid);
    CHECK(e.line() == 7);
    CHECK_FALSE(e.offset());
    CHECK(std::string(e.what()) == err.message());
}

TEST_CASE("a capture error thrown by value() keeps the file offset and its text")
{
    const epmdump::capture::capture_error err{"x.pcap", 40, "truncated record"};
    const epmdump::capture::capture_result<int> r = err;
    const auto e = thrown_by(r);
    CHECK(e.code() == boost::system::errc::invalid_argument);
    CHECK(e.offset() == 40u);
    CHECK(std::string(e.what()) == "x.pcap: at byte offset 40: truncated record");
}

TEST_CASE("an exchange input error thrown by value() keeps its line and the text it had")
{
    const epmdump::exchange::input_error err{3, "not a port"};
    const epmdump::exchange::input_result<int> r = err;
    const auto e = thrown_by(r);
    CHECK(e.code() == boost::system::errc::invalid_argument);
    CHECK(e.line() == 3);
    CHECK(std::string(e.what()) == "line 3: not a port");
}

TEST_CASE("a client failure thrown by value() keeps its client_errc and the codec's offset")
{
    epmdump::client::failure f{epmdump::client::client_errc::protocol_violation, epmdump::client::phase::bind, {},
                               epmdump::codec_error{epmdump::codec_errc::bad_value, 9, "ptype"}, "bad bind_ack"};
    const boost::system::result<int, epmdump::client::failure> r = f;
    const auto e = thrown_by(r);
    CHECK(e.code() == epmdump::client::client_errc::protocol_violation);
    CHECK(e.offset() == 9u);
    CHECK(std::string(e.what()) == f.message());
}

TEST_CASE("the exception is a boost::system::system_error and a std::runtime_error")
{
    const epmdump::result<int> r = epmdump::codec_error{epmdump::codec_errc::bad_value, 0, {}};
    CHECK_THROWS_AS((void)r.value(), boost::system::system_error);
    CHECK_THROWS_AS((void)r.value(), std::runtime_error);
}
