#pragma once
// The endpoint-mapper side of the scan benchmark, sans-I/O: one received PDU in, the reply
// bytes out. It serves one fixed table (the entries of a real ept_lookup response) the way a
// real server pages it, and encodes each distinct reply once: later replies are copies with
// the call_id patched, so the responder costs little CPU next to the scanner it feeds.
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/epm/endpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace epmdump::bench {

// How the table ends ([MS-RPCE] 3.1.4.x and the captures in pcaps/):
//  windows: the call that returns the last entries carries a NULL handle (one call for <= 500);
//  samba:   the last entries come with a non-NULL handle and the next call returns 0 entries,
//           a NULL handle and ept_s_not_registered (the Samba AD DC: two calls).
enum class table_style : std::uint8_t { windows, samba };

// Per-connection state the replies depend on.
struct connection_state
{
    std::uint16_t max_xmit_frag = 0; // 0 until bound: the client's max_recv_frag, capped
    std::uint16_t context_id = 0;    // the accepted EPM context
    bool bound = false;
};

struct server_counters
{
    std::uint64_t binds = 0, lookups = 0, handle_frees = 0, faults = 0, encodes = 0;
};

class table_server
{
public:
    table_server(std::vector<epm::endpoint_entry> table, table_style style);

    // Appends the reply to `pdu` (one whole fragment) to `out`. false: the connection should be
    // closed (not DCE/RPC, a call before bind, a fragmented request).
    bool on_pdu(connection_state& c, const dcerpc::common_header& h, std::span<const std::byte> pdu,
                std::vector<std::byte>& out);

    const server_counters& counters() const noexcept { return counters_; }
    std::size_t table_size() const noexcept { return table_.size(); }

private:
    void append(const std::vector<std::byte>& cached, std::uint32_t call_id, std::vector<std::byte>& out);
    const std::vector<std::byte>& lookup_reply(const connection_state& c, std::uint32_t offset, std::uint32_t max_ents);

    std::vector<epm::endpoint_entry> table_;
    table_style style_;
    server_counters counters_;
    std::map<std::string, std::pair<std::vector<std::byte>, connection_state>> bind_replies_; // bind bytes, call_id 0
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint16_t, std::uint16_t>, std::vector<std::byte>> lookup_replies_;
    std::map<std::pair<std::uint16_t, std::uint16_t>, std::vector<std::byte>> handle_free_replies_;
};

} // namespace epmdump::bench
