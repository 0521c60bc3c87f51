#include <epmdump/session/rpc_session.hpp>
#include <epmdump/session/status_text.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/dcerpc/reply.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/port_probe.hpp>

#include <algorithm>
#include <variant>

namespace epmdump::client {

namespace {

// Feature bits we offer ([MS-RPCE] 2.2.2.14), as Windows clients do; we use neither, but a
// server that acknowledges them shows it implements bind-time negotiation.
constexpr std::uint64_t offered_features =
    dcerpc::feature_security_context_multiplexing | dcerpc::feature_keep_connection_on_orphan;

failure protocol_violation(phase p, const codec_error& e, std::string what)
{
    failure f{client_errc::protocol_violation, p, {}, e, std::move(what)};
    f.detail += ": " + e.message();
    return f;
}

} // namespace

rpc_session::rpc_session(const client_options& options, bool expect_banner)
    : options_(options), expect_banner_(expect_banner),
      assembler_(std::min<std::size_t>(options.limits.max_response, dcerpc::default_max_message))
{
}

rpc_session::~rpc_session() = default;

std::vector<dcerpc::presentation_context> rpc_session::default_contexts(const dcerpc::syntax_id& abstract) const
{
    dcerpc::context_offer offer;
    if (options_.feature_negotiation) offer.bind_time_features = offered_features;
    return dcerpc::make_contexts(abstract, offer, 0);
}

next_action rpc_session::send(std::vector<std::byte> bytes, client::phase p)
{
    out_ = std::move(bytes);
    phase_ = p;
    return next_action{next_action::kind::write, out_, p};
}

next_action rpc_session::read(client::phase p)
{
    phase_ = p;
    return next_action{next_action::kind::read, {}, p};
}

next_action rpc_session::finish()
{
    if (!done_)
    {
        done_ = true;
        state_ = state::finished;
        on_failed(error_);
    }
    return next_action{next_action::kind::done, {}, phase_};
}

rpc_session::step rpc_session::fail(failure f)
{
    if (!error_) error_ = std::move(f);
    return std::nullopt;
}

rpc_session::step rpc_session::on_fault(std::uint32_t status)
{
    if (auto refused = refusal(status, false)) return fail(std::move(*refused));
    return fail(failure{client_errc::fault, phase_, status, {}, fault_status_text(status)});
}

void rpc_session::on_failed(std::optional<failure>&) {}

rpc_session::step rpc_session::on_altered(const dcerpc::negotiation&)
{
    return fail(failure{client_errc::protocol_violation, phase_, {}, {}, "unexpected alter_context_resp"});
}

next_action rpc_session::start()
{
    if (expect_banner_)
    {
        state_ = state::banner;
        return read(phase::banner);
    }
    // With a security context, its first token goes in the bind: run the first leg first.
    if (securing() && !auth_started_) return ask_authenticate();
    state_ = state::binding;
    dcerpc::bind_params params;
    params.max_xmit_frag = options_.max_xmit_frag;
    params.max_recv_frag = options_.max_recv_frag;
    params.contexts = contexts();
    offered_ = std::move(params);
    return send(dcerpc::encode_bind(++call_id_, offered_), phase::bind);
}

next_action rpc_session::on_written()
{
    if (done_) return finish();
    if (calls_after_write_)
    {
        // rpc_auth3 has no answer ([MS-RPCE] 3.3.1.5.2): the context is complete, calls begin.
        calls_after_write_ = false;
        return enter_calls();
    }
    return read(phase_);
}

next_action rpc_session::on_io_failure(failure f)
{
    if (done_) return finish();
    // A server that closes the connection before saying anything is not a DCE/RPC server we
    // can talk to; once it has sent PDUs, closing is a reset.
    if (f.code == client_errc::reset && stats_.bytes_received == 0 && state_ == state::binding)
    {
        f.code = client_errc::not_dcerpc;
        // Say what the server did: a close (FIN) or a reset (RST), before any reply to our bind.
        f.detail = (f.detail.empty() ? std::string("the server reset the connection") : f.detail) +
                   " before answering the bind";
    }
    error_ = std::move(f);
    return finish();
}

next_action rpc_session::on_read(std::span<const std::byte> bytes)
{
    if (done_) return finish();
    stats_.bytes_received += bytes.size();
    if (first_bytes_.size() < epm::max_first_bytes)
        first_bytes_.insert(first_bytes_.end(), bytes.begin(),
                            bytes.begin() + static_cast<std::ptrdiff_t>(
                                                std::min(bytes.size(), epm::max_first_bytes - first_bytes_.size())));
    if (optional_banner_ && state_ == state::binding && banner_.current() == http_banner_reader::state::need_more)
    {
        std::size_t used = 0;
        const auto s = banner_.feed(bytes, used);
        if (s == http_banner_reader::state::need_more) return read(phase_);
        bytes = bytes.subspan(used);
        if (s == http_banner_reader::state::done)
            saw_banner_ = true;
        else if (!feed_framer(std::as_bytes(std::span(banner_.received())))) // not a banner: the stream's start
            return finish();
        if (bytes.empty() && s == http_banner_reader::state::done) return read(phase_);
    }
    if (state_ == state::banner)
    {
        std::size_t used = 0;
        const auto s = banner_.feed(bytes, used);
        if (s == http_banner_reader::state::need_more) return read(phase::banner);
        if (s == http_banner_reader::state::mismatch)
        {
            fail(failure{client_errc::not_dcerpc, phase::banner, {}, {},
                         "expected \"" + std::string(ncacn_http_banner) + "\", got \"" +
                             printable_excerpt(banner_.received()) + "\""});
            return finish();
        }
        bytes = bytes.subspan(used);
        saw_banner_ = true;
        state_ = state::idle;
        expect_banner_ = false;
        auto act = start();
        if (!bytes.empty())
        {
            // The server spoke before our bind: keep the bytes, they will not match a call.
            if (auto fed = framer_.feed(bytes); !fed)
            {
                fail(protocol_violation(phase::banner, fed.error(), "after the banner"));
                return finish();
            }
        }
        return act;
    }
    if (!feed_framer(bytes)) return finish();
    for (;;)
    {
        const bool at_stream_start = framer_.stream_offset() == 0;
        auto frame = framer_.next();
        if (!frame)
        {
            if (at_stream_start && frame.error().code == codec_errc::bad_header)
                fail(failure{client_errc::not_dcerpc, phase_, {}, frame.error(),
                             "the first bytes are not a DCE/RPC header"});
            else
                fail(protocol_violation(phase_, frame.error(), "framing"));
            return finish();
        }
        if (!*frame) return read(phase_);
        if ((*frame)->header.type == dcerpc::pdu_type::response) ++stats_.response_fragments;
        dcerpc::pdu_frame checked = **frame;
        if (protecting() && checked.header.type == dcerpc::pdu_type::response &&
            !unprotect_fragment(**frame, checked))
            return finish();
        auto message = assembler_.add(checked);
        if (!message)
        {
            fail(protocol_violation(phase_, message.error(), "reassembly"));
            return finish();
        }
        if (!*message) continue;
        auto act = handle_message(**message);
        if (act.type != next_action::kind::read) return act;
    }
}

bool rpc_session::feed_framer(std::span<const std::byte> bytes)
{
    if (auto fed = framer_.feed(bytes); !fed)
    {
        fail(protocol_violation(phase_, fed.error(), "framing"));
        return false;
    }
    return true;
}

next_action rpc_session::next_call(step s)
{
    if (error_ || !s) return finish();
    ++stats_.calls;
    if (s->alter)
    {
        dcerpc::bind_params params;
        params.max_xmit_frag = options_.max_xmit_frag;
        params.max_recv_frag = options_.max_recv_frag;
        params.contexts = std::move(*s->alter);
        offered_ = std::move(params);
        altering_ = true;
        return send(dcerpc::encode_alter_context(++call_id_, offered_), s->phase);
    }
    const std::uint16_t xmit = max_xmit_ != 0 ? max_xmit_ : options_.max_xmit_frag;
    if (protecting())
    {
        auto bytes = protect_request(*s, xmit);
        if (!bytes) return finish();
        return send(std::move(*bytes), s->phase);
    }
    return send(dcerpc::encode_request(++call_id_, s->context_id, s->opnum, s->stub, std::nullopt, xmit), s->phase);
}

next_action rpc_session::handle_message(const dcerpc::message& m)
{
    if (m.call_id != call_id_)
    {
        fail(failure{client_errc::protocol_violation, phase_, {}, {},
                     "answer for call_id " + std::to_string(m.call_id) + ", expected " + std::to_string(call_id_)});
        return finish();
    }
    stats_.big_endian_server = m.first.drep.integer == ndr::byte_order::big;
    return state_ == state::binding ? on_bind_reply(m) : on_call_reply(m);
}

next_action rpc_session::on_bind_reply(const dcerpc::message& m)
{
    using dcerpc::pdu_type;
    const bool expected = m.type == pdu_type::bind_ack || m.type == pdu_type::bind_nak || m.type == pdu_type::fault ||
                          (auth_alter_pending_ && m.type == pdu_type::alter_context_resp);
    if (!expected)
    {
        fail(failure{client_errc::protocol_violation, phase::bind, {}, {},
                     "expected bind_ack, got PTYPE " + std::to_string(static_cast<int>(m.type))});
        return finish();
    }
    auto reply = dcerpc::decode_reply(m);
    if (!reply)
    {
        fail(protocol_violation(phase::bind, reply.error(), std::string(dcerpc::pdu_type_name(m.type))));
        return finish();
    }
    if (const auto* nak = std::get_if<dcerpc::bind_nak_pdu>(&*reply))
    {
        const auto reason = nak->params.provider_reject_reason;
        if (auto refused = refusal(reason, true))
            fail(std::move(*refused));
        else
            fail(failure{client_errc::bind_rejected, phase::bind, reason, {}, bind_nak_reason_text(reason)});
        return finish();
    }
    if (const auto* fault = std::get_if<dcerpc::fault_pdu>(&*reply))
    {
        if (auto refused = refusal(fault->status, false))
            fail(std::move(*refused));
        else
            on_fault(fault->status);
        return finish();
    }
    const auto& ack_pdu = std::get<dcerpc::bind_ack_pdu>(*reply);
    if (securing())
    {
        if (auto bad = check_verifier(ack_pdu.auth, !auth_complete_))
        {
            fail(std::move(*bad));
            return finish();
        }
        if (ack_pdu.auth) server_token_.assign(ack_pdu.auth->auth_value.begin(), ack_pdu.auth->auth_value.end());
        if (m.type == pdu_type::alter_context_resp)
        {
            // A leg of the context establishment, not a change of presentation contexts.
            auth_alter_pending_ = false;
            return auth_complete_ ? enter_calls() : ask_authenticate();
        }
        // [MS-RPCE] 2.2.2.3: the server echoes PFC_SUPPORT_HEADER_SIGN when it signs headers too.
        header_signing_ = (ack_pdu.params.flags & dcerpc::pfc_support_header_sign) != 0;
    }
    const auto& ack = ack_pdu.params;
    stats_.max_recv_frag = ack.max_xmit_frag;
    auto n = dcerpc::negotiate(offered_, ack);
    if (!n)
    {
        fail(protocol_violation(phase::bind, n.error(), "bind_ack"));
        return finish();
    }
    // We send at most what the server receives, and never more than we offered.
    max_xmit_ = n->max_xmit_frag;
    stats_.max_xmit_frag = max_xmit_;
    framer_.set_max_frag_length(std::max<std::size_t>(options_.max_recv_frag, n->peer_max_xmit_frag));
    stats_.feature_negotiation_acked = n->features.has_value();
    stats_.features = n->features.value_or(0);
    if (requires_accepted_context() && n->contexts.empty())
    {
        const auto reason = n->rejection ? n->rejection->reason : dcerpc::reason_not_specified;
        fail(failure{client_errc::bind_rejected, phase::bind, reason, {},
                     "no context accepted: " + provider_reason_text(reason)});
        return finish();
    }
    if (securing())
    {
        bound_ = std::move(*n);
        return auth_complete_ ? enter_calls() : ask_authenticate();
    }
    state_ = state::calling;
    return next_call(on_bound(*n));
}

next_action rpc_session::on_call_reply(const dcerpc::message& m)
{
    using dcerpc::pdu_type;
    if (m.type != pdu_type::fault && m.type != pdu_type::alter_context_resp && m.type != pdu_type::response)
    {
        fail(failure{client_errc::protocol_violation, phase_, {}, {},
                     "expected a response, got PTYPE " + std::to_string(static_cast<int>(m.type))});
        return finish();
    }
    auto reply = dcerpc::decode_reply(m);
    if (!reply)
    {
        fail(protocol_violation(phase_, reply.error(), std::string(dcerpc::pdu_type_name(m.type))));
        return finish();
    }
    if (const auto* fault = std::get_if<dcerpc::fault_pdu>(&*reply)) return next_call(on_fault(fault->status));
    if (const auto* ack = std::get_if<dcerpc::bind_ack_pdu>(&*reply))
    {
        if (!altering_) return next_call(rpc_session::on_altered(dcerpc::negotiation{})); // nobody asked
        altering_ = false;
        auto n = dcerpc::negotiate(offered_, ack->params);
        if (!n)
        {
            fail(protocol_violation(phase_, n.error(), "alter_context_resp"));
            return finish();
        }
        return next_call(on_altered(*n));
    }
    const auto& response = std::get<dcerpc::response_reply>(*reply);
    return next_call(on_response(response.stub, response.rep));
}

} // namespace epmdump::client
