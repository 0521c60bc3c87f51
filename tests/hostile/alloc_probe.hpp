#pragma once
// Watches the heap of the calling thread while it is alive (the client runs its io_context on
// the test's thread; the scripted server has its own and is not counted). The test binary
// replaces the global operator new/delete to do it (alloc_probe.cpp).
#include <cstddef>

namespace epmdump::test {

class alloc_probe
{
public:
    alloc_probe();
    ~alloc_probe();
    alloc_probe(const alloc_probe&) = delete;
    alloc_probe& operator=(const alloc_probe&) = delete;

    std::size_t largest() const noexcept;   // the biggest single allocation, in bytes
    std::size_t peak_live() const noexcept; // most bytes held at once (0 where it cannot tell)
};

} // namespace epmdump::test
