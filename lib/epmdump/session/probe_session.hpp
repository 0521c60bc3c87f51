#pragma once
// What one DCE/RPC port serves, sans-I/O, on one connection (`epmdump probe`): bind the
// management interface (afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0, C706 App. N) and call
// rpc_mgmt_inq_if_ids (opnum 0), then rpc_mgmt_inq_princ_name (opnum 4) for the server's
// principal. Never opnum 3 (stop_server_listening) nor any call that changes server state.
// When mgmt is refused (Windows nca_s_unk_if, Samba 3 abstract_syntax_not_supported, Samba 4
// reason_not_specified), offer candidate interfaces with alter_context, many contexts per PDU
// within max_xmit_frag; an interface nobody serves is offered too, so a server that accepts
// anything is reported as such instead of as serving every candidate.
#include <epmdump/epm/port_probe.hpp>
#include <epmdump/session/rpc_session.hpp>

#include <optional>
#include <string>
#include <vector>

namespace epmdump::client {

struct probe_settings
{
    bool fallback = true;                     // probe `candidates` when mgmt is refused
    bool brute_versions = false;              // then other major versions of what was found
    std::vector<epm::syntax_id> candidates;   // what the fallback offers (the name table's interfaces)
};

class probe_session final : public rpc_session
{
public:
    // expect_banner: the port already greeted with "ncacn_http/1.0".
    probe_session(const client_options& options, bool expect_banner, probe_settings settings);

    const std::vector<epm::served_interface>& interfaces() const noexcept;
    bool mgmt_answered() const noexcept;
    const std::string& mgmt_refusal() const noexcept;
    const std::optional<std::string>& principal() const noexcept;
    bool accepts_any_interface() const noexcept;
};

} // namespace epmdump::client
