#include <epmdump/auth/ntlm_provider.hpp>

#include <epmdump/auth/ntlm_context.hpp>
#include <epmdump/auth/spnego_ntlm_context.hpp>

#include <exception>

namespace epmdump::auth {
namespace {

class ntlm_provider final : public client::security_provider
{
public:
    ntlm_provider(std::shared_ptr<const ntlm::identity> who, bool spnego) : who_(std::move(who)), spnego_(spnego) {}
    epm::auth_type type() const noexcept override { return spnego_ ? epm::auth_type::negotiate : epm::auth_type::ntlm; }
    // NTLM names no service: the host is not part of the exchange.
    client::auth_result<std::unique_ptr<client::security_context>> new_context(std::string_view) const override
    {
        auto context = std::make_unique<ntlm::context>(who_);
        if (spnego_) return make_spnego_ntlm_context(std::move(context));
        return std::unique_ptr<client::security_context>(std::move(context));
    }
    std::string principal() const override { return ntlm::principal_of(*who_); }

private:
    std::shared_ptr<const ntlm::identity> who_;
    bool spnego_;
};

client::auth_failure failure(epm::auth_errc reason, std::string detail)
{
    return {reason, "NTLM: " + std::move(detail)};
}

} // namespace

client::auth_result<std::shared_ptr<const client::security_provider>> make_ntlm_provider(credentials& c, bool spnego)
{
    secret password = std::move(c.password);
    secret nt_hash = std::move(c.nt_hash);
    auto who = std::make_shared<ntlm::identity>();
    who->user = c.user;
    who->domain = c.domain;
    // DOMAIN\user: the domain is the prefix unless given apart (the command line gives both).
    if (const auto slash = who->user.find('\\'); slash != std::string::npos)
    {
        if (who->domain.empty()) who->domain = who->user.substr(0, slash);
        who->user.erase(0, slash + 1);
    }
    if (who->user.empty()) return failure(epm::auth_errc::no_credentials, "no user name given");
    if (password.empty() && nt_hash.empty()) return failure(epm::auth_errc::no_credentials, "no password or NT hash given");
    if (!nt_hash.empty() && nt_hash.size() != 16)
        return failure(epm::auth_errc::mechanism_failed, "an NT hash is 16 bytes (32 hex digits)");
    std::string error;
    who->primitives = ntlm::crypto::make(error);
    if (!who->primitives) return failure(epm::auth_errc::mechanism_failed, error);
    try
    {
        who->nt_hash = nt_hash.empty() ? ntlm::nt_hash_of_password(*who->primitives, password.text()) : std::move(nt_hash);
    }
    catch (const std::exception& e)
    {
        return failure(epm::auth_errc::mechanism_failed, e.what());
    }
    return std::shared_ptr<const client::security_provider>(std::make_shared<ntlm_provider>(std::move(who), spnego));
}

} // namespace epmdump::auth
