#pragma once
// Test-side capture writer: builds IPv4/IPv6 TCP packets, wraps them in any link layer we
// decode, and writes classic pcap (either byte order, µs or ns) or pcapng (either section
// byte order, several interfaces, EPB/SPB/OPB). Used by tests/unit/capture and tests/replay.
#include "support/test_files.hpp" // to_bytes

#include <epmdump/capture/ip_address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace epmdump::test {

using bytes = std::vector<std::byte>;

capture::ip_address ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
capture::ip_address ipv6(std::string_view text); // "2001:db8::1" only with one "::"

struct tcp_packet_spec
{
    capture::ip_address src;
    capture::ip_address dst;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0x18; // PSH|ACK
    bytes payload;
};

// IPv4 or IPv6 (by the address family) + TCP, no options. `ipv6_ext` adds a
// hop-by-hop and a destination-options header before TCP.
bytes build_ip_tcp(const tcp_packet_spec& p, bool ipv6_ext = false);

enum class link_wrap : std::uint8_t
{
    ethernet,
    ethernet_vlan, // one 802.1Q tag
    ethernet_qinq, // 802.1ad + 802.1Q
    linux_sll,
    linux_sll2,
    null_le,       // DLT_NULL written by a little-endian host
    null_be,       // DLT_NULL written by a big-endian host
    loop,          // DLT_LOOP, network order
    raw,           // DLT_RAW / LINKTYPE_RAW
};

int dlt_of(link_wrap w);     // what pcap_datalink() reports for the file
int linktype_of(link_wrap w); // what the file header carries
bytes wrap(link_wrap w, const bytes& ip_packet);

struct frame
{
    bytes data;
    std::chrono::nanoseconds timestamp{};
    std::uint32_t original_length = 0; // 0 = data.size()
};

struct pcap_options
{
    bool big_endian = false;
    bool nanosecond = false;
    std::uint32_t snap_length = 262144;
    int linktype = 1;
};
bytes write_pcap(const std::vector<frame>& frames, const pcap_options& o = {});

enum class pcapng_block : std::uint8_t { epb, spb, opb };
struct pcapng_options
{
    bool big_endian = false;
    int linktype = 1;
    int interfaces = 1;               // frames go round-robin over them (EPB/OPB only)
    bool nanosecond = false;          // if_tsresol 9 on every interface
    pcapng_block block = pcapng_block::epb;
    std::uint32_t snap_length = 262144;
};
bytes write_pcapng(const std::vector<frame>& frames, const pcapng_options& o = {});

// A TCP conversation written as a script of segments; tracks sequence numbers per side.
class tcp_script
{
public:
    tcp_script(capture::ip_address client, std::uint16_t client_port, capture::ip_address server,
               std::uint16_t server_port, std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000);

    tcp_packet_spec handshake_syn();
    tcp_packet_spec handshake_syn_ack();
    tcp_packet_spec handshake_ack();
    // Data from one side; advances that side's sequence number.
    tcp_packet_spec client_data(const bytes& data);
    tcp_packet_spec server_data(const bytes& data);
    // Splits data into segments of at most `size` bytes.
    std::vector<tcp_packet_spec> client_segments(const bytes& data, std::size_t size);
    std::vector<tcp_packet_spec> server_segments(const bytes& data, std::size_t size);
    tcp_packet_spec client_fin();
    tcp_packet_spec server_fin();
    tcp_packet_spec client_rst();

    std::uint32_t client_seq() const noexcept { return client_seq_; }
    std::uint32_t server_seq() const noexcept { return server_seq_; }

private:
    tcp_packet_spec make(bool from_client, std::uint8_t flags, bytes payload);
    capture::ip_address client_, server_;
    std::uint16_t client_port_, server_port_;
    std::uint32_t client_isn_, server_isn_;
    std::uint32_t client_seq_, server_seq_;
};

// Frames for a list of packets on one link layer, 1 ms apart from `start`.
std::vector<frame> frames_of(const std::vector<tcp_packet_spec>& packets, link_wrap w = link_wrap::ethernet,
                             std::chrono::nanoseconds start = std::chrono::seconds(1700000000));

void write_file(const std::filesystem::path& p, std::span<const std::byte> data);

} // namespace epmdump::test
