#pragma once
// --spn-reverse-lookup: a target given by address is named by its PTR record, so that its SPN is
// host/<PTR name> (a KDC knows hosts by name, never by address). The lookup blocks (the resolver),
// so it runs where the first leg does: off the I/O thread, inside new_context.
#include <epmdump/session/security_context.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace epmdump::auth {

// The name the PTR record of `host` gives (getnameinfo, NI_NAMEREQD) when `host` is an IPv4 or
// IPv6 address (brackets allowed); any other host is returned as given. No name is
// auth_errc::spn_lookup_failed, the resolver's words in the detail.
client::auth_result<std::string> reverse_lookup_name(std::string_view host);

// Every new_context(host) of `inner` made for reverse_lookup_name(host).
std::shared_ptr<const client::security_provider>
make_reverse_lookup_provider(std::shared_ptr<const client::security_provider> inner);

} // namespace epmdump::auth
