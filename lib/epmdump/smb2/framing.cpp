#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/framing.hpp>

#include <algorithm>
#include <cctype>

namespace epmdump::smb2 {

void append_frame_header(std::vector<std::byte>& out, std::uint32_t length)
{
    out.push_back(std::byte{0});
    out.push_back(static_cast<std::byte>((length >> 16) & 0xFF));
    out.push_back(static_cast<std::byte>((length >> 8) & 0xFF));
    out.push_back(static_cast<std::byte>(length & 0xFF));
}

std::vector<std::byte> frame_message(std::span<const std::byte> message)
{
    std::vector<std::byte> out;
    out.reserve(frame_header_size + message.size());
    append_frame_header(out, static_cast<std::uint32_t>(message.size()));
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

void frame_reader::feed(std::span<const std::byte> bytes)
{
    if (start_ > 0 && start_ == buf_.size())
    {
        buf_.clear();
        start_ = 0;
    }
    else if (start_ > 4096 && start_ * 2 > buf_.size())
    {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(start_));
        start_ = 0;
    }
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

result<std::optional<std::span<const std::byte>>> frame_reader::next()
{
    for (;;)
    {
        const std::span<const std::byte> rest = std::span<const std::byte>(buf_).subspan(start_);
        if (rest.size() < frame_header_size) return std::optional<std::span<const std::byte>>{};
        const auto type = static_cast<std::uint8_t>(rest[0]);
        const std::uint32_t length = (std::to_integer<std::uint32_t>(rest[1]) << 16) |
                                     (std::to_integer<std::uint32_t>(rest[2]) << 8) |
                                     std::to_integer<std::uint32_t>(rest[3]);
        if (netbios_ && type == static_cast<std::uint8_t>(nbss_type::keep_alive))
        {
            if (length != 0) return codec_error{codec_errc::bad_header, consumed_, "NetBIOS keep-alive with a body"};
            start_ += frame_header_size;
            consumed_ += frame_header_size;
            continue;
        }
        if (type != 0) return codec_error{codec_errc::bad_header, consumed_, "frame type is not a session message"};
        if (length > max_) return codec_error{codec_errc::limit_exceeded, consumed_ + 1, "frame length over the cap"};
        if (rest.size() - frame_header_size < length) return std::optional<std::span<const std::byte>>{};
        const auto message = rest.subspan(frame_header_size, length);
        start_ += frame_header_size + length;
        consumed_ += frame_header_size + length;
        return std::optional<std::span<const std::byte>>{message};
    }
}

std::vector<std::byte> encode_netbios_name(std::string_view name, std::uint8_t suffix)
{
    std::string padded(name.substr(0, 15));
    for (auto& c : padded) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    padded.resize(15, ' ');
    padded.push_back(static_cast<char>(suffix));
    std::vector<std::byte> out;
    out.reserve(34);
    out.push_back(std::byte{32});
    for (const char c : padded)
    {
        const auto v = static_cast<unsigned char>(c);
        out.push_back(static_cast<std::byte>('A' + (v >> 4)));
        out.push_back(static_cast<std::byte>('A' + (v & 0x0F)));
    }
    out.push_back(std::byte{0});
    return out;
}

std::vector<std::byte> encode_session_request(std::string_view called, std::string_view calling)
{
    // "*SMBSERVER" is the wildcard name servers answer on 139 when the caller knows no name.
    const auto first_label = [](std::string_view n) { return n.substr(0, n.find('.')); };
    const auto called_name = encode_netbios_name(called.empty() ? "*SMBSERVER" : first_label(called), 0x20);
    const auto calling_name = encode_netbios_name(calling.empty() ? "EPMDUMP" : calling, 0x00);
    std::vector<std::byte> out;
    out.push_back(static_cast<std::byte>(nbss_type::session_request));
    const auto length = static_cast<std::uint32_t>(called_name.size() + calling_name.size());
    out.push_back(std::byte{0});
    out.push_back(static_cast<std::byte>(length >> 8));
    out.push_back(static_cast<std::byte>(length & 0xFF));
    out.insert(out.end(), called_name.begin(), called_name.end());
    out.insert(out.end(), calling_name.begin(), calling_name.end());
    return out;
}

result<std::optional<session_response>> decode_session_response(std::span<const std::byte> bytes) noexcept
{
    if (bytes.size() < 4) return std::optional<session_response>{};
    const auto type = static_cast<nbss_type>(std::to_integer<std::uint8_t>(bytes[0]));
    const std::size_t length = (std::to_integer<std::size_t>(bytes[1] & std::byte{1}) << 16) |
                               (std::to_integer<std::size_t>(bytes[2]) << 8) | std::to_integer<std::size_t>(bytes[3]);
    session_response out;
    out.type = type;
    out.size = 4 + length;
    switch (type)
    {
    case nbss_type::positive_response:
        if (length != 0) return codec_error{codec_errc::bad_value, 1, "positive session response with a body"};
        return std::optional<session_response>{out};
    case nbss_type::negative_response:
        if (length != 1) return codec_error{codec_errc::bad_value, 1, "negative session response length"};
        if (bytes.size() < 5) return std::optional<session_response>{};
        out.error_code = std::to_integer<std::uint8_t>(bytes[4]);
        return std::optional<session_response>{out};
    case nbss_type::retarget_response:
    {
        if (length != 6) return codec_error{codec_errc::bad_value, 1, "retarget session response length"};
        if (bytes.size() < 10) return std::optional<session_response>{};
        byte_cursor r(bytes.subspan(4, 6), byte_order::big, 4);
        out.retarget_ip = *r.u32();
        out.retarget_port = *r.u16();
        return std::optional<session_response>{out};
    }
    default: return codec_error{codec_errc::bad_header, 0, "not a NetBIOS session response"};
    }
}

} // namespace epmdump::smb2
