#pragma once
// What several live authentication tests share: a security provider whose first protected PDU
// carries a broken signature (the server must refuse it), impacket's rpcmap.py run with
// credentials at one level, and an enumeration's endpoint set to compare with the anonymous one.
#include "e2e/run_process.hpp"
#include "live/rpcmap_output.hpp"

#include <epmdump/auth/forwarding_context.hpp>
#include <epmdump/epm/enumeration.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace epmdump::test {

// The real context in every respect but one: bit 0 of the last byte of the first protected
// PDU's signature is flipped (NTLM's checksum and Kerberos's MIC/wrap checksum both end there).
class tampering_context final : public auth::forwarding_context
{
public:
    explicit tampering_context(std::unique_ptr<client::security_context> real) : real_(std::move(real)) {}
    client::auth_result<void> protect(bool seal, std::span<const std::byte> header, std::span<std::byte> body,
                                      std::span<const std::byte> trailer, std::span<std::byte> signature) override
    {
        auto r = real_->protect(seal, header, body, trailer, signature);
        if (r && !tampered_ && !signature.empty())
        {
            signature.back() ^= std::byte{1};
            tampered_ = true;
        }
        return r;
    }

private:
    client::security_context& inner() const noexcept override { return *real_; }
    std::unique_ptr<client::security_context> real_;
    bool tampered_ = false;
};

class tampering_provider final : public client::security_provider
{
public:
    explicit tampering_provider(std::shared_ptr<const client::security_provider> real) : real_(std::move(real)) {}
    epm::auth_type type() const noexcept override { return real_->type(); }
    client::auth_result<std::unique_ptr<client::security_context>> new_context(std::string_view host) const override
    {
        auto c = real_->new_context(host);
        if (!c) return c.error();
        ++contexts_;
        return std::unique_ptr<client::security_context>(std::make_unique<tampering_context>(std::move(*c)));
    }
    std::string principal() const override { return real_->principal(); }
    int contexts() const { return contexts_; }

private:
    std::shared_ptr<const client::security_provider> real_;
    mutable std::atomic<int> contexts_{0};
};

// rpcmap.py -auth-rpc DOMAIN/USER:PASSWORD -auth-level LEVEL ncacn_ip_tcp:ADDRESS[135].
inline process_result run_rpcmap(const std::string& address, const std::string& domain, const std::string& user,
                                 const std::string& password, int level)
{
    return run_process("/usr/bin/python3",
                       {rpcmap_script, "-auth-rpc", domain + "/" + user + ":" + password, "-auth-level",
                        std::to_string(level), "ncacn_ip_tcp:" + address + "[135]"},
                       {}, std::nullopt, std::chrono::seconds(60));
}

// "uuid vMAJ.MIN binding annotation" of every entry, sorted: what must not change when the
// caller authenticates.
inline std::vector<std::string> endpoint_set(const epm::enumeration& e)
{
    std::vector<std::string> out;
    for (const auto& entry : e.entries)
        out.push_back(to_string(entry.interface.id) + " v" + std::to_string(entry.interface.major) + "." +
                      std::to_string(entry.interface.minor) + " " + to_string(entry.where) + " " + entry.annotation);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace epmdump::test
