#include <epmdump/capture/rpc_conversation.hpp>

#include <epmdump/capture/ntlm_principal.hpp>
#include <epmdump/dcerpc/control_pdu.hpp>

#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/names.hpp>
#include <epmdump/dcerpc/negotiation.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/ept_status.hpp>
#include <epmdump/session/status_text.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <variant>

namespace epmdump::capture {

namespace {

// A conversation's first page becomes its entry list; later pages are moved onto its end in
// one step (one entry at a time grew the vector, moving every entry, several times per page).
void append_entries(std::vector<epm::endpoint_entry>& to, std::vector<epm::endpoint_entry>&& page)
{
    if (to.empty())
        to = std::move(page);
    else
        to.insert(to.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
}

// The one rule for "encrypted": [MS-RPCE] 2.2.1.1.8, RPC_C_AUTHN_LEVEL_PKT_PRIVACY seals the stub.
bool sealed(std::uint8_t auth_level) noexcept
{
    return auth_level == static_cast<std::uint8_t>(epm::auth_level::privacy);
}

bool sent_by_client(dcerpc::pdu_type t) noexcept
{
    using dcerpc::pdu_type;
    return t == pdu_type::request || t == pdu_type::bind || t == pdu_type::alter_context || t == pdu_type::auth3 ||
           t == pdu_type::co_cancel || t == pdu_type::orphaned;
}

bool sent_by_server(dcerpc::pdu_type t) noexcept
{
    using dcerpc::pdu_type;
    return t == pdu_type::response || t == pdu_type::fault || t == pdu_type::bind_ack || t == pdu_type::bind_nak ||
           t == pdu_type::alter_context_resp || t == pdu_type::shutdown;
}

// The sec_trailer of a request/response PDU with a verifier, nullopt without one.
std::optional<dcerpc::sec_trailer> trailer_of(const dcerpc::pdu_frame& f)
{
    if (f.header.auth_length == 0) return std::nullopt;
    using dcerpc::pdu_type;
    std::optional<dcerpc::auth_verifier> auth;
    if (f.header.type == pdu_type::request)
    {
        if (auto r = dcerpc::decode_request(f.header, f.bytes)) auth = r->auth;
    }
    else if (f.header.type == pdu_type::response)
    {
        if (auto r = dcerpc::decode_response(f.header, f.bytes)) auth = r->auth;
    }
    if (!auth) return std::nullopt;
    return auth->trailer;
}

// Who the sec_trailer says authenticated, with the raw wire values (an unknown type stays its number).
epm::auth_info auth_of(const dcerpc::sec_trailer& t)
{
    epm::auth_info a;
    a.type = static_cast<epm::auth_type>(t.auth_type);
    a.level = static_cast<epm::auth_level>(t.auth_level);
    return a;
}

// A listing (ept_lookup of every element) ends as real servers end it, as the live client reads
// it: ept_s_not_registered (Samba), a null handle (Windows), an empty page (nmap's rule).
bool ends_listing(const epm_call& call) noexcept
{
    if (call.opnum != epm::opnum_ept_lookup || !call.status) return false;
    if (call.inquiry_type.value_or(epm::rpc_c_ep_all_elts) != epm::rpc_c_ep_all_elts) return false;
    return *call.status == epm::ept_s_not_registered || (call.entry_handle && call.entry_handle->is_null()) ||
           call.entry_count == 0;
}

double seconds(std::chrono::nanoseconds t) { return std::chrono::duration<double>(t).count(); }

} // namespace

rpc_conversation::rpc_conversation(std::string file, conversation_limits limits)
    : file_(std::move(file)), limits_(limits), dirs_{direction(limits.max_message), direction(limits.max_message)}
{
}

stream_interest rpc_conversation::on_data(const tcp_connection& c, const stream_chunk& chunk)
{
    ports_[0] = c.client_port;
    ports_[1] = c.server_port;
    feed_direction(chunk.direction, chunk.bytes, chunk);
    const bool any_not_rpc = dirs_[0].state == stream_state::not_rpc || dirs_[1].state == stream_state::not_rpc;
    // Not DCE/RPC from the start: nothing in it can concern us.
    if (any_not_rpc && !epm_seen_) return stream_interest::drop;
    // Bound to other interfaces only, away from the mapper's ports: a session such as DRSUAPI
    // replication can be long, and nothing in it is an endpoint table. (An alter_context
    // adding the mapper to such an association would be missed; no client does that.)
    const std::uint16_t server_port = ports_[swapped_ ? 0 : 1];
    if (bound_ && !epm_seen_ && offered_.empty() && server_port != 135 && server_port != 593)
        return stream_interest::drop;
    return stream_interest::keep;
}

void rpc_conversation::feed_direction(flow_direction d, std::span<const std::byte> bytes, const stream_chunk& chunk)
{
    direction& dir = dirs_[index(d)];
    if (dir.state == stream_state::not_rpc || dir.state == stream_state::failed || dir.gap) return;
    if (dir.state == stream_state::start)
    {
        // Hold the first bytes until they either are the ncacn_http banner (RPC over HTTP v1,
        // port 593, before the first PDU) or cannot be.
        std::size_t used = 0;
        const auto banner = dir.banner.feed(bytes, used);
        bytes = bytes.subspan(used);
        if (banner == client::http_banner_reader::state::need_more) return; // a banner prefix so far
        dir.state = stream_state::rpc;
        if (banner == client::http_banner_reader::state::done)
            ncacn_http_ = true;
        else
        {
            // Not the banner: the held bytes are the stream's first, decided below by the framer.
            const auto held = dir.banner.received();
            if (!dir.framer.feed(std::as_bytes(std::span<const char>(held.data(), held.size()))))
                dir.state = stream_state::failed;
            drain(d, chunk);
        }
    }
    if (bytes.empty() || dir.state != stream_state::rpc) return;
    if (!dir.framer.feed(bytes))
    {
        dir.state = stream_state::failed;
        note(epm::failure_kind::decode, "PDU larger than the framer's buffer");
        return;
    }
    drain(d, chunk);
}

void rpc_conversation::drain(flow_direction d, const stream_chunk& chunk)
{
    direction& dir = dirs_[index(d)];
    while (dir.state == stream_state::rpc)
    {
        auto next = dir.framer.next();
        if (!next)
        {
            // Garbage where the first PDU should be means this is not DCE/RPC at all.
            if (dir.framer.stream_offset() == 0 && rpc_pdus_ == 0)
                dir.state = stream_state::not_rpc;
            else
            {
                dir.state = stream_state::failed;
                note(epm::failure_kind::decode, "bad PDU header: " + next.error().message());
            }
            return;
        }
        if (!*next) return;
        on_pdu(d, **next, chunk);
    }
}

void rpc_conversation::on_pdu(flow_direction d, const dcerpc::pdu_frame& f, const stream_chunk& chunk)
{
    ++rpc_pdus_;
    const auto type = f.header.type;
    if (!roles_known_ && (sent_by_client(type) || sent_by_server(type)))
    {
        roles_known_ = true;
        swapped_ = (d == flow_direction::client_to_server) != sent_by_client(type);
    }
    direction& dir = dirs_[index(d)];
    if (type == dcerpc::pdu_type::request || type == dcerpc::pdu_type::response)
    {
        if (f.header.first_frag()) dir.fragments = 0, dir.auth_level = 0;
        ++dir.fragments;
        if (const auto trailer = trailer_of(f))
        {
            dir.auth_level = std::max(dir.auth_level, trailer->auth_level);
            // The bind was before the capture started: the calls' verifiers still say who.
            if (!auth_) auth_ = auth_of(*trailer);
        }
    }
    auto m = dir.assembler.add(f);
    if (!m)
    {
        truncated_ = true;
        note(epm::failure_kind::decode, "fragments do not join: " + m.error().message());
        return;
    }
    if (!*m) return;
    on_message(**m, chunk);
}

void rpc_conversation::on_message(dcerpc::message& m, const stream_chunk& chunk)
{
    using dcerpc::pdu_type;
    switch (m.type)
    {
    case pdu_type::bind:
    case pdu_type::alter_context:
        on_bind(m);
        break;
    case pdu_type::bind_ack:
    case pdu_type::alter_context_resp:
    case pdu_type::bind_nak:
    case pdu_type::response:
    case pdu_type::fault:
        on_reply(m, chunk);
        break;
    case pdu_type::request:
        on_request(m, chunk);
        break;
    case pdu_type::auth3:
        if (auto auth3 = dcerpc::decode_auth3(m.first, m.pdu); auth3 && auth3->auth) on_auth_token(auth3->auth->auth_value);
        break;
    default:
        break; // rts, shutdown, cancel: nothing for the endpoint table
    }
}

// The server's answers, read by the same decoder as the live client's.
void rpc_conversation::on_reply(const dcerpc::message& m, const stream_chunk& chunk)
{
    auto reply = dcerpc::decode_reply(m);
    if (!reply)
    {
        on_bad_reply(m, reply.error(), chunk);
        return;
    }
    if (auto* ack = std::get_if<dcerpc::bind_ack_pdu>(&*reply))
        on_bind_ack(m, std::move(ack->params));
    else if (const auto* nak = std::get_if<dcerpc::bind_nak_pdu>(&*reply))
        note(epm::failure_kind::bind_rejected,
             "bind_nak: " + std::string(dcerpc::bind_nak_reason_name(nak->params.provider_reject_reason)));
    else if (const auto* fault = std::get_if<dcerpc::fault_pdu>(&*reply))
        on_fault(m, fault, nullptr, chunk);
    else
        on_response(m, std::get<dcerpc::response_reply>(*reply), chunk);
}

void rpc_conversation::on_bad_reply(const dcerpc::message& m, const codec_error& e, const stream_chunk& chunk)
{
    using dcerpc::pdu_type;
    if (m.type == pdu_type::bind_nak)
        note(epm::failure_kind::bind_rejected, "bind_nak");
    else if (m.type == pdu_type::fault)
        on_fault(m, nullptr, &e, chunk);
    else
        note(epm::failure_kind::decode, "bind_ack: " + e.message());
}

void rpc_conversation::on_bind(const dcerpc::message& m)
{
    auto bind = dcerpc::decode_bind(m.first, m.pdu);
    if (!bind)
    {
        note(epm::failure_kind::decode, "bind: " + bind.error().message());
        return;
    }
    for (const auto& c : bind->params.contexts)
        if (c.abstract_syntax.id == epm::ept_interface().id) epm_seen_ = true;
    if (bind->auth)
    {
        // The first authenticated bind says how the association authenticated (an
        // alter_context later carries the same sec_trailer, with the next leg).
        if (!auth_ || !auth_from_bind_) auth_ = auth_of(bind->auth->trailer), auth_from_bind_ = true;
        on_auth_token(bind->auth->auth_value);
    }
    auto early = early_acks_.find(m.call_id);
    if (early != early_acks_.end())
    {
        apply_bind_ack(bind->params, early->second);
        early_acks_.erase(early);
        return;
    }
    offered_[m.call_id] = std::move(bind->params);
}

void rpc_conversation::on_auth_token(std::span<const std::byte> token)
{
    if (principal_) return;
    // A token we cannot read names nobody: the conversation decodes as before, without a principal.
    if (auto name = ntlm_authenticate_principal(token); name && *name) principal_ = std::move(**name);
}

void rpc_conversation::on_bind_ack(const dcerpc::message& m, dcerpc::bind_ack_params ack)
{
    auto offered = offered_.find(m.call_id);
    if (offered == offered_.end())
    {
        early_acks_[m.call_id] = std::move(ack); // its bind comes later (retransmission)
        return;
    }
    apply_bind_ack(offered->second, ack);
    offered_.erase(offered);
}

void rpc_conversation::apply_bind_ack(const dcerpc::bind_params& offered, const dcerpc::bind_ack_params& ack)
{
    bound_ = true;
    // negotiate() reads the results positionally (C706 §12.6.4.4) and refuses a transfer syntax
    // the client did not offer: stubs would otherwise be read in a syntax nobody agreed on.
    auto n = dcerpc::negotiate(offered, ack);
    if (!n)
    {
        note(epm::failure_kind::decode, "bind_ack: " + n.error().message());
        return;
    }
    for (const auto& c : n->contexts) contexts_[c.context_id] = context_state{c.abstract_syntax, c.transfer_syntax};
}

bool rpc_conversation::is_epm_context(std::uint16_t context_id) const
{
    auto it = contexts_.find(context_id);
    if (it != contexts_.end()) return it->second.abstract_syntax.id == epm::ept_interface().id;
    // The bind was before the capture started: only the endpoint mapper listens on 135 and 593.
    const std::uint16_t server_port = ports_[swapped_ ? 0 : 1];
    return server_port == 135 || server_port == 593;
}

void rpc_conversation::on_request(const dcerpc::message& m, const stream_chunk& chunk)
{
    direction& dir = dirs_[index(chunk.direction)];
    if (!is_epm_context(m.context_id)) return;
    epm_seen_ = true;
    if (pending_.size() >= limits_.max_pending_calls) pending_.erase(pending_.begin());
    epm_call call;
    call.call_id = m.call_id;
    call.opnum = m.opnum;
    call.context_id = m.context_id;
    auto ctx = contexts_.find(m.context_id);
    call.ndr64 = ctx != contexts_.end() && ctx->second.transfer_syntax == dcerpc::ndr64_syntax();
    call.auth_level = dir.auth_level;
    call.encrypted = sealed(dir.auth_level);
    call.request_frame = chunk.frame;
    call.request_fragments = m.fragments;
    if (call.opnum == epm::opnum_ept_lookup && !call.encrypted)
    {
        // Whether the client asked for everything or one interface decides if this is a listing.
        const auto syntax = call.ndr64 ? ndr::transfer_syntax::ndr64 : ndr::transfer_syntax::ndr20;
        if (auto req = epm::decode_ept_lookup_request(m.stub, m.first.drep, syntax)) call.inquiry_type = req->inquiry_type;
    }
    pending_[m.call_id] = pending_call{calls_.size()};
    calls_.push_back(std::move(call));
    listing_ended_ = false;
}

void rpc_conversation::on_response(const dcerpc::message& m, const dcerpc::response_reply& r,
                                   const stream_chunk& chunk)
{
    direction& dir = dirs_[index(chunk.direction)];
    auto it = pending_.find(m.call_id);
    if (it == pending_.end()) return; // not an endpoint-mapper call, or its request was not captured
    epm_call& call = calls_[it->second.index];
    pending_.erase(it);
    call.response_frame = chunk.frame;
    call.response_fragments = m.fragments;
    call.auth_level = std::max(call.auth_level, dir.auth_level);
    if (sealed(dir.auth_level)) call.encrypted = true;
    if (call.encrypted) return; // sealed: the bytes are not NDR
    decode_answer(call, r);
}

void rpc_conversation::decode_answer(epm_call& call, const dcerpc::response_reply& m)
{
    const auto syntax = call.ndr64 ? ndr::transfer_syntax::ndr64 : ndr::transfer_syntax::ndr20;
    epm::decode_limits limits;
    limits.strict_towers = false; // keep an entry with an odd tower rather than lose the page
    call.first_entry = entries_.size() + pages_.size();
    if (call.opnum == epm::opnum_ept_lookup)
    {
        epm::lookup_view_decoder decoder;
        // Stored stubs are decoded again (as views) when written: here only the verdict counts.
        auto r = limits_.keep_stubs ? decoder.check(m.stub, m.rep, syntax, limits) : decoder.decode(m.stub, m.rep, syntax, limits);
        if (!r)
        {
            call.decode_error = r.error().message();
            return;
        }
        call.status = r->status;
        call.entry_handle = r->entry_handle;
        call.entry_count = r->entries.size();
        if (limits_.keep_stubs)
            pages_.add_lookup(m.stub, m.rep, syntax, limits, r->entries.size(), decoder.offsets());
        else
            for (const auto& v : r->entries) entries_.push_back(epm::to_entry(v));
        listing_ended_ = ends_listing(call);
    }
    else if (call.opnum == epm::opnum_ept_map)
    {
        auto r = epm::decode_ept_map_response(m.stub, m.rep, syntax, limits);
        if (!r)
        {
            call.decode_error = r.error().message();
            return;
        }
        call.status = r->status;
        call.entry_handle = r->entry_handle;
        call.entry_count = r->towers.size();
        if (limits_.keep_stubs)
            pages_.add(std::move(r->towers));
        else
            append_entries(entries_, std::move(r->towers));
    }
}

void rpc_conversation::on_fault(const dcerpc::message& m, const dcerpc::fault_pdu* fault, const codec_error* error,
                                const stream_chunk& chunk)
{
    auto it = pending_.find(m.call_id);
    if (it == pending_.end()) return;
    epm_call& call = calls_[it->second.index];
    pending_.erase(it);
    call.response_frame = chunk.frame;
    call.response_fragments = 1;
    if (fault != nullptr)
        call.fault = fault->status;
    else if (error != nullptr)
        call.decode_error = error->message();
}

void rpc_conversation::on_gap(flow_direction d)
{
    direction& dir = dirs_[index(d)];
    dir.gap = true;
    if (dir.assembler.in_progress() || !dir.framer.idle()) truncated_ = true;
}

std::optional<epm::enumeration_error> rpc_conversation::unfinished_table() const
{
    const epm_call* last_listing = nullptr;
    bool answered = false;
    for (const auto& call : calls_)
    {
        // Faults, sealed stubs and calls without a response were reported before; here every
        // call with a status is a decoded ept_lookup or ept_map answer.
        if (!call.status) continue;
        answered = true;
        if (call.opnum == epm::opnum_ept_lookup && *call.status != epm::rpc_s_ok &&
            *call.status != epm::ept_s_not_registered)
            return epm::enumeration_error{epm::failure_kind::lookup_failed, "ept_lookup returned " + client::ept_status_text(*call.status)};
        if (call.opnum == epm::opnum_ept_lookup &&
            call.inquiry_type.value_or(epm::rpc_c_ep_all_elts) == epm::rpc_c_ep_all_elts)
            last_listing = &call;
    }
    if (!answered)
    {
        if (!bound_ && !offered_.empty())
            return epm::enumeration_error{epm::failure_kind::no_response, "the server never answered the bind"};
        if (calls_.empty())
            return epm::enumeration_error{epm::failure_kind::incomplete, "no endpoint-mapper call after the bind"};
        return epm::enumeration_error{epm::failure_kind::incomplete, "no ept_lookup or ept_map was answered"};
    }
    if (last_listing == nullptr) return std::nullopt; // answered resolutions: the answer is the table
    if (ends_listing(*last_listing)) return std::nullopt;
    return epm::enumeration_error{epm::failure_kind::incomplete, "the listing did not end: the last ept_lookup returned " +
                                                    std::to_string(last_listing->entry_count) +
                                                    " entries and a handle to go on from, and no next page was captured"};
}

std::string rpc_conversation::sealed_message() const
{
    const std::string type = auth_ ? epm::to_string(auth_->type) : "an unknown auth type";
    return "stubs sealed (" + type + ", auth level privacy): not decodable";
}

void rpc_conversation::note(epm::failure_kind kind, std::string message)
{
    if (!error_) error_ = epm::enumeration_error{kind, std::move(message)};
}

std::optional<replayed_conversation> rpc_conversation::finish(const tcp_connection& c)
{
    if (!epm_seen_) return std::nullopt;
    for (const direction& dir : dirs_)
        if (dir.assembler.in_progress() || (dir.state == stream_state::rpc && !dir.framer.idle())) truncated_ = true;

    replayed_conversation out;
    out.connection_id = c.id;
    epm::enumeration& e = out.enumeration;
    const bool swap = swapped_;
    epm::capture_origin origin;
    origin.file = file_;
    origin.client = to_string(swap ? c.server : c.client);
    origin.client_port = swap ? c.server_port : c.client_port;
    origin.server = to_string(swap ? c.client : c.server);
    origin.server_port = swap ? c.client_port : c.server_port;
    origin.first_timestamp = seconds(c.first_seen);
    origin.last_timestamp = seconds(c.last_seen);
    origin.frames = c.frames;
    origin.complete = c.complete() && !truncated_;
    for (const auto& call : calls_) origin.encrypted = origin.encrypted || call.encrypted;

    e.target = file_;
    e.address = origin.server;
    e.port = origin.server_port;
    // In double before subtracting: a damaged capture's stamps may sit at the int64 limits. Stamps
    // out of file order (merged or damaged captures) give 0, not a negative duration.
    using milliseconds = std::chrono::duration<double, std::milli>;
    e.elapsed_ms = std::max(0.0, milliseconds(c.last_seen).count() - milliseconds(c.first_seen).count());
    e.entries = std::move(entries_);
    e.pages = std::move(pages_);

    // The first thing that went wrong explains the status; later ones follow from it.
    std::optional<epm::enumeration_error> problem = error_;
    for (const auto& call : calls_)
    {
        if (problem) break;
        if (call.fault)
            problem = epm::enumeration_error{epm::failure_kind::fault, client::fault_status_text(*call.fault) + " for opnum " + std::to_string(call.opnum)};
        else if (call.encrypted)
            problem = epm::enumeration_error{epm::failure_kind::encrypted, sealed_message()};
        else if (!call.decode_error.empty())
            problem = epm::enumeration_error{epm::failure_kind::decode, "opnum " + std::to_string(call.opnum) + ": " + call.decode_error};
        else if (call.response_frame == 0)
            problem = epm::enumeration_error{epm::failure_kind::no_response, "no response to opnum " + std::to_string(call.opnum)};
    }
    if (!problem && !origin.complete)
        problem = epm::enumeration_error{epm::failure_kind::incomplete, "capture lost bytes of this conversation"};
    if (!problem) problem = unfinished_table();
    if (problem) e.fail(std::move(*problem));
    e.origin = std::move(origin);
    if (auth_)
    {
        e.auth = std::move(auth_);
        if (principal_) e.auth->principal = std::move(*principal_);
    }
    out.calls = std::move(calls_);
    return out;
}

} // namespace epmdump::capture
