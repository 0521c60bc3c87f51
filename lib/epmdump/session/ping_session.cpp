#include <epmdump/session/ping_session.hpp>
#include <epmdump/dcerpc/syntax.hpp>

namespace epmdump::client {

ping_session::ping_session(const client_options& options, bool expect_banner, std::vector<epm::syntax_id> interfaces)
    : rpc_session(options, expect_banner), interfaces_(std::move(interfaces)), accepted_(interfaces_.size(), false)
{
    if (interfaces_.size() > max_ping_interfaces) interfaces_.resize(max_ping_interfaces);
    accepted_.resize(interfaces_.size());
    refused_.resize(interfaces_.size());
}

std::vector<dcerpc::presentation_context> ping_session::contexts() const
{
    std::vector<dcerpc::presentation_context> out;
    std::uint16_t id = 0;
    for (const auto& i : interfaces_)
        out.push_back(dcerpc::presentation_context{id++, i, {dcerpc::ndr20_syntax()}});
    return out;
}

rpc_session::step ping_session::on_bound(const dcerpc::negotiation& n)
{
    bound_ = true;
    // Context i offers interface i (contexts()).
    for (std::size_t i = 0; i < accepted_.size(); ++i) accepted_[i] = n.accepts(static_cast<std::uint16_t>(i));
    return next_retry();
}

rpc_session::step ping_session::next_retry()
{
    while (retry_ < accepted_.size() && accepted_[retry_]) ++retry_;
    if (retry_ >= accepted_.size()) return std::nullopt;
    pending_ = retry_++;
    call c;
    c.phase = phase::ping;
    c.alter = std::vector<dcerpc::presentation_context>{dcerpc::presentation_context{
        static_cast<std::uint16_t>(pending_), interfaces_[pending_], {dcerpc::ndr20_syntax()}}};
    return c;
}

rpc_session::step ping_session::on_altered(const dcerpc::negotiation& n)
{
    accepted_[pending_] = n.accepts(static_cast<std::uint16_t>(pending_));
    refused_[pending_] = !accepted_[pending_];
    return next_retry();
}

rpc_session::step ping_session::on_response(std::span<const std::byte>, ndr::drep)
{
    return std::nullopt;
}

rpc_session::step ping_session::on_fault(std::uint32_t)
{
    // A server may fault an alter_context it dislikes: that interface is refused. A fault
    // instead of a bind_ack refuses them all (the session ends there).
    if (!bound_)
        refused_.assign(refused_.size(), true);
    else
        refused_[pending_] = true;
    return next_retry();
}

void ping_session::on_failed(std::optional<failure>& f)
{
    // A bind_nak is a DCE/RPC server's answer too ([C706] 12.6.4.4).
    if (f && f->code == client_errc::bind_rejected) refused_.assign(refused_.size(), true);
}

} // namespace epmdump::client
