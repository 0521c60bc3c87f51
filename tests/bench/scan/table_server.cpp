#include "table_server.hpp"

#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/bind_ack.hpp>
#include <epmdump/dcerpc/fault.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <algorithm>
#include <cstring>

namespace epmdump::bench {

namespace {

constexpr std::uint16_t server_max_frag = 4280; // what Samba and Windows offer
constexpr std::uint32_t nca_op_rng_error = 0x1c010002;

// Handles carry the offset of the next entry; never all zero, so never NULL.
epm::context_handle handle_for(std::uint32_t offset)
{
    epm::context_handle h;
    h.id.data[0] = 0xeb;
    std::memcpy(&h.id.data[12], &offset, 4);
    return h;
}

std::uint32_t offset_of(const epm::context_handle& h)
{
    std::uint32_t offset = 0;
    std::memcpy(&offset, &h.id.data[12], 4);
    return offset;
}

} // namespace

table_server::table_server(std::vector<epm::endpoint_entry> table, table_style style)
    : table_(std::move(table)), style_(style)
{
}

// Cached replies are encoded with call_id 0; each fragment's call_id (offset 12, little-endian
// as we encode) is set on the copy.
void table_server::append(const std::vector<std::byte>& cached, std::uint32_t call_id, std::vector<std::byte>& out)
{
    const auto at = out.size();
    out.insert(out.end(), cached.begin(), cached.end());
    for (std::size_t f = at; f + 16 <= out.size();)
    {
        std::memcpy(&out[f + 12], &call_id, 4);
        std::uint16_t frag_length = 0;
        std::memcpy(&frag_length, &out[f + 8], 2);
        f += frag_length;
    }
}

const std::vector<std::byte>& table_server::lookup_reply(const connection_state& c, std::uint32_t offset,
                                                         std::uint32_t max_ents)
{
    const auto key = std::make_tuple(offset, max_ents, c.max_xmit_frag, c.context_id);
    auto it = lookup_replies_.find(key);
    if (it != lookup_replies_.end()) return it->second;
    ++counters_.encodes;
    const auto size = static_cast<std::uint32_t>(table_.size());
    const auto first = std::min(offset, size);
    const auto last = std::min<std::uint64_t>(size, std::uint64_t{first} + max_ents);
    epm::ept_lookup_response r;
    r.entries.assign(table_.begin() + first, table_.begin() + static_cast<std::ptrdiff_t>(last));
    const bool ended = last == size;
    if (r.entries.empty())
        r.status = epm::ept_s_not_registered; // nothing left: NULL handle
    else if (!(style_ == table_style::windows && ended))
        r.entry_handle = handle_for(static_cast<std::uint32_t>(last));
    ndr::writer w;
    epm::encode_ept_lookup_response(r, w, std::max<std::uint32_t>(max_ents, 1));
    dcerpc::response_params rp;
    rp.context_id = c.context_id;
    rp.max_xmit_frag = c.max_xmit_frag;
    return lookup_replies_[key] = dcerpc::encode_response(0, rp, w.buffer());
}

bool table_server::on_pdu(connection_state& c, const dcerpc::common_header& h, std::span<const std::byte> pdu,
                          std::vector<std::byte>& out)
{
    using dcerpc::pdu_type;
    if (h.type == pdu_type::bind || h.type == pdu_type::alter_context)
    {
        ++counters_.binds;
        std::string key(reinterpret_cast<const char*>(pdu.data()), pdu.size());
        std::memset(key.data() + 12, 0, 4);
        auto it = bind_replies_.find(key);
        if (it == bind_replies_.end())
        {
            auto b = dcerpc::decode_bind(h, pdu);
            if (!b) return false;
            ++counters_.encodes;
            connection_state bound;
            bound.bound = true;
            bound.max_xmit_frag = std::min(b->params.max_recv_frag, server_max_frag);
            dcerpc::bind_ack_params a;
            a.max_xmit_frag = a.max_recv_frag = server_max_frag;
            a.assoc_group_id = 0x1234;
            a.secondary_address = "135";
            bool accepted = false;
            for (const auto& ctx : b->params.contexts)
            {
                dcerpc::context_result r;
                const bool ndr20 = std::find(ctx.transfer_syntaxes.begin(), ctx.transfer_syntaxes.end(),
                                             dcerpc::ndr20_syntax()) != ctx.transfer_syntaxes.end();
                const bool features = !ctx.transfer_syntaxes.empty() &&
                                      dcerpc::bind_time_features(ctx.transfer_syntaxes.front()).has_value();
                if (features)
                    r.result = dcerpc::result_negotiate_ack; // reason 0: no optional features
                else if (ctx.abstract_syntax != epm::ept_interface())
                    r = {dcerpc::result_provider_rejection, dcerpc::abstract_syntax_not_supported, {}};
                else if (!ndr20 || accepted)
                    r = {dcerpc::result_provider_rejection, dcerpc::proposed_transfer_syntaxes_not_supported, {}};
                else
                {
                    r.transfer_syntax = dcerpc::ndr20_syntax();
                    bound.context_id = ctx.context_id;
                    accepted = true;
                }
                a.results.push_back(r);
            }
            a.flags = dcerpc::pfc_single_frag;
            auto bytes = h.type == pdu_type::bind ? dcerpc::encode_bind_ack(0, a) : dcerpc::encode_alter_context_resp(0, a);
            it = bind_replies_.emplace(std::move(key), std::make_pair(std::move(bytes), bound)).first;
        }
        if (h.type == pdu_type::bind || !c.bound) c = it->second.second;
        append(it->second.first, h.call_id, out);
        return true;
    }
    if (h.type != pdu_type::request || !c.bound || !h.first_frag() || !h.last_frag()) return false;
    auto rq = dcerpc::decode_request(h, pdu);
    if (!rq) return false;
    if (rq->opnum == 2)
    {
        auto l = epm::decode_ept_lookup_request(rq->stub, h.drep);
        if (!l) return false;
        ++counters_.lookups;
        const auto offset = l->entry_handle.is_null() ? 0 : offset_of(l->entry_handle);
        append(lookup_reply(c, offset, l->max_ents), h.call_id, out);
        return true;
    }
    if (rq->opnum == 3) // ept_lookup_handle_free: a NULL handle back and rpc_s_ok
    {
        ++counters_.handle_frees;
        auto& cached = handle_free_replies_[{c.max_xmit_frag, c.context_id}];
        if (cached.empty())
        {
            ndr::writer w;
            epm::write_context_handle(w, {});
            w.u32(epm::rpc_s_ok);
            dcerpc::response_params rp;
            rp.context_id = c.context_id;
            rp.max_xmit_frag = c.max_xmit_frag;
            cached = dcerpc::encode_response(0, rp, w.buffer());
        }
        append(cached, h.call_id, out);
        return true;
    }
    ++counters_.faults;
    dcerpc::fault_params f;
    f.status = nca_op_rng_error;
    f.context_id = rq->context_id;
    f.flags = dcerpc::pfc_single_frag | dcerpc::pfc_did_not_execute;
    auto bytes = dcerpc::encode_fault(h.call_id, f);
    out.insert(out.end(), bytes.begin(), bytes.end());
    return true;
}

} // namespace epmdump::bench
