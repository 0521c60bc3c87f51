#pragma once
// The protocol probes service_probes_for() sends, each a small valid request that its server
// answers in kind (a negotiate response, a bindResponse, a ServerHello or alert, a KRB-ERROR),
// built from the specs with fixed values: the same bytes every time. Sans-I/O.
#include <cstddef>
#include <vector>

namespace epmdump::client {

// [MS-SMB2] 2.2.3 NEGOTIATE (dialects 2.0.2, 2.1, 3.0, 3.0.2) in a direct-TCP/NBSS header
// ([MS-SMB2] 2.1: 4 octets, zero then a 24-bit length).
std::vector<std::byte> smb2_negotiate_request();

// RFC 1002 4.3.2 SESSION REQUEST to "*SMBSERVER" from "EPMDUMP": what port 139 expects first;
// the answer is a positive (0x82) or negative (0x83) session response.
std::vector<std::byte> nbss_session_request();

// RFC 4511 4.2 BindRequest, messageID 1, LDAPv3, anonymous simple bind (empty name and password).
std::vector<std::byte> ldap_anonymous_bind_request();

// RFC 8446 4.1.2 ClientHello in a TLS record offering TLS 1.3 and 1.2 (AEAD and CBC suites,
// x25519/P-256/P-384, a fixed x25519 key share): TLS 1.2 and 1.3 servers answer ServerHello or alert.
std::vector<std::byte> tls_client_hello();

// RFC 4120 5.4.1 AS-REQ for epmdump@EPMDUMP.INVALID (a realm no KDC serves, so the answer is a
// KRB-ERROR) with the 4-octet length of Kerberos over TCP (7.2.2).
std::vector<std::byte> kerberos_as_request();

// RFC 3244 kpasswd request (port 464) whose AP-REQ carries a ticket no KDC can decrypt: the
// answer is a kpasswd reply holding a KRB-ERROR. Over TCP, with the 4-octet length.
std::vector<std::byte> kpasswd_request();

// "GET / HTTP/1.0" and an empty header section (RFC 9112 3): any HTTP/1.x server answers a status line.
std::vector<std::byte> http_get_request();

} // namespace epmdump::client
