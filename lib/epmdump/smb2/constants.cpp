#include <epmdump/smb2/constants.hpp>

namespace epmdump::smb2 {

std::string_view to_string(command c) noexcept
{
    switch (c)
    {
    case command::negotiate: return "NEGOTIATE";
    case command::session_setup: return "SESSION_SETUP";
    case command::logoff: return "LOGOFF";
    case command::tree_connect: return "TREE_CONNECT";
    case command::tree_disconnect: return "TREE_DISCONNECT";
    case command::create: return "CREATE";
    case command::close: return "CLOSE";
    case command::flush: return "FLUSH";
    case command::read: return "READ";
    case command::write: return "WRITE";
    case command::lock: return "LOCK";
    case command::ioctl: return "IOCTL";
    case command::cancel: return "CANCEL";
    case command::echo: return "ECHO";
    case command::query_directory: return "QUERY_DIRECTORY";
    case command::change_notify: return "CHANGE_NOTIFY";
    case command::query_info: return "QUERY_INFO";
    case command::set_info: return "SET_INFO";
    case command::oplock_break: return "OPLOCK_BREAK";
    }
    return "UNKNOWN";
}

std::string_view to_string(dialect d) noexcept
{
    switch (d)
    {
    case dialect::smb2_0_2: return "2.0.2";
    case dialect::smb2_1: return "2.1";
    case dialect::smb3_0: return "3.0";
    case dialect::smb3_0_2: return "3.0.2";
    case dialect::smb3_1_1: return "3.1.1";
    case dialect::wildcard: return "2.???";
    }
    return "unknown";
}

std::string_view to_string(cipher c) noexcept
{
    switch (c)
    {
    case cipher::none: return "none";
    case cipher::aes128_ccm: return "AES-128-CCM";
    case cipher::aes128_gcm: return "AES-128-GCM";
    case cipher::aes256_ccm: return "AES-256-CCM";
    case cipher::aes256_gcm: return "AES-256-GCM";
    }
    return "unknown";
}

std::string_view to_string(signing_algorithm a) noexcept
{
    switch (a)
    {
    case signing_algorithm::hmac_sha256: return "HMAC-SHA256";
    case signing_algorithm::aes_cmac: return "AES-CMAC";
    case signing_algorithm::aes_gmac: return "AES-GMAC";
    }
    return "unknown";
}

} // namespace epmdump::smb2
