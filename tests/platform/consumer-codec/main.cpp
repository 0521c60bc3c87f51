// A codec-only embedder: an endpoint-mapper tower encoded and decoded, with nothing but the
// codec (no libpcap, no nlohmann_json, no Asio, no threads).
//   consumer_codec   prints "epmdump VERSION: UUID vMAJOR.MINOR NDR-UUID BINDING"
#include <epmdump/dcerpc/syntax.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/epm/tower.hpp>
#include <epmdump/version.hpp>

#include <iostream>

static_assert(EPMDUMP_VERSION_NUMBER == EPMDUMP_VERSION_MAJOR * 10000 + EPMDUMP_VERSION_MINOR * 100 + EPMDUMP_VERSION_PATCH);

int main()
{
    using namespace epmdump;
    const auto octets = epm::encode_tower(epm::ept_interface(), dcerpc::ndr20_syntax(), {"ncacn_ip_tcp", "10.0.0.5", "135"});
    if (!octets) return 1;
    const auto tower = epm::decode_tower(*octets);
    if (!tower || !tower->transfer_syntax) return 1;
    std::cout << "epmdump " << EPMDUMP_VERSION_STRING << ": " << to_string(tower->interface.id) << " v"
              << tower->interface.major << '.' << tower->interface.minor << ' ' << to_string(tower->transfer_syntax->id) << ' '
              << epm::to_string(tower->where) << '\n';
}
