#pragma once
// Static TCP ports an admin configured for Exchange services, from a regedit export or from
// --static-port SERVICE=PORT.
#include <epmdump/exchange/catalog.hpp>
#include <epmdump/exchange/finding.hpp>
#include <epmdump/exchange/input_error.hpp>
#include <epmdump/exchange/registry.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::exchange {

struct configured_port
{
    const port_setting* setting = nullptr;
    std::optional<std::uint32_t> port; // nullopt: the value is there but is not a number
    std::string raw;                   // as written: "dword:00000409", "\"59532\"", "rpc=59532"
    std::string key_path;              // the key as the file names it (or the canonical one)
    std::string source;                // "exchange.reg line 7", "--static-port rpc=59532"
    bool wrong_type = false;           // a REG_SZ where Exchange reads a REG_DWORD: it ignores the value
    evidence_source origin = evidence_source::registry; // or command_line (--static-port)
};

// Every catalog static-port value present in the file. Later keys override earlier ones and a
// deleted key or value ([-key], "name"=-) removes what came before, as an import would.
std::vector<configured_port> find_static_ports(const registry_file& file, std::string_view source_name);

// "store=1033", "MSExchangeRPC=59532", "ab=59533" (names from catalog.inc, case-insensitive).
input_result<configured_port> parse_static_port_option(std::string_view text);

} // namespace epmdump::exchange
