// Uses three layers of an installed epmdump: the codec (encode and decode a bind to the
// endpoint mapper, name an interface), capture replay, and an output writer.
//   consumer CAPTURE   prints a summary line, then the capture's endpoint table as JSON Lines
#include <epmdump/capture/replay.hpp>
#include <epmdump/dcerpc/bind.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/epm/ept_interface.hpp>
#include <epmdump/names/interface_names.hpp>
#include <epmdump/output/writer.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    using namespace epmdump;
    if (argc != 2)
    {
        std::cerr << "usage: consumer CAPTURE\n";
        return 2;
    }

    // A bind to the endpoint mapper, encoded and decoded again.
    dcerpc::bind_params params;
    params.contexts = dcerpc::make_contexts(epm::ept_interface(), {});
    const auto pdu = dcerpc::encode_bind(1, params);
    const auto header = dcerpc::decode_common_header(pdu);
    if (!header) return 1;
    const auto bind = dcerpc::decode_bind(*header, pdu);
    if (!bind || bind->params != params) return 1;
    const auto* info = names::find_interface(epm::ept_interface().id, epm::ept_interface().major);
    std::cout << "bind: " << pdu.size() << " bytes to " << to_string(epm::ept_interface().id) << " ("
              << (info != nullptr ? info->name : "unknown") << ")\n";

    const auto replayed = capture::replay_file(argv[1]);
    if (replayed.error)
    {
        std::cerr << *replayed.error << "\n";
        return 1;
    }
    std::size_t entries = 0;
    for (const auto& c : replayed.conversations) entries += c.enumeration.entries.size();
    std::cout << "replay: " << replayed.conversations.size() << " conversations, " << entries << " entries\n";

    output::writer out(std::cout, output::format::json);
    for (const auto& c : replayed.conversations) out.write(c.enumeration);
    out.end();
    return entries > 0 ? 0 : 1;
}
