#include "support/test_files.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace epmdump::test {

std::filesystem::path source_dir() { return EPMDUMP_SOURCE_DIR; }

std::filesystem::path project_pcap(const std::string& name) { return source_dir() / "pcaps" / name; }

std::optional<std::filesystem::path> shared_file(const std::string& subpath)
{
    std::filesystem::path p = std::filesystem::path(EPMDUMP_SHARED_DIR) / subpath;
    if (!std::filesystem::exists(p)) return std::nullopt;
    return p;
}

std::vector<std::byte> read_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + p.string());
    std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) out[i] = static_cast<std::byte>(raw[i]);
    return out;
}

std::string read_text(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + p.string());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::byte> to_bytes(std::string_view text)
{
    std::vector<std::byte> out;
    for (char c : text) out.push_back(static_cast<std::byte>(c));
    return out;
}

std::vector<std::byte> from_hex(std::string_view hex)
{
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<std::byte> out;
    int hi = -1;
    for (char c : hex)
    {
        const int v = nibble(c);
        if (v < 0) continue; // spaces, colons and newlines are layout
        if (hi < 0)
            hi = v;
        else
        {
            out.push_back(static_cast<std::byte>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

} // namespace epmdump::test
