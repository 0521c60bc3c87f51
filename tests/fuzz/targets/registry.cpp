// regedit exports (.reg): version 5.00 (UTF-16LE with BOM, or UTF-8) and REGEDIT4, with line
// continuations, dword/hex(n)/string values, deletions (parse_registry).
// Input: the file's bytes.
// Properties:
//  - line numbers only grow: keys in file order, each value at or after its key;
//  - the same text saved as regedit saves it (UTF-16LE with a BOM), or with CRLF line ends,
//    reads the same (checked when the input is valid UTF-8, so the conversion is lossless).
#include <epmdump/exchange/registry.hpp>
#include <epmdump/core/text_encoding.hpp>

#include "fuzz_support.hpp"

using namespace epmdump;
using namespace epmdump::exchange;

namespace {

// UTF-8 -> UTF-16LE with a BOM; nullopt for invalid UTF-8 (overlong, surrogates, cut short).
std::optional<std::vector<std::byte>> utf16le(std::string_view s)
{
    std::vector<std::byte> out{std::byte{0xFF}, std::byte{0xFE}};
    const auto unit = [&](std::uint32_t u) {
        out.push_back(std::byte(u & 0xFF));
        out.push_back(std::byte(u >> 8));
    };
    for (std::size_t i = 0; i < s.size();)
    {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return std::nullopt;
        std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
        for (std::size_t k = 1; k < n; ++k)
        {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 2) return std::nullopt;
            cp = cp << 6 | (cc & 0x3F);
        }
        static constexpr std::uint32_t min_of[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_of[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        if (cp >= 0x10000)
        {
            unit(0xD800 + ((cp - 0x10000) >> 10));
            unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
        }
        else
            unit(cp);
        i += n;
    }
    return out;
}

std::string digest(const input_result<registry_file>& r)
{
    if (!r) return "error " + std::to_string(r.error().line) + " " + r.error().message;
    std::string s = r->regedit4 ? "REGEDIT4\n" : "5.00\n";
    for (const auto& k : r->keys)
    {
        s += "[" + k.path + "] " + std::to_string(k.deleted) + " " + std::to_string(k.line) + "\n";
        for (const auto& v : k.values)
            s += "  " + v.name + " " + std::to_string(static_cast<int>(v.type)) + " " + std::to_string(v.dword) + " " +
                 v.text + " | " + v.raw + " " + std::to_string(v.line) + "\n";
    }
    for (const auto& e : r->skipped) s += "skipped " + std::to_string(e.line) + " " + e.message + "\n";
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto bytes = fuzz::as_bytes(data, size);
    const auto parsed = parse_registry(bytes);
    const auto d = digest(parsed);
    if (parsed)
    {
        std::size_t last = 0;
        for (const auto& k : parsed->keys)
        {
            EPMDUMP_FUZZ_CHECK(k.line > last);
            last = k.line;
            for (const auto& v : k.values)
            {
                EPMDUMP_FUZZ_CHECK(v.line >= k.line);
                EPMDUMP_FUZZ_CHECK(v.line >= last);
                last = v.line;
            }
        }
    }

    const auto text = decode_text(bytes);
    // Only plain UTF-8 input: a BOM or UTF-16 input was converted already.
    if (text.size() != size || text.compare(0, 3, "\xEF\xBB\xBF") == 0) return 0;
    if (auto wide = utf16le(text))
        EPMDUMP_FUZZ_CHECK(digest(parse_registry(*wide)) == d);
    if (auto crlf = fuzz::with_crlf(text))
        EPMDUMP_FUZZ_CHECK(digest(parse_registry(fuzz::as_bytes(reinterpret_cast<const std::uint8_t*>(crlf->data()),
                                                                 crlf->size()))) == d);
    return 0;
}
