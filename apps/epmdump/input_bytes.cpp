#include "input_bytes.hpp"
#include "commands.hpp"

#include <epmdump/client/detail/utf8_path.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

namespace epmdump::app {

std::optional<std::vector<std::byte>> read_input_bytes(const std::string& path, std::string& why)
{
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path == "-")
        use_binary_stdin();
    else
    {
        file.open(client::detail::path_from_utf8(path), std::ios::binary);
        if (!file)
        {
            why = "cannot open";
            return std::nullopt;
        }
        in = &file;
    }
    std::vector<char> raw((std::istreambuf_iterator<char>(*in)), std::istreambuf_iterator<char>());
    if (in->bad())
    {
        why = "read error";
        return std::nullopt;
    }
    std::vector<std::byte> out(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) out[i] = static_cast<std::byte>(raw[i]);
    return out;
}

} // namespace epmdump::app
