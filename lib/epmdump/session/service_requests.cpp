#include <epmdump/session/service_requests.hpp>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace epmdump::client {
namespace {

using octets = std::vector<std::byte>;

void put(octets& out, std::initializer_list<unsigned> values)
{
    for (unsigned v : values) out.push_back(static_cast<std::byte>(v & 0xFF));
}

void put(octets& out, std::string_view text)
{
    for (char c : text) out.push_back(static_cast<std::byte>(c));
}

void put(octets& out, const octets& more) { out.insert(out.end(), more.begin(), more.end()); }

void put_be16(octets& out, std::size_t v) { put(out, {unsigned(v >> 8), unsigned(v)}); }
void put_be24(octets& out, std::size_t v) { put(out, {unsigned(v >> 16), unsigned(v >> 8), unsigned(v)}); }
void put_be32(octets& out, std::size_t v) { put(out, {unsigned(v >> 24), unsigned(v >> 16), unsigned(v >> 8), unsigned(v)}); }
void put_le16(octets& out, unsigned v) { put(out, {v, v >> 8}); }
void put_le32(octets& out, std::uint32_t v) { put(out, {v, v >> 8, v >> 16, v >> 24}); }

// Kerberos over TCP and SMB's direct transport both lead with a 4-octet big-endian length.
octets length_prefixed(const octets& message)
{
    octets out;
    put_be32(out, message.size());
    put(out, message);
    return out;
}

// DER (X.690 8.1): one tag octet, definite length, short or long form.
octets der(unsigned tag, const octets& content)
{
    octets out;
    put(out, {tag});
    if (content.size() < 0x80)
        put(out, {unsigned(content.size())});
    else if (content.size() <= 0xFF)
        put(out, {0x81, unsigned(content.size())});
    else
    {
        put(out, {0x82});
        put_be16(out, content.size());
    }
    put(out, content);
    return out;
}

octets der_integer(std::uint32_t v)
{
    octets content;
    bool started = false;
    for (int shift = 24; shift >= 0; shift -= 8)
    {
        const unsigned b = (v >> shift) & 0xFF;
        if (!started && b == 0 && shift > 0) continue;
        if (!started && (b & 0x80) != 0) put(content, {0}); // stays positive
        started = true;
        put(content, {b});
    }
    return der(0x02, content);
}

octets der_text(unsigned tag, std::string_view text)
{
    octets content;
    put(content, text);
    return der(tag, content);
}

octets sequence(std::initializer_list<octets> items)
{
    octets content;
    for (const auto& i : items) put(content, i);
    return der(0x30, content);
}

octets field(unsigned n, const octets& value) { return der(0xA0 | n, value); } // [n] EXPLICIT

// RFC 4120 5.2.2 PrincipalName; GeneralString (0x1b) for its parts and realms.
octets principal_name(std::uint32_t type, std::initializer_list<std::string_view> parts)
{
    octets names;
    for (auto p : parts) put(names, der_text(0x1B, p));
    return sequence({field(0, der_integer(type)), field(1, der(0x30, names))});
}

// EncryptedData (5.2.9) with 16 zero octets of aes256 "cipher": decrypts for nobody.
octets undecryptable()
{
    return sequence({field(0, der_integer(18)), field(2, der(0x04, octets(16)))});
}

octets no_kdc_options() { return der(0x03, octets(5)); } // BIT STRING, 0 unused bits, 32 zero flags

constexpr std::string_view probe_realm = "EPMDUMP.INVALID"; // RFC 2606 .invalid: served by no KDC

octets tls_extension(unsigned type, const octets& data)
{
    octets out;
    put_be16(out, type);
    put_be16(out, data.size());
    put(out, data);
    return out;
}

octets be16_list(unsigned length_octets, std::initializer_list<unsigned> values)
{
    octets out;
    if (length_octets == 1)
        put(out, {unsigned(values.size() * 2)});
    else
        put_be16(out, values.size() * 2);
    for (unsigned v : values) put_be16(out, v);
    return out;
}

// RFC 1001 14.1 first-level encoding of a 16-octet NetBIOS name (space padded, suffix 0x20).
octets netbios_name(std::string_view name)
{
    std::array<unsigned, 16> raw{};
    raw.fill(0x20);
    for (std::size_t i = 0; i < name.size() && i < 15; ++i) raw[i] = static_cast<unsigned char>(name[i]);
    octets out;
    put(out, {32});
    for (unsigned c : raw) put(out, {0x41 + (c >> 4), 0x41 + (c & 0x0F)});
    put(out, {0});
    return out;
}

} // namespace

std::vector<std::byte> smb2_negotiate_request()
{
    octets smb;
    put(smb, {0xFE, 'S', 'M', 'B'});
    put_le16(smb, 64);     // StructureSize
    put_le16(smb, 0);      // CreditCharge
    put_le32(smb, 0);      // Status
    put_le16(smb, 0);      // Command: NEGOTIATE
    put_le16(smb, 0);      // CreditRequest
    put_le32(smb, 0);      // Flags
    put_le32(smb, 0);      // NextCommand
    put(smb, octets(8));   // MessageId 0
    put_le32(smb, 0xFEFF); // Reserved (ProcessId)
    put_le32(smb, 0);      // TreeId
    put(smb, octets(8));   // SessionId
    put(smb, octets(16));  // Signature
    constexpr std::array<unsigned, 4> dialects{0x0202, 0x0210, 0x0300, 0x0302};
    put_le16(smb, 36);     // StructureSize
    put_le16(smb, dialects.size());
    put_le16(smb, 1);      // SecurityMode: SMB2_NEGOTIATE_SIGNING_ENABLED
    put_le16(smb, 0);      // Reserved
    put_le32(smb, 0);      // Capabilities
    for (unsigned i = 0x10; i < 0x20; ++i) put(smb, {i}); // ClientGuid: fixed
    put(smb, octets(8));   // ClientStartTime (no 3.1.1, so no negotiate contexts)
    for (unsigned d : dialects) put_le16(smb, d);
    return length_prefixed(smb);
}

std::vector<std::byte> nbss_session_request()
{
    octets names = netbios_name("*SMBSERVER");
    put(names, netbios_name("EPMDUMP"));
    octets out;
    put(out, {0x81, 0}); // SESSION REQUEST, flags
    put_be16(out, names.size());
    put(out, names);
    return out;
}

std::vector<std::byte> ldap_anonymous_bind_request()
{
    octets bind = der_integer(3);  // version
    put(bind, der(0x04, {}));      // name: LDAPDN ""
    put(bind, der(0x80, {}));      // authentication: simple [0] ""
    octets message = der_integer(1); // messageID
    put(message, der(0x60, bind)); // [APPLICATION 0] BindRequest
    return der(0x30, message);
}

std::vector<std::byte> tls_client_hello()
{
    // A public value from one x25519 key pair generated for this probe (the private half was
    // thrown away): the server can answer, nobody can finish the handshake.
    constexpr std::array<unsigned, 32> key_share{
        0xe4, 0x21, 0x57, 0xa3, 0x44, 0x21, 0x7b, 0xfd, 0x16, 0xce, 0xc9, 0xcf, 0x82, 0x19, 0x28, 0x08,
        0x06, 0x0e, 0xd2, 0x29, 0xa2, 0xb3, 0x59, 0xa4, 0x2d, 0xca, 0x6f, 0x4a, 0x97, 0x54, 0x40, 0x0e};
    octets exts;
    put(exts, tls_extension(10, be16_list(2, {0x001d, 0x0017, 0x0018})));   // supported_groups
    put(exts, tls_extension(11, octets{std::byte{1}, std::byte{0}}));        // ec_point_formats: uncompressed
    put(exts, tls_extension(13, be16_list(2, {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
                                              0x0601, 0x0203, 0x0201})));   // signature_algorithms
    put(exts, tls_extension(23, {}));                                        // extended_master_secret
    put(exts, tls_extension(0xff01, octets{std::byte{0}}));                  // renegotiation_info, empty
    put(exts, tls_extension(43, be16_list(1, {0x0304, 0x0303})));           // supported_versions
    put(exts, tls_extension(45, octets{std::byte{1}, std::byte{1}}));        // psk_key_exchange_modes: psk_dhe_ke
    octets share;
    put_be16(share, 0x001d);
    put_be16(share, key_share.size());
    for (unsigned b : key_share) put(share, {b});
    octets shares;
    put_be16(shares, share.size());
    put(shares, share);
    put(exts, tls_extension(51, shares));                                    // key_share

    octets hello;
    put(hello, {3, 3});                                     // legacy_version TLS 1.2
    for (unsigned i = 0x20; i < 0x40; ++i) put(hello, {i}); // random: fixed
    put(hello, {32});
    for (unsigned i = 0x40; i < 0x60; ++i) put(hello, {i}); // legacy_session_id (middlebox compatibility)
    put(hello, be16_list(2, {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
                             0xc014, 0x009c, 0x009d, 0x002f, 0x0035}));
    put(hello, {1, 0});                                     // legacy_compression_methods: null
    put_be16(hello, exts.size());
    put(hello, exts);

    octets handshake;
    put(handshake, {1}); // client_hello
    put_be24(handshake, hello.size());
    put(handshake, hello);
    octets record;
    put(record, {22, 3, 1}); // handshake, legacy_record_version TLS 1.0
    put_be16(record, handshake.size());
    put(record, handshake);
    return record;
}

std::vector<std::byte> kerberos_as_request()
{
    const octets body = sequence({
        field(0, no_kdc_options()),
        field(1, principal_name(1, {"epmdump"})),                   // cname, NT-PRINCIPAL
        field(2, der_text(0x1B, probe_realm)),                      // realm
        field(3, principal_name(2, {"krbtgt", probe_realm})),       // sname, NT-SRV-INST
        field(5, der_text(0x18, "20370913024805Z")),                // till (GeneralizedTime)
        field(7, der_integer(0x1234567)),                           // nonce
        field(8, sequence({der_integer(18), der_integer(17), der_integer(23)})), // etype: aes256, aes128, rc4
    });
    const octets as_req = der(0x6A, sequence({field(1, der_integer(5)), field(2, der_integer(10)), field(4, body)}));
    return length_prefixed(as_req);
}

std::vector<std::byte> kpasswd_request()
{
    const octets ticket = der(0x61, sequence({field(0, der_integer(5)), field(1, der_text(0x1B, probe_realm)),
                                              field(2, principal_name(2, {"kadmin", "changepw"})),
                                              field(3, undecryptable())}));
    const octets ap_req = der(0x6E, sequence({field(0, der_integer(5)), field(1, der_integer(14)),
                                              field(2, no_kdc_options()), field(3, ticket),
                                              field(4, undecryptable())}));
    const octets krb_priv = der(0x75, sequence({field(0, der_integer(5)), field(1, der_integer(21)),
                                                field(3, undecryptable())}));
    octets message;
    put_be16(message, 6 + ap_req.size() + krb_priv.size()); // message length
    put_be16(message, 0x0001);                              // protocol version (RFC 3244 2)
    put_be16(message, ap_req.size());
    put(message, ap_req);
    put(message, krb_priv);
    return length_prefixed(message);
}

std::vector<std::byte> http_get_request()
{
    octets out;
    put(out, std::string_view("GET / HTTP/1.0\r\n\r\n"));
    return out;
}

} // namespace epmdump::client
