#include <epmdump/auth/reverse_lookup.hpp>

#include <netdb.h>
#include <sys/socket.h>

#include <utility>

namespace epmdump::auth {

namespace {

// Frees what getaddrinfo returned, on every path.
struct addrinfo_list
{
    addrinfo* head = nullptr;
    addrinfo_list() = default;
    addrinfo_list(const addrinfo_list&) = delete;
    addrinfo_list& operator=(const addrinfo_list&) = delete;
    ~addrinfo_list()
    {
        if (head != nullptr) ::freeaddrinfo(head);
    }
};

class reverse_lookup_provider final : public client::security_provider
{
public:
    explicit reverse_lookup_provider(std::shared_ptr<const client::security_provider> inner) : inner_(std::move(inner)) {}

    epm::auth_type type() const noexcept override { return inner_->type(); }
    client::auth_result<std::unique_ptr<client::security_context>> new_context(std::string_view host) const override
    {
        auto name = reverse_lookup_name(host);
        if (!name) return name.error();
        return inner_->new_context(*name);
    }
    client::auth_result<std::unique_ptr<client::security_context>> new_session_context(std::string_view host) const override
    {
        auto name = reverse_lookup_name(host);
        if (!name) return name.error();
        return inner_->new_session_context(*name);
    }
    std::string principal() const override { return inner_->principal(); }

private:
    std::shared_ptr<const client::security_provider> inner_;
};

} // namespace

client::auth_result<std::string> reverse_lookup_name(std::string_view host)
{
    std::string_view literal = host;
    if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']') literal = literal.substr(1, literal.size() - 2);
    const std::string text(literal);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST; // an address literal only: a name is never looked up here
    addrinfo_list address;
    if (::getaddrinfo(text.c_str(), nullptr, &hints, &address.head) != 0 || address.head == nullptr)
        return std::string(host); // a name: its SPN is host/NAME as given
    char name[NI_MAXHOST] = {};
    const int rc = ::getnameinfo(address.head->ai_addr, address.head->ai_addrlen, name, sizeof name, nullptr, 0,
                                 NI_NAMEREQD);
    if (rc != 0)
        return client::auth_failure{epm::auth_errc::spn_lookup_failed,
                                    "no name for " + text + " by reverse lookup (--spn-reverse-lookup): " +
                                        ::gai_strerror(rc)};
    return std::string(name);
}

std::shared_ptr<const client::security_provider>
make_reverse_lookup_provider(std::shared_ptr<const client::security_provider> inner)
{
    return std::make_shared<reverse_lookup_provider>(std::move(inner));
}

} // namespace epmdump::auth
