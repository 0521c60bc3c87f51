#pragma once
// SMB 2/3 protocol constants a named-pipe client needs ([MS-SMB2] 2.2): commands, header flags,
// dialects, negotiate contexts, capabilities, share and session flags, access masks, FSCTLs.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace epmdump::smb2 {

inline constexpr std::size_t header_size = 64;          // [MS-SMB2] 2.2.1
inline constexpr std::size_t transform_header_size = 52; // [MS-SMB2] 2.2.41
inline constexpr std::uint32_t protocol_id = 0x424D53FE; // 0xFE 'S' 'M' 'B' read little-endian
inline constexpr std::uint32_t transform_protocol_id = 0x424D53FD;   // 0xFD 'S' 'M' 'B'
inline constexpr std::uint32_t compression_protocol_id = 0x424D53FC; // 0xFC 'S' 'M' 'B'
inline constexpr std::uint32_t smb1_protocol_id = 0x424D53FF;        // 0xFF 'S' 'M' 'B'

enum class command : std::uint16_t
{
    negotiate = 0x0000,
    session_setup = 0x0001,
    logoff = 0x0002,
    tree_connect = 0x0003,
    tree_disconnect = 0x0004,
    create = 0x0005,
    close = 0x0006,
    flush = 0x0007,
    read = 0x0008,
    write = 0x0009,
    lock = 0x000A,
    ioctl = 0x000B,
    cancel = 0x000C,
    echo = 0x000D,
    query_directory = 0x000E,
    change_notify = 0x000F,
    query_info = 0x0010,
    set_info = 0x0011,
    oplock_break = 0x0012,
};

std::string_view to_string(command c) noexcept; // "NEGOTIATE", ...; "UNKNOWN" otherwise

// Header flags ([MS-SMB2] 2.2.1.2).
inline constexpr std::uint32_t flags_server_to_redir = 0x00000001;
inline constexpr std::uint32_t flags_async_command = 0x00000002;
inline constexpr std::uint32_t flags_related_operations = 0x00000004;
inline constexpr std::uint32_t flags_signed = 0x00000008;
inline constexpr std::uint32_t flags_priority_mask = 0x00000070;
inline constexpr std::uint32_t flags_dfs_operations = 0x10000000;
inline constexpr std::uint32_t flags_replay_operation = 0x20000000;

enum class dialect : std::uint16_t
{
    smb2_0_2 = 0x0202,
    smb2_1 = 0x0210,
    smb3_0 = 0x0300,
    smb3_0_2 = 0x0302,
    smb3_1_1 = 0x0311,
    wildcard = 0x02FF, // SMB2 answer to a multi-protocol SMB1 negotiate
};

std::string_view to_string(dialect d) noexcept; // "2.0.2", "3.1.1", ...; "unknown"
inline constexpr bool is_smb3(dialect d) noexcept { return static_cast<std::uint16_t>(d) >= 0x0300; }

// Security mode ([MS-SMB2] 2.2.3, 2.2.4).
inline constexpr std::uint16_t negotiate_signing_enabled = 0x0001;
inline constexpr std::uint16_t negotiate_signing_required = 0x0002;

// Capabilities ([MS-SMB2] 2.2.3).
inline constexpr std::uint32_t cap_dfs = 0x00000001;
inline constexpr std::uint32_t cap_leasing = 0x00000002;
inline constexpr std::uint32_t cap_large_mtu = 0x00000004;
inline constexpr std::uint32_t cap_multi_channel = 0x00000008;
inline constexpr std::uint32_t cap_persistent_handles = 0x00000010;
inline constexpr std::uint32_t cap_directory_leasing = 0x00000020;
inline constexpr std::uint32_t cap_encryption = 0x00000040;

// Negotiate context types ([MS-SMB2] 2.2.3.1).
enum class context_type : std::uint16_t
{
    preauth_integrity_capabilities = 0x0001,
    encryption_capabilities = 0x0002,
    compression_capabilities = 0x0003,
    netname_negotiate_context_id = 0x0005,
    transport_capabilities = 0x0006,
    rdma_transform_capabilities = 0x0007,
    signing_capabilities = 0x0008,
};

inline constexpr std::uint16_t hash_sha512 = 0x0001; // preauth integrity hash algorithm

enum class cipher : std::uint16_t
{
    none = 0x0000,
    aes128_ccm = 0x0001,
    aes128_gcm = 0x0002,
    aes256_ccm = 0x0003,
    aes256_gcm = 0x0004,
};
std::string_view to_string(cipher c) noexcept;
inline constexpr std::size_t key_length(cipher c) noexcept
{
    return c == cipher::aes256_ccm || c == cipher::aes256_gcm ? 32 : 16;
}
// CCM uses an 11-octet nonce, GCM a 12-octet one ([MS-SMB2] 2.2.41).
inline constexpr std::size_t nonce_length(cipher c) noexcept
{
    return c == cipher::aes128_ccm || c == cipher::aes256_ccm ? 11 : 12;
}

enum class signing_algorithm : std::uint16_t
{
    hmac_sha256 = 0x0000,
    aes_cmac = 0x0001,
    aes_gmac = 0x0002,
};
std::string_view to_string(signing_algorithm a) noexcept;

// SESSION_SETUP ([MS-SMB2] 2.2.5, 2.2.6).
inline constexpr std::uint8_t session_flag_binding = 0x01;
inline constexpr std::uint16_t session_flag_is_guest = 0x0001;
inline constexpr std::uint16_t session_flag_is_null = 0x0002;
inline constexpr std::uint16_t session_flag_encrypt_data = 0x0004;

// TREE_CONNECT response ([MS-SMB2] 2.2.10).
inline constexpr std::uint8_t share_type_disk = 0x01;
inline constexpr std::uint8_t share_type_pipe = 0x02;
inline constexpr std::uint8_t share_type_print = 0x03;
inline constexpr std::uint32_t share_flag_encrypt_data = 0x00008000;

// CREATE ([MS-SMB2] 2.2.13).
inline constexpr std::uint32_t impersonation_impersonation = 0x00000002;
inline constexpr std::uint32_t file_read_data = 0x00000001;
inline constexpr std::uint32_t file_write_data = 0x00000002;
inline constexpr std::uint32_t file_append_data = 0x00000004;
inline constexpr std::uint32_t file_read_ea = 0x00000008;
inline constexpr std::uint32_t file_write_ea = 0x00000010;
inline constexpr std::uint32_t file_read_attributes = 0x00000080;
inline constexpr std::uint32_t file_write_attributes = 0x00000100;
inline constexpr std::uint32_t read_control = 0x00020000;
inline constexpr std::uint32_t synchronize = 0x00100000;
inline constexpr std::uint32_t file_share_read = 0x00000001;
inline constexpr std::uint32_t file_share_write = 0x00000002;
inline constexpr std::uint32_t file_open = 0x00000001; // CreateDisposition
inline constexpr std::uint32_t file_non_directory_file = 0x00000040;

// IOCTL ([MS-SMB2] 2.2.31; [MS-FSCC] 2.3.49).
inline constexpr std::uint32_t fsctl_pipe_transceive = 0x0011C017;
inline constexpr std::uint32_t ioctl_is_fsctl = 0x00000001;

// READ ([MS-SMB2] 2.2.19).
inline constexpr std::uint32_t channel_none = 0;

// Our own bounds, beside the negotiated ones: no message, read or transceive answer beyond them.
inline constexpr std::uint32_t hard_max_message = 8u * 1024 * 1024; // one SMB2 message, framing included
inline constexpr std::uint32_t default_max_transceive = 64u * 1024; // IOCTL output we ask for
inline constexpr std::uint16_t max_compound_messages = 64;

} // namespace epmdump::smb2
