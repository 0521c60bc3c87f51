// The ncacn_http banner reader: byte at a time, all at once, and what else may answer on 593.
#include "support/test_files.hpp"

#include <epmdump/session/http_banner.hpp>

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

using epmdump::client::http_banner_reader;

namespace {

} // namespace

TEST_CASE("the ncacn_http banner is recognised whole and leaves the DCE/RPC bytes after it")
{
    const auto in = epmdump::test::to_bytes("ncacn_http/1.0\x05\x00");
    http_banner_reader r;
    std::size_t used = 0;
    CHECK(r.feed(in, used) == http_banner_reader::state::done);
    CHECK(used == 14);
}

TEST_CASE("the ncacn_http banner may arrive one byte at a time")
{
    const auto in = epmdump::test::to_bytes("ncacn_http/1.0");
    http_banner_reader r;
    for (std::size_t i = 0; i < in.size(); ++i)
    {
        std::size_t used = 0;
        const auto s = r.feed(std::span(in).subspan(i, 1), used);
        CHECK(used == 1);
        CHECK(s == (i + 1 == in.size() ? http_banner_reader::state::done : http_banner_reader::state::need_more));
    }
    CHECK(r.received() == "ncacn_http/1.0");
}

TEST_CASE("an HTTP server or a DCE/RPC PDU on the http port is a mismatch at the first wrong byte")
{
    http_banner_reader http;
    std::size_t used = 0;
    CHECK(http.feed(epmdump::test::to_bytes("HTTP/1.1 400 Bad Request"), used) == http_banner_reader::state::mismatch);
    CHECK(used == 1);
    CHECK(http.received() == "H");

    http_banner_reader almost;
    CHECK(almost.feed(epmdump::test::to_bytes("ncacn_http/2.0"), used) == http_banner_reader::state::mismatch);
    CHECK(almost.received() == "ncacn_http/2");
}
