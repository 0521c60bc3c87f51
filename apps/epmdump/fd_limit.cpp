#include "fd_limit.hpp"

#ifndef _WIN32
#include <fcntl.h>
#include <sys/resource.h>
#endif

#include <algorithm>

namespace epmdump::app {

#ifndef _WIN32
namespace {

// Descriptors already open below the limit (inherited ones too): only the free numbers count.
rlim_t open_below(rlim_t limit)
{
    rlim_t n = 0;
    const int top = static_cast<int>(std::min<rlim_t>(limit, 65536));
    for (int fd = 0; fd < top; ++fd)
        if (fcntl(fd, F_GETFD) != -1) ++n;
    return n;
}

} // namespace
#endif

concurrency_fit fit_concurrency_to_descriptors(std::size_t wanted, std::size_t sockets_per_host)
{
    concurrency_fit fit{wanted, {}};
#ifndef _WIN32
    // stdio, the output file, a name lookup's resolver sockets, the signal pipe and the
    // io_context's own descriptors: a generous reserve, so a lookup never meets EMFILE either.
    constexpr rlim_t reserve = 32;
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return fit;
    const rlim_t needed = static_cast<rlim_t>(wanted) * sockets_per_host + reserve + open_below(lim.rlim_cur);
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < needed)
    {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? needed : std::min(needed, lim.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= needed) return fit;
    const rlim_t taken = reserve + open_below(lim.rlim_cur);
    const rlim_t usable = lim.rlim_cur > taken + sockets_per_host ? (lim.rlim_cur - taken) / sockets_per_host : 1;
    fit.concurrency = std::max<std::size_t>(1, static_cast<std::size_t>(usable));
    fit.notice = "concurrency lowered from " + std::to_string(wanted) + " to " + std::to_string(fit.concurrency) +
                 ": the open-file limit is " + std::to_string(lim.rlim_cur) + " (" + std::to_string(taken - reserve) +
                 " already open, hard limit " +
                 (lim.rlim_max == RLIM_INFINITY ? std::string("unlimited") : std::to_string(lim.rlim_max)) +
                 "; raise it with ulimit -n)";
#else
    (void)sockets_per_host;
#endif
    return fit;
}

} // namespace epmdump::app
