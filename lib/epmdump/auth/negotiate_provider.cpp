#include <epmdump/auth/negotiate_provider.hpp>

#include <epmdump/auth/forwarding_context.hpp>

#include <string>
#include <utility>

namespace epmdump::auth {

namespace {

// Before its first leg it holds the SPNEGO (Kerberos) context; the first leg picks the mechanism
// for good. Every other call goes to the context in use.
class negotiate_context final : public forwarding_context
{
public:
    // `for_session`: the NTLM fallback is made with new_session_context, as the SPNEGO one was.
    negotiate_context(std::unique_ptr<client::security_context> spnego,
                      std::shared_ptr<const client::security_provider> ntlm, std::string host, bool for_session)
        : spnego_(std::move(spnego)), ntlm_(std::move(ntlm)), host_(std::move(host)), for_session_(for_session)
    {
    }

    client::auth_result<leg> step(std::span<const std::byte> server_token) override
    {
        if (chosen_) return chosen_->step(server_token);
        auto first = spnego_->step(server_token);
        // Only "the KDC has no principal for this target" falls back: a wrong password or a KDC
        // that refuses us says the same to NTLM's server, and is reported as it is.
        if (first || first.error().reason != epm::auth_errc::spn_unknown)
        {
            chosen_ = std::move(spnego_);
            return first;
        }
        auto ntlm = for_session_ ? ntlm_->new_session_context(host_) : ntlm_->new_context(host_);
        if (!ntlm) return ntlm.error();
        chosen_ = std::move(*ntlm);
        chosen_->set_level(level_);
        spnego_.reset();
        return chosen_->step(server_token);
    }

    void set_level(epm::auth_level level) noexcept override
    {
        level_ = level;
        inner().set_level(level);
    }

private:
    client::security_context& inner() const noexcept override { return chosen_ ? *chosen_ : *spnego_; }

    std::unique_ptr<client::security_context> spnego_;
    std::unique_ptr<client::security_context> chosen_;
    std::shared_ptr<const client::security_provider> ntlm_;
    std::string host_;
    bool for_session_;
    epm::auth_level level_ = epm::auth_level::privacy;
};

class negotiate_provider final : public client::security_provider
{
public:
    negotiate_provider(std::shared_ptr<const client::security_provider> kerberos,
                       std::shared_ptr<const client::security_provider> ntlm)
        : kerberos_(std::move(kerberos)), ntlm_(std::move(ntlm))
    {
    }

    epm::auth_type type() const noexcept override { return epm::auth_type::negotiate; }

    client::auth_result<std::unique_ptr<client::security_context>> new_context(std::string_view host) const override
    {
        return make(kerberos_->new_context(host), host, false);
    }

    client::auth_result<std::unique_ptr<client::security_context>> new_session_context(std::string_view host) const override
    {
        return make(kerberos_->new_session_context(host), host, true);
    }

    std::string principal() const override { return kerberos_->principal(); }

private:
    client::auth_result<std::unique_ptr<client::security_context>>
    make(client::auth_result<std::unique_ptr<client::security_context>> spnego, std::string_view host, bool for_session) const
    {
        if (!spnego) return spnego.error();
        return std::unique_ptr<client::security_context>(
            std::make_unique<negotiate_context>(std::move(*spnego), ntlm_, std::string(host), for_session));
    }

    std::shared_ptr<const client::security_provider> kerberos_;
    std::shared_ptr<const client::security_provider> ntlm_;
};

} // namespace

std::shared_ptr<const client::security_provider>
make_negotiate_provider(std::shared_ptr<const client::security_provider> kerberos,
                        std::shared_ptr<const client::security_provider> ntlm)
{
    return std::make_shared<negotiate_provider>(std::move(kerberos), std::move(ntlm));
}

} // namespace epmdump::auth
