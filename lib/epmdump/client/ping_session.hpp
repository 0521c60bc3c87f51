#pragma once
// Endpoint verification, sans-I/O: bind every interface registered on one endpoint in one
// bind PDU (one presentation context each) and read which contexts the server accepts.
// This is the "ping" of rpcdump.exe: the endpoint answered for that interface.
#include <epmdump/client/rpc_session.hpp>
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

protected:
    std::vector<dcerpc::presentation_context> contexts() const override;
    bool requires_accepted_context() const noexcept override { return false; }
    step on_bound(const dcerpc::bind_ack_params& ack) override;
    step on_response(std::span<const std::byte> stub, ndr::drep rep) override;

private:
    std::vector<epm::syntax_id> interfaces_;
    std::vector<bool> accepted_;
};

} // namespace epmdump::client
