#pragma once
// A stream_handler that keeps everything it is given, for assertions.
#include <epmdump/capture/tcp_reassembler.hpp>

#include "capture_builder.hpp"

#include <map>
#include <string>
#include <vector>

namespace epmdump::test {

struct collected_connection
{
    capture::tcp_connection info; // final, as on_close gave it
    std::string data[2];          // per direction, as text
    std::vector<std::uint64_t> gaps[2];
    bool opened = false;
    bool closed = false;
};

class stream_collector final : public capture::stream_handler
{
public:
    std::map<std::uint64_t, collected_connection> connections;
    std::uint64_t drop_after_bytes = ~std::uint64_t{0}; // ask for drop once this much arrived
    bool say_ended = false;                              // ended() answers this for every connection

    void on_open(const capture::tcp_connection& c) override
    {
        connections[c.id].opened = true;
        connections[c.id].info = c;
    }
    capture::stream_interest on_data(const capture::tcp_connection& c, const capture::stream_chunk& chunk) override
    {
        auto& s = connections[c.id].data[static_cast<int>(chunk.direction)];
        // Chunks come in stream order with no overlap.
        if (chunk.offset != s.size()) throw std::logic_error("chunk offset out of order");
        for (std::byte b : chunk.bytes) s.push_back(static_cast<char>(b));
        return s.size() >= drop_after_bytes ? capture::stream_interest::drop : capture::stream_interest::keep;
    }
    void on_gap(const capture::tcp_connection& c, capture::flow_direction d, std::uint64_t offset) override
    {
        connections[c.id].gaps[static_cast<int>(d)].push_back(offset);
    }
    bool ended(const capture::tcp_connection&) override { return say_ended; }
    void on_close(const capture::tcp_connection& c) override
    {
        connections[c.id].info = c;
        connections[c.id].closed = true;
    }

    const collected_connection& only() const
    {
        if (connections.size() != 1) throw std::logic_error("expected exactly one connection");
        return connections.begin()->second;
    }
};

inline const std::string& client_text(const collected_connection& c) { return c.data[0]; }
inline const std::string& server_text(const collected_connection& c) { return c.data[1]; }

} // namespace epmdump::test
