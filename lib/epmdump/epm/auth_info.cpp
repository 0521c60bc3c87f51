#include <epmdump/epm/auth_info.hpp>

#include <array>
#include <utility>

namespace epmdump::epm {

namespace {

constexpr std::array type_words{
    std::pair{auth_type::none, std::string_view{"none"}},
    std::pair{auth_type::negotiate, std::string_view{"negotiate"}},
    std::pair{auth_type::ntlm, std::string_view{"ntlm"}},
    std::pair{auth_type::kerberos, std::string_view{"kerberos"}},
};

constexpr std::array level_words{
    std::pair{auth_level::none, std::string_view{"none"}},
    std::pair{auth_level::connect, std::string_view{"connect"}},
    std::pair{auth_level::call, std::string_view{"call"}},
    std::pair{auth_level::packet, std::string_view{"packet"}},
    std::pair{auth_level::integrity, std::string_view{"integrity"}},
    std::pair{auth_level::privacy, std::string_view{"privacy"}},
};

template <typename Table, typename Enum>
std::string word_or_number(const Table& table, Enum value)
{
    for (const auto& [v, word] : table)
        if (v == value) return std::string(word);
    return std::to_string(static_cast<unsigned>(value));
}

} // namespace

std::string to_string(auth_type t) { return word_or_number(type_words, t); }
std::string to_string(auth_level l) { return word_or_number(level_words, l); }

std::optional<auth_type> parse_auth_type(std::string_view word) noexcept
{
    for (const auto& [v, w] : type_words)
        if (w == word && v != auth_type::none) return v;
    return std::nullopt;
}

std::optional<auth_level> parse_auth_level(std::string_view word) noexcept
{
    for (const auto& [v, w] : level_words)
        if (w == word) return v;
    return std::nullopt;
}

std::string_view to_string(auth_errc e) noexcept
{
    switch (e)
    {
    case auth_errc::wrong_password: return "wrong_password";
    case auth_errc::unknown_user: return "unknown_user";
    case auth_errc::account_unusable: return "account_unusable";
    case auth_errc::clock_skew: return "clock_skew";
    case auth_errc::no_credentials: return "no_credentials";
    case auth_errc::credentials_expired: return "credentials_expired";
    case auth_errc::kdc_unreachable: return "kdc_unreachable";
    case auth_errc::spn_unknown: return "spn_unknown";
    case auth_errc::mechanism_failed: return "mechanism_failed";
    case auth_errc::credentials_refused: return "credentials_refused";
    case auth_errc::anonymous_refused: return "anonymous_refused";
    case auth_errc::level_refused: return "level_refused";
    case auth_errc::bad_verifier: return "bad_verifier";
    case auth_errc::spn_lookup_failed: return "spn_lookup_failed";
    }
    return "mechanism_failed";
}

} // namespace epmdump::epm
