#include <epmdump/session/ept_handle_session.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/ept_lookup_handle_free.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace epmdump::client {

std::vector<dcerpc::presentation_context> ept_handle_session::contexts() const
{
    return default_contexts(epm::ept_interface());
}

rpc_session::step ept_handle_session::on_bound(const dcerpc::negotiation& n)
{
    // Context 0 offered the endpoint mapper with NDR 2.0 only: negotiate() saw to the syntax.
    if (n.ndr20_context != std::optional<std::uint16_t>{0})
        return fail(failure{client_errc::bind_rejected, phase::bind, {}, {}, "the endpoint mapper context was not accepted"});
    return first_call();
}

rpc_session::step ept_handle_session::stop_early(std::optional<failure> why)
{
    stopped_ = std::move(why);
    if (handle_.is_null())
    {
        if (stopped_) return fail(*stopped_);
        return std::nullopt;
    }
    ndr::writer w;
    epm::encode_ept_lookup_handle_free_request(handle_, w);
    return call{epm::opnum_ept_lookup_handle_free, w.take(), phase::free_handle, 0, {}};
}

rpc_session::step ept_handle_session::on_response(std::span<const std::byte> stub, ndr::drep rep)
{
    if (current_phase() != phase::free_handle) return on_page(stub, rep);
    freed_ = epm::decode_ept_lookup_handle_free_response(stub, rep).has_value();
    handle_ = {};
    if (stopped_) return fail(*stopped_);
    return std::nullopt;
}

rpc_session::step ept_handle_session::on_fault(std::uint32_t status)
{
    if (current_phase() == phase::free_handle)
    {
        handle_ = {};
        if (stopped_) return fail(*stopped_);
        return std::nullopt;
    }
    return rpc_session::on_fault(status);
}

void ept_handle_session::on_failed(std::optional<failure>& f)
{
    // Freeing the handle is a courtesy: its failure does not change what we found.
    if (f && f->phase == phase::free_handle) f = stopped_;
}

bool ept_handle_session::keep_capped(std::vector<epm::endpoint_entry>& kept, std::vector<epm::endpoint_entry>& page) const
{
    const std::size_t cap = options().limits.max_entries;
    const std::size_t room = cap > kept.size() ? cap - kept.size() : 0;
    const auto take = std::min(room, page.size());
    kept.insert(kept.end(), std::make_move_iterator(page.begin()),
                std::make_move_iterator(page.begin() + static_cast<std::ptrdiff_t>(take)));
    return page.size() > room;
}

rpc_session::step ept_handle_session::stop_on_bad_page(phase in, std::string_view what, const codec_error& e)
{
    return stop_early(failure{client_errc::protocol_violation, in, {}, e, std::string(what) + " response: " + e.message()});
}

} // namespace epmdump::client
