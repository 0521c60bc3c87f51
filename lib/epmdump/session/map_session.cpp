#include <epmdump/session/map_session.hpp>
#include <epmdump/session/status_text.hpp>
#include <epmdump/epm/ept_map.hpp>
#include <epmdump/epm/ept_status.hpp>

#include <algorithm>

namespace epmdump::client {

map_session::map_session(const client_options& options, bool expect_banner, epm::syntax_id interface,
                         std::string protseq, std::uint32_t max_towers)
    : ept_handle_session(options, expect_banner), interface_(interface), protseq_(std::move(protseq)),
      max_towers_(std::clamp<std::uint32_t>(max_towers, 1, epm::ept_max_ents))
{
}

rpc_session::step map_session::map_call()
{
    auto request = epm::make_ept_map_request(interface_, protseq_, max_towers_);
    if (!request)
        return fail(failure{client_errc::lookup_failed, phase::map, {}, request.error(),
                            "cannot build a map tower for " + protseq_});
    request->entry_handle = handle_;
    ndr::writer w;
    epm::encode_ept_map_request(*request, w);
    ++calls_;
    return call{epm::opnum_ept_map, w.take(), phase::map, 0, {}};
}

rpc_session::step map_session::on_page(std::span<const std::byte> stub, ndr::drep rep)
{
    epm::decode_limits decode;
    decode.max_entries = max_towers_;
    auto r = epm::decode_ept_map_response(stub, rep, ndr::transfer_syntax::ndr20, decode);
    if (!r) return stop_on_bad_page(phase::map, "ept_map", r.error());
    handle_ = r->entry_handle;
    status_ = r->status;
    const bool capped = keep_capped(towers_, r->towers);
    if (r->status == epm::ept_s_not_registered)
    {
        handle_ = {};
        return std::nullopt; // "not registered" is an answer, not a failure
    }
    if (r->status != epm::rpc_s_ok)
        return stop_early(failure{client_errc::lookup_failed, phase::map, r->status, {},
                                  "ept_map returned " + ept_status_text(r->status)});
    if (capped)
        return stop_early(failure{client_errc::incomplete, phase::map, {}, {}, "too many towers"});
    if (handle_.is_null() || r->towers.empty()) return stop_early(std::nullopt);
    if (calls_ >= options().limits.max_pages)
        return stop_early(failure{client_errc::incomplete, phase::map, {}, {}, "ept_map did not end"});
    return map_call();
}

} // namespace epmdump::client
