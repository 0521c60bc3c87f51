#pragma once
// `epmdump probe` over many hosts and ports on one io_context: host x port work items, started
// one at a time as a slot frees, so `1024-65535` over a /24 holds a few counters per host, never
// the items themselves. Bounded by a global and a per-host number of probes in flight and an
// optional rate of probe starts. With `registered`, each host's endpoint mapper is enumerated
// first and every ncacn_ip_tcp port it registers is probed and compared with the registration.
//
// Executor rules are the scanner's (scanner.hpp): one handler at a time, no lock; run(), stop()
// and summary() are called on the executor; the source and the result callback run on it too.
#include <epmdump/client/connection.hpp>
#include <epmdump/client/port_list.hpp>
#include <epmdump/client/probe.hpp>
#include <epmdump/client/target.hpp>
#include <epmdump/epm/probe_report.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace epmdump::client {

// One host and what to ask it.
struct probe_job
{
    target host;             // a name or an IP literal; host.port is the endpoint mapper's (0: 135)
    port_list ports;         // probed in ascending order
    bool registered = false; // also every ncacn_ip_tcp port the host's mapper registers (probed first)
};

struct probe_scan_options
{
    std::size_t concurrency = 64; // probes (and mapper enumerations) in flight over all hosts
    std::size_t per_host = 8;     // ... on one host
    double rate = 0;              // probes started per second over all hosts; 0: no limit
    probe_options probe;          // each port; probe.base also serves the mapper's enumeration
};

struct probe_scan_summary
{
    std::uint64_t hosts_started = 0;
    std::uint64_t hosts_failed = 0;  // a name that did not resolve, a mapper that could not be enumerated
    std::uint64_t ports_started = 0;
    std::uint64_t ports_finished = 0; // reported with their state (cancelled ones not counted)
    std::uint64_t ports_error = 0;    // ... of which state error
    std::uint64_t ports_cancelled = 0;
    std::uint64_t ports_known = 0;    // ports to probe, as far as the hosts started so far say
    bool stopped = false;
};

// async_probe_port's shape: the scan's prober (tests and embedders may wrap it).
using port_prober = std::function<boost::asio::awaitable<epm::port_probe>(
    std::string target, std::string address, std::uint16_t port, probe_options options,
    std::chrono::steady_clock::time_point deadline, std::shared_ptr<abort_group> group)>;

class probe_scanner
{
public:
    using async_source_fn = std::function<boost::asio::awaitable<std::optional<probe_job>>()>;
    using result_fn = std::function<void(epm::probe_report&&)>;

    // Probes with async_probe_port (probe_scan_live.cpp, apart so a test of the scheduling
    // alone links without the prober).
    probe_scanner(boost::asio::any_io_executor ex, probe_scan_options options);
    // Probes with `prober` (a wrapper that counts or filters, or another prober).
    probe_scanner(boost::asio::any_io_executor ex, probe_scan_options options, port_prober prober);

    // Pulls hosts until the source is empty (or stop()), and reports every port it started
    // (at stop(), those in flight as state error, kind cancelled) and every host that failed.
    // Rethrows what a result callback threw, after stopping everything else.
    boost::asio::awaitable<probe_scan_summary> run(async_source_fn source, result_fn on_result);

    // Takes no more hosts or ports and aborts what is in flight (call on the executor).
    void stop();
    const probe_scan_summary& summary() const noexcept { return summary_; }
    std::size_t in_flight() const noexcept { return in_flight_; }

private:
    struct host_state;
    boost::asio::awaitable<void> host(probe_job job, result_fn& on_result);
    // `registered_port`: a port the mapper lists for ncacn_ip_tcp, probed over plain TCP whatever
    // transport reached the mapper (ncacn_http's banner and SMB are the mapper's, not the port's).
    boost::asio::awaitable<void> probe_one(std::shared_ptr<host_state> h, std::uint16_t port, bool registered_port,
                                           result_fn& on_result);
    boost::asio::awaitable<bool> acquire(host_state& h);
    void release(host_state& h);
    void report(epm::probe_report&& r, result_fn& on_result);

    boost::asio::any_io_executor ex_;
    probe_scan_options options_;
    port_prober prober_;
    std::shared_ptr<abort_group> group_;
    boost::asio::steady_timer slot_; // waiters for a global or per-host slot sleep here
    std::chrono::steady_clock::time_point next_start_{};
    std::size_t in_flight_ = 0;
    std::size_t hosts_in_flight_ = 0;
    std::exception_ptr first_error_;
    probe_scan_summary summary_;
};

} // namespace epmdump::client
