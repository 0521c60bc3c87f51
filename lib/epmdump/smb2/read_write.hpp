#pragma once
// READ and WRITE request/response ([MS-SMB2] 2.2.19-2.2.22) on a pipe's FileId: the way a PDU
// larger than the IOCTL limit goes out, and the rest of an answer that overflowed comes back.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace epmdump::smb2 {

struct read_request
{
    std::uint8_t padding = 0x50; // where the server puts the data: right after the response header
    std::uint8_t flags = 0;
    std::uint32_t length = 0;
    std::uint64_t offset = 0;
    smb2::file_id file_id;
    std::uint32_t minimum_count = 0;
    std::uint32_t channel = channel_none;
    std::uint32_t remaining_bytes = 0;
};

struct read_response
{
    std::span<const std::byte> data;
    std::uint32_t data_remaining = 0;
    std::uint8_t data_offset = 0x50; // encode: where the data goes (>= 0x50)
};

struct write_request
{
    std::uint64_t offset = 0;
    smb2::file_id file_id;
    std::span<const std::byte> data;
    std::uint32_t channel = channel_none;
    std::uint32_t remaining_bytes = 0;
    std::uint32_t flags = 0;
};

struct write_response
{
    std::uint32_t count = 0;
    std::uint32_t remaining = 0;
};

std::vector<std::byte> encode_read_request(const header& h, const read_request& r);
result<read_request> decode_read_request(std::span<const std::byte> message) noexcept;
std::vector<std::byte> encode_read_response(const header& h, const read_response& r);
result<read_response> decode_read_response(std::span<const std::byte> message) noexcept;

std::vector<std::byte> encode_write_request(const header& h, const write_request& r);
result<write_request> decode_write_request(std::span<const std::byte> message) noexcept;
std::vector<std::byte> encode_write_response(const header& h, const write_response& r);
result<write_response> decode_write_response(std::span<const std::byte> message) noexcept;

} // namespace epmdump::smb2
