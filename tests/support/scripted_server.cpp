#include "support/scripted_server.hpp"
#include "support/test_mechanism.hpp"

#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/bind_nak.hpp>
#include <epmdump/dcerpc/control_pdu.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_lookup_handle_free.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/ept_status.hpp>
#include <epmdump/epm/tower.hpp>
#include <epmdump/mgmt/mgmt.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <thread>

namespace epmdump::test {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::uint32_t nca_s_op_rng_error = 0x1c010002;
constexpr std::uint32_t nca_s_unk_if = 0x1c010003;

constexpr std::uint32_t rpc_s_access_denied = 5;
constexpr std::uint32_t rpc_s_sec_pkg_error = 0x721; // what Samba faults a bad signature with

// The test mechanism's state on one connection.
struct auth_state
{
    dcerpc::sec_trailer trailer;        // as the client's bind said
    bool header_sign = false;
    bool established = false;
    mech_keys keys{false};
    bool protects() const { return established && trailer.auth_level >= 3; }
};

// What one connection has negotiated: the client's fragment size and its presentation contexts.
struct connection_state
{
    std::uint16_t client_recv = dcerpc::default_max_frag;
    std::map<std::uint16_t, epm::syntax_id> contexts; // accepted ones
    std::optional<auth_state> auth;
};

// Handles carry the page position in the last 8 octets of their UUID.
epm::context_handle handle_at(std::uint64_t position)
{
    epm::context_handle h;
    h.id.data[0] = 0xe9; // never all zero, even at position 0
    for (int i = 0; i < 8; ++i) h.id.data[15 - i] = static_cast<std::uint8_t>(position >> (8 * i));
    return h;
}

std::uint64_t position_of(const epm::context_handle& h)
{
    std::uint64_t p = 0;
    for (int i = 0; i < 8; ++i) p |= std::uint64_t{h.id.data[15 - i]} << (8 * i);
    return p;
}

} // namespace

struct scripted_server::impl
{
    server_script script;
    asio::io_context io;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::thread thread;
    mutable std::mutex mutex;
    server_log log;
    int lookups_answered = 0; // io thread only

    explicit impl(server_script s) : script(std::move(s)) {}

    bool accepts(const epm::syntax_id& abstract) const
    {
        if (script.accept_any_interface || abstract == epm::ept_interface()) return true;
        if (abstract == mgmt::mgmt_interface())
            return script.mgmt == mgmt_style::answers || script.mgmt == mgmt_style::unk_if;
        // A server accepts a minor version up to its own (the DCE rule: same major, minor no higher).
        const auto compatible = [&](const epm::syntax_id& served) {
            return served.id == abstract.id && served.major == abstract.major && abstract.minor <= served.minor;
        };
        if (std::any_of(script.accepted.begin(), script.accepted.end(), compatible)) return true;
        return std::any_of(script.entries.begin(), script.entries.end(),
                           [&](const epm::endpoint_entry& e) { return e.interface == abstract; });
    }

    std::vector<std::byte> answer_bind(const dcerpc::message& m, connection_state& conn)
    {
        auto bind = dcerpc::decode_bind(m.first, m.pdu);
        if (!bind) return {};
        const bool alter = m.type == dcerpc::pdu_type::alter_context;
        {
            std::lock_guard lock(mutex);
            ++(alter ? log.alters : log.binds);
            log.most_contexts = std::max(log.most_contexts, bind->params.contexts.size());
            if (alter)
                for (const auto& c : bind->params.contexts) log.alter_offered.push_back(c.abstract_syntax);
            if (!alter)
            {
                log.client_max_recv_frag = bind->params.max_recv_frag;
                log.offered.clear();
                log.offered_transfer.clear();
                for (const auto& c : bind->params.contexts)
                {
                    log.offered.push_back(c.abstract_syntax);
                    if (!c.transfer_syntaxes.empty()) log.offered_transfer.push_back(c.transfer_syntaxes.front());
                }
            }
        }
        conn.client_recv = bind->params.max_recv_frag;
        if (script.auth && bind->auth)
        {
            std::lock_guard lock(mutex);
            ++(alter ? log.auth_alters : log.auth_binds);
            if (!alter)
            {
                log.auth_level = bind->auth->trailer.auth_level;
                log.auth_type = bind->auth->trailer.auth_type;
                log.header_sign_offered = (bind->params.flags & dcerpc::pfc_support_header_sign) != 0;
            }
        }
        if (script.auth && bind->auth && alter && conn.auth && !conn.auth->established)
        {
            // The SPNEGO-style third leg: the token, then our last one; the context is complete.
            if (!is_token(bind->auth->auth_value, mech_alter)) return fault(m, rpc_s_access_denied);
            conn.auth->established = true;
            return bind_answer(m, *bind, conn, true, mech_token(mech_done));
        }
        if (script.auth && bind->auth && !alter)
        {
            if (script.auth->refuse || !is_token(bind->auth->auth_value, mech_init))
            {
                dcerpc::bind_nak_params nak;
                nak.provider_reject_reason = 0; // reason_not_specified, as Samba refuses a token
                nak.versions = {dcerpc::rt_version{5, 0}};
                return dcerpc::encode_bind_nak(m.call_id, nak, script.rep);
            }
            auth_state a;
            a.trailer = bind->auth->trailer;
            a.header_sign = script.auth->echo_header_sign && (bind->params.flags & dcerpc::pfc_support_header_sign) != 0;
            conn.auth = a;
            return bind_answer(m, *bind, conn, false, mech_token(mech_challenge));
        }
        return bind_answer(m, *bind, conn, alter, {});
    }

    // Our verifier's sec_trailer: the client's, at the level the script says.
    dcerpc::sec_trailer our_trailer(const auth_state& a) const
    {
        auto t = a.trailer;
        if (script.auth && script.auth->answer_level) t.auth_level = *script.auth->answer_level;
        return t;
    }

    std::vector<std::byte> bind_answer(const dcerpc::message& m, const dcerpc::bind_pdu& b, connection_state& conn,
                                       bool alter, std::optional<std::vector<std::byte>> token)
    {
        const auto* bind = &b;
        if (script.bind_nak && !alter)
        {
            dcerpc::bind_nak_params nak;
            nak.provider_reject_reason = *script.bind_nak;
            nak.versions = {dcerpc::rt_version{5, 0}};
            return dcerpc::encode_bind_nak(m.call_id, nak, script.rep);
        }
        dcerpc::bind_ack_params ack;
        ack.max_xmit_frag = script.max_xmit_frag;
        ack.max_recv_frag = script.max_recv_frag;
        ack.assoc_group_id = 0x12345;
        ack.secondary_address = "135";
        bool accepted_one = false;
        for (const auto& c : bind->params.contexts)
        {
            dcerpc::context_result r;
            const auto& ts = c.transfer_syntaxes;
            if (!ts.empty() && dcerpc::bind_time_features(ts.front()))
            {
                r.result = dcerpc::result_negotiate_ack;
                r.reason = static_cast<std::uint16_t>(*dcerpc::bind_time_features(ts.front()) &
                                                      dcerpc::feature_keep_connection_on_orphan);
            }
            else if (c.abstract_syntax == mgmt::mgmt_interface() && script.mgmt == mgmt_style::not_specified)
            {
                r.result = dcerpc::result_provider_rejection;
                r.reason = dcerpc::reason_not_specified;
            }
            else if (!accepts(c.abstract_syntax) || (script.first_context_only && !alter && &c != &bind->params.contexts.front()))
            {
                r.result = dcerpc::result_provider_rejection;
                r.reason = dcerpc::abstract_syntax_not_supported;
            }
            else if (script.one_context_per_pdu && accepted_one)
            {
                r.result = dcerpc::result_provider_rejection;
                r.reason = dcerpc::proposed_transfer_syntaxes_not_supported;
            }
            else if (std::find(ts.begin(), ts.end(), dcerpc::ndr20_syntax()) == ts.end())
            {
                r.result = dcerpc::result_provider_rejection;
                r.reason = dcerpc::proposed_transfer_syntaxes_not_supported;
            }
            else
            {
                r.result = dcerpc::result_acceptance;
                r.transfer_syntax = dcerpc::ndr20_syntax();
                conn.contexts[c.context_id] = c.abstract_syntax;
                accepted_one = true;
            }
            ack.results.push_back(r);
        }
        if (token && conn.auth && conn.auth->header_sign) ack.flags |= dcerpc::pfc_support_header_sign;
        auto out = alter ? dcerpc::encode_alter_context_resp(m.call_id, ack, script.rep)
                         : dcerpc::encode_bind_ack(m.call_id, ack, script.rep);
        if (token && conn.auth) dcerpc::append_auth_verifier(out, our_trailer(*conn.auth), *token);
        return out;
    }

    // rpc_auth3: the last token of the two-leg mechanisms; no answer.
    void take_auth3(const dcerpc::message& m, connection_state& conn)
    {
        auto a = dcerpc::decode_auth3(m.first, m.pdu);
        {
            std::lock_guard lock(mutex);
            ++log.auth3s;
        }
        if (a && a->auth && conn.auth && is_token(a->auth->auth_value, mech_auth3)) conn.auth->established = true;
    }

    // Checks (and unseals) one protected request fragment into `out`; false when it does not verify.
    bool unprotect(const dcerpc::pdu_frame& frame, auth_state& a, std::vector<std::byte>& out)
    {
        auto r = dcerpc::decode_request(frame.header, frame.bytes);
        if (!r || !r->auth) return false;
        const auto& t = r->auth->trailer;
        if (t.auth_type != a.trailer.auth_type || t.auth_level != a.trailer.auth_level ||
            t.auth_context_id != a.trailer.auth_context_id)
            return false;
        out.assign(frame.bytes.begin(), frame.bytes.begin() + frame.header.frag_length);
        const std::size_t body = dcerpc::common_header_size + 8 + (r->object ? 16 : 0);
        const std::size_t signature = out.size() - frame.header.auth_length;
        const std::size_t trailer = signature - dcerpc::sec_trailer_size;
        const std::span<std::byte> all(out);
        const auto header = a.header_sign ? all.subspan(0, body) : std::span<std::byte>{};
        const auto sec = a.header_sign ? all.subspan(trailer, dcerpc::sec_trailer_size) : std::span<std::byte>{};
        return a.keys.verify(a.trailer.auth_level == 6, header, all.subspan(body, trailer - body), sec,
                             all.subspan(signature));
    }

    connection_state* current = nullptr; // the connection answer() works for (io thread only)

    std::vector<std::byte> respond(const dcerpc::message& m, ndr::writer& stub, std::uint16_t client_recv)
    {
        dcerpc::response_params p;
        p.context_id = m.context_id;
        p.max_xmit_frag = std::min(script.max_xmit_frag, client_recv);
        if (!current || !current->auth || !current->auth->protects())
            return dcerpc::encode_response(m.call_id, p, stub.buffer(), script.rep);
        auto& a = *current->auth;
        std::vector<dcerpc::protected_fragment> layout;
        auto out = dcerpc::encode_response(m.call_id, p, stub.buffer(), {our_trailer(a), mech_signature_length},
                                           layout, script.rep);
        const std::span<std::byte> all(out);
        for (const auto& f : layout)
        {
            const auto header = a.header_sign ? all.subspan(f.start, f.body - f.start) : std::span<std::byte>{};
            const auto sec = a.header_sign ? all.subspan(f.trailer, f.signature - f.trailer) : std::span<std::byte>{};
            a.keys.sign(a.trailer.auth_level == 6, header, all.subspan(f.body, f.trailer - f.body), sec,
                        all.subspan(f.signature, f.end - f.signature));
            if (script.auth->corrupt_signature) out[f.signature] ^= std::byte{0x01};
        }
        return out;
    }

    std::vector<std::byte> fault(const dcerpc::message& m, std::uint32_t status)
    {
        dcerpc::fault_params f;
        f.status = status;
        f.context_id = m.context_id;
        f.flags = dcerpc::pfc_single_frag | dcerpc::pfc_did_not_execute;
        return dcerpc::encode_fault(m.call_id, f, script.rep);
    }

    std::vector<std::byte> answer_lookup(const dcerpc::message& m, std::uint16_t client_recv)
    {
        auto request = epm::decode_ept_lookup_request(m.stub, m.first.drep);
        {
            std::lock_guard lock(mutex);
            ++log.lookups;
            if (request) log.max_ents.push_back(request->max_ents);
        }
        if (!request) return fault(m, 0x6f7); // RPC_X_BAD_STUB_DATA
        if (script.stall_after >= 0 && lookups_answered >= script.stall_after) return {};
        ++lookups_answered;
        if (script.lookup_fault) return fault(m, *script.lookup_fault);

        const auto& all = script.entries;
        std::uint32_t per_page = std::max<std::uint32_t>(request->max_ents, 1);
        if (script.page_cap != 0) per_page = std::min(per_page, script.page_cap);
        const std::uint64_t pos = request->entry_handle.is_null() || script.never_ends ? 0 : position_of(request->entry_handle);
        const std::uint64_t end = std::min<std::uint64_t>(all.size(), pos + per_page);
        epm::ept_lookup_response r;
        for (std::uint64_t i = pos; i < end; ++i) r.entries.push_back(all[i]);
        const bool last = end >= all.size();
        r.num_ents = static_cast<std::uint32_t>(r.entries.size());
        if (script.never_ends)
            r.entry_handle = handle_at(0);
        else if (r.entries.empty() && script.ending == list_end::empty_page)
            r.entry_handle = handle_at(pos);
        else if (r.entries.empty())
            r.status = epm::ept_s_not_registered; // past the end: every implementation agrees
        else if (!last)
            r.entry_handle = handle_at(end);
        else
            switch (script.ending)
            {
            case list_end::windows: break;
            case list_end::samba_ad:
            case list_end::empty_page: r.entry_handle = handle_at(end); break;
            case list_end::samba_standalone: r.status = epm::ept_s_not_registered; break;
            }
        if (script.lookup_status) r.status = *script.lookup_status;
        ndr::writer stub(script.rep);
        epm::encode_ept_lookup_response(r, stub, request->max_ents);
        return respond(m, stub, client_recv);
    }

    std::vector<std::byte> answer_map(const dcerpc::message& m, std::uint16_t client_recv)
    {
        auto request = epm::decode_ept_map_request(m.stub, m.first.drep);
        {
            std::lock_guard lock(mutex);
            ++log.maps;
        }
        if (!request || !request->map_tower) return fault(m, 0x6f7);
        auto wanted = epm::decode_tower(*request->map_tower);
        if (!wanted) return fault(m, 0x6f7);
        epm::ept_map_response r;
        for (const auto& e : script.entries)
        {
            if (r.towers.size() >= request->max_towers) break;
            if (e.interface.id == wanted->interface.id && e.interface.major == wanted->interface.major &&
                e.where.protseq == wanted->where.protseq)
            {
                epm::endpoint_entry t = e;
                t.annotation.clear();
                r.towers.push_back(t);
            }
        }
        r.num_towers = static_cast<std::uint32_t>(r.towers.size());
        if (r.towers.empty()) r.status = epm::ept_s_not_registered;
        ndr::writer stub(script.rep);
        epm::encode_ept_map_response(r, stub, request->max_towers);
        return respond(m, stub, client_recv);
    }

    std::vector<std::byte> answer_free(const dcerpc::message& m, std::uint16_t client_recv)
    {
        {
            std::lock_guard lock(mutex);
            ++log.frees;
        }
        ndr::writer stub(script.rep);
        epm::encode_ept_lookup_handle_free_response({}, stub);
        return respond(m, stub, client_recv);
    }

    std::vector<std::byte> answer_mgmt(const dcerpc::message& m, std::uint16_t client_recv)
    {
        {
            std::lock_guard lock(mutex);
            ++log.mgmt_calls;
        }
        // Only a liar (accept_any_interface) gets here with mgmt refused: its calls fail like Windows'.
        if (script.mgmt != mgmt_style::answers) return fault(m, nca_s_unk_if);
        ndr::writer stub(script.rep);
        switch (m.opnum)
        {
        case mgmt::opnum_inq_if_ids:
        {
            mgmt::inq_if_ids_response r;
            r.vector_present = true;
            r.if_ids = script.mgmt_if_ids;
            mgmt::encode_inq_if_ids_response(r, stub);
            return respond(m, stub, client_recv);
        }
        case mgmt::opnum_inq_princ_name:
        {
            auto request = mgmt::decode_inq_princ_name_request(m.stub, m.first.drep);
            if (!request) return fault(m, 0x6f7);
            if (!script.principal) return fault(m, nca_s_op_rng_error);
            mgmt::encode_inq_princ_name_response({*script.principal, 0}, stub, request->princ_name_size);
            return respond(m, stub, client_recv);
        }
        default: return fault(m, nca_s_op_rng_error); // never a state-changing call here
        }
    }

    std::vector<std::byte> answer(const dcerpc::message& m, connection_state& conn)
    {
        const auto client_recv = conn.client_recv;
        current = &conn;
        if (m.type == dcerpc::pdu_type::request)
        {
            std::lock_guard lock(mutex);
            log.opnums.push_back(m.opnum);
        }
        if (m.type == dcerpc::pdu_type::auth3)
        {
            take_auth3(m, conn);
            return {};
        }
        if (m.type == dcerpc::pdu_type::request && script.auth)
        {
            const bool authenticated = conn.auth && conn.auth->established;
            if (!authenticated && script.auth->require) return fault(m, rpc_s_access_denied);
            if (authenticated && script.auth->call_fault) return fault(m, *script.auth->call_fault);
        }
        switch (m.type)
        {
        case dcerpc::pdu_type::bind:
        case dcerpc::pdu_type::alter_context: return answer_bind(m, conn);
        case dcerpc::pdu_type::request:
            if (const auto c = conn.contexts.find(m.context_id);
                c != conn.contexts.end() && c->second == mgmt::mgmt_interface())
                return answer_mgmt(m, client_recv);
            switch (m.opnum)
            {
            case epm::opnum_ept_lookup: return answer_lookup(m, client_recv);
            case epm::opnum_ept_map: return answer_map(m, client_recv);
            case epm::opnum_ept_lookup_handle_free: return answer_free(m, client_recv);
            default: return fault(m, nca_s_op_rng_error);
            }
        default: return {};
        }
    }

    // Carries out a hostile plan. Returns false when the connection is over (closed, reset, or
    // the client went away); sets `hung` on a hang step.
    static asio::awaitable<bool> perform(tcp::socket& socket, const wire_plan& plan, bool& hung)
    {
        boost::system::error_code ec;
        for (const auto& step : plan)
        {
            switch (step.what)
            {
            case wire_step::kind::write:
                co_await asio::async_write(socket, asio::buffer(step.bytes), asio::redirect_error(asio::use_awaitable, ec));
                if (ec) co_return false;
                break;
            case wire_step::kind::pause:
            {
                asio::steady_timer timer(socket.get_executor(), step.delay);
                co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                if (ec) co_return false;
                break;
            }
            case wire_step::kind::close:
                socket.shutdown(tcp::socket::shutdown_both, ec);
                socket.close(ec);
                co_return false;
            case wire_step::kind::reset:
                // Linger on with a zero timeout: close() sends RST instead of FIN.
                socket.set_option(asio::socket_base::linger(true, 0), ec);
                socket.close(ec);
                co_return false;
            case wire_step::kind::hang: hung = true; break;
            }
        }
        co_return true;
    }

    asio::awaitable<void> serve(tcp::socket socket)
    {
        {
            std::lock_guard lock(mutex);
            ++log.connections;
        }
        boost::system::error_code ec;
        if (script.close_on_accept) co_return;
        bool hung = false;
        if (!script.on_accept.empty() && !co_await perform(socket, script.on_accept, hung)) co_return;
        if (!script.greeting.empty())
            co_await asio::async_write(socket, asio::buffer(script.greeting), asio::redirect_error(asio::use_awaitable, ec));
        if (script.http_banner)
            co_await asio::async_write(socket, asio::buffer(script.banner), asio::redirect_error(asio::use_awaitable, ec));
        dcerpc::pdu_framer framer;
        dcerpc::message_assembler assembler;
        connection_state conn;
        std::array<std::byte, 8192> buffer;
        int index = 0;
        while (!ec)
        {
            const auto n = co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            if (!script.answer_to_anything.empty())
            {
                co_await asio::async_write(socket, asio::buffer(script.answer_to_anything), asio::redirect_error(asio::use_awaitable, ec));
                socket.shutdown(tcp::socket::shutdown_both, ec);
                co_return;
            }
            if (!framer.feed(std::span<const std::byte>(buffer.data(), n))) break;
            for (;;)
            {
                auto frame = framer.next();
                if (!frame || !*frame) break;
                {
                    std::lock_guard lock(mutex);
                    log.largest_fragment_received = std::max<std::size_t>(log.largest_fragment_received, (*frame)->bytes.size());
                }
                dcerpc::pdu_frame checked = **frame;
                std::vector<std::byte> unsealed;
                if (checked.header.type == dcerpc::pdu_type::request && conn.auth && conn.auth->protects())
                {
                    const bool ok = unprotect(checked, *conn.auth, unsealed);
                    {
                        std::lock_guard lock(mutex);
                        ++(ok ? log.verified_fragments : log.rejected_fragments);
                        log.largest_auth_fragment = std::max(log.largest_auth_fragment, checked.bytes.size());
                    }
                    if (!ok)
                    {
                        // Samba faults a PDU whose signature fails and drops the connection.
                        dcerpc::message m;
                        m.call_id = checked.header.call_id;
                        auto out = fault(m, rpc_s_sec_pkg_error);
                        co_await asio::async_write(socket, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
                        socket.shutdown(tcp::socket::shutdown_both, ec);
                        co_return;
                    }
                    checked.bytes = unsealed;
                }
                auto message = assembler.add(checked);
                if (!message || !*message) continue;
                if (script.silent || hung) continue;
                auto out = answer(**message, conn);
                if (script.tamper)
                {
                    const auto plan = script.tamper(**message, std::move(out), index++);
                    if (!co_await perform(socket, plan, hung)) co_return;
                    continue;
                }
                if (!out.empty()) co_await asio::async_write(socket, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
            }
            if (framer.failed()) break;
        }
    }

    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor)
    {
        for (;;)
        {
            boost::system::error_code ec;
            auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            asio::co_spawn(io, serve(std::move(socket)), asio::detached);
        }
    }
};

scripted_server::scripted_server(server_script script, std::vector<std::string> addresses, std::uint16_t port)
    : impl_(std::make_unique<impl>(std::move(script)))
{
    for (const auto& a : addresses)
    {
        auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
        const tcp::endpoint ep(asio::ip::make_address(a), port);
        acceptor->open(ep.protocol());
        acceptor->set_option(tcp::acceptor::reuse_address(true));
        acceptor->bind(ep);
        acceptor->listen(asio::socket_base::max_listen_connections);
        port = acceptor->local_endpoint().port(); // the rest share the first one's port
        impl_->acceptors.push_back(std::move(acceptor));
    }
    for (auto& a : impl_->acceptors) asio::co_spawn(impl_->io, impl_->accept_loop(*a), asio::detached);
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

scripted_server::~scripted_server()
{
    impl_->io.stop();
    impl_->thread.join();
}

std::uint16_t scripted_server::port() const noexcept { return impl_->acceptors.front()->local_endpoint().port(); }

std::string scripted_server::address() const { return impl_->acceptors.front()->local_endpoint().address().to_string(); }

server_log scripted_server::log() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->log;
}

std::uint16_t closed_port()
{
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

} // namespace epmdump::test
