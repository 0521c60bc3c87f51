#include <epmdump/exchange/registry.hpp>
#include <epmdump/exchange/detail/text.hpp>
#include <epmdump/core/text_encoding.hpp>

namespace epmdump::exchange {

namespace {

using detail::trim;

// A quoted .reg string starting at s[0] == '"': '\\' and '\"' are the only escapes regedit writes.
std::optional<std::string> unquote(std::string_view s, std::size_t& consumed)
{
    if (s.empty() || s[0] != '"') return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i < s.size(); ++i)
    {
        if (s[i] == '\\' && i + 1 < s.size())
        {
            out += s[++i];
            continue;
        }
        if (s[i] == '"')
        {
            consumed = i + 1;
            return out;
        }
        out += s[i];
    }
    return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> hex_bytes(std::string_view list)
{
    std::vector<std::uint8_t> out;
    while (!list.empty())
    {
        const auto comma = list.find(',');
        const auto item = trim(list.substr(0, comma));
        if (!item.empty())
        {
            auto b = detail::parse_number<std::uint8_t>(item, 16);
            if (!b) return std::nullopt;
            out.push_back(*b);
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
}

// hex(1)/hex(2) carry the string's bytes: UTF-16LE in version 5 files, ANSI in REGEDIT4.
std::string string_from_bytes(const std::vector<std::uint8_t>& b, bool regedit4)
{
    std::string out;
    if (regedit4)
        for (auto c : b) out += static_cast<char>(c);
    else
    {
        std::vector<std::byte> raw(b.size());
        for (std::size_t i = 0; i < b.size(); ++i) raw[i] = static_cast<std::byte>(b[i]);
        std::vector<std::byte> with_bom{std::byte{0xFF}, std::byte{0xFE}};
        with_bom.insert(with_bom.end(), raw.begin(), raw.end());
        out = decode_text(with_bom);
    }
    while (!out.empty() && out.back() == '\0') out.pop_back();
    return out;
}

input_result<registry_value> parse_value(std::string_view line, std::size_t line_no, bool regedit4)
{
    registry_value v;
    v.line = line_no;
    std::size_t consumed = 0;
    if (line[0] == '@')
        consumed = 1;
    else
    {
        auto name = unquote(line, consumed);
        if (!name) return input_error{line_no, "value name is not a closed quoted string"};
        v.name = std::move(*name);
    }
    auto rest = trim(line.substr(consumed));
    if (rest.empty() || rest[0] != '=') return input_error{line_no, "expected '=' after the value name"};
    rest = trim(rest.substr(1));
    v.raw = std::string(rest);
    if (rest == "-")
    {
        v.type = registry_type::deleted;
        return v;
    }
    if (!rest.empty() && rest[0] == '"')
    {
        auto text = unquote(rest, consumed);
        if (!text) return input_error{line_no, "string value is not closed"};
        v.type = registry_type::string;
        v.text = std::move(*text);
        return v;
    }
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) return input_error{line_no, "value data has no type prefix"};
    const auto prefix = rest.substr(0, colon);
    const auto data = rest.substr(colon + 1);
    if (detail::iequals(prefix, "dword"))
    {
        auto d = data.size() <= 8 ? detail::parse_number<std::uint32_t>(trim(data), 16) : std::nullopt;
        if (!d) return input_error{line_no, "dword value is not 1-8 hex digits"};
        v.type = registry_type::dword;
        v.dword = *d;
        return v;
    }
    auto bytes = hex_bytes(data);
    if (!bytes) return input_error{line_no, "hex value holds something other than hex bytes"};
    if (detail::iequals(prefix, "hex(4)") && bytes->size() == 4)
    {
        v.type = registry_type::dword;
        v.dword = std::uint32_t{(*bytes)[0]} | std::uint32_t{(*bytes)[1]} << 8 | std::uint32_t{(*bytes)[2]} << 16 |
                  std::uint32_t{(*bytes)[3]} << 24;
    }
    else if (detail::iequals(prefix, "hex(1)") || detail::iequals(prefix, "hex(2)"))
    {
        v.type = registry_type::string;
        v.text = string_from_bytes(*bytes, regedit4);
    }
    return v;
}

} // namespace

input_result<registry_file> parse_registry(std::span<const std::byte> bytes)
{
    return parse_registry_text(decode_text(bytes));
}

input_result<registry_file> parse_registry_text(std::string_view utf8)
{
    registry_file file;
    const auto lines = detail::split_lines(utf8);
    std::size_t i = 0;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    if (i == lines.size()) return input_error{0, "empty file, not a regedit export"};
    const auto header = trim(lines[i]);
    if (header == "REGEDIT4")
        file.regedit4 = true;
    else if (header.rfind("Windows Registry Editor Version", 0) != 0)
        return input_error{i + 1, "not a regedit export (no \"Windows Registry Editor Version 5.00\" or \"REGEDIT4\" header)"};

    for (++i; i < lines.size(); ++i)
    {
        const std::size_t line_no = i + 1;
        std::string joined(trim(lines[i]));
        if (joined.empty() || joined[0] == ';') continue;
        // Long hex data continues on the next lines after a trailing backslash.
        while (joined.back() == '\\' && i + 1 < lines.size() && joined[0] != '[')
        {
            joined.pop_back();
            joined += trim(lines[++i]);
            if (joined.empty()) break;
        }
        if (joined.empty()) continue;
        if (joined[0] == '[')
        {
            if (joined.back() != ']')
            {
                file.skipped.push_back({line_no, "key line does not end with ']'"});
                continue;
            }
            registry_key key;
            key.line = line_no;
            std::string_view path = std::string_view(joined).substr(1, joined.size() - 2);
            if (!path.empty() && path[0] == '-')
            {
                key.deleted = true;
                path.remove_prefix(1);
            }
            key.path = std::string(path);
            file.keys.push_back(std::move(key));
            continue;
        }
        if (joined[0] != '"' && joined[0] != '@')
        {
            file.skipped.push_back({line_no, "line is neither a key nor a value"});
            continue;
        }
        if (file.keys.empty())
        {
            file.skipped.push_back({line_no, "value before the first key"});
            continue;
        }
        auto value = parse_value(joined, line_no, file.regedit4);
        if (!value)
            file.skipped.push_back(value.error());
        else
            file.keys.back().values.push_back(std::move(*value));
    }
    return file;
}

} // namespace epmdump::exchange
