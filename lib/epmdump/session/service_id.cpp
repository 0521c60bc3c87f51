#include <epmdump/session/service_id.hpp>

#include <epmdump/core/hex.hpp>
#include <epmdump/session/service_requests.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace epmdump::client {
namespace {

using epm::service_kind;
using bytes = std::span<const std::byte>;

constexpr std::size_t max_line = 120; // looks_like is one short line

unsigned at(bytes b, std::size_t i) { return static_cast<unsigned>(b[i]); }

std::uint32_t be(bytes b, std::size_t from, std::size_t n)
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | at(b, from + i);
    return v;
}

std::uint32_t le(bytes b, std::size_t from, std::size_t n)
{
    std::uint32_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | at(b, from + i);
    return v;
}

bool starts_with(bytes b, std::string_view prefix)
{
    if (b.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), b.begin(),
                      [](char c, std::byte x) { return static_cast<unsigned char>(c) == static_cast<unsigned>(x); });
}

bool is_digit(bytes b, std::size_t i) { return i < b.size() && at(b, i) >= '0' && at(b, i) <= '9'; }

// The first line as the server wrote it, up to CR, LF or any other control octet, at most
// max_line octets (octets >= 0x80 are left for the output layer's escaping).
std::string first_line(bytes b)
{
    std::string out;
    for (std::size_t i = 0; i < b.size() && out.size() < max_line; ++i)
    {
        const unsigned c = at(b, i);
        if (c < 0x20 || c == 0x7F) break;
        out.push_back(static_cast<char>(c));
    }
    return out;
}

// "name (n)", or "n" alone when the number has no name here.
template <std::size_t N>
std::string named(const std::array<std::pair<unsigned, std::string_view>, N>& names, unsigned value)
{
    for (const auto& [v, name] : names)
        if (v == value) return std::string(name) + " (" + std::to_string(value) + ")";
    return std::to_string(value);
}

// ---- BER (X.690 8.1), as far as the first bytes go ----

struct tlv
{
    unsigned tag = 0;
    std::size_t length = 0;   // as declared
    bytes content;            // what of it arrived (may be shorter than length)
    std::size_t size = 0;     // header + declared length
};

// One low-tag-number element at the start of b; nullopt for a high tag number, an indefinite
// or oversized length, or a header cut short. Content may be cut short (first bytes only).
std::optional<tlv> read_tlv(bytes b)
{
    if (b.size() < 2) return std::nullopt;
    tlv t;
    t.tag = at(b, 0);
    if ((t.tag & 0x1F) == 0x1F) return std::nullopt;
    std::size_t header = 2;
    const unsigned first = at(b, 1);
    if (first < 0x80)
        t.length = first;
    else
    {
        const std::size_t n = first & 0x7F;
        if (n == 0 || n > 3 || b.size() < 2 + n) return std::nullopt;
        t.length = be(b, 2, n);
        if (t.length < 0x80 && n == 1) return std::nullopt; // not DER, and not what servers send
        header += n;
    }
    t.size = header + t.length;
    t.content = b.subspan(header, std::min(t.length, b.size() - header));
    return t;
}

// A complete INTEGER of at most 4 octets, as unsigned (Kerberos and LDAP codes are small).
std::optional<std::int64_t> read_integer(const tlv& t, unsigned tag = 0x02)
{
    if (t.tag != tag || t.length == 0 || t.length > 4 || t.content.size() != t.length) return std::nullopt;
    std::int64_t v = (at(t.content, 0) & 0x80) != 0 ? -1 : 0;
    for (std::size_t i = 0; i < t.length; ++i) v = v * 256 + at(t.content, i);
    return v;
}

// ---- HTTP ----

std::optional<service_guess> http(bytes b)
{
    // RFC 9112 4: HTTP-version SP 3DIGIT (HTTP-version = "HTTP/" DIGIT "." DIGIT).
    if (starts_with(b, "HTTP/") && is_digit(b, 5) && b.size() > 12 && at(b, 6) == '.' && is_digit(b, 7) &&
        at(b, 8) == ' ' && is_digit(b, 9) && is_digit(b, 10) && is_digit(b, 11))
        return service_guess{service_kind::http, first_line(b)};
    // An HTML page with no status line: what HTTP servers send to a request line they cannot
    // read (an HTTP/0.9-style answer; Python's http.server does it to a TLS ClientHello).
    std::size_t i = 0;
    while (i < b.size() && i < 8 && (at(b, i) == ' ' || at(b, i) == '\r' || at(b, i) == '\n' || at(b, i) == '\t'))
        ++i;
    const auto rest = b.subspan(i);
    std::string head;
    for (std::size_t k = 0; k < rest.size() && k < 14; ++k)
        head.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(at(rest, k)))));
    if (head.starts_with("<!doctype html") || head.starts_with("<html"))
        return service_guess{service_kind::http, "an HTML page without an HTTP status line"};
    return std::nullopt;
}

// ---- TLS ----

constexpr std::array<std::pair<unsigned, std::string_view>, 27> tls_alerts{{
    {0, "close_notify"},          {10, "unexpected_message"},     {20, "bad_record_mac"},
    {22, "record_overflow"},      {40, "handshake_failure"},      {42, "bad_certificate"},
    {43, "unsupported_certificate"}, {44, "certificate_revoked"}, {45, "certificate_expired"},
    {46, "certificate_unknown"},  {47, "illegal_parameter"},      {48, "unknown_ca"},
    {49, "access_denied"},        {50, "decode_error"},           {51, "decrypt_error"},
    {70, "protocol_version"},     {71, "insufficient_security"},  {80, "internal_error"},
    {86, "inappropriate_fallback"}, {90, "user_canceled"},        {100, "no_renegotiation"},
    {109, "missing_extension"},   {110, "unsupported_extension"}, {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"}, {116, "certificate_required"}, {120, "no_application_protocol"},
}};

std::string tls_version(unsigned v)
{
    if (v == 0x0300) return "SSL 3.0";
    if (v >= 0x0301 && v <= 0x0304) return "TLS 1." + std::to_string(v - 0x0301);
    return "version " + hex32(v).substr(6); // unreachable for records we accept; kept honest
}

// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
constexpr std::array<unsigned, 32> hello_retry_random{
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// "ServerHello, TLS 1.3, cipher suite 0x1301" from as much of the ServerHello as arrived: the
// version only when its extensions arrived whole (a TLS 1.3 server says 1.2 before them).
std::string server_hello(bytes hello, std::size_t declared)
{
    // legacy_version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) extensions<..>
    bool retry = hello.size() >= 34;
    for (std::size_t i = 0; retry && i < 32; ++i) retry = at(hello, 2 + i) == hello_retry_random[i];
    std::string text = retry ? "HelloRetryRequest" : "ServerHello";
    if (hello.size() < 35 || at(hello, 34) > 32) return text;
    std::size_t p = 35 + at(hello, 34);
    if (hello.size() < p + 2) return text;
    const std::string suite = ", cipher suite 0x" + hex32(be(hello, p, 2)).substr(6);
    unsigned version = be(hello, 0, 2);
    p += 3; // cipher suite, compression method
    if (p + 2 <= hello.size())
    {
        const std::size_t end = p + 2 + be(hello, p, 2);
        if (end > hello.size()) return text + suite;
        for (p += 2; p + 4 <= end;)
        {
            const std::size_t len = be(hello, p + 2, 2);
            if (be(hello, p, 2) == 43 && len == 2 && p + 6 <= end) version = be(hello, p + 4, 2); // supported_versions
            p += 4 + len;
        }
    }
    else if (hello.size() < declared)
        return text + suite;
    if (version < 0x0300 || version > 0x0304) return text + suite;
    return text + ", " + tls_version(version) + suite;
}

std::optional<service_guess> tls(bytes b)
{
    // RFC 8446 5.1 TLSPlaintext: type, legacy_record_version 3.x, length <= 2^14 (+2048 for ciphertext).
    if (b.size() < 6) return std::nullopt;
    const unsigned type = at(b, 0);
    const unsigned version = be(b, 1, 2);
    const std::size_t length = be(b, 3, 2);
    if (type < 20 || type > 24 || version < 0x0300 || version > 0x0304 || length == 0 || length > 16384 + 2048)
        return std::nullopt;
    const auto fragment = b.subspan(5, std::min(length, b.size() - 5));
    if (type == 21) // alert
    {
        if (length != 2 || fragment.size() < 2 || (at(fragment, 0) != 1 && at(fragment, 0) != 2)) return std::nullopt;
        return service_guess{service_kind::tls, std::string("TLS alert: ") + (at(fragment, 0) == 2 ? "fatal " : "warning ") +
                                                    named(tls_alerts, at(fragment, 1))};
    }
    if (type == 22) // handshake
    {
        if (length < 4) return std::nullopt;
        const unsigned msg = at(fragment, 0);
        if (msg == 2)
        {
            const auto body = fragment.subspan(std::min<std::size_t>(4, fragment.size()));
            const std::size_t declared = fragment.size() >= 4 ? be(fragment, 1, 3) : 0;
            return service_guess{service_kind::tls, "TLS handshake: " + server_hello(body, declared)};
        }
        return service_guess{service_kind::tls, "TLS handshake message " + std::to_string(msg)};
    }
    constexpr std::array<std::string_view, 5> names{"change_cipher_spec", "alert", "handshake", "application_data",
                                                    "heartbeat"};
    return service_guess{service_kind::tls, "TLS record: " + std::string(names[type - 20])};
}

// ---- NetBIOS session service and SMB ----

constexpr std::array<std::pair<unsigned, std::string_view>, 5> nbss_refusals{{
    {0x80, "not listening on called name"},
    {0x81, "not listening for calling name"},
    {0x82, "called name not present"},
    {0x83, "called name present, but insufficient resources"},
    {0x8F, "unspecified error"},
}};

constexpr std::array<std::pair<unsigned, std::string_view>, 19> smb2_commands{{
    {0, "NEGOTIATE"}, {1, "SESSION_SETUP"}, {2, "LOGOFF"}, {3, "TREE_CONNECT"}, {4, "TREE_DISCONNECT"},
    {5, "CREATE"}, {6, "CLOSE"}, {7, "FLUSH"}, {8, "READ"}, {9, "WRITE"}, {10, "LOCK"}, {11, "IOCTL"},
    {12, "CANCEL"}, {13, "ECHO"}, {14, "QUERY_DIRECTORY"}, {15, "CHANGE_NOTIFY"}, {16, "QUERY_INFO"},
    {17, "SET_INFO"}, {18, "OPLOCK_BREAK"},
}};

std::string smb2_dialect(unsigned d)
{
    switch (d)
    {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0311: return "3.1.1";
    case 0x02FF: return "2.??? (multi-protocol wildcard)";
    default: return "0x" + hex32(d).substr(6);
    }
}

// The SMB message after the 4-octet header; nullopt if it is none.
std::optional<std::string> smb_message(bytes m)
{
    if (starts_with(m, "\xFF" "SMB"))
    {
        // [MS-CIFS] 2.2.3.1: Command at 4, Status at 5.
        std::string text = "SMB1";
        if (m.size() >= 5) text += at(m, 4) == 0x72 ? " NEGOTIATE" : " command 0x" + hex32(at(m, 4)).substr(8);
        if (m.size() >= 9) text += ", status " + hex32(le(m, 5, 4));
        return text;
    }
    if (starts_with(m, "\xFD" "SMB")) return "SMB3 TRANSFORM_HEADER (encrypted message)";
    if (starts_with(m, "\xFC" "SMB")) return "SMB2 COMPRESSION_TRANSFORM_HEADER";
    if (!starts_with(m, "\xFE" "SMB")) return std::nullopt;
    // [MS-SMB2] 2.2.1: Status at 8, Command at 12, Flags at 16; body at 64.
    if (m.size() < 14) return "SMB2";
    const unsigned command = le(m, 12, 2);
    const bool response = m.size() >= 17 && (at(m, 16) & 0x01) != 0;
    std::string text = "SMB2 " + named(smb2_commands, command);
    if (text.ends_with(')')) text.erase(text.rfind(" ("));
    text += response ? " response" : " request";
    const std::uint32_t status = le(m, 8, 4);
    if (status != 0) text += ", status " + hex32(status);
    else if (command == 0 && response && m.size() >= 64 + 6 && le(m, 64, 2) == 65)
        text += ", dialect " + smb2_dialect(le(m, 68, 2)); // NEGOTIATE response: DialectRevision at 4
    return text;
}

std::optional<service_guess> netbios_or_smb(bytes b)
{
    // RFC 1002 4.3.1: type, flags (only the length extension bit), length (16 bits + that bit).
    if (b.size() < 4 || (at(b, 1) & 0xFE) != 0) return std::nullopt;
    const std::size_t length = be(b, 1, 3);
    switch (at(b, 0))
    {
    case 0x00:
        if (auto text = smb_message(b.subspan(4)); text && length >= 4)
            return service_guess{service_kind::smb, *text};
        return std::nullopt;
    case 0x82:
        if (length != 0) return std::nullopt;
        return service_guess{service_kind::smb, "NetBIOS session service: positive session response"};
    case 0x83:
        if (length != 1) return std::nullopt;
        if (b.size() < 5) return service_guess{service_kind::smb, "NetBIOS session service: negative session response"};
        return service_guess{service_kind::smb,
                             "NetBIOS session service: negative session response, " + named(nbss_refusals, at(b, 4))};
    case 0x84:
        if (length != 6) return std::nullopt;
        return service_guess{service_kind::smb, "NetBIOS session service: retarget session response"};
    case 0x85:
        if (length != 0) return std::nullopt;
        return service_guess{service_kind::smb, "NetBIOS session service: keep-alive"};
    default: return std::nullopt;
    }
}

// ---- Kerberos ----

constexpr std::array<std::pair<unsigned, std::string_view>, 24> krb_errors{{
    {0, "KDC_ERR_NONE"}, {1, "KDC_ERR_NAME_EXP"}, {2, "KDC_ERR_BAD_PVNO"}, {3, "KDC_ERR_C_OLD_MAST_KVNO"},
    {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"}, {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"}, {12, "KDC_ERR_POLICY"},
    {13, "KDC_ERR_BADOPTION"}, {14, "KDC_ERR_ETYPE_NOSUPP"}, {18, "KDC_ERR_CLIENT_REVOKED"},
    {24, "KDC_ERR_PREAUTH_FAILED"}, {25, "KDC_ERR_PREAUTH_REQUIRED"}, {31, "KRB_AP_ERR_BAD_INTEGRITY"},
    {37, "KRB_AP_ERR_SKEW"}, {41, "KRB_AP_ERR_MODIFIED"}, {52, "KRB_ERR_RESPONSE_TOO_BIG"},
    {60, "KRB_ERR_GENERIC"}, {61, "KRB_ERR_FIELD_TOOLONG"}, {68, "KDC_ERR_WRONG_REALM"},
    {29, "KDC_ERR_SVC_UNAVAILABLE"}, {32, "KRB_AP_ERR_TKT_EXPIRED"}, {44, "KRB_AP_ERR_NOKEY"},
    {45, "KRB_AP_ERR_BADKEYVER"}, {47, "KRB_AP_ERR_BADDIRECTION"},
}};

// "KRB-ERROR 6 (KDC_ERR_C_PRINCIPAL_UNKNOWN)", "AS-REP", ... for a Kerberos message at b.
std::optional<std::string> krb_message(bytes b)
{
    const auto outer = read_tlv(b);
    if (!outer) return std::nullopt;
    if (outer->tag == 0x6B) return "AS-REP";
    if (outer->tag == 0x6D) return "TGS-REP";
    if (outer->tag != 0x7E) return std::nullopt;
    // KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0], msg-type [1], ..., error-code [6], ... }
    const auto seq = read_tlv(outer->content);
    if (!seq || seq->tag != 0x30) return std::nullopt;
    auto rest = seq->content;
    while (const auto f = read_tlv(rest))
    {
        if (f->tag == 0xA6)
            if (const auto inner = read_tlv(f->content))
                if (const auto code = read_integer(*inner); code && *code >= 0)
                    return "KRB-ERROR " + named(krb_errors, static_cast<unsigned>(*code));
        if (f->size > rest.size()) break;
        rest = rest.subspan(f->size);
    }
    return "KRB-ERROR";
}

std::optional<service_guess> kerberos(bytes b)
{
    // RFC 4120 7.2.2: a 4-octet big-endian length (high bit reserved), then the message.
    if (b.size() < 6 || (at(b, 0) & 0x80) != 0) return std::nullopt;
    const std::size_t length = be(b, 0, 4);
    const auto message = b.subspan(4);
    if (const auto outer = read_tlv(message); outer && outer->size == length)
        if (auto text = krb_message(message))
            return service_guess{service_kind::kerberos, "Kerberos " + *text};
    // RFC 3244 kpasswd reply: message length, version 1 (0xff80 from some servers), AP-REP
    // length, then an AP-REP and KRB-PRIV, or with an AP-REP length of 0 a KRB-ERROR.
    if (message.size() >= 6 && be(message, 0, 2) == length && (be(message, 2, 2) == 0x0001 || be(message, 2, 2) == 0xFF80))
    {
        const std::size_t ap_rep = be(message, 4, 2);
        if (ap_rep == 0)
            if (auto text = krb_message(message.subspan(6)))
                return service_guess{service_kind::kerberos, "Kerberos kpasswd reply: " + *text};
        if (ap_rep != 0 && message.size() > 6 && at(message, 6) == 0x6F) // [APPLICATION 15] AP-REP
            return service_guess{service_kind::kerberos, "Kerberos kpasswd reply"};
    }
    return std::nullopt;
}

// ---- LDAP ----

constexpr std::array<std::pair<unsigned, std::string_view>, 21> ldap_ops{{
    {0, "bindRequest"}, {1, "bindResponse"}, {2, "unbindRequest"}, {3, "searchRequest"}, {4, "searchResEntry"},
    {5, "searchResDone"}, {6, "modifyRequest"}, {7, "modifyResponse"}, {8, "addRequest"}, {9, "addResponse"},
    {10, "delRequest"}, {11, "delResponse"}, {12, "modDNRequest"}, {13, "modDNResponse"},
    {14, "compareRequest"}, {15, "compareResponse"}, {16, "abandonRequest"}, {19, "searchResRef"},
    {23, "extendedReq"}, {24, "extendedResp"}, {25, "intermediateResponse"},
}};

constexpr std::array<std::pair<unsigned, std::string_view>, 20> ldap_results{{
    {0, "success"}, {1, "operationsError"}, {2, "protocolError"}, {3, "timeLimitExceeded"},
    {7, "authMethodNotSupported"}, {8, "strongerAuthRequired"}, {13, "confidentialityRequired"},
    {14, "saslBindInProgress"}, {32, "noSuchObject"}, {34, "invalidDNSyntax"}, {48, "inappropriateAuthentication"},
    {49, "invalidCredentials"}, {50, "insufficientAccessRights"}, {51, "busy"}, {52, "unavailable"},
    {53, "unwillingToPerform"}, {54, "loopDetect"}, {64, "namingViolation"}, {68, "entryAlreadyExists"},
    {80, "other"},
}};

constexpr std::string_view notice_of_disconnection = "1.3.6.1.4.1.1466.20036"; // RFC 4511 4.4.1

std::optional<service_guess> ldap(bytes b)
{
    // RFC 4511 4.1.1 LDAPMessage ::= SEQUENCE { messageID INTEGER (0..2^31-1), protocolOp CHOICE, ... }
    const auto message = read_tlv(b);
    if (!message || message->tag != 0x30) return std::nullopt;
    const auto id_tlv = read_tlv(message->content);
    if (!id_tlv) return std::nullopt;
    const auto id = read_integer(*id_tlv);
    if (!id || *id < 0) return std::nullopt;
    const auto op_bytes = message->content.subspan(std::min(id_tlv->size, message->content.size()));
    const auto op = read_tlv(op_bytes);
    if (!op || (op->tag & 0xC0) != 0x40) return std::nullopt; // [APPLICATION n]
    const unsigned number = op->tag & 0x1F;
    std::string name;
    for (const auto& [v, n] : ldap_ops)
        if (v == number) name = n;
    // unbindRequest, delRequest and abandonRequest are primitive, every other operation constructed.
    const bool primitive = number == 2 || number == 10 || number == 16;
    if (name.empty() || primitive != ((op->tag & 0x20) == 0)) return std::nullopt;
    std::string text = "LDAP " + name;
    // LDAPResult: resultCode ENUMERATED, matchedDN, diagnosticMessage; extendedResp adds responseName [10].
    const bool has_result = number == 1 || number == 5 || number == 7 || number == 9 || number == 11 ||
                            number == 13 || number == 15 || number == 24;
    if (has_result)
    {
        auto rest = op->content;
        std::optional<std::int64_t> code;
        if (const auto r = read_tlv(rest)) code = read_integer(*r, 0x0A);
        for (int skip = 0; skip < 3 && !rest.empty(); ++skip) // resultCode, matchedDN, diagnosticMessage
        {
            const auto f = read_tlv(rest);
            if (!f || f->size > rest.size()) { rest = {}; break; }
            rest = rest.subspan(f->size);
        }
        if (number == 24 && *id == 0)
            if (const auto oid = read_tlv(rest); oid && oid->tag == 0x8A && starts_with(oid->content, notice_of_disconnection) &&
                                                 oid->length == notice_of_disconnection.size())
                text = "LDAP notice of disconnection";
        if (code && *code >= 0) text += ", resultCode " + named(ldap_results, static_cast<unsigned>(*code));
    }
    return service_guess{service_kind::ldap, text};
}

// ---- greetings ----

std::optional<service_guess> greeting(bytes b)
{
    // RFC 4253 4.2: "SSH-protoversion-softwareversion"; RFC 5321 4.2 / RFC 959: "220 " or "220-".
    if (starts_with(b, "SSH-") && b.size() > 5) return service_guess{service_kind::ssh, first_line(b)};
    if (starts_with(b, "220 ") || starts_with(b, "220-")) return service_guess{service_kind::smtp, first_line(b)};
    return std::nullopt;
}

} // namespace

std::optional<service_guess> recognize_service(std::span<const std::byte> first)
{
    // Each recogniser checks its own framing strictly, so at most one of them matches a given start.
    for (auto* recognizer : {&http, &tls, &netbios_or_smb, &kerberos, &ldap, &greeting})
        if (auto guess = recognizer(first)) return guess;
    return std::nullopt;
}

std::vector<service_probe> service_probes_for(std::uint16_t port)
{
    std::vector<service_probe> out;
    auto add = [&out](service_kind kind, std::vector<std::byte> request) {
        out.push_back(service_probe{kind, std::move(request)});
    };
    // The usual service of the port number first (IANA assignments and Windows' defaults).
    switch (port)
    {
    case 445: add(service_kind::smb, smb2_negotiate_request()); break;
    case 139: // Windows' NetBT wants a session request before SMB on 139; Samba takes SMB2 at once
        add(service_kind::smb, nbss_session_request());
        add(service_kind::smb, smb2_negotiate_request());
        break;
    case 389:
    case 3268: add(service_kind::ldap, ldap_anonymous_bind_request()); break;
    case 88: add(service_kind::kerberos, kerberos_as_request()); break;
    case 464: // kpasswd closes the connection on an AS-REQ (Samba's does)
        add(service_kind::kerberos, kpasswd_request());
        add(service_kind::kerberos, kerberos_as_request());
        break;
    case 443:
    case 465:
    case 636:
    case 853:
    case 990:
    case 993:
    case 995:
    case 3269:
    case 5061:
    case 5986:
    case 8443: add(service_kind::tls, tls_client_hello()); break;
    default: break; // HTTP leads the fixed order below: 80, 8080, 5985, 47001, ...
    }
    // Then every other kind once, in a fixed order: HTTP and TLS are what most ports hold.
    const bool had_usual = !out.empty();
    const service_kind usual = had_usual ? out.front().kind : service_kind::unknown;
    for (const service_kind kind : {service_kind::http, service_kind::tls, service_kind::smb, service_kind::ldap,
                                    service_kind::kerberos})
    {
        if (had_usual && kind == usual) continue;
        switch (kind)
        {
        case service_kind::http: add(kind, http_get_request()); break;
        case service_kind::tls: add(kind, tls_client_hello()); break;
        case service_kind::smb: add(kind, smb2_negotiate_request()); break;
        case service_kind::ldap: add(kind, ldap_anonymous_bind_request()); break;
        default: add(kind, kerberos_as_request()); break;
        }
    }
    return out;
}

} // namespace epmdump::client
