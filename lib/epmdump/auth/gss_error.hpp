#pragma once
// GSS-API status (major, and the mechanism's minor: a krb5 error code for Kerberos) turned into
// the reason an admin can act on: wrong password, clock skew, KDC unreachable...
#include <epmdump/session/security_context.hpp>

#include <gssapi/gssapi.h>

#include <string_view>

namespace epmdump::auth {

epm::auth_errc classify_gss_status(OM_uint32 major, OM_uint32 minor) noexcept;

// The typed failure of `call`, its detail GSS-API's own words (names, never a secret).
client::auth_failure gss_failure(std::string_view call, OM_uint32 major, OM_uint32 minor,
                                 gss_OID mech = GSS_C_NO_OID);

} // namespace epmdump::auth
