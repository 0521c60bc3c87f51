#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/packet_decoder.hpp>

#include "capture_builder.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

using namespace epmdump;
using namespace epmdump::test;
using namespace std::chrono_literals;

namespace {

// fmemopen over a copy that outlives the FILE*.
struct memory_file
{
    bytes data;
    std::FILE* open()
    {
        // fmemopen cannot open a zero-size buffer in every libc; give it one spare byte it never reads.
        return fmemopen(data.empty() ? static_cast<void*>(&spare) : data.data(), data.size(), "rb");
    }
    char spare = 0;
};

std::vector<frame> three_frames(link_wrap w = link_wrap::ethernet)
{
    tcp_script s(ipv4(10, 1, 1, 1), 50000, ipv4(10, 1, 1, 2), 135);
    std::vector<tcp_packet_spec> p{s.handshake_syn(), s.handshake_syn_ack(), s.client_data(to_bytes("abc"))};
    auto frames = frames_of(p, w, 1700000000s + 123456789ns);
    return frames;
}

struct read_back
{
    int link = -1;
    std::vector<capture::capture_record> records;
    std::vector<bytes> data;
    std::optional<capture::capture_error> error;
};

read_back read_all(bytes file)
{
    memory_file m{std::move(file)};
    read_back out;
    auto opened = capture::capture_file::open(m.open(), "mem.pcap");
    if (!opened)
    {
        out.error = opened.error();
        return out;
    }
    out.link = opened->link_type();
    for (;;)
    {
        auto r = opened->next();
        if (!r)
        {
            out.error = r.error();
            break;
        }
        if (!*r) break;
        out.records.push_back(**r);
        out.data.emplace_back((*r)->data.begin(), (*r)->data.end());
    }
    return out;
}

} // namespace

TEST_CASE("classic pcap reads in both byte orders with micro- and nanosecond stamps")
{
    const auto frames = three_frames();
    for (bool be : {false, true})
        for (bool ns : {false, true})
        {
            CAPTURE(be);
            CAPTURE(ns);
            const auto r = read_all(write_pcap(frames, {be, ns, 262144, 1}));
            REQUIRE_FALSE(r.error);
            CHECK(r.link == capture::link_type::ethernet);
            REQUIRE(r.records.size() == 3);
            for (std::size_t i = 0; i < 3; ++i)
            {
                CHECK(r.data[i] == frames[i].data);
                CHECK(r.records[i].frame_number == i + 1);
            }
            // µs files lose the last three digits; ns files keep them.
            const auto expected = ns ? frames[2].timestamp : frames[2].timestamp - 789ns;
            CHECK(r.records[2].timestamp == expected);
        }
}

TEST_CASE("pcapng reads several interfaces, both section byte orders, EPB SPB and OPB")
{
    const auto frames = three_frames(link_wrap::linux_sll2);
    for (bool be : {false, true})
        for (int block : {0, 1, 2}) // epb, spb, opb
        {
            pcapng_options o;
            o.big_endian = be;
            o.linktype = 276;
            o.interfaces = block == 1 ? 1 : 3;
            o.nanosecond = true;
            o.block = static_cast<pcapng_block>(block);
            CAPTURE(be);
            CAPTURE(block);
            const auto r = read_all(write_pcapng(frames, o));
            REQUIRE_FALSE(r.error);
            CHECK(r.link == capture::link_type::linux_sll2);
            REQUIRE(r.records.size() == 3);
            for (std::size_t i = 0; i < 3; ++i) CHECK(r.data[i] == frames[i].data);
            if (o.block != pcapng_block::spb) CHECK(r.records[2].timestamp == frames[2].timestamp);
        }
}

TEST_CASE("a zero-length file is reported as empty at offset 0")
{
    const auto r = read_all({});
    REQUIRE(r.error);
    CHECK(r.error->file == "mem.pcap");
    CHECK(r.error->offset == 0);
    CHECK(r.error->to_string().find("empty") != std::string::npos);
}

TEST_CASE("a file that is not a capture is reported, naming the file")
{
    const auto r = read_all(to_bytes("GET / HTTP/1.1\r\nHost: example\r\n\r\n"));
    REQUIRE(r.error);
    CHECK(r.error->to_string().rfind("mem.pcap: at byte offset 0: ", 0) == 0);
}

TEST_CASE("a truncated record stops the file with the record's byte offset")
{
    bytes file = write_pcap(three_frames());
    const std::size_t third = 24 + (16 + three_frames()[0].data.size()) + (16 + three_frames()[1].data.size());
    file.resize(file.size() - 5);
    const auto r = read_all(file);
    CHECK(r.records.size() == 2);
    REQUIRE(r.error);
    CHECK(r.error->offset == third);
    CHECK(r.error->message.find("record 3") != std::string::npos);

    // A record header cut in the middle is reported the same way.
    file.resize(third + 7);
    const auto h = read_all(file);
    CHECK(h.records.size() == 2);
    REQUIRE(h.error);
    CHECK(h.error->offset == third);
}

TEST_CASE("an absurd record length is an error, not an allocation")
{
    bytes file = write_pcap(three_frames(), {false, false, 0xffffffffu, 1});
    // Record 1's caplen (after the 24-byte header, at +8) says 3 GB.
    file[24 + 8] = std::byte{0x00}, file[24 + 9] = std::byte{0x00}, file[24 + 10] = std::byte{0x00},
    file[24 + 11] = std::byte{0xc0};
    const auto r = read_all(file);
    CHECK(r.records.empty());
    REQUIRE(r.error);
    CHECK(r.error->offset == 24);
}

TEST_CASE("a missing file is reported with the system's reason")
{
    auto r = capture::capture_file::open("/nonexistent/dir/x.pcap");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().file == "/nonexistent/dir/x.pcap");
    CHECK_FALSE(r.error().message.empty());
}

TEST_CASE("a directory is reported as a directory, not as an empty file")
{
    const auto dir = std::filesystem::temp_directory_path();
    auto r = capture::capture_file::open(dir);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().offset == 0);
    CHECK(r.error().message == "is a directory, not a capture file");
#ifndef _WIN32
    // Opened by the caller (fopen() opens a directory here): the first read's error is named.
    std::FILE* f = std::fopen(dir.c_str(), "rb");
    REQUIRE(f != nullptr);
    auto g = capture::capture_file::open(f, "dir");
    REQUIRE_FALSE(g.has_value());
    CHECK(g.error().message == std::strerror(EISDIR));
#endif
}
