#pragma once
// The null session's security context: raw NTLMSSP ([MS-NLMP] 3.1.5.1.2) with the anonymous
// flag, an empty user, domain and NT response and a one-octet LM response. No key, no signing:
// what a pipe session runs when the caller gives no credentials. Sans-I/O, no crypto.
#include <epmdump/session/security_context.hpp>

#include <memory>

namespace epmdump::smb2 {

std::unique_ptr<client::security_context> make_anonymous_context();

} // namespace epmdump::smb2
