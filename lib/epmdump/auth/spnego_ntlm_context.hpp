#pragma once
// Negotiate (auth type 9) carrying NTLM, as Windows' Negotiate package does when Kerberos cannot
// be used: negTokenInit (NTLMSSP's OID, NEGOTIATE) in the bind, the CHALLENGE in the server's
// negTokenResp, then AUTHENTICATE with our mechListMIC in alter_context ([MS-SPNG] 3.3.5.1), and
// the server's accept-completed with its mechListMIC, which must verify. PDUs are then protected
// by NTLM itself (MIC and seal sequence numbers go on from the two mechListMICs).
#include <epmdump/auth/ntlm_context.hpp>

#include <memory>

namespace epmdump::auth {

std::unique_ptr<client::security_context> make_spnego_ntlm_context(std::unique_ptr<ntlm::context> ntlm);

} // namespace epmdump::auth
