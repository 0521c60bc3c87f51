#pragma once
// ept_map, opnum 3 (C706 App. O; [MS-RPCE] 2.2.1.2.5), sans-I/O: where is one interface over
// one protocol sequence. Pages with the returned handle like ept_lookup (max_towers per call)
// and frees the handle when it stops early.
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/session/ept_handle_session.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace epmdump::client {

class map_session final : public ept_handle_session
{
public:
    map_session(const client_options& options, bool expect_banner, epm::syntax_id interface, std::string protseq,
                std::uint32_t max_towers = 4);

    // Towers the mapper returned (object nil, annotation empty), in order.
    const std::vector<epm::endpoint_entry>& towers() const noexcept { return towers_; }
    // The last status: rpc_s_ok, or ept_s_not_registered when the interface is not registered.
    std::uint32_t status() const noexcept { return status_; }

protected:
    step first_call() override { return map_call(); }
    step on_page(std::span<const std::byte> stub, ndr::drep rep) override;

private:
    step map_call();

    epm::syntax_id interface_;
    std::string protseq_;
    std::uint32_t max_towers_;
    std::vector<epm::endpoint_entry> towers_;
    std::uint32_t status_ = 0;
    std::uint32_t calls_ = 0;
};

} // namespace epmdump::client
