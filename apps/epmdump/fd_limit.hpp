#pragma once
// Each host in flight holds a socket: a concurrency above the open-file limit would turn our own
// shortage of descriptors into thousands of false host failures.
#include <cstddef>
#include <string>

namespace epmdump::app {

struct concurrency_fit
{
    std::size_t concurrency = 0; // what the descriptors allow, at most what was asked
    std::string notice;          // why it was lowered; empty when it was not
};

// Raises the soft RLIMIT_NOFILE toward the hard limit as far as `wanted` hosts need, then caps
// `wanted` to what the limit leaves after a reserve for everything else the process opens.
// Windows has no such per-process limit on sockets: `wanted` is returned as it is.
concurrency_fit fit_concurrency_to_descriptors(std::size_t wanted, std::size_t sockets_per_host);

} // namespace epmdump::app
