// Global operator new/delete for the hostile tests: counts what the probing thread allocates.
// Only the plain forms are replaced; the aligned ones keep the library's own pair.
#include "alloc_probe.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

#if defined(__GLIBC__)
#include <malloc.h>
#define EPMDUMP_USABLE_SIZE(p) malloc_usable_size(p)
#else
#define EPMDUMP_USABLE_SIZE(p) std::size_t{0}
#endif

namespace {

struct thread_counts
{
    bool on = false;
    std::size_t largest = 0;
    std::size_t live = 0;
    std::size_t peak = 0;
};

thread_local thread_counts counts;

void* allocate(std::size_t n)
{
    void* p = std::malloc(n == 0 ? 1 : n);
    if (!p) throw std::bad_alloc();
    if (counts.on)
    {
        counts.largest = std::max(counts.largest, n);
        counts.live += EPMDUMP_USABLE_SIZE(p);
        counts.peak = std::max(counts.peak, counts.live);
    }
    return p;
}

void release(void* p) noexcept
{
    if (!p) return;
    if (counts.on)
    {
        // Blocks from before the probe started may be freed under it: never go below zero.
        const std::size_t n = EPMDUMP_USABLE_SIZE(p);
        counts.live = counts.live > n ? counts.live - n : 0;
    }
    std::free(p);
}

} // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept
{
    try { return allocate(n); } catch (...) { return nullptr; }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept
{
    try { return allocate(n); } catch (...) { return nullptr; }
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }

namespace epmdump::test {

alloc_probe::alloc_probe() { counts = thread_counts{true, 0, 0, 0}; }
alloc_probe::~alloc_probe() { counts.on = false; }
std::size_t alloc_probe::largest() const noexcept { return counts.largest; }
std::size_t alloc_probe::peak_live() const noexcept { return counts.peak; }

} // namespace epmdump::test
