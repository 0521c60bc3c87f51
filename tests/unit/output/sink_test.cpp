// The sink remembers the first failed write or flush, and the writer stops on it.
#include "sample.hpp"

#include <epmdump/output/sink.hpp>
#include <epmdump/output/writer.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace epmdump;

TEST_CASE("a sink over a writable file passes every byte through and reports no error")
{
    const auto path = std::filesystem::temp_directory_path() / "epmdump-sink-test.txt";
    std::FILE* f = std::fopen(path.string().c_str(), "wb");
    REQUIRE(f != nullptr);
    {
        output::sink s(f);
        s.stream() << "line one\n" << 42 << '\n';
        CHECK(s.flush());
        CHECK_FALSE(s.failed());
        CHECK_FALSE(s.error());
    }
    std::fclose(f);
    std::stringstream read;
    {
        std::ifstream in(path, std::ios::binary);
        read << in.rdbuf();
    } // closed before the remove: Windows refuses to delete an open file
    CHECK(read.str() == "line one\n42\n");
    std::filesystem::remove(path);
}

#ifndef _WIN32
TEST_CASE("a sink over /dev/full fails on its flush with ENOSPC and drops what follows")
{
    std::FILE* f = std::fopen("/dev/full", "wb");
    REQUIRE(f != nullptr);
    output::sink s(f);
    s.stream() << "a table\n"; // lands in the FILE's buffer: no error yet
    CHECK_FALSE(s.flush());
    CHECK(s.failed());
    CHECK(s.error() == std::errc::no_space_on_device);
    CHECK(s.stream().fail());
    s.stream() << "more\n";
    CHECK_FALSE(s.flush());
    CHECK(s.error() == std::errc::no_space_on_device); // still the first error
    std::fclose(f);
}

TEST_CASE("the writer reports a failed stream on the enumeration whose flush failed, and on every one after")
{
    std::FILE* f = std::fopen("/dev/full", "wb");
    REQUIRE(f != nullptr);
    output::sink s(f);
    output::writer w(s.stream(), output::format::json);
    const auto e = test::sample_enumeration();
    CHECK_FALSE(w.write(e));
    CHECK_FALSE(w.ok());
    CHECK_FALSE(w.write(e));
    CHECK_FALSE(w.end());
    CHECK(w.enumerations_written() == 1); // the second was not even formatted
    std::fclose(f);
}
#endif

TEST_CASE("the writer says ok while its stream takes everything")
{
    std::ostringstream out;
    output::writer w(out, output::format::csv);
    CHECK(w.write(test::sample_enumeration()));
    CHECK(w.end());
    CHECK(w.ok());
}
