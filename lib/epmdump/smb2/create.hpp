#pragma once
// CREATE request/response ([MS-SMB2] 2.2.13, 2.2.14) for opening a named pipe on IPC$, and
// CLOSE (2.2.15, 2.2.16). The FileId names the open in every later READ/WRITE/IOCTL/CLOSE.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace epmdump::smb2 {

struct file_id
{
    std::uint64_t persistent = 0;
    std::uint64_t volatile_id = 0;
    friend bool operator==(const file_id&, const file_id&) = default;
    friend auto operator<=>(const file_id&, const file_id&) = default;
};

struct create_request
{
    std::uint8_t requested_oplock_level = 0;
    std::uint32_t impersonation_level = impersonation_impersonation;
    std::uint32_t desired_access = file_read_data | file_write_data | file_append_data | file_read_ea |
                                   file_write_ea | file_read_attributes | file_write_attributes | read_control |
                                   synchronize;
    std::uint32_t file_attributes = 0;
    std::uint32_t share_access = file_share_read | file_share_write;
    std::uint32_t create_disposition = file_open;
    std::uint32_t create_options = file_non_directory_file;
    std::string name;                               // "epmapper": the pipe, no "\pipe\" prefix
    std::span<const std::byte> create_contexts;     // decode only (encoded empty)
};

struct create_response
{
    std::uint8_t oplock_level = 0;
    std::uint8_t flags = 0;
    std::uint32_t create_action = 0;
    std::uint64_t creation_time = 0;
    std::uint64_t last_access_time = 0;
    std::uint64_t last_write_time = 0;
    std::uint64_t change_time = 0;
    std::uint64_t allocation_size = 0;
    std::uint64_t end_of_file = 0;
    std::uint32_t file_attributes = 0;
    smb2::file_id file_id;
    std::span<const std::byte> create_contexts;
};

std::vector<std::byte> encode_create_request(const header& h, const create_request& r);
result<create_request> decode_create_request(std::span<const std::byte> message);
std::vector<std::byte> encode_create_response(const header& h, const create_response& r);
result<create_response> decode_create_response(std::span<const std::byte> message) noexcept;

struct close_request
{
    std::uint16_t flags = 0;
    smb2::file_id file_id;
};

struct close_response
{
    std::uint16_t flags = 0;
    std::uint64_t end_of_file = 0;
    std::uint32_t file_attributes = 0;
};

std::vector<std::byte> encode_close_request(const header& h, const close_request& r);
result<close_request> decode_close_request(std::span<const std::byte> message) noexcept;
std::vector<std::byte> encode_close_response(const header& h, const close_response& r);
result<close_response> decode_close_response(std::span<const std::byte> message) noexcept;

} // namespace epmdump::smb2
