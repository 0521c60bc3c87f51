#pragma once
// What one DCE/RPC port serves, sans-I/O, on one connection (`epmdump probe`): bind the
// management interface (afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0, C706 App. N) and call
// rpc_mgmt_inq_if_ids (opnum 0), then rpc_mgmt_inq_princ_name (opnum 4) for the server's
// principal. Never opnum 3 (stop_server_listening) nor any call that changes server state.
// When mgmt is refused (Windows nca_s_unk_if, Samba 3 abstract_syntax_not_supported, Samba 4
// reason_not_specified), offer candidate interfaces with alter_context, many contexts per PDU
// within max_xmit_frag; an interface nobody serves is offered too, so a server that accepts
// anything is reported as such instead of as serving every candidate.
//
// Samba accepts one context per bind/alter_context PDU and refuses the later ones it serves with
// proposed_transfer_syntaxes_not_supported (measured on the 4.17 AD DC): those are offered again
// in the next PDU, so a Samba port costs one round trip per interface found, Windows one per batch.
#include <epmdump/epm/port_probe.hpp>
#include <epmdump/session/rpc_session.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::client {

// An interface nobody serves (a random v4 UUID drawn for epmdump, 2026-12-05): a server that
// accepts a context for it accepts anything.
epm::syntax_id unserved_interface() noexcept;

// --brute-versions offers majors 0..brute_max_major of each UUID found: rpcmap's -version-max
// default (64), which covers the highest major in the name table (f5cc5a18 v56, Exchange).
inline constexpr std::uint16_t brute_max_major = 64;

struct probe_settings
{
    bool fallback = true;                     // probe `candidates` when mgmt is refused
    bool brute_versions = false;              // then other major versions of what was found
    std::vector<epm::syntax_id> candidates;   // what the fallback offers (the name table's interfaces)
    bool skip_mgmt = false;                   // bind the first fallback batch at once (mgmt already got a bind_nak)
    bool optional_banner = false;             // the port may greet with "ncacn_http/1.0" after our bind
};

class probe_session final : public rpc_session
{
public:
    // expect_banner: the port already greeted with "ncacn_http/1.0".
    probe_session(const client_options& options, bool expect_banner, probe_settings settings);

    const std::vector<epm::served_interface>& interfaces() const noexcept { return interfaces_; }
    bool mgmt_answered() const noexcept { return mgmt_answered_; }
    const std::string& mgmt_refusal() const noexcept { return mgmt_refusal_; }
    const std::optional<std::string>& principal() const noexcept { return principal_; }
    bool accepts_any_interface() const noexcept { return accepts_any_; }
    // The server answered our bind with bind_ack (it speaks connection-oriented DCE/RPC).
    bool bound() const noexcept { return bound_; }
    // The bind got bind_nak: the association is gone; a new connection may try the fallback.
    bool bind_refused() const noexcept { return bind_refused_; }
    // PDUs written and answered: the bind and every call or alter_context.
    std::uint32_t round_trips() const noexcept { return round_trips_; }

protected:
    std::vector<dcerpc::presentation_context> contexts() const override;
    bool requires_accepted_context() const noexcept override { return false; }
    step on_bound(const dcerpc::negotiation& n) override;
    step on_altered(const dcerpc::negotiation& n) override;
    step on_response(std::span<const std::byte> stub, ndr::drep rep) override;
    step on_fault(std::uint32_t status) override;
    void on_failed(std::optional<failure>& f) override;

private:
    enum class stage : std::uint8_t { bind, if_ids, princ_name, fallback, brute, finished };

    step refused(std::string why);
    step ask_principal();
    step after_principal();
    step start_brute();
    step next_batch();
    void take_answer(const dcerpc::negotiation& n);
    void add(const epm::syntax_id& s, epm::found_by how);
    bool known(const epm::syntax_id& s) const;

    probe_settings settings_;
    stage stage_ = stage::bind;
    std::vector<epm::served_interface> interfaces_;
    bool mgmt_answered_ = false;
    std::string mgmt_refusal_;
    std::optional<std::string> principal_;
    bool accepts_any_ = false;
    bool bound_ = false;
    bool bind_refused_ = false;
    std::uint32_t round_trips_ = 0;

    std::size_t princ_attempt_ = 0;       // index into the authn_proto list
    std::deque<epm::syntax_id> queue_;    // still to offer
    std::deque<epm::syntax_id> again_;    // refused as "not first in its PDU": offer again
    std::vector<dcerpc::presentation_context> batch_; // the outstanding alter_context (or first bind)
    std::uint16_t next_context_ = 2;      // 0: mgmt, 1: feature negotiation
    std::uint16_t max_xmit_ = 0;
};

} // namespace epmdump::client
