#pragma once
// What one TCP port serves, asked of the port itself (`epmdump probe`): the endpoint mapper's
// word is not trusted here. Shared by the live client, the output formats and the Exchange check.
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::epm {

enum class port_state : std::uint8_t
{
    rpc,      // a connection-oriented DCE/RPC server answered our bind
    not_rpc,  // something else answered (see port_probe::service)
    closed,   // the connection was refused
    filtered, // no answer to the connection within the connect timeout
    error,    // anything else (port_probe::error says what)
};

// How an interface was learned.
enum class found_by : std::uint8_t
{
    inq_if_ids,    // the management interface listed it (C706 App. N: rpc_mgmt_inq_if_ids, opnum 0)
    probed,        // an alter_context offering it was accepted
    brute_version, // --brute-versions: another major version of a found interface was accepted
};

struct served_interface
{
    syntax_id interface{};
    found_by how = found_by::inq_if_ids;
    friend bool operator==(const served_interface&, const served_interface&) = default;
};

// What a port that is no DCE/RPC server looks like, from the bytes it sent.
enum class service_kind : std::uint8_t
{
    unknown,  // it answered with bytes we do not recognise, or closed/stayed silent on every probe
    http,     // an HTTP status line
    tls,      // a TLS record (ServerHello or alert)
    smb,      // SMB1/SMB2 (or a NetBIOS session service answer)
    ldap,     // an LDAPMessage (BER SEQUENCE with a protocolOp)
    kerberos, // a KRB-ERROR or KDC reply over TCP (4-octet length prefix)
    ssh,      // "SSH-" banner
    smtp,     // "220 " greeting (SMTP, FTP, ...)
};

struct port_probe
{
    std::string target;    // as the user gave it
    std::string address;   // the IP we connected to
    std::uint16_t port = 0;
    port_state state = port_state::error;
    double elapsed_ms = 0;
    std::uint32_t connections = 0; // TCP connections this port's probe opened
    std::uint32_t round_trips = 0; // PDUs written and answered on them

    // state rpc
    bool ncacn_http = false;             // the port greeted with "ncacn_http/1.0" ([MS-RPCH] 2.1.1)
    bool mgmt_answered = false;          // inq_if_ids answered
    std::string mgmt_refusal;            // why mgmt was not answered: "nca_s_unk_if", "bind_nak: ...", ...
    std::optional<std::string> principal; // inq_princ_name (opnum 4), when it answered (untrusted bytes)
    bool accepts_any_interface = false;  // it accepted a context for an interface nobody serves: a liar
    std::vector<served_interface> interfaces; // in the order found; never the liar's acceptances

    // state not_rpc
    service_kind service = service_kind::unknown;
    std::string looks_like;              // one line: "HTTP/1.1 400 Bad Request", "TLS alert", ... (untrusted bytes)
    std::vector<std::byte> first_bytes;  // at most max_first_bytes of what the port sent first

    // state error (and filtered/closed: the kind says which)
    std::optional<enumeration_error> error;

    // A run with credentials: the mechanism and level the port's association used, else the
    // identity the run asked for (so a failure says as whom); nullopt for an anonymous run.
    std::optional<auth_info> auth;
};

inline constexpr std::size_t max_first_bytes = 64;

// The JSON/CSV words.
std::string_view to_string(port_state s) noexcept;
std::string_view to_string(found_by f) noexcept;
std::string_view to_string(service_kind k) noexcept;

// One interface in DCE/RPC's sense: the same UUID and major version. A minor version only adds
// compatible operations (C706 §2.6.1), and a probe offers minor 0 where the mapper says 0.81.
bool same_interface(const syntax_id& a, const syntax_id& b) noexcept;

// A probe of a port the mapper registers, against what the mapper registers there (the
// "hidden interface" scan): interfaces served but not registered, and registered but not served.
// Interfaces match by UUID and major version. Meaningful only for state rpc without
// accepts_any_interface; both lists keep the probe's and
// the registration's order, without repeats.
struct registration_gap
{
    std::vector<syntax_id> served_not_registered;
    std::vector<syntax_id> registered_not_served;
};
registration_gap compare_with_registered(const port_probe& probe, const std::vector<endpoint_entry>& registered);

} // namespace epmdump::epm
