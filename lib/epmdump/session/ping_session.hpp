#pragma once
// Endpoint verification, sans-I/O: bind every interface registered on one endpoint in one
// bind PDU (one presentation context each) and read which contexts the server accepts; each
// one refused there is offered again alone with alter_context on the same connection (Samba
// accepts only the first context of a bind, Windows all of them). This is the "ping" of
// rpcdump.exe: the endpoint answered for that interface.
#include <epmdump/session/rpc_session.hpp>
#include <epmdump/epm/endpoint.hpp>

#include <vector>

namespace epmdump::client {

// A bind offers at most this many interfaces (n_context_elem is one octet; stay well below).
inline constexpr std::size_t max_ping_interfaces = 32;

class ping_session final : public rpc_session
{
public:
    ping_session(const client_options& options, bool expect_banner, std::vector<epm::syntax_id> interfaces);

    // One per interface, in the order given: the server accepted its context.
    const std::vector<bool>& accepted() const noexcept { return accepted_; }
    // One per interface: a DCE/RPC server refused it for good (offered alone in alter_context
    // and refused or faulted, or the whole bind was refused with bind_nak or a fault); false
    // while not tried alone (the time ran out) and for what is no DCE/RPC server.
    const std::vector<bool>& refused() const noexcept { return refused_; }

protected:
    std::vector<dcerpc::presentation_context> contexts() const override;
    bool requires_accepted_context() const noexcept override { return false; }
    step on_bound(const dcerpc::negotiation& n) override;
    step on_altered(const dcerpc::negotiation& n) override;
    step on_response(std::span<const std::byte> stub, ndr::drep rep) override;
    step on_fault(std::uint32_t status) override;
    void on_failed(std::optional<failure>& f) override;

private:
    step next_retry();

    std::vector<epm::syntax_id> interfaces_;
    std::vector<bool> accepted_;
    std::size_t retry_ = 0; // next interface to offer alone
    std::size_t pending_ = 0; // the interface the outstanding alter_context offers
    std::vector<bool> refused_;
    bool bound_ = false;
};

} // namespace epmdump::client
