// rpc_session's authentication: the legs of the context establishment over bind / bind_ack,
// alter_context / alter_context_resp and rpc_auth3 ([MS-RPCE] 3.3.1.5.2), per-PDU protection
// with the verifier and padding of 2.2.2.11-12, and the typed refusals.
#include <epmdump/session/rpc_session.hpp>
#include <epmdump/session/status_text.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>

#include <string_view>
#include <utility>

namespace epmdump::client {

namespace {

// Our sec_trailer.auth_context_id ([MS-RPCE] 2.2.2.11): one context per association.
constexpr std::uint32_t our_auth_context_id = 1;

// What a fault status says of the caller ([MS-RPCE] 3.3.3.5.x, C706 App. E), looked up by its
// name in the one status table (dcerpc/status_names.inc).
enum class fault_meaning : std::uint8_t { other, access_denied, authn_unknown, package_refused, level_refused, proto_error };

fault_meaning meaning_of(std::uint32_t status) noexcept
{
    static constexpr std::pair<std::string_view, fault_meaning> meanings[] = {
        {"rpc_s_access_denied", fault_meaning::access_denied},
        {"RPC_S_UNKNOWN_AUTHN_TYPE", fault_meaning::authn_unknown},
        {"RPC_S_UNKNOWN_AUTHN_SERVICE", fault_meaning::authn_unknown},
        {"RPC_S_SEC_PKG_ERROR", fault_meaning::package_refused},
        {"nca_invalid_checksum", fault_meaning::package_refused},
        {"RPC_S_UNKNOWN_AUTHN_LEVEL", fault_meaning::level_refused},
        {"RPC_S_UNSUPPORTED_AUTHN_LEVEL", fault_meaning::level_refused},
        {"nca_unsupported_authn_level", fault_meaning::level_refused},
        {"nca_proto_error", fault_meaning::proto_error},
    };
    const auto name = dcerpc::status_name(status);
    for (const auto& [word, meaning] : meanings)
        if (name == word) return meaning;
    return fault_meaning::other;
}

// bind_nak p_reject_reason_t ([MS-RPCE] 2.2.2.5) that refuse an authenticated bind.
constexpr std::uint16_t nak_reason_not_specified = 0; // what Samba sends when the token fails
constexpr std::uint16_t nak_authentication_type_not_recognized = 8;
constexpr std::uint16_t nak_invalid_checksum = 9;

failure auth_failure_of(const auth_failure& a, phase p)
{
    failure f{client_errc::auth_failed, p, {}, {}, a.detail.empty() ? std::string(epm::to_string(a.reason)) : a.detail};
    f.auth = a.reason;
    return f;
}

failure bad_verifier(phase p, std::string detail)
{
    failure f{client_errc::auth_failed, p, {}, {}, std::move(detail)};
    f.auth = epm::auth_errc::bad_verifier;
    return f;
}

} // namespace

auth_result<security_context::leg> auth_job::run() const
{
    if (!slot_ || !provider_) return auth_failure{epm::auth_errc::mechanism_failed, "no security provider"};
    if (!slot_->context)
    {
        auto made = provider_->new_context(host_);
        if (!made) return made.error();
        slot_->context = std::move(*made);
        slot_->context->set_level(level_);
    }
    return slot_->context->step(server_token_);
}

auth_job rpc_session::pending_auth() const
{
    auth_job job;
    job.provider_ = options_.security;
    job.host_ = auth_host_;
    job.slot_ = auth_slot_;
    job.server_token_ = server_token_;
    job.level_ = options_.auth_level;
    return job;
}

bool rpc_session::protecting() const noexcept
{
    // call and packet are treated as integrity ([MS-RPCE] 3.3.1.5.2); connect protects nothing.
    return securing() && auth_complete_ && options_.auth_level >= epm::auth_level::call;
}

dcerpc::sec_trailer rpc_session::our_trailer() const
{
    dcerpc::sec_trailer t;
    t.auth_type = static_cast<std::uint8_t>(options_.security->type());
    if (auth_slot_->context) t.auth_type = static_cast<std::uint8_t>(auth_slot_->context->type());
    t.auth_level = static_cast<std::uint8_t>(options_.auth_level);
    t.auth_context_id = our_auth_context_id;
    return t;
}

next_action rpc_session::ask_authenticate()
{
    auth_started_ = true;
    phase_ = phase::auth;
    return next_action{next_action::kind::authenticate, {}, phase::auth};
}

next_action rpc_session::on_authenticated(auth_result<security_context::leg> result)
{
    if (done_) return finish();
    // The first leg fails before anything was sent (a KDC, a ticket); later ones answer the server.
    const phase where = state_ == state::binding ? phase::bind : phase::auth;
    if (!result)
    {
        fail(auth_failure_of(result.error(), where));
        return finish();
    }
    if (!auth_slot_->context)
    {
        fail(auth_failure_of({epm::auth_errc::mechanism_failed, "no security context"}, where));
        return finish();
    }
    auth_complete_ = result->complete;
    server_token_.clear();
    if (state_ != state::binding) return send_auth_leg(std::move(result->token)); // the first leg: the bind
    if (!auth_complete_ && result->token.empty())
    {
        fail(auth_failure_of({epm::auth_errc::mechanism_failed, "the mechanism needs another leg but gave no token"},
                             where));
        return finish();
    }
    if (auth_complete_ && result->token.empty()) return enter_calls();
    return send_auth_leg(std::move(result->token));
}

next_action rpc_session::send_auth_leg(std::vector<std::byte> token)
{
    auto trailer = our_trailer();
    if (state_ != state::binding)
    {
        // The first leg rides in the bind, offering header signing as Windows clients do.
        if (token.empty())
        {
            fail(auth_failure_of({epm::auth_errc::mechanism_failed, "the mechanism gave no first token"}, phase::auth));
            return finish();
        }
        state_ = state::binding;
        dcerpc::bind_params params;
        params.max_xmit_frag = options_.max_xmit_frag;
        params.max_recv_frag = options_.max_recv_frag;
        params.contexts = contexts();
        params.flags |= dcerpc::pfc_support_header_sign;
        offered_ = std::move(params);
        auto pdu = dcerpc::encode_bind(++call_id_, offered_);
        dcerpc::append_auth_verifier(pdu, trailer, token);
        return send(std::move(pdu), phase::bind);
    }
    // SPNEGO's last token (its mechListMIC) goes in alter_context as Windows sends it: Samba
    // refuses it in rpc_auth3 (every call then faults access denied).
    if (auth_complete_ && our_trailer().auth_type != static_cast<std::uint8_t>(epm::auth_type::negotiate))
    {
        // A last token that expects no answer: rpc_auth3 ([MS-RPCE] 2.2.2.10), on the bind's call_id.
        calls_after_write_ = true;
        sent_auth3_ = true;
        const std::uint8_t flags = dcerpc::pfc_single_frag | (header_signing_ ? dcerpc::pfc_support_header_sign : 0);
        return send(dcerpc::encode_auth3(call_id_, trailer, token, flags, options_.max_xmit_frag, options_.max_recv_frag),
                    phase::bind);
    }
    // More legs (SPNEGO): alter_context with the bind's first context and the token.
    dcerpc::bind_params params;
    params.max_xmit_frag = options_.max_xmit_frag;
    params.max_recv_frag = options_.max_recv_frag;
    if (!offered_.contexts.empty()) params.contexts.push_back(offered_.contexts.front());
    params.flags |= dcerpc::pfc_support_header_sign;
    auto pdu = dcerpc::encode_alter_context(++call_id_, params);
    dcerpc::append_auth_verifier(pdu, trailer, token);
    auth_alter_pending_ = true;
    return send(std::move(pdu), phase::bind);
}

next_action rpc_session::enter_calls()
{
    auth_complete_ = true;
    const auto& context = *auth_slot_->context;
    authenticated_ = epm::auth_info{context.type(), options_.auth_level, context.principal()};
    if (context.type() == epm::auth_type::negotiate) authenticated_->mechanism = context.mechanism();
    state_ = state::calling;
    if (!bound_) return finish();
    auto n = std::move(*bound_);
    bound_.reset();
    return next_call(on_bound(n));
}

std::optional<failure> rpc_session::check_verifier(const std::optional<dcerpc::auth_verifier>& v, bool required) const
{
    if (!v)
    {
        if (!required) return std::nullopt;
        return bad_verifier(phase_, "the server's answer carries no auth verifier");
    }
    const auto ours = our_trailer();
    if (v->trailer.auth_type != ours.auth_type)
        return bad_verifier(phase_, "the server answered with auth_type " +
                                        epm::to_string(static_cast<epm::auth_type>(v->trailer.auth_type)) +
                                        ", we asked for " + epm::to_string(static_cast<epm::auth_type>(ours.auth_type)));
    if (v->trailer.auth_level != ours.auth_level)
        return bad_verifier(phase_, "the server answered at auth_level " +
                                        epm::to_string(static_cast<epm::auth_level>(v->trailer.auth_level)) +
                                        ", we asked for " + epm::to_string(options_.auth_level));
    if (v->trailer.auth_context_id != ours.auth_context_id)
        return bad_verifier(phase_, "the server answered for auth_context_id " +
                                        std::to_string(v->trailer.auth_context_id) + ", ours is " +
                                        std::to_string(ours.auth_context_id));
    return std::nullopt;
}

std::optional<failure> rpc_session::refusal(std::uint32_t status, bool nak) const
{
    const phase where = state_ == state::calling ? phase_ : phase::bind;
    auto make = [&](client_errc code, epm::auth_errc why, std::string said) {
        failure f{code, where, status, {}, std::move(said)};
        f.auth = why;
        return f;
    };
    if (nak)
    {
        if (!securing()) return std::nullopt;
        const auto reason = static_cast<std::uint16_t>(status);
        if (reason == nak_reason_not_specified || reason == nak_authentication_type_not_recognized ||
            reason == nak_invalid_checksum)
            return make(client_errc::auth_failed, epm::auth_errc::credentials_refused,
                        "bind_nak " + bind_nak_reason_text(reason) + ": the server refused these credentials");
        return std::nullopt;
    }
    const auto said = fault_status_text(status);
    switch (meaning_of(status))
    {
    case fault_meaning::access_denied:
        if (!securing())
            return make(client_errc::access_denied, epm::auth_errc::anonymous_refused,
                        said + ": the server refuses unauthenticated callers");
        return make(client_errc::auth_failed, epm::auth_errc::credentials_refused,
                    said + ": the server refused these credentials");
    case fault_meaning::authn_unknown:
        if (!securing()) return std::nullopt;
        return make(client_errc::auth_failed, epm::auth_errc::credentials_refused,
                    said + ": the server refused these credentials");
    case fault_meaning::package_refused:
        // What Samba answers a PDU whose verifier does not verify, or a context it gave up on.
        if (!securing()) return std::nullopt;
        return make(client_errc::auth_failed, epm::auth_errc::credentials_refused,
                    said + ": the server's security package refused our call");
    case fault_meaning::level_refused:
        if (!securing()) return std::nullopt;
        return make(client_errc::auth_failed, epm::auth_errc::level_refused,
                    said + ": the server will not run at level " + epm::to_string(options_.auth_level));
    case fault_meaning::proto_error:
        // rpc_auth3 gets no answer: Samba refuses the AUTHENTICATE (NTLM: a wrong password) by
        // faulting the association's first call with nca_proto_error.
        if (!securing() || !sent_auth3_ || stats_.response_fragments != 0) return std::nullopt;
        return make(client_errc::auth_failed, epm::auth_errc::credentials_refused,
                    said + " on the first call after rpc_auth3: the server refused these credentials");
    case fault_meaning::other: break;
    }
    return std::nullopt;
}

std::optional<std::vector<std::byte>> rpc_session::protect_request(const call& c, std::uint16_t xmit)
{
    auto& context = *auth_slot_->context;
    const bool seal = options_.auth_level == epm::auth_level::privacy;
    dcerpc::verifier_plan plan{our_trailer(), context.verifier_length(seal)};
    std::vector<dcerpc::protected_fragment> layout;
    dcerpc::request_params params{c.context_id, c.opnum, std::nullopt, xmit};
    auto bytes = dcerpc::encode_request(++call_id_, params, c.stub, plan, layout);
    const std::span<std::byte> all(bytes);
    for (const auto& f : layout)
    {
        // Header and sec_trailer are signed only when header signing was negotiated.
        const auto header = header_signing_ ? all.subspan(f.start, f.body - f.start) : std::span<std::byte>{};
        const auto trailer = header_signing_ ? all.subspan(f.trailer, f.signature - f.trailer) : std::span<std::byte>{};
        auto done = context.protect(seal, header, all.subspan(f.body, f.trailer - f.body), trailer,
                                    all.subspan(f.signature, f.end - f.signature));
        if (!done)
        {
            fail(auth_failure_of(done.error(), c.phase));
            return std::nullopt;
        }
    }
    return bytes;
}

bool rpc_session::unprotect_fragment(const dcerpc::pdu_frame& frame, dcerpc::pdu_frame& out)
{
    auto r = dcerpc::decode_response(frame.header, frame.bytes);
    if (!r) return true; // the assembler names the codec error
    if (auto bad = check_verifier(r->auth, true))
    {
        fail(std::move(*bad));
        return false;
    }
    const std::size_t body = dcerpc::common_header_size + 8;
    const std::size_t end = frame.header.frag_length;
    const std::size_t signature = end - frame.header.auth_length;
    const std::size_t trailer = signature - dcerpc::sec_trailer_size;
    unsealed_.assign(frame.bytes.begin(), frame.bytes.begin() + static_cast<std::ptrdiff_t>(end));
    const std::span<std::byte> all(unsealed_);
    const auto header = header_signing_ ? all.subspan(0, body) : std::span<std::byte>{};
    const auto sec = header_signing_ ? all.subspan(trailer, dcerpc::sec_trailer_size) : std::span<std::byte>{};
    auto done = auth_slot_->context->unprotect(options_.auth_level == epm::auth_level::privacy, header,
                                                all.subspan(body, trailer - body), sec,
                                                all.subspan(signature, end - signature));
    if (!done)
    {
        auto f = auth_failure_of(done.error(), phase_);
        f.auth = epm::auth_errc::bad_verifier;
        f.detail = "the server's signature does not verify: " + f.detail;
        fail(std::move(f));
        return false;
    }
    out = dcerpc::pdu_frame{frame.header, unsealed_, frame.stream_offset};
    return true;
}

} // namespace epmdump::client
