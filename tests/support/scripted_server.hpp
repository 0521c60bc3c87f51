#pragma once
// A small endpoint mapper on loopback for the client's tests: Boost.Asio on its own thread,
// answering bind and ept_lookup / ept_map / ept_lookup_handle_free the way a script says
// (page sizes and the three real ways of ending a list, byte order, fragment size, bind_nak,
// faults, stalls, the ncacn_http banner, garbage), and the management interface
// (inq_if_ids, inq_princ_name, and the three ways real servers refuse it). It listens on
// 127.0.0.0/8 only.
#include "support/sample_entries.hpp"

#include <epmdump/epm/endpoint.hpp>
#include <epmdump/ndr/drep.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::dcerpc {
struct message;
}

namespace epmdump::test {

// How the last page looks, as the three implementations we know do it.
enum class list_end : std::uint8_t
{
    windows,          // the last page: status 0 and a null handle
    samba_ad,         // entries pages with a handle, then 0 entries + ept_s_not_registered
    samba_standalone, // the last page carries its entries + ept_s_not_registered + null handle
    empty_page,       // after the entries: 0 entries, status 0, and still a handle (nmap stops there)
};

// One thing a misbehaving server does on its connection (tests/hostile): write bytes, wait,
// close (FIN), reset (SO_LINGER 0, then close: an RST), or go quiet (keep reading, answer nothing).
struct wire_step
{
    enum class kind : std::uint8_t { write, pause, close, reset, hang };
    kind what = kind::write;
    std::vector<std::byte> bytes;        // write
    std::chrono::milliseconds delay{0};  // pause

    static wire_step write(std::vector<std::byte> b) { return {kind::write, std::move(b), {}}; }
    static wire_step pause(std::chrono::milliseconds d) { return {kind::pause, {}, d}; }
    static wire_step close() { return {kind::close, {}, {}}; }
    static wire_step reset() { return {kind::reset, {}, {}}; }
    static wire_step hang() { return {kind::hang, {}, {}}; }
};
using wire_plan = std::vector<wire_step>;

// How the management interface (afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0) is answered.
enum class mgmt_style : std::uint8_t
{
    absent,        // its context is rejected with abstract_syntax_not_supported (Samba 3, or no mgmt at all)
    answers,       // inq_if_ids lists server_script::mgmt_if_ids (Samba 4 AD DC ports do this)
    unk_if,        // Windows over some transports: the context is accepted, every call faults nca_s_unk_if
    not_specified, // Samba 4: the context is rejected with reason_not_specified
};

// Given the n-th whole message the client sent on this connection (0: the bind) and the answer
// the script would give, says what to do instead. Runs on the server's thread.
using tamper_fn = std::function<wire_plan(const dcerpc::message& request, std::vector<std::byte> answer, int index)>;

// Authentication with the test mechanism (support/test_mechanism.hpp): the server runs its legs
// over bind_ack, rpc_auth3 or alter_context, verifies (and unseals) every request's verifier,
// and signs (and seals) its responses at the level the bind asked for.
struct server_auth
{
    bool require = false;                       // an anonymous call gets fault rpc_s_access_denied (5)
    bool refuse = false;                        // an authenticated bind gets bind_nak reason_not_specified
    bool echo_header_sign = true;               // echo PFC_SUPPORT_HEADER_SIGN when offered
    std::optional<std::uint8_t> answer_level;   // the auth_level of our verifiers (lower: a downgrade)
    bool corrupt_signature = false;             // flip a bit of every response's signature
    std::optional<std::uint32_t> call_fault;    // fault every authenticated call with this status
};

struct server_script
{
    std::vector<epm::endpoint_entry> entries;
    ndr::drep rep = ndr::little_endian_ascii;   // of everything the server sends
    std::uint16_t max_xmit_frag = 4280;         // bind_ack; responses are cut to min(this, client's max_recv_frag)
    std::uint16_t max_recv_frag = 4280;         // bind_ack
    list_end ending = list_end::samba_ad;
    bool http_banner = false;                   // send "ncacn_http/1.0" first
    std::string banner = "ncacn_http/1.0";
    std::vector<std::byte> greeting;            // raw bytes sent on accept (a non-DCE/RPC service)
    bool close_on_accept = false;
    bool silent = false;                        // read everything, answer nothing
    std::optional<std::uint16_t> bind_nak;      // every bind gets bind_nak with this reason
    std::optional<std::uint32_t> lookup_fault;  // every ept_lookup gets a fault with this status
    std::optional<std::uint32_t> lookup_status; // status of every page (entries still sent)
    int stall_after = -1;                       // answer this many ept_lookup calls, then go silent
    bool never_ends = false;                    // the first page again and again, same handle
    std::uint32_t page_cap = 0;                 // at most this many entries per page (0: max_ents)
    bool accept_any_interface = false;          // bind: accept every abstract syntax
    std::vector<epm::syntax_id> accepted;       // bind: accept these (the EPM always)
    bool first_context_only = false;            // bind: refuse every context after the first (Samba)
    // bind and alter_context: accept only the first acceptable context of each PDU; later ones
    // the server serves get proposed_transfer_syntaxes_not_supported, the others
    // abstract_syntax_not_supported (what the Samba 4.17 AD DC does, measured on 10.200.0.2).
    bool one_context_per_pdu = false;
    mgmt_style mgmt = mgmt_style::absent;
    std::vector<epm::syntax_id> mgmt_if_ids;    // inq_if_ids answer (mgmt_style::answers); mgmt itself is not added
    std::optional<std::string> principal;       // inq_princ_name answer; nullopt: fault nca_s_op_rng_error (Samba)
    std::vector<std::byte> answer_to_anything;  // not DCE/RPC: write these once the client sends anything, then close (an HTTP server)
    wire_plan on_accept;                        // done first on every connection (before the banner)
    tamper_fn tamper;                           // rewrites every answer (empty: send it as is)
    std::optional<server_auth> auth;            // speak the test mechanism (nullopt: anonymous only)
};

// What the server saw (read after the client finished).
struct server_log
{
    int connections = 0;
    int binds = 0;
    int alters = 0;
    int lookups = 0;
    int maps = 0;
    int frees = 0;
    std::vector<std::uint32_t> max_ents;          // of each ept_lookup
    std::size_t largest_fragment_received = 0;
    std::uint16_t client_max_recv_frag = 0;       // from the last bind
    std::vector<epm::syntax_id> offered;          // abstract syntaxes of the last bind's contexts
    std::vector<epm::syntax_id> offered_transfer; // transfer syntaxes of the last bind's contexts
    std::vector<std::uint16_t> opnums;            // of every request, in order (mgmt and EPM alike)
    int mgmt_calls = 0;                           // requests on a mgmt context
    std::size_t most_contexts = 0;                // the most contexts one bind or alter_context offered
    std::vector<epm::syntax_id> alter_offered;    // abstract syntaxes of every alter_context, in order
    // Authentication (server_script::auth).
    int auth_binds = 0;                           // binds carrying an auth verifier
    int auth_alters = 0;                          // alter_contexts carrying a token
    int auth3s = 0;                               // rpc_auth3 PDUs
    int verified_fragments = 0;                   // request fragments whose verifier verified
    int rejected_fragments = 0;                   // ... that did not (answered with a fault)
    std::uint8_t auth_level = 0;                  // of the last authenticated bind
    std::uint8_t auth_type = 0;
    bool header_sign_offered = false;             // PFC_SUPPORT_HEADER_SIGN in the last bind
    std::size_t largest_auth_fragment = 0;        // largest protected request fragment
};

class scripted_server
{
public:
    // Listens on each address (all with the same port; 0 picks a free one). Throws when it cannot.
    explicit scripted_server(server_script script, std::vector<std::string> addresses = {"127.0.0.1"},
                             std::uint16_t port = 0);
    ~scripted_server();
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;

    std::uint16_t port() const noexcept;
    std::string address() const; // the first one
    server_log log() const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

// A closed loopback port (bound, then released): connecting to it is refused.
std::uint16_t closed_port();

} // namespace epmdump::test
