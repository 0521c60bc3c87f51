#pragma once
// --uuid / --protseq selection of entries, shared by every writer and by the CLI.
#include <epmdump/core/uuid.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace epmdump::output {

// Canonical protocol sequence for a name or a short alias: "tcp" -> "ncacn_ip_tcp",
// "udp", "np"/"smb", "lrpc"/"local", "http"; known names (epm::protseq_names(), and
// binding_of()'s "unknown_proto_0xNN") pass through lower-cased; nullopt for any other name.
std::optional<std::string> canonical_protseq(std::string_view name);

struct entry_filter
{
    std::vector<uuid> interfaces;      // empty: any interface
    std::vector<std::string> protseqs; // canonical names; empty: any protocol sequence

    // false (and nothing added) when the text is not a UUID / a protocol sequence.
    bool add_interface(std::string_view text);
    bool add_protseq(std::string_view text);

    bool empty() const noexcept { return interfaces.empty() && protseqs.empty(); }
    // Interface UUID in `interfaces` (when set) and protseq in `protseqs` (when set).
    bool matches(const epm::endpoint_entry& entry) const noexcept;
    bool matches(const epm::endpoint_entry_view& entry) const noexcept;
};

// A copy of e holding only the entries the filter accepts.
epm::enumeration filtered(const epm::enumeration& e, const entry_filter& filter);

} // namespace epmdump::output
