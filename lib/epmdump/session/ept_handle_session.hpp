#pragma once
// What every endpoint-mapper operation that pages with a context handle shares (ept_lookup,
// ept_map; C706 App. O, [MS-RPCE] 2.2.1.2.4-5), sans-I/O: the bind offer (the mapper with
// NDR 2.0 on context 0), the entry_handle the server returns, the courtesy free when we stop
// while the server still holds one (ept_lookup_handle_free, opnum 4), and the cap on entries
// kept. Subclasses keep only their paging policy: the first call and what a page means.
#include <epmdump/epm/context_handle.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/session/rpc_session.hpp>

#include <optional>
#include <span>
#include <vector>

namespace epmdump::client {

class ept_handle_session : public rpc_session
{
public:
    // The server confirmed our ept_lookup_handle_free (opnum 4).
    bool handle_freed() const noexcept { return freed_; }

protected:
    using rpc_session::rpc_session;

    std::vector<dcerpc::presentation_context> contexts() const final;
    step on_bound(const dcerpc::negotiation& n) final;
    step on_response(std::span<const std::byte> stub, ndr::drep rep) final;
    step on_fault(std::uint32_t status) final;
    void on_failed(std::optional<failure>& f) final;

    // The operation's first call, once the mapper's context is accepted.
    virtual step first_call() = 0;
    // A whole response stub to the operation's own call (never to the handle free).
    virtual step on_page(std::span<const std::byte> stub, ndr::drep rep) = 0;

    // Stops the operation: frees the handle first when the server still holds one, then ends
    // with `why` (nullopt: a normal end).
    step stop_early(std::optional<failure> why);
    // A page that does not decode: a protocol violation in `in`, named "WHAT response: ...".
    step stop_on_bad_page(phase in, std::string_view what, const codec_error& e);
    // Moves what fits under limits.max_entries from `page` onto the end of `kept`; returns
    // true when some of it did not fit.
    bool keep_capped(std::vector<epm::endpoint_entry>& kept, std::vector<epm::endpoint_entry>& page) const;

    epm::context_handle handle_{}; // as the last response returned it; nil once released

private:
    std::optional<failure> stopped_; // why we stopped early (kept while the handle is freed)
    bool freed_ = false;
};

} // namespace epmdump::client
