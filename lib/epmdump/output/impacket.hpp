#pragma once
// impacket rpcdump.py text: entries grouped by "UUID vMAJ.MIN", each group printing
// Protocol / Provider (from names::find_interface, "N/A" when unknown) / UUID + annotation / Bindings.
#include <epmdump/epm/enumeration.hpp>
#include <epmdump/output/format.hpp>

#include <iosfwd>

namespace epmdump::output {

// "[*] Retrieving endpoint list from TARGET", the groups in order of first appearance (the last
// entry's annotation names a group, as impacket does), then "[-] Protocol failed: KIND: MESSAGE"
// when e has an error, and "[*] Received N endpoints." / "[*] Received one endpoint." /
// "[*] No endpoints found.".
void write_impacket(std::ostream& out, const epm::enumeration& e, const format_options& options = {});

} // namespace epmdump::output
