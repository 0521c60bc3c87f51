#include "argv_secrets.hpp"

#include <cstring>
#include <string_view>

namespace epmdump::app {

namespace {

// The value of option `word` (or of the next word), or nullptr when `word` is not that option.
char* option_value(int argc, char** argv, int& i, std::string_view short_name, std::string_view long_name)
{
    const std::string_view w = argv[i];
    const bool split = (!short_name.empty() && w == short_name) || w == long_name;
    if (split) return i + 1 < argc ? argv[++i] : nullptr;
    if (!short_name.empty() && w.size() > short_name.size() && w.starts_with(short_name)) return argv[i] + short_name.size();
    if (w.size() > long_name.size() && w.starts_with(long_name) && w[long_name.size()] == '=')
        return argv[i] + long_name.size() + 1;
    return nullptr;
}

} // namespace

void overwrite(void* p, std::size_t n, char with) noexcept
{
    volatile char* v = static_cast<char*>(p);
    for (std::size_t k = 0; k < n; ++k) v[k] = with;
}

void take_argv_secrets(int argc, char** argv, argv_secrets& into)
{
    for (int i = 1; i < argc; ++i)
    {
        if (std::strcmp(argv[i], "--") == 0) break;
        if (char* user = option_value(argc, argv, i, "-U", "--user"))
        {
            char* percent = std::strchr(user, '%');
            if (percent == nullptr) continue;
            const std::size_t n = std::strlen(percent);
            if (!into.password_given) into.password = auth::secret(std::string_view(percent + 1, n - 1));
            into.password_given = true;
            overwrite(percent, n, '\0');
        }
        else if (char* hash = option_value(argc, argv, i, "", "--nt-hash"))
        {
            const std::size_t n = std::strlen(hash);
            if (n > 0 && std::strspn(hash, "x") == n) continue; // masked by an earlier pass
            if (!into.nt_hash_given) into.nt_hash = auth::secret(std::string_view(hash, n));
            into.nt_hash_given = true;
            overwrite(hash, n, 'x');
        }
    }
}

} // namespace epmdump::app
