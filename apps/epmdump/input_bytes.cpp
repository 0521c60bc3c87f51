#include "input_bytes.hpp"
#include "commands.hpp"

#include <epmdump/client/detail/input_file.hpp>

#include <fstream>
#include <ios>
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
        why = client::detail::open_input_file(path, file);
        if (!why.empty()) return std::nullopt;
        in = &file;
    }
    std::vector<char> raw;
    try
    {
        raw.assign(std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>());
    }
    catch (const std::ios_base::failure&) // libstdc++'s filebuf throws on a failed read(2)
    {
        in->setstate(std::ios::badbit);
    }
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
