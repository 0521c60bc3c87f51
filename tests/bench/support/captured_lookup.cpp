#include "captured_lookup.hpp"

#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/request.hpp>

#include <map>
#include <optional>
#include <stdexcept>

namespace epmdump::bench {

captured_lookup largest_lookup(const captured_conversation& conversation, const std::string& name)
{
    std::map<std::uint32_t, const captured_pdu*> lookups; // call_id -> ept_lookup request
    const captured_pdu* bind = nullptr;
    const captured_pdu* bind_ack = nullptr;
    dcerpc::message_assembler assembler;
    std::vector<const captured_pdu*> fragments;
    std::optional<captured_lookup> best;
    for (const auto& p : conversation.pdus)
    {
        if (!p.from_server)
        {
            if (p.header.type == dcerpc::pdu_type::bind && !bind) bind = &p;
            if (p.header.type != dcerpc::pdu_type::request) continue;
            auto rq = dcerpc::decode_request(p.header, p.bytes);
            if (rq && rq->opnum == 2) lookups[p.header.call_id] = &p;
            continue;
        }
        if (p.header.type == dcerpc::pdu_type::bind_ack && !bind_ack) bind_ack = &p;
        if (p.header.type != dcerpc::pdu_type::response) continue;
        if (p.header.first_frag()) fragments.clear();
        fragments.push_back(&p);
        auto m = assembler.add(p.header, p.bytes);
        if (!m) throw std::runtime_error(name + ": " + m.error().message());
        if (!*m || !lookups.count((*m)->call_id)) continue;
        auto r = epm::decode_ept_lookup_response((*m)->stub, (*m)->first.drep);
        if (!r) throw std::runtime_error(name + ": " + r.error().message());
        if (best && r->entries.size() <= best->response.entries.size()) continue;
        captured_lookup c;
        c.response = std::move(*r);
        c.stub = (*m)->stub;
        c.rep = (*m)->first.drep;
        c.request = lookups[(*m)->call_id]->bytes;
        for (const auto* f : fragments) c.fragments.push_back(f->bytes);
        best = std::move(c);
    }
    if (!best || !bind || !bind_ack) throw std::runtime_error(name + ": no bound ept_lookup response");
    best->bind = bind->bytes;
    best->bind_ack = bind_ack->bytes;
    return std::move(*best);
}

} // namespace epmdump::bench
