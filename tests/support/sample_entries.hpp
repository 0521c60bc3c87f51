#pragma once
// Endpoint entries as real servers register them, for tests of every layer: sans-I/O (no Asio),
// so the session's tests and the scripted server build them the same way.
#include <epmdump/epm/endpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace epmdump::test {

// An entry as servers register them: tower built with encode_tower, NDR 2.0 in floor 2.
epm::endpoint_entry make_entry(std::string_view interface_uuid, std::uint16_t major, std::uint16_t minor,
                               std::string_view protseq, std::string_view host, std::string_view endpoint,
                               std::string_view annotation = {});

// n entries cycling through realistic protseqs (tcp 0.0.0.0 ports, np, lrpc, http) and
// interfaces of the name table, annotations "svcN".
std::vector<epm::endpoint_entry> sample_entries(std::size_t n, std::uint16_t tcp_port = 49152);

} // namespace epmdump::test
