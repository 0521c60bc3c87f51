#include <epmdump/session/probe_session.hpp>
#include <epmdump/session/status_text.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/mgmt/mgmt.hpp>

#include <algorithm>
#include <array>

namespace epmdump::client {

namespace {

// inq_princ_name's authn_proto, in turn: NTLM (what Windows' own RpcMgmtInqServerPrincName
// callers pass), then Negotiate. Samba faults opnum 4 with nca_s_op_rng_error.
constexpr std::array<std::uint32_t, 2> principal_protocols{mgmt::rpc_c_authn_winnt, mgmt::rpc_c_authn_gss_negotiate};
constexpr std::uint32_t princ_name_size = 256;
constexpr std::uint32_t nca_s_op_rng_error = 0x1c010002;

// A presentation context element on the wire: p_cont_id(2) n_transfer_syn(1) reserved(1),
// abstract syntax (20), one transfer syntax (20); the PDU around them: header 16,
// max_xmit/max_recv/assoc_group 8, n_context_elem + 3 reserved (C706 §12.6.4.3).
constexpr std::size_t context_size = 44;
constexpr std::size_t alter_overhead = 28;
// The smallest max_recv_frag a server must accept ([MS-RPCE] 3.3.1.5.2): the first bind's limit.
constexpr std::uint16_t min_recv_frag = 1432;

constexpr uuid unserved_uuid = uuid_literal("8175a794-8e82-4162-89aa-5254499cf755");

std::size_t batch_capacity(std::uint16_t max_xmit)
{
    const std::size_t room = max_xmit > alter_overhead ? (max_xmit - alter_overhead) / context_size : 0;
    return std::clamp<std::size_t>(room, 1, 255); // n_context_elem is one octet
}

} // namespace

epm::syntax_id unserved_interface() noexcept
{
    return epm::syntax_id{unserved_uuid, 1, 0};
}

probe_session::probe_session(const client_options& options, bool expect_banner, probe_settings settings)
    : rpc_session(options, expect_banner), settings_(std::move(settings))
{
    if (settings_.optional_banner && !expect_banner) allow_banner();
    if (settings_.skip_mgmt)
    {
        // The bind itself carries the first batch (the fallback's liar check first).
        stage_ = stage::fallback;
        queue_.push_back(unserved_interface());
        for (const auto& c : settings_.candidates)
            if (c != mgmt::mgmt_interface()) queue_.push_back(c);
        next_context_ = 0;
        max_xmit_ = std::min(options.max_xmit_frag, min_recv_frag);
        (void)next_batch();
        stage_ = stage::bind;
    }
}

std::vector<dcerpc::presentation_context> probe_session::contexts() const
{
    if (settings_.skip_mgmt) return batch_;
    return default_contexts(mgmt::mgmt_interface());
}

bool probe_session::known(const epm::syntax_id& s) const
{
    return std::any_of(interfaces_.begin(), interfaces_.end(),
                       [&](const epm::served_interface& i) { return i.interface == s; });
}

void probe_session::add(const epm::syntax_id& s, epm::found_by how)
{
    if (!known(s)) interfaces_.push_back(epm::served_interface{s, how});
}

rpc_session::step probe_session::on_bound(const dcerpc::negotiation& n)
{
    bound_ = true;
    ++round_trips_;
    max_xmit_ = n.max_xmit_frag;
    if (settings_.skip_mgmt)
    {
        stage_ = stage::fallback;
        mgmt_refusal_ = "bind_nak on an earlier connection";
        take_answer(n);
        if (accepts_any_) return std::nullopt;
        return next_batch();
    }
    for (const auto& c : contexts()) next_context_ = std::max<std::uint16_t>(next_context_, c.context_id + 1);
    if (!n.accepts(0))
    {
        const auto reason = n.rejection ? n.rejection->reason : dcerpc::reason_not_specified;
        return refused("context rejected: " + provider_reason_text(reason));
    }
    stage_ = stage::if_ids;
    call c;
    c.opnum = mgmt::opnum_inq_if_ids;
    c.phase = phase::ping;
    c.context_id = 0;
    return c;
}

rpc_session::step probe_session::refused(std::string why)
{
    mgmt_refusal_ = std::move(why);
    if (!settings_.fallback)
    {
        if (settings_.brute_versions) return start_brute();
        stage_ = stage::finished;
        return std::nullopt;
    }
    stage_ = stage::fallback;
    queue_.clear();
    queue_.push_back(unserved_interface());
    for (const auto& c : settings_.candidates)
        if (c != mgmt::mgmt_interface() && !known(c)) queue_.push_back(c);
    return next_batch();
}

rpc_session::step probe_session::next_batch()
{
    batch_.clear();
    const std::size_t capacity = batch_capacity(max_xmit_ != 0 ? max_xmit_ : options().max_xmit_frag);
    auto take = [&](std::deque<epm::syntax_id>& from) {
        while (!from.empty() && batch_.size() < capacity)
        {
            const auto s = from.front();
            from.pop_front();
            if (known(s) || next_context_ == 0xffff) continue;
            batch_.push_back(dcerpc::presentation_context{next_context_++, s, {dcerpc::ndr20_syntax()}});
        }
    };
    take(again_);
    take(queue_);
    if (batch_.empty())
    {
        if (stage_ == stage::fallback && settings_.brute_versions) return start_brute();
        stage_ = stage::finished;
        return std::nullopt;
    }
    call c;
    c.phase = phase::ping;
    c.alter = batch_;
    return c;
}

void probe_session::take_answer(const dcerpc::negotiation& n)
{
    const auto how = stage_ == stage::brute ? epm::found_by::brute_version : epm::found_by::probed;
    for (const auto& a : n.contexts)
    {
        if (a.abstract_syntax == unserved_interface())
            accepts_any_ = true;
        else
            add(a.abstract_syntax, how);
    }
    std::deque<epm::syntax_id> again;
    for (const auto& r : n.rejected)
        if (r.reason == dcerpc::proposed_transfer_syntaxes_not_supported && !known(r.abstract_syntax))
            again.push_back(r.abstract_syntax);
    // Offered again only while each PDU accepts something: a server that refuses a whole batch
    // this way gets no second chance (no loop).
    if (n.contexts.empty()) again.clear();
    again_ = std::move(again);
    if (accepts_any_)
    {
        // A liar: its acceptances mean nothing; what mgmt listed stays.
        std::erase_if(interfaces_, [](const epm::served_interface& i) { return i.how != epm::found_by::inq_if_ids; });
        queue_.clear();
        again_.clear();
        stage_ = stage::finished;
    }
}

rpc_session::step probe_session::on_altered(const dcerpc::negotiation& n)
{
    ++round_trips_;
    take_answer(n);
    if (accepts_any_) return std::nullopt;
    return next_batch();
}

rpc_session::step probe_session::start_brute()
{
    stage_ = stage::brute;
    queue_.clear();
    again_.clear();
    // The liar check, unless the fallback already made it on this connection.
    if (settings_.skip_mgmt || mgmt_answered_ || !settings_.fallback) queue_.push_back(unserved_interface());
    std::vector<uuid> ids;
    for (const auto& i : interfaces_)
        if (std::find(ids.begin(), ids.end(), i.interface.id) == ids.end()) ids.push_back(i.interface.id);
    for (const auto& id : ids)
        for (std::uint16_t major = 0; major <= brute_max_major; ++major)
        {
            const epm::syntax_id s{id, major, 0};
            if (std::none_of(interfaces_.begin(), interfaces_.end(), [&](const epm::served_interface& i) {
                    return i.interface.id == id && i.interface.major == major;
                }))
                queue_.push_back(s);
        }
    settings_.brute_versions = false; // once
    return next_batch();
}

rpc_session::step probe_session::ask_principal()
{
    if (princ_attempt_ >= principal_protocols.size()) return after_principal();
    stage_ = stage::princ_name;
    ndr::writer w;
    mgmt::encode_inq_princ_name_request({principal_protocols[princ_attempt_++], princ_name_size}, w);
    call c;
    c.opnum = mgmt::opnum_inq_princ_name;
    c.stub = w.take();
    c.phase = phase::ping;
    c.context_id = 0;
    return c;
}

rpc_session::step probe_session::after_principal()
{
    if (settings_.brute_versions) return start_brute();
    stage_ = stage::finished;
    return std::nullopt;
}

rpc_session::step probe_session::on_response(std::span<const std::byte> stub, ndr::drep rep)
{
    ++round_trips_;
    if (stage_ == stage::if_ids)
    {
        auto r = mgmt::decode_inq_if_ids_response(stub, rep);
        if (!r) return refused("inq_if_ids answer does not decode: " + r.error().message());
        if (r->status != 0) return refused("inq_if_ids status " + fault_status_text(r->status));
        mgmt_answered_ = true;
        for (const auto& id : r->if_ids) add(id, epm::found_by::inq_if_ids);
        return ask_principal();
    }
    if (stage_ == stage::princ_name)
    {
        auto r = mgmt::decode_inq_princ_name_response(stub, rep, ndr::transfer_syntax::ndr20, princ_name_size);
        if (r && r->status == 0 && !r->princ_name.empty())
        {
            principal_ = std::move(r->princ_name);
            return after_principal();
        }
        return ask_principal();
    }
    return fail(failure{client_errc::protocol_violation, current_phase(), {}, {}, "unexpected response"});
}

rpc_session::step probe_session::on_fault(std::uint32_t status)
{
    ++round_trips_;
    if (stage_ == stage::if_ids) return refused("fault " + fault_status_text(status));
    if (stage_ == stage::princ_name)
        return status == nca_s_op_rng_error ? after_principal() : ask_principal(); // not implemented: stop asking
    return rpc_session::on_fault(status);
}

void probe_session::on_failed(std::optional<failure>& f)
{
    if (f && f->code == client_errc::bind_rejected && !bound_)
    {
        ++round_trips_;
        bind_refused_ = true;
        mgmt_refusal_ = "bind_nak: " + f->detail;
    }
}

} // namespace epmdump::client
