// The epmdump executable where Windows differs: it runs (under Wine in CI) against a loopback
// endpoint mapper, Winsock's error codes come out as the same failure kinds as on Linux, and
// it writes the same bytes on both (no text-mode "\r\n" doubling).
#include "support/scripted_server.hpp"
#include "support/run_command.hpp"
#include "support/test_files.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#ifdef _WIN32
#include <windows.h> // after Asio, which wants winsock2.h first
#endif

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace epmdump;

namespace {

struct run_result
{
    int status = -1;
    std::string out; // stdout only, byte for byte
};

// Runs epmdump through the shell; stdout is read in binary mode so that nothing is translated.
run_result run(const std::string& args)
{
#ifdef _WIN32
    const auto c = test::run_epmdump(EPMDUMP_EXE, args, "2>NUL");
#else
    const auto c = test::run_epmdump(EPMDUMP_EXE, args, "2>/dev/null");
#endif
    return {c.status, c.out};
}

std::string pcap(const std::string& name) { return test::project_pcap(name).make_preferred().string(); }

std::size_t count(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

// A loopback port nobody listens on: bound, then closed again.
std::uint16_t closed_port()
{
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

bool under_wine()
{
#ifdef _WIN32
    // Wine's ntdll exports wine_get_version; Windows' does not.
    const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
    return false;
#endif
}

nlohmann::json only_line(const std::string& out)
{
    REQUIRE(count(out, "\n") == 1);
    return nlohmann::json::parse(out);
}

} // namespace

TEST_CASE("epmdump enumerates a loopback endpoint mapper: every entry, exit status 0")
{
    test::server_script script;
    script.entries = test::sample_entries(53);
    test::scripted_server server(script);
    const auto r = run("--format json -q 127.0.0.1:" + std::to_string(server.port()));
    CHECK(r.status == 0);
    const auto j = only_line(r.out);
    CHECK(j["status"] == "ok");
    REQUIRE(j["entries"].is_array());
    CHECK(j["entries"].size() == 53);
    CHECK(server.log().lookups >= 1);
}

TEST_CASE("a target list saved on Windows (CR LF lines) reads as on Linux")
{
    test::server_script script;
    script.entries = test::sample_entries(5);
    test::scripted_server server(script);
    auto list = std::filesystem::path(EPMDUMP_BINARY_DIR) / "platform-tests" / "targets-crlf.txt";
    std::filesystem::create_directories(list.parent_path());
    {
        std::ofstream out(list, std::ios::binary);
        out << "# loopback only\r\n127.0.0.1:" << server.port() << "\r\n\r\n";
    }
    const auto r = run("--format json -q -iL " + list.make_preferred().string());
    CHECK(r.status == 0);
    CHECK(only_line(r.out)["entries"].size() == 5);
}

TEST_CASE("a closed loopback port is reported as refused, as on every platform")
{
    const auto r = run("--format json -q 127.0.0.1:" + std::to_string(closed_port()));
    CHECK(r.status == 1);
    const auto j = only_line(r.out);
    CHECK(j["error"]["kind"] == "refused");
}

// Part of the bind_ack, then the connection ends: gracefully (FIN) or abortively (RST).
test::server_script cut_bind_ack(bool abortive)
{
    test::server_script script;
    script.entries = test::sample_entries(3);
    script.tamper = [abortive](const dcerpc::message&, std::vector<std::byte> answer, int index) {
        if (index != 0) return test::wire_plan{test::wire_step::write(std::move(answer))};
        answer.resize(20);
        return test::wire_plan{test::wire_step::write(std::move(answer)),
                               test::wire_step::pause(std::chrono::milliseconds(50)),
                               abortive ? test::wire_step::reset() : test::wire_step::close()};
    };
    return script;
}

TEST_CASE("a server that closes in the middle of the bind_ack is reported as reset, as on every platform")
{
    test::scripted_server server(cut_bind_ack(false));
    const auto r = run("--format json -q --timeout 3 127.0.0.1:" + std::to_string(server.port()));
    CHECK(r.status == 1);
    CHECK(only_line(r.out)["error"]["kind"] == "reset");
}

TEST_CASE("a server that resets in the middle of the bind_ack is reported as reset (ECONNRESET, WSAECONNRESET)")
{
    // Wine 8 delivers no RST from an abortive close in another process: the client just waits.
    if (under_wine()) EPMDUMP_SKIP("Wine does not pass an abortive close to another process");
    test::scripted_server server(cut_bind_ack(true));
    const auto r = run("--format json -q --timeout 3 127.0.0.1:" + std::to_string(server.port()));
    CHECK(r.status == 1);
    CHECK(only_line(r.out)["error"]["kind"] == "reset");
}

TEST_CASE("epmdump's line ends: CSV rows in one CR LF and JSON Lines in LF everywhere, the text formats in CR LF on Windows")
{
    const auto csv = run("replay --format csv " + pcap("samba-ad-dc-rpcdump.pcap"));
    CHECK(csv.status == 0);
    CHECK(count(csv.out, "\r\n") == 54); // the header and 53 entries
    CHECK(count(csv.out, "\r\r") == 0);
    CHECK(count(csv.out, "\n") == 54);
    for (const char* format : {"rpcdump", "impacket", "json"})
    {
        CAPTURE(format);
        const auto r = run(std::string("replay --format ") + format + " " + pcap("samba-ad-dc-rpcdump.pcap"));
        CHECK(r.status == 0);
        CHECK(count(r.out, "\n") > 0);
        CHECK(count(r.out, "\r\r") == 0);
#ifdef _WIN32
        // Notepad before Windows Server 2019 needs CR LF; JSON Lines stays LF for scripts.
        const std::size_t want = std::string_view(format) == "json" ? 0 : count(r.out, "\n");
#else
        const std::size_t want = 0;
#endif
        CHECK(count(r.out, "\r\n") == want);
        CHECK(count(r.out, "\r") == want);
    }
}

TEST_CASE("epmdump --version prints the project's version")
{
    const auto r = run("--version");
    CHECK(r.status == 0);
    CHECK(r.out == std::string("epmdump ") + EPMDUMP_PROJECT_VERSION + "\n");
}
