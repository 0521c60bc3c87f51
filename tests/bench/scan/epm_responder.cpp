// A fast endpoint-mapper responder for the scan benchmark: one thread, epoll, listening on
// COUNT consecutive loopback addresses from FIRST (127.1.0.1, 127.1.0.2, ...), each one a
// "host" that serves the table of a real ept_lookup response (the largest in CAPTURE).
//
//   epm_responder [--first 127.1.0.1] [--count N] [--port 135] [--style samba|windows]
//                 [--seconds LIMIT] CAPTURE
//
// Prints "ready N" on stdout once every address listens, and one line of counters and its own
// CPU time when it ends: after LIMIT seconds (default 900), or on SIGINT/SIGTERM.
#include "../support/captured_conversation.hpp"
#include "../support/captured_lookup.hpp"
#include "table_server.hpp"

#include <epmdump/dcerpc/pdu_framer.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace epmdump;

// What an epoll event points at.
struct watched
{
    enum kind_t : std::uint8_t { listener, connection, signals } kind;
    int fd = -1;
};

struct connection final : watched
{
    bench::connection_state state;
    std::vector<std::byte> in;
    std::vector<std::byte> out;
    std::size_t sent = 0;
    bool want_write = false;
};

struct stats
{
    std::uint64_t accepted = 0, closed_by_peer = 0, dropped = 0, accept_errors = 0;
};

[[noreturn]] void fail(const std::string& what)
{
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

class responder
{
public:
    responder(bench::table_server& server) : server_(server)
    {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        if (epoll_ < 0) fail("epoll_create1");
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        signal_.kind = watched::signals;
        signal_.fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        if (signal_.fd < 0) fail("signalfd");
        watch(&signal_, EPOLLIN);
    }

    void listen_on(in_addr_t host_order, std::uint16_t port)
    {
        auto l = std::make_unique<watched>(watched{watched::listener, socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)});
        if (l->fd < 0) fail("socket");
        const int one = 1;
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(host_order);
        if (bind(l->fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        {
            char text[INET_ADDRSTRLEN];
            fail(std::string("bind ") + inet_ntop(AF_INET, &a.sin_addr, text, sizeof text) + ":" + std::to_string(port));
        }
        if (listen(l->fd, 1024) < 0) fail("listen");
        watch(l.get(), EPOLLIN);
        listeners_.push_back(std::move(l));
    }

    // Serves until the deadline or a signal.
    void run(std::chrono::steady_clock::time_point deadline)
    {
        std::vector<epoll_event> events(256);
        while (std::chrono::steady_clock::now() < deadline)
        {
            const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 200);
            if (n < 0 && errno != EINTR) fail("epoll_wait");
            for (int i = 0; i < n; ++i)
            {
                auto* w = static_cast<watched*>(events[static_cast<std::size_t>(i)].data.ptr);
                if (w->kind == watched::signals) return;
                if (w->kind == watched::listener) accept_all(w->fd);
                else serve(static_cast<connection*>(w), events[static_cast<std::size_t>(i)].events);
            }
        }
    }

    const stats& counters() const noexcept { return stats_; }
    std::size_t listeners() const noexcept { return listeners_.size(); }

private:
    void watch(watched* w, std::uint32_t events)
    {
        epoll_event e{};
        e.events = events;
        e.data.ptr = w;
        if (epoll_ctl(epoll_, EPOLL_CTL_ADD, w->fd, &e) < 0) fail("epoll_ctl");
    }

    void accept_all(int lfd)
    {
        for (;;)
        {
            const int fd = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
            {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++stats_.accept_errors;
                return;
            }
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto* c = new connection;
            c->kind = watched::connection;
            c->fd = fd;
            watch(c, EPOLLIN);
            ++stats_.accepted;
        }
    }

    void close_connection(connection* c)
    {
        ::close(c->fd); // also leaves the epoll set
        delete c;
    }

    void serve(connection* c, std::uint32_t events)
    {
        if (events & EPOLLIN)
        {
            std::byte buf[16384];
            const auto n = ::read(c->fd, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            {
                ++stats_.closed_by_peer;
                return close_connection(c);
            }
            if (n > 0) c->in.insert(c->in.end(), buf, buf + n);
            std::size_t used = 0;
            for (;;)
            {
                auto f = dcerpc::frame_at(std::span(c->in).subspan(used), 65535);
                if (!f)
                {
                    ++stats_.dropped;
                    return close_connection(c);
                }
                if (!*f) break;
                if (!server_.on_pdu(c->state, (*f)->header, (*f)->bytes, c->out))
                {
                    ++stats_.dropped;
                    return close_connection(c);
                }
                used += (*f)->bytes.size();
            }
            c->in.erase(c->in.begin(), c->in.begin() + static_cast<std::ptrdiff_t>(used));
        }
        while (c->sent < c->out.size())
        {
            const auto n = ::send(c->fd, c->out.data() + c->sent, c->out.size() - c->sent, MSG_NOSIGNAL);
            if (n < 0)
            {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                ++stats_.dropped;
                return close_connection(c);
            }
            c->sent += static_cast<std::size_t>(n);
        }
        if (c->sent == c->out.size()) c->out.clear(), c->sent = 0;
        const bool want_write = !c->out.empty();
        if (want_write != c->want_write)
        {
            epoll_event e{};
            e.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
            e.data.ptr = c;
            epoll_ctl(epoll_, EPOLL_CTL_MOD, c->fd, &e);
            c->want_write = want_write;
        }
    }

    bench::table_server& server_;
    int epoll_ = -1;
    watched signal_{};
    std::vector<std::unique_ptr<watched>> listeners_;
    stats stats_;
};

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

} // namespace

int main(int argc, char** argv)
try
{
    std::string first = "127.1.0.1", capture, style = "samba";
    unsigned long count = 1000, port = 135;
    double seconds = 900;
    for (int i = 1; i < argc; ++i)
    {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--first" && has_value) first = argv[++i];
        else if (a == "--count" && has_value) count = std::stoul(argv[++i]);
        else if (a == "--port" && has_value) port = std::stoul(argv[++i]);
        else if (a == "--style" && has_value) style = argv[++i];
        else if (a == "--seconds" && has_value) seconds = std::stod(argv[++i]);
        else if (!a.empty() && a[0] != '-' && capture.empty()) capture = a;
        else
        {
            std::cerr << "usage: epm_responder [--first 127.1.0.1] [--count N] [--port 135] [--style samba|windows] [--seconds LIMIT] CAPTURE\n";
            return 2;
        }
    }
    in_addr start{};
    if (capture.empty() || inet_pton(AF_INET, first.c_str(), &start) != 1 || (ntohl(start.s_addr) >> 24) != 127 ||
        (style != "samba" && style != "windows") || port == 0 || port > 65535 || count == 0 ||
        (ntohl(start.s_addr) & 0xffffff) + count > 0xffffff)
    {
        std::cerr << "epm_responder: needs a capture, a 127.x.y.z first address (loopback only), a style and a count\n";
        return 2;
    }
    // One descriptor per listener plus the connections in flight.
    rlimit nofile{};
    getrlimit(RLIMIT_NOFILE, &nofile);
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);

    auto table = bench::largest_lookup(bench::read_conversation(capture), capture).response.entries;
    bench::table_server server(std::move(table), style == "samba" ? bench::table_style::samba : bench::table_style::windows);
    responder r(server);
    for (unsigned long i = 0; i < count; ++i) r.listen_on(ntohl(start.s_addr) + static_cast<in_addr_t>(i), static_cast<std::uint16_t>(port));
    std::cout << "ready " << r.listeners() << " listeners, " << server.table_size() << " entries, " << style << " style" << std::endl;

    r.run(std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds)));

    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const auto& s = r.counters();
    const auto& k = server.counters();
    std::cout << "served: " << s.accepted << " connections, " << k.binds << " binds, " << k.lookups << " lookups, "
              << k.handle_frees << " handle frees, " << k.faults << " faults, " << k.encodes << " encodes, "
              << s.dropped << " dropped, " << s.accept_errors << " accept errors; CPU "
              << seconds_of(ru.ru_utime) + seconds_of(ru.ru_stime) << " s, peak RSS " << ru.ru_maxrss / 1024 << " MiB" << std::endl;
    return 0;
}
catch (const std::exception& e)
{
    std::cerr << "epm_responder: " << e.what() << '\n';
    return 1;
}
