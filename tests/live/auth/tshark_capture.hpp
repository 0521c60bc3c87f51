#pragma once
// Capture evidence for the live authentication tests: tshark on the host side of the AD DC
// peer's veth (sambaepm-h) while a test runs, then tshark's own dissection of what it recorded,
// per TCP stream (dcerpc.auth_type / auth_level of the bind, the verifier on every request).
// The peer is shared with other test runs: a test picks its own streams by the time they start
// and by what they carry.
#include "e2e/run_process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace epmdump::test {

inline bool have_interface(const std::string& name) { return std::filesystem::exists("/sys/class/net/" + name); }
inline bool have_tshark() { return std::filesystem::exists("/usr/bin/tshark"); }

inline double now_epoch()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One TCP connect to address:135, closed at once: the packets that tell us tshark is recording.
// Returns the local port (0 when there was none).
inline std::uint16_t touch_port_135(const std::string& address)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(135);
    ::inet_pton(AF_INET, address.c_str(), &to.sin_addr);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    sockaddr_in local{};
    socklen_t length = sizeof local;
    const bool named = ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0;
    ::close(fd);
    return named ? ntohs(local.sin_port) : 0;
}

// tshark -i IFACE -f 'tcp port 135' -w FILE, from start() until stop(). -P prints a line per packet
// while writing: start() returns once a connect of its own has been seen, so nothing the test
// sends afterwards is lost to tshark's start-up (its "Capturing on" comes before the filter works).
class tshark_capture
{
public:
    tshark_capture(std::string interface, std::string address, std::filesystem::path file)
        : interface_(std::move(interface)), address_(std::move(address)), file_(std::move(file))
    {
    }
    tshark_capture(const tshark_capture&) = delete;
    tshark_capture& operator=(const tshark_capture&) = delete;
    ~tshark_capture() { stop(); }

    bool start()
    {
        if (!launch()) return false;
        return sync();
    }

    // Makes a connect of our own and waits (10 s at most) until tshark has dissected it: every
    // packet before it is then in the file. tshark handles packets a while after they arrive,
    // and a SIGINT right after the test's traffic would lose its end.
    bool sync()
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::vector<std::string> marks;
        while (std::chrono::steady_clock::now() < deadline)
        {
            // tshark prints "41234 → 135 [SYN]" (or "->" outside a UTF-8 locale) for our connect.
            const auto port = std::to_string(touch_port_135(address_));
            marks.push_back(port + " \xe2\x86\x92 135 [");
            marks.push_back(port + " -> 135 [");
            pollfd p{output_, POLLIN, 0};
            if (::poll(&p, 1, 200) > 0)
            {
                char buf[4096];
                const auto n = ::read(output_, buf, sizeof buf);
                if (n <= 0) break;
                seen_.append(buf, static_cast<std::size_t>(n));
                for (const auto& m : marks)
                    if (seen_.find(m) != std::string::npos) return true;
            }
        }
        log_ = seen_;
        return false;
    }

private:
    bool launch()
    {
        int out[2];
        if (::pipe(out) != 0) return false;
        pid_ = ::fork();
        if (pid_ == 0)
        {
            ::dup2(out[1], 1);
            ::dup2(out[1], 2);
            ::close(out[0]);
            ::close(out[1]);
            ::execl("/usr/bin/tshark", "tshark", "-l", "-P", "-i", interface_.c_str(), "-f", "tcp port 135", "-F",
                    "pcap", "-w", file_.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        output_ = out[0];
        return pid_ > 0;
    }

public:
    // Ends tshark (SIGINT: it finishes the file) and waits for it; sync() first keeps every
    // packet the test caused.
    void stop()
    {
        if (pid_ <= 0) return;
        sync();
        ::kill(pid_, SIGINT);
        // Drain what it still prints (a busy veth fills the pipe, and a blocked tshark never
        // exits), 10 s at most, then make sure it is gone.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (output_ >= 0 && std::chrono::steady_clock::now() < deadline)
        {
            pollfd p{output_, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) continue;
            char buf[4096];
            if (::read(output_, buf, sizeof buf) <= 0) break;
        }
        if (::waitpid(pid_, nullptr, WNOHANG) == 0) ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        if (output_ >= 0) ::close(output_);
        output_ = -1;
    }

    const std::filesystem::path& file() const { return file_; }
    const std::string& log() const { return log_; }

private:
    std::string interface_;
    std::string address_;
    std::filesystem::path file_;
    pid_t pid_ = -1;
    int output_ = -1;
    std::string log_;
    std::string seen_; // what tshark printed so far
};

// What tshark's dissection says about one TCP stream to port 135.
struct rpc_stream
{
    double first_time = 0;
    std::set<std::pair<int, int>> bind_auth;    // (auth_type, auth_level) of bind / alter_context PDUs
    std::set<std::string> ntlm_users;           // NTLMSSP AUTHENTICATE user names
    std::set<std::string> spnego_mechs;         // SPNEGO mechTypes offered and supportedMech chosen (OIDs)
    int spnego_mics = 0;                        // SPNEGO mechListMICs (ours and the server's)
    int requests = 0;                           // request PDUs
    int signed_requests = 0;                    // with a verifier (auth_len > 0)
    int sealed_requests = 0;                    // whose stub tshark calls encrypted
    std::set<int> request_levels;               // auth_level of the requests' verifiers
    int responses = 0;
    int faults = 0;
    std::set<std::string> fault_statuses;
};

inline std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

// tshark -r FILE, one line per DCE/RPC frame; a frame holding several PDUs lists each field's
// values comma-separated, which is enough here: every count is per PDU type.
inline std::map<int, rpc_stream> dissect(const std::filesystem::path& file, std::string* diagnostics = nullptr)
{
    const auto r = run_process("/usr/bin/tshark",
                               {"-r", file.string(), "-Y", "dcerpc", "-T", "fields", "-E", "separator=|", "-E",
                                "occurrence=a", "-E", "aggregator=,", "-e", "tcp.stream", "-e", "frame.time_epoch", "-e",
                                "dcerpc.pkt_type", "-e", "dcerpc.auth_type", "-e", "dcerpc.auth_level", "-e",
                                "dcerpc.cn_auth_len", "-e", "dcerpc.encrypted_stub_data", "-e", "ntlmssp.auth.username",
                                "-e", "dcerpc.cn_status", "-e", "spnego.MechType", "-e", "spnego.supportedMech", "-e",
                                "spnego.mechListMIC"},
                               {}, std::nullopt, std::chrono::seconds(60));
    if (diagnostics != nullptr)
        *diagnostics = "tshark -r: exit " + std::to_string(r.exit_code) + ", " + std::to_string(std::filesystem::exists(file) ? std::filesystem::file_size(file) : 0) +
                       " bytes read, " + r.err;
    std::map<int, rpc_stream> streams;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
    {
        const auto f = split(line, '|');
        if (f.size() < 9 || f[0].empty()) continue;
        auto& s = streams[std::stoi(f[0])];
        if (s.first_time == 0) s.first_time = std::stod(f[1]);
        const auto types = split(f[2], ',');
        const auto auth_types = split(f[3], ',');
        const auto levels = split(f[4], ',');
        const auto auth_lengths = split(f[5], ',');
        for (std::size_t i = 0; i < types.size(); ++i)
        {
            const int type = std::stoi(types[i]);
            const bool has_auth = i < auth_lengths.size() && !auth_lengths[i].empty() && std::stoi(auth_lengths[i]) > 0;
            if ((type == 11 || type == 14) && has_auth && !auth_types.empty() && !levels.empty())
                s.bind_auth.insert({std::stoi(auth_types.front()), std::stoi(levels.front())});
            if (type == 0)
            {
                ++s.requests;
                if (has_auth) ++s.signed_requests;
                if (!f[6].empty()) ++s.sealed_requests;
                if (has_auth && !levels.empty()) s.request_levels.insert(std::stoi(levels.back()));
            }
            if (type == 2) ++s.responses;
            if (type == 3)
            {
                ++s.faults;
                s.fault_statuses.insert(f[8]);
            }
        }
        if (!f[7].empty()) s.ntlm_users.insert(f[7]);
        for (std::size_t k = 9; k < 11 && k < f.size(); ++k)
            for (const auto& oid : split(f[k], ','))
                if (!oid.empty()) s.spnego_mechs.insert(oid);
        if (f.size() > 11 && !f[11].empty()) s.spnego_mics += static_cast<int>(split(f[11], ',').size());
    }
    return streams;
}

} // namespace epmdump::test
