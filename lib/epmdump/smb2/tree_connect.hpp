#pragma once
// TREE_CONNECT request/response ([MS-SMB2] 2.2.9, 2.2.10): the share path "\\SERVER\IPC$" in
// UTF-16LE, answered by the share's type, flags and the access we were granted.
#include <epmdump/core/codec_error.hpp>
#include <epmdump/smb2/header.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::smb2 {

struct tree_connect_request
{
    std::uint16_t flags = 0;
    std::string path; // UTF-8 here, UTF-16LE on the wire
};

struct tree_connect_response
{
    std::uint8_t share_type = share_type_pipe;
    std::uint32_t share_flags = 0;     // share_flag_encrypt_data, ...
    std::uint32_t capabilities = 0;
    std::uint32_t maximal_access = 0;
};

std::vector<std::byte> encode_tree_connect_request(const header& h, const tree_connect_request& r);
result<tree_connect_request> decode_tree_connect_request(std::span<const std::byte> message);
std::vector<std::byte> encode_tree_connect_response(const header& h, const tree_connect_response& r);
result<tree_connect_response> decode_tree_connect_response(std::span<const std::byte> message) noexcept;

// "\\server\IPC$"; the server name as given (a host name or an address).
std::string ipc_share_path(std::string_view server);

} // namespace epmdump::smb2
