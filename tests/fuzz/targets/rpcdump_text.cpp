// Saved dumps: rpcdump.exe text (KB 926210) and our rpcdump output read by read_rpcdump_text.
// Input: the text. Properties: fuzz::check_reader (CRLF invariance, write/read fixed point,
// read_dump agreement, caps).
#include <epmdump/output/reader.hpp>

#include "text_round_trip.hpp"

using namespace epmdump;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::check_reader(fuzz::as_text(data, size), output::format::rpcdump,
                       [](std::string_view t) { return output::read_rpcdump_text(t); });
    return 0;
}
