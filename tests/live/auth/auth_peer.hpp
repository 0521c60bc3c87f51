#pragma once
// The live authentication tests' view of the AD DC peer: what tests/live/auth/auth-peer.sh
// exported (users, krb5.conf, the DC's keytab), and a private Kerberos world per test.
#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace epmdump::test {

inline std::optional<std::string> env(const char* name)
{
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

// What auth-peer.sh exported.
struct auth_peer
{
    std::string krb5_config, user, password, realm, disabled_user, host, spn, keytab;
};

inline std::optional<auth_peer> find_peer()
{
    auth_peer p;
    for (auto [field, name] : {std::pair{&p.krb5_config, "EPMDUMP_KRB5_CONFIG"}, {&p.user, "EPMDUMP_AUTH_USER"},
                               {&p.password, "EPMDUMP_AUTH_PASSWORD"}, {&p.realm, "EPMDUMP_AUTH_REALM"},
                               {&p.disabled_user, "EPMDUMP_AUTH_DISABLED_USER"}, {&p.host, "EPMDUMP_AUTH_HOST"},
                               {&p.spn, "EPMDUMP_AUTH_SPN"}, {&p.keytab, "EPMDUMP_AUTH_KEYTAB"}})
    {
        auto v = env(name);
        if (!v) return std::nullopt;
        *field = *v;
    }
    return p;
}

#define REQUIRE_AUTH_PEER(var)                                                                                    \
    const auto var##_found = epmdump::test::find_peer();                                                                       \
    if (!var##_found)                                                                                              \
        EPMDUMP_SKIP("EPMDUMP_KRB5_CONFIG / EPMDUMP_AUTH_* are not set: the Samba AD DC's test users were not made " \
                     "(tests/live/auth/auth-peer.sh, run by scripts/start-peers.sh as root)");                      \
    const epmdump::test::auth_peer& var = *var##_found

// A private Kerberos world for one test: its krb5.conf, and a ticket cache in a fresh folder
// (never the machine's /etc/krb5.conf or the user's cache).
class krb5_world
{
public:
    explicit krb5_world(const std::string& krb5_config)
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "epmdump-auth-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        dir_ = pattern;
        use_config(krb5_config);
        ::setenv("KRB5CCNAME", ("FILE:" + cache()).c_str(), 1);
        ::unsetenv("KRB5_TRACE");
        ::unsetenv("KRB5_KTNAME");
        ::setenv("KRB5RCACHETYPE", "none", 1); // the tests' acceptor writes no replay cache in /var/tmp
    }
    krb5_world(const krb5_world&) = delete;
    krb5_world& operator=(const krb5_world&) = delete;
    ~krb5_world()
    {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string path(const char* name) const { return (dir_ / name).string(); }
    std::string cache() const { return path("ccache"); }
    void use_config(const std::string& file) const { ::setenv("KRB5_CONFIG", file.c_str(), 1); }
    // A copy of `base` with `extra` lines added to [libdefaults], or the [realms] KDC replaced.
    std::string write_config(const std::string& base, const std::string& libdefaults_extra,
                             const std::string& kdc = {}) const
    {
        std::ifstream in(base);
        std::ostringstream out;
        for (std::string line; std::getline(in, line);)
        {
            if (!kdc.empty() && line.find("kdc =") != std::string::npos) line = "    kdc = " + kdc;
            out << line << "\n";
            if (line == "[libdefaults]") out << libdefaults_extra;
        }
        const auto file = path("krb5.conf");
        std::ofstream(file) << out.str();
        return file;
    }

private:
    std::filesystem::path dir_;
};

} // namespace epmdump::test
