#include "read_text.hpp"

#include <epmdump/output/rpcdump.hpp>
#include <epmdump/output/sanitize.hpp>

#include <cctype>

namespace epmdump::output::detail {

line_splitter::line_splitter(std::string_view text) noexcept : rest_(text)
{
    if (rest_.substr(0, 3) == "\xEF\xBB\xBF") rest_.remove_prefix(3);
}

bool line_splitter::next(std::string_view& line) noexcept
{
    if (done_) return false;
    const auto eol = rest_.find('\n');
    if (eol == std::string_view::npos)
    {
        done_ = true;
        if (rest_.empty()) return false; // no empty last "line" after a final newline
        line = rest_;
    }
    else
    {
        line = rest_.substr(0, eol);
        rest_.remove_prefix(eol + 1);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++number_;
    return true;
}

namespace {
bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
} // namespace

std::string_view trim_left(std::string_view s) noexcept
{
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    return s;
}

std::string_view trim_right(std::string_view s) noexcept
{
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

std::string_view trim(std::string_view s) noexcept { return trim_left(trim_right(s)); }

bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept
{
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

bool is_protseq_token(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

std::optional<std::string_view> rpcdump_section(std::string_view line) noexcept
{
    const auto open = line.find('(');
    if (open == std::string_view::npos || line.empty() || line.back() != ')') return std::nullopt;
    const auto name = line.substr(0, open);
    if (!is_protseq_token(name)) return std::nullopt;
    return name;
}

namespace {

bool is_uuid_shape(std::string_view s) noexcept
{
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < 36; ++i)
    {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

// Where "[uuid]" starts: at the very beginning (no binding, as in some Resource Kit samples)
// or right after "] " that closes the binding.
std::size_t find_uuid_field(std::string_view line) noexcept
{
    for (std::size_t p = line.find('['); p != std::string_view::npos; p = line.find('[', p + 1))
    {
        if (p + 38 > line.size() || line[p + 37] != ']' || !is_uuid_shape(line.substr(p + 1, 36))) continue;
        if (p == 0 || (p >= 2 && line[p - 1] == ' ' && line[p - 2] == ']')) return p;
    }
    return std::string_view::npos;
}

std::optional<epm::ping_status> ping_from_word(std::string_view word) noexcept
{
    std::string upper;
    for (char c : word) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "YES") return epm::ping_status::pinged;        // ":YES" in Resource Kit samples
    if (upper == "NO") return epm::ping_status::not_listening;
    for (auto p : {epm::ping_status::not_pinged, epm::ping_status::pinged, epm::ping_status::not_listening,
                   epm::ping_status::wrong_interface, epm::ping_status::not_rpc})
        if (upper == rpcdump_ping_word(p)) return p;
    return std::nullopt;
}

} // namespace

rpcdump_line_result parse_rpcdump_entry(std::string_view line)
{
    rpcdump_line_result r;
    const std::size_t p = find_uuid_field(line);
    if (p == std::string_view::npos) return r;
    r.is_entry = true;
    auto fail = [&](read_errc code, std::string detail) {
        r.error = make_error(code, 0, std::move(detail));
        return r;
    };

    const auto id = parse_uuid(line.substr(p + 1, 36));
    if (!id) return fail(read_errc::bad_uuid, "interface UUID");
    r.entry.interface.id = *id;

    if (p > 0)
    {
        const auto where = line.substr(0, p - 1); // "HOST[ENDPOINT]"
        const auto open = where.find('[');
        if (open == std::string_view::npos || where.back() != ']')
            return fail(read_errc::bad_line, "expected ADDRESS[ENDPOINT] before the UUID");
        r.entry.where.host = std::string(where.substr(0, open));
        r.entry.where.endpoint = std::string(where.substr(open + 1, where.size() - open - 2));
    }

    auto rest = line.substr(p + 38); // " ANNOTATION :STATUS"
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return fail(read_errc::bad_line, "no \":STATUS\" at the end");
    const auto ping = ping_from_word(trim(rest.substr(colon + 1)));
    if (!ping) return fail(read_errc::bad_line, "status is not NOT_PINGED, PINGED, NOT_LISTENING, WRONG_INTERFACE or NOT_RPC");
    r.entry.ping = *ping;
    auto annotation = rest.substr(0, colon);
    // The writer puts exactly one space on each side of the annotation.
    if (!annotation.empty() && annotation.front() == ' ') annotation.remove_prefix(1);
    if (!annotation.empty() && annotation.back() == ' ') annotation.remove_suffix(1);
    r.entry.annotation = std::string(annotation);
    return r;
}

epm::enumeration_error split_error(std::string_view text)
{
    text = trim(text);
    const auto sep = text.find(": ");
    if (sep != std::string_view::npos && sep > 0)
    {
        const auto kind = text.substr(0, sep);
        bool word = true;
        for (char c : kind) word = word && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
        if (word)
        {
            auto e = error_of(kind, std::string(text.substr(sep + 2)));
            // "auth_failed: wrong_password: MESSAGE": the reason error_text put first.
            const auto reason_end = e.message.find(": ");
            if ((e.kind == epm::failure_kind::auth_failed || e.kind == epm::failure_kind::access_denied) &&
                reason_end != std::string::npos)
                if (const auto r = parse_auth_reason(std::string_view(e.message).substr(0, reason_end)))
                {
                    e.reason = r;
                    e.message.erase(0, reason_end + 2);
                }
            return e;
        }
    }
    return {epm::failure_kind::unspecified, std::string(text)};
}

epm::enumeration_error error_of(std::string_view kind, std::string message)
{
    if (const auto k = epm::parse_failure_kind(kind)) return {*k, std::move(message)};
    // A word this epmdump does not know (a newer one's): kept in the message, where the text
    // formats print it as before ("KIND: MESSAGE").
    return {epm::failure_kind::unspecified, std::string(kind) + ": " + message};
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept
{
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s)
    {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> parse_version(std::string_view s) noexcept
{
    const auto dot = s.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const auto major = parse_decimal(s.substr(0, dot));
    const auto minor = parse_decimal(s.substr(dot + 1));
    if (!major || !minor || *major > 0xffff || *minor > 0xffff) return std::nullopt;
    return std::pair{static_cast<std::uint16_t>(*major), static_cast<std::uint16_t>(*minor)};
}

void add_warning(dump& d, std::size_t line, std::string_view text)
{
    ++d.skipped_lines;
    if (d.warnings.size() >= max_read_warnings) return;
    std::string shown = sanitize_text(text.substr(0, 200));
    d.warnings.push_back(read_warning{line, std::move(shown)});
}

read_error make_error(read_errc code, std::size_t line, std::string detail)
{
    return read_error{code, line, std::move(detail)};
}

} // namespace epmdump::output::detail
