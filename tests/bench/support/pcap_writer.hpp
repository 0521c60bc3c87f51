#pragma once
// Writes classic pcap files (Ethernet, IPv4, TCP) of whole TCP conversations, so that tshark and
// `epmdump replay` can be fed exactly the bytes a benchmark decodes in process.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

namespace epmdump::bench {

struct tcp_chunk
{
    bool from_server = false;
    std::span<const std::byte> payload; // sent as one segment
};

class pcap_writer
{
public:
    // Throws std::runtime_error when the file cannot be created.
    explicit pcap_writer(const std::filesystem::path& path);

    // SYN, SYN-ACK, ACK, one segment per chunk (each acknowledged by the peer's next segment),
    // FIN, FIN, ACK. Addresses are IPv4 in host order.
    void conversation(std::uint32_t client_ip, std::uint16_t client_port, std::uint32_t server_ip,
                      std::uint16_t server_port, std::span<const tcp_chunk> chunks);

    std::uint64_t frames() const noexcept { return frames_; }
    std::uint64_t bytes() const noexcept { return bytes_; }
    void flush() { out_.flush(); }

private:
    void segment(bool from_server, std::uint8_t flags, std::span<const std::byte> payload);

    std::ofstream out_;
    std::vector<unsigned char> frame_;
    std::uint64_t frames_ = 0;
    std::uint64_t bytes_ = 0;
    // The conversation being written.
    std::uint32_t ip_[2]{};
    std::uint16_t port_[2]{};
    std::uint32_t seq_[2]{};
};

} // namespace epmdump::bench
