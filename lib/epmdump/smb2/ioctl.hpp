#pragma once
// IOCTL request/response ([MS-SMB2] 2.2.31, 2.2.32): FSCTL_PIPE_TRANSCEIVE writes one message to
// the pipe and reads its answer in one round trip ([MS-FSCC] 2.3.49).
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::smb2 {

struct ioctl_request
{
    std::uint32_t ctl_code = fsctl_pipe_transceive;
    smb2::file_id file_id;
    std::span<const std::byte> input;
    std::uint32_t max_input_response = 0;
    std::span<const std::byte> output;               // sent by nobody for a transceive
    std::uint32_t max_output_response = default_max_transceive;
    std::uint32_t flags = ioctl_is_fsctl;
};

struct ioctl_response
{
    std::uint32_t ctl_code = 0;
    smb2::file_id file_id;
    std::span<const std::byte> input;
    std::span<const std::byte> output;
    std::uint32_t flags = 0;
};

std::vector<std::byte> encode_ioctl_request(const header& h, const ioctl_request& r);
result<ioctl_request> decode_ioctl_request(std::span<const std::byte> message) noexcept;
std::vector<std::byte> encode_ioctl_response(const header& h, const ioctl_response& r);
result<ioctl_response> decode_ioctl_response(std::span<const std::byte> message) noexcept;

} // namespace epmdump::smb2
