// pcap_reader against libpcap: where libpcap is found (Linux), both read every
// capture, every truncation of it and seeded damage to it, and must agree record for record.
// The hand-built pcapng cases check what no bundled capture has (resolutions, offsets,
// sections, skipped blocks) on every platform.
#include <epmdump/capture/capture_file.hpp>
#include <epmdump/capture/packet_decoder.hpp>
#include <epmdump/capture/pcap_reader.hpp>

#include "capture_builder.hpp"
#ifdef EPMDUMP_HAVE_LIBPCAP_ORACLE
#include "support/libpcap_file.hpp"
#endif
#include "support/libpcap_stamp.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#ifdef _WIN32
#include <process.h> // _getpid
#endif

using namespace epmdump;
using namespace epmdump::test;
using namespace std::chrono_literals;

namespace {

// The bytes as an open FILE*: fmemopen is not on Windows, and tmpfile() there wants to
// write to the root of the drive, so Windows gets a file in the build tree, named by process
// and call: ctest -j runs test cases as parallel processes, which must not share one file.
std::FILE* open_bytes(const bytes& data, const std::string& tag)
{
#ifdef _WIN32
    static int calls = 0; // this test process's own count; one thread
    const auto dir = std::filesystem::path(EPMDUMP_BINARY_DIR) / "platform-tests";
    std::filesystem::create_directories(dir);
    const auto path = dir / (tag + "-" + std::to_string(_getpid()) + "-" + std::to_string(++calls) + ".bin");
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    }
    return _wfopen(path.c_str(), L"rb");
#else
    (void)tag;
    std::FILE* f = std::tmpfile();
    REQUIRE(f != nullptr);
    // An empty vector's data() may be null, which fwrite must not get (UBSan: nonnull argument).
    if (!data.empty()) REQUIRE(std::fwrite(data.data(), 1, data.size(), f) == data.size());
    std::rewind(f);
    return f;
#endif
}

struct read_back
{
    bool opened = false;
    int link = -1;
    std::uint32_t snap = 0;
    std::vector<capture::capture_record> records; // data spans point into `data`
    std::vector<bytes> data;
    std::optional<capture::capture_error> error;
};

template <class Reader>
read_back drain(capture::capture_result<Reader> opened)
{
    read_back out;
    if (!opened)
    {
        out.error = opened.error();
        return out;
    }
    out.opened = true;
    out.link = opened->link_type();
    out.snap = opened->snap_length();
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

read_back read_builtin(const bytes& file, const std::string& tag = "builtin")
{
    return drain(capture::pcap_reader::open(open_bytes(file, tag), "mem.pcap"));
}

read_back read_capture_file(const bytes& file, const std::string& tag = "libpcap")
{
#ifdef EPMDUMP_HAVE_LIBPCAP_ORACLE
    return drain(capture::test::libpcap_file::open(open_bytes(file, tag), "mem.pcap"));
#else
    return drain(capture::capture_file::open(open_bytes(file, tag), "mem.pcap"));
#endif
}

// Same link type, snap length, records (bytes, stamps, lengths, numbers) and the same ending.
// Offsets are compared for classic pcap only: for pcapng libpcap reports where its read
// started, pcap_reader the block that was bad.
void check_same(const read_back& ours, const read_back& libpcap, bool compare_error_offset)
{
    REQUIRE(ours.opened == libpcap.opened);
    CHECK(ours.error.has_value() == libpcap.error.has_value());
    if (ours.opened)
    {
        CHECK(ours.link == libpcap.link);
        CHECK(ours.snap == libpcap.snap);
    }
    REQUIRE(ours.records.size() == libpcap.records.size());
    for (std::size_t i = 0; i < ours.records.size(); ++i)
    {
        CAPTURE(i);
        CHECK(ours.data[i] == libpcap.data[i]);
        CHECK(same_libpcap_stamp(ours.records[i].timestamp, libpcap.records[i].timestamp));
        CHECK(ours.records[i].original_length == libpcap.records[i].original_length);
        CHECK(ours.records[i].offset == libpcap.records[i].offset);
        CHECK(ours.records[i].frame_number == libpcap.records[i].frame_number);
    }
    if (compare_error_offset && ours.error && libpcap.error) CHECK(ours.error->offset == libpcap.error->offset);
}

std::vector<std::filesystem::path> every_capture()
{
    std::vector<std::filesystem::path> out;
    std::vector<std::filesystem::path> dirs{source_dir() / "pcaps"};
    if (auto shared = shared_file("pcaps")) dirs.push_back(*shared);
    for (const auto& dir : dirs)
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

bool is_pcapng(const bytes& file) { return file.size() >= 4 && file[0] == std::byte{0x0a} && file[1] == std::byte{0x0d}; }

std::vector<frame> sample_frames()
{
    tcp_script s(ipv4(10, 1, 1, 1), 50000, ipv4(10, 1, 1, 2), 135);
    std::vector<tcp_packet_spec> p{s.handshake_syn(), s.handshake_syn_ack(), s.client_data(to_bytes("bind")),
                                   s.server_data(to_bytes("bind_ack"))};
    return frames_of(p, link_wrap::ethernet, 1700000000s + 123456789ns);
}

// A pcapng writer for what capture_builder does not write: options, odd blocks, sections.
class pcapng_writer
{
public:
    explicit pcapng_writer(bool big_endian = false) : be_(big_endian) {}

    pcapng_writer& section(bool big_endian, std::uint16_t major = 1, std::uint16_t minor = 0)
    {
        be_ = big_endian;
        bytes body;
        put32(body, 0x1a2b3c4d);
        put16(body, major);
        put16(body, minor);
        put32(body, 0xffffffff), put32(body, 0xffffffff); // section length unknown
        return block(0x0a0d0d0a, body);
    }
    pcapng_writer& interface(std::uint16_t linktype, std::uint32_t snap, std::optional<std::uint8_t> tsresol = {},
                             std::optional<std::int64_t> tsoffset = {})
    {
        bytes body;
        put16(body, linktype);
        put16(body, 0);
        put32(body, snap);
        put_option(body, 2, to_bytes("eth0")); // if_name, skipped
        if (tsresol) put_option(body, 9, bytes{std::byte{*tsresol}});
        if (tsoffset)
        {
            bytes v;
            const auto u = static_cast<std::uint64_t>(*tsoffset);
            put32(v, static_cast<std::uint32_t>(be_ ? u >> 32 : u)), put32(v, static_cast<std::uint32_t>(be_ ? u : u >> 32));
            put_option(body, 14, v);
        }
        put16(body, 0), put16(body, 0); // opt_endofopt
        return block(1, body);
    }
    pcapng_writer& epb(std::uint32_t interface_id, std::uint64_t ticks, const bytes& data, std::uint32_t len = 0)
    {
        bytes body;
        put32(body, interface_id);
        put32(body, static_cast<std::uint32_t>(ticks >> 32));
        put32(body, static_cast<std::uint32_t>(ticks));
        put32(body, static_cast<std::uint32_t>(data.size()));
        put32(body, len != 0 ? len : static_cast<std::uint32_t>(data.size()));
        body.insert(body.end(), data.begin(), data.end());
        pad(body);
        put_option(body, 1, to_bytes("a comment")); // opt_comment, skipped
        put16(body, 0), put16(body, 0);
        return block(6, body);
    }
    pcapng_writer& other(std::uint32_t type, std::size_t body_size)
    {
        return block(type, bytes(body_size, std::byte{0x5a}));
    }
    const bytes& bytes_written() const { return out_; }

private:
    void put16(bytes& b, std::uint16_t v) const
    {
        const std::byte hi{static_cast<unsigned char>(v >> 8)}, lo{static_cast<unsigned char>(v)};
        b.push_back(be_ ? hi : lo), b.push_back(be_ ? lo : hi);
    }
    void put32(bytes& b, std::uint32_t v) const
    {
        for (int i = 0; i < 4; ++i)
            b.push_back(static_cast<std::byte>((v >> (be_ ? 8 * (3 - i) : 8 * i)) & 0xffu));
    }
    static void pad(bytes& b)
    {
        while (b.size() % 4 != 0) b.push_back(std::byte{0});
    }
    void put_option(bytes& b, std::uint16_t code, const bytes& value) const
    {
        put16(b, code);
        put16(b, static_cast<std::uint16_t>(value.size()));
        b.insert(b.end(), value.begin(), value.end());
        pad(b);
    }
    pcapng_writer& block(std::uint32_t type, const bytes& body)
    {
        const auto total = static_cast<std::uint32_t>(12 + body.size());
        put32(out_, type);
        put32(out_, total);
        out_.insert(out_.end(), body.begin(), body.end());
        put32(out_, total);
        return *this;
    }

    bool be_;
    bytes out_;
};

constexpr bool have_libpcap =
#ifdef EPMDUMP_HAVE_LIBPCAP_ORACLE
    true;
#else
    false;
#endif

} // namespace

TEST_CASE("pcap_reader reads every bundled and shared capture record for record as libpcap does")
{
    if (!have_libpcap) EPMDUMP_SKIP("no libpcap to compare pcap_reader with here");
    const auto files = every_capture();
    REQUIRE(files.size() >= 7); // pcaps/ alone holds 7
    for (const auto& path : files)
    {
        CAPTURE(path.string());
        const bytes file = read_file(path);
        const auto ours = read_builtin(file);
        const auto libpcap = read_capture_file(file);
        REQUIRE_FALSE(libpcap.error);
        CHECK(ours.records.size() > 4);
        check_same(ours, libpcap, true);
    }
}

TEST_CASE("pcap_reader and libpcap stop at the same record for every truncation of a capture")
{
    if (!have_libpcap) EPMDUMP_SKIP("no libpcap to compare pcap_reader with here");
    // A classic and a pcapng capture (the Samba ones are pcapng), cut at every byte.
    const std::vector<std::filesystem::path> files{project_pcap("epm-fault-nca-op-rng-error-opnum42.pcap"),
                                                   project_pcap("samba-standalone-rpcdump.pcap")};
    for (const auto& path : files)
    {
        CAPTURE(path.string());
        const bytes whole = read_file(path);
        for (std::size_t cut = 0; cut < whole.size(); ++cut)
        {
            CAPTURE(cut);
            const bytes file(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
            const auto ours = read_builtin(file);
            const auto libpcap = read_capture_file(file);
            check_same(ours, libpcap, !is_pcapng(whole));
            if (ours.error) CHECK(ours.error->offset <= cut);
        }
    }
}

TEST_CASE("pcap_reader agrees with libpcap on seeded damage to capture headers")
{
    if (!have_libpcap) EPMDUMP_SKIP("no libpcap to compare pcap_reader with here");
    std::mt19937 rng(926210);
    std::vector<std::filesystem::path> files{project_pcap("samba-ad-dc-rpcdump.pcap"),
                                             project_pcap("epm-fault-nca-op-rng-error-opnum42.pcap")};
    if (auto ng = shared_file("pcaps/ndr64-ept-map-not-registered-ntlm-alter-context.pcapng")) files.push_back(*ng);
    REQUIRE(is_pcapng(read_file(files[0])));
    for (const auto& path : files)
    {
        const bytes whole = read_file(path);
        const bool ng = is_pcapng(whole);
        for (int round = 0; round < 1000; ++round)
        {
            bytes file = whole;
            // Mostly the file header and the first record headers, where the lengths live.
            const std::size_t last = round % 4 == 0 ? whole.size() - 1 : ng ? 400 : 24 + 16 + 80;
            const std::size_t at = std::uniform_int_distribution<std::size_t>(0, last)(rng);
            const auto value = static_cast<std::byte>(std::uniform_int_distribution<int>(0, 255)(rng));
            // An if_tsresol of 2^-31 or finer overflows libpcap's 64-bit scaling; we scale right.
            if (ng && at >= 4 && file[at - 4] == std::byte{9} && file[at - 2] == std::byte{1}) continue;
            file[at] = value;
            CAPTURE(path.filename().string());
            CAPTURE(at);
            CAPTURE(static_cast<int>(value));
            check_same(read_builtin(file), read_capture_file(file), !ng);
        }
    }
}

TEST_CASE("pcap_reader and libpcap agree on the capture writer's every classic and pcapng variant")
{
    if (!have_libpcap) EPMDUMP_SKIP("no libpcap to compare pcap_reader with here");
    auto frames = sample_frames();
    frames[3].original_length = 1500; // a record cut short by its capturer
    for (bool be : {false, true})
    {
        CAPTURE(be);
        for (bool ns : {false, true})
            for (std::uint32_t snap : {262144u, 0u, 60u, 1000000u})
            {
                CAPTURE(ns);
                CAPTURE(snap);
                for (std::uint8_t minor : {4, 3, 2}) // before 2.3 caplen and len come swapped
                {
                    CAPTURE(static_cast<int>(minor));
                    bytes file = write_pcap(frames, {be, ns, snap, 1});
                    file[be ? 7 : 6] = std::byte{minor};
                    check_same(read_builtin(file), read_capture_file(file), true);
                }
            }
        for (int block : {0, 1, 2})
            for (int link : {1, 101, 276})
            {
                CAPTURE(block);
                CAPTURE(link);
                pcapng_options o;
                o.big_endian = be;
                o.linktype = link;
                o.interfaces = block == 1 ? 1 : 3;
                o.nanosecond = link == 276;
                o.block = static_cast<pcapng_block>(block);
                const bytes file = write_pcapng(frames, o);
                const auto ours = read_builtin(file);
                const auto libpcap = read_capture_file(file);
                if (link == 101 && o.interfaces > 1)
                {
                    // libpcap 1.10 compares a second interface's LINKTYPE_RAW (101) with the
                    // first one's DLT_RAW (12) and refuses the file; we read it.
                    CHECK_FALSE(ours.error);
                    CHECK(ours.records.size() == frames.size());
                    REQUIRE(libpcap.error);
                    CHECK(libpcap.error->message.find("different from the type of the first interface") != std::string::npos);
                    continue;
                }
                check_same(ours, libpcap, false);
            }
    }
}

TEST_CASE("pcapng time stamps follow each interface's if_tsresol and if_tsoffset")
{
    const bytes data = to_bytes("0123456789abcdef");
    pcapng_writer w;
    w.section(false)
        .interface(1, 65535)                                     // default: microseconds
        .interface(1, 65535, std::uint8_t{3})                    // milliseconds
        .interface(1, 65535, std::uint8_t{0x80 | 20})            // 2^-20 s
        .interface(1, 65535, std::uint8_t{9}, std::int64_t{3600}) // nanoseconds, one hour on
        .epb(0, 1'700'000'000'123'456ull, data)
        .epb(1, 1'700'000'000'123ull, data)
        .epb(2, (1'700'000'000ull << 20) | (1u << 19), data)
        .epb(3, 1'700'000'000'123'456'789ull, data);
    const auto r = read_builtin(w.bytes_written());
    REQUIRE_FALSE(r.error);
    REQUIRE(r.records.size() == 4);
    CHECK(r.records[0].timestamp == 1'700'000'000s + 123'456us);
    CHECK(r.records[1].timestamp == 1'700'000'000s + 123ms);
    CHECK(r.records[2].timestamp == 1'700'000'000s + 500ms);
    CHECK(r.records[3].timestamp == 1'700'003'600s + 123'456'789ns);
    if (have_libpcap) check_same(r, read_capture_file(w.bytes_written()), false);
}

TEST_CASE("pcapng blocks other than packets are skipped and offsets name where each read began")
{
    const bytes data = to_bytes("payload!");
    pcapng_writer w;
    w.section(true).other(4, 16).interface(101, 0).other(5, 24).other(0x40000bad, 8).epb(0, 1, data).other(5, 4).epb(0, 2, data);
    const auto r = read_builtin(w.bytes_written());
    REQUIRE_FALSE(r.error);
    CHECK(r.link == capture::link_type::raw); // LINKTYPE_RAW (101) as DLT_RAW
    CHECK(r.snap == 262144);                  // snap length 0 means "no limit"
    REQUIRE(r.records.size() == 2);
    CHECK(r.data[0] == data);
    CHECK(r.records[1].frame_number == 2);
    CHECK(r.records[1].offset > r.records[0].offset);
    if (have_libpcap) check_same(r, read_capture_file(w.bytes_written()), false);
}

TEST_CASE("a new pcapng section restarts interface numbering and may change byte order")
{
    const bytes data = to_bytes("xyz");
    pcapng_writer w;
    w.section(false).interface(1, 65535).interface(1, 65535).epb(1, 10, data);
    w.section(true).interface(1, 65535, std::uint8_t{9}).epb(0, 20, data);
    const auto r = read_builtin(w.bytes_written());
    REQUIRE_FALSE(r.error);
    REQUIRE(r.records.size() == 2);
    CHECK(r.records[0].timestamp == 10us);
    CHECK(r.records[1].timestamp == 20ns);

    // Interface 1 is gone in a section that describes only one.
    pcapng_writer bad;
    bad.section(false).interface(1, 65535).interface(1, 65535).epb(1, 10, data);
    bad.section(false).interface(1, 65535).epb(1, 20, data);
    const auto b = read_builtin(bad.bytes_written());
    CHECK(b.records.size() == 1);
    REQUIRE(b.error);
    CHECK(b.error->message.find("bad record 2") != std::string::npos);
}

TEST_CASE("pcapng files pcap_datalink could not describe are refused, naming the block")
{
    const bytes data = to_bytes("xyz");
    pcapng_writer mixed; // one file, two link types
    mixed.section(false).interface(1, 65535).epb(0, 1, data).interface(113, 65535).epb(1, 2, data);
    const auto m = read_builtin(mixed.bytes_written());
    CHECK(m.records.size() == 1);
    REQUIRE(m.error);
    CHECK(m.error->message.find("link type 113") != std::string::npos);

    pcapng_writer no_interface;
    no_interface.section(false).epb(0, 1, data);
    const auto n = read_builtin(no_interface.bytes_written());
    CHECK_FALSE(n.opened);
    REQUIRE(n.error);
    CHECK(n.error->offset == 28); // the packet block right after the 28-byte section header

    pcapng_writer version;
    version.section(false, 2, 0).interface(1, 65535);
    const auto v = read_builtin(version.bytes_written());
    REQUIRE(v.error);
    CHECK(v.error->message.find("version 2.0") != std::string::npos);

    pcapng_writer resolution;
    resolution.section(false).interface(1, 65535, std::uint8_t{20});
    const auto t = read_builtin(resolution.bytes_written());
    REQUIRE(t.error);
    CHECK(t.error->message.find("if_tsresol 20") != std::string::npos);
}

TEST_CASE("pcap_reader caps memory: absurd record and block lengths are errors, not allocations")
{
    bytes classic = write_pcap(sample_frames(), {false, false, 0xffffffffu, 1});
    classic[24 + 11] = std::byte{0xc0}; // record 1 caplen = 3 GB
    const auto c = read_builtin(classic);
    CHECK(c.records.empty());
    REQUIRE(c.error);
    CHECK(c.error->offset == 24);
    CHECK(c.error->message.find("bad record 1") != std::string::npos);

    pcapng_writer w;
    w.section(false).interface(1, 65535);
    const std::size_t epb = w.bytes_written().size();
    w.epb(0, 1, to_bytes("abcd"));
    bytes ng = w.bytes_written();
    ng[epb + 7] = std::byte{0x7f}; // block total length ~2 GB
    const auto n = read_builtin(ng);
    CHECK(n.records.empty());
    REQUIRE(n.error);
    CHECK(n.error->offset == epb);
    CHECK(n.error->message.find("larger than the maximum") != std::string::npos);
}

TEST_CASE("pcap_reader names empty, foreign and cut files at offset 0")
{
    const auto empty = read_builtin({});
    REQUIRE(empty.error);
    CHECK(empty.error->to_string() == "mem.pcap: at byte offset 0: empty file (0 bytes), not a capture");
    const auto http = read_builtin(to_bytes("GET / HTTP/1.1\r\n\r\n"));
    REQUIRE(http.error);
    CHECK(http.error->to_string().rfind("mem.pcap: at byte offset 0: unknown file format", 0) == 0);
    bytes header = write_pcap(sample_frames());
    header.resize(20);
    const auto cut = read_builtin(header);
    REQUIRE(cut.error);
    CHECK(cut.error->message.find("20 of 24") != std::string::npos);
}

TEST_CASE("pcap_reader names a read error at the start, such as a directory, instead of calling the file empty")
{
#ifdef _WIN32
    EPMDUMP_SKIP("fopen() refuses a directory on Windows: capture_file::open says so before reading");
#else
    std::FILE* f = std::fopen(std::filesystem::temp_directory_path().c_str(), "rb");
    REQUIRE(f != nullptr);
    auto r = capture::pcap_reader::open(f, "dir");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().to_string() == std::string("dir: at byte offset 0: ") + std::strerror(EISDIR));
#endif
}

TEST_CASE("a record longer than the file's snap length is cut to it, as libpcap does")
{
    auto frames = sample_frames();
    bytes file = write_pcap(frames, {false, false, 262144, 1});
    // Lower the header's snap length below the frames' sizes; the records stay whole in the file.
    file[16] = std::byte{40}, file[17] = std::byte{0}, file[18] = std::byte{0}, file[19] = std::byte{0};
    const auto r = read_builtin(file);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.records.size() == frames.size());
    CHECK(r.snap == 40);
    CHECK(r.data[2] == bytes(frames[2].data.begin(), frames[2].data.begin() + 40));
    CHECK(r.records[2].original_length == frames[2].data.size());
    if (have_libpcap) check_same(r, read_capture_file(file), true);
}
