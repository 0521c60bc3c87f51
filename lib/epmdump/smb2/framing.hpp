#pragma once
// The SMB2 transports below the messages: Direct TCP on 445 (a 4-octet header, 0x00 and a
// 24-bit big-endian length, [MS-SMB2] 2.1) and NetBIOS over TCP on 139 (RFC 1002 4.3: a session
// request naming the called and calling NetBIOS names, then session messages that share the
// Direct TCP layout with 17 length bits).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/constants.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::smb2 {

inline constexpr std::size_t frame_header_size = 4;
inline constexpr std::uint32_t max_direct_tcp_length = 0x00FFFFFF;

// The 4-octet header for a message of `length` octets followed by the message.
std::vector<std::byte> frame_message(std::span<const std::byte> message);
void append_frame_header(std::vector<std::byte>& out, std::uint32_t length);

// RFC 1002 session packet types.
enum class nbss_type : std::uint8_t
{
    session_message = 0x00,
    session_request = 0x81,
    positive_response = 0x82,
    negative_response = 0x83,
    retarget_response = 0x84,
    keep_alive = 0x85,
};

// Accumulates stream bytes and hands out whole messages (frame header removed). A length above
// `max_message` is limit_exceeded; a first octet other than 0x00 (or, with NetBIOS, a
// keep-alive, which is skipped) is bad_header. Offsets in errors count stream octets.
class frame_reader
{
public:
    explicit frame_reader(std::uint32_t max_message, bool netbios = false) noexcept
        : max_(max_message), netbios_(netbios)
    {
    }

    void feed(std::span<const std::byte> bytes);
    // The next whole message, if one is buffered; the span stays valid until the next feed/next.
    result<std::optional<std::span<const std::byte>>> next();
    std::size_t buffered() const noexcept { return buf_.size() - start_; }

private:
    std::vector<std::byte> buf_;
    std::size_t start_ = 0;
    std::uint64_t consumed_ = 0;
    std::uint32_t max_;
    bool netbios_;
};

// RFC 1002 4.1.1 first-level encoding of a NetBIOS name: upper-cased, padded with spaces to 15
// octets, suffix octet, each half-octet as 'A' + nibble; 32 octets, length-prefixed, 0-ended.
std::vector<std::byte> encode_netbios_name(std::string_view name, std::uint8_t suffix);

// SESSION REQUEST (4.3.2): called name with suffix 0x20 (file server service), calling name
// with suffix 0x00. Names longer than 15 octets are cut (a DNS name's first label is the usual
// called name: "*SMBSERVER" when the caller knows no name).
std::vector<std::byte> encode_session_request(std::string_view called, std::string_view calling);

// The answer to a session request (4.3.3-4.3.5).
struct session_response
{
    nbss_type type = nbss_type::positive_response;
    std::uint8_t error_code = 0;      // negative: 0x80 not listening on called name, 0x82 called name not present...
    std::uint32_t retarget_ip = 0;    // retarget
    std::uint16_t retarget_port = 0;
    std::size_t size = 0;             // octets it took
};
// nullopt while incomplete (fewer octets than its header announces).
result<std::optional<session_response>> decode_session_response(std::span<const std::byte> bytes) noexcept;

} // namespace epmdump::smb2
