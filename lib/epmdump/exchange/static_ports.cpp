#include <epmdump/exchange/static_ports.hpp>
#include <epmdump/exchange/detail/text.hpp>

#include <map>

namespace epmdump::exchange {

namespace {

// Any control set (CurrentControlSet, ControlSet001, ...) under HKLM; abbreviations allowed.
bool names_setting_key(std::string_view path, const port_setting& s)
{
    std::string suffix = "\\Services\\";
    suffix += s.key;
    return detail::iends_with(path, suffix);
}

} // namespace

std::vector<configured_port> find_static_ports(const registry_file& file, std::string_view source_name)
{
    std::map<std::string_view, configured_port> found; // by setting id: the last one wins
    for (const auto& key : file.keys)
    {
        for (const auto& setting : all_port_settings())
        {
            if (!names_setting_key(key.path, setting)) continue;
            if (key.deleted)
            {
                found.erase(setting.id);
                continue;
            }
            for (const auto& value : key.values)
            {
                if (!detail::iequals(value.name, setting.value)) continue;
                if (value.type == registry_type::deleted)
                {
                    found.erase(setting.id);
                    continue;
                }
                configured_port c;
                c.setting = &setting;
                c.raw = value.raw;
                c.key_path = key.path;
                c.source = std::string(source_name) + " line " + std::to_string(value.line);
                if (value.type == registry_type::dword)
                    c.port = value.dword;
                else if (value.type == registry_type::string)
                {
                    c.port = detail::parse_number<std::uint32_t>(detail::trim(value.text));
                    c.wrong_type = setting.type == value_type::dword;
                }
                found[setting.id] = std::move(c);
            }
        }
    }
    // Catalog order, so reports do not depend on the order of keys in the file.
    std::vector<configured_port> out;
    for (const auto& setting : all_port_settings())
        if (auto it = found.find(setting.id); it != found.end()) out.push_back(std::move(it->second));
    return out;
}

input_result<configured_port> parse_static_port_option(std::string_view text)
{
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) return input_error{0, "expected SERVICE=PORT, got \"" + std::string(text) + "\""};
    const auto name = detail::trim(text.substr(0, eq));
    const auto* setting = find_port_setting(name);
    if (!setting)
    {
        std::string known;
        for (const auto& s : all_port_settings())
        {
            if (!known.empty()) known += ", ";
            known += s.id;
        }
        return input_error{0, "unknown service \"" + std::string(name) + "\" (one of: " + known + ")"};
    }
    const auto port_text = detail::trim(text.substr(eq + 1));
    auto port = detail::parse_number<std::uint32_t>(port_text);
    if (!port) return input_error{0, "port \"" + std::string(port_text) + "\" is not a number"};
    configured_port c;
    c.setting = setting;
    c.port = port;
    c.raw = std::string(text);
    c.key_path = full_key(*setting);
    c.source = "--static-port " + std::string(text);
    c.origin = evidence_source::command_line;
    return c;
}

} // namespace epmdump::exchange
