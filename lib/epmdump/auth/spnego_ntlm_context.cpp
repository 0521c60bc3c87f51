#include <epmdump/auth/spnego_ntlm_context.hpp>

#include <epmdump/auth/forwarding_context.hpp>
#include <epmdump/auth/ntlm_messages.hpp>
#include <epmdump/auth/spnego_messages.hpp>

#include <algorithm>
#include <exception>
#include <iterator>

namespace epmdump::auth {
namespace {

client::auth_failure failure(epm::auth_errc reason, std::string detail)
{
    return {reason, "SPNEGO (NTLM): " + std::move(detail)};
}

bool is_ntlmssp(const std::vector<std::byte>& oid)
{
    return std::equal(oid.begin(), oid.end(), std::begin(spnego::ntlmssp_oid), std::end(spnego::ntlmssp_oid));
}

class spnego_ntlm_context final : public forwarding_context
{
public:
    explicit spnego_ntlm_context(std::unique_ptr<ntlm::context> ntlm) : ntlm_(std::move(ntlm)) {}

    epm::auth_type type() const noexcept override { return epm::auth_type::negotiate; }
    epm::auth_type mechanism() const noexcept override { return epm::auth_type::ntlm; }

    client::auth_result<leg> step(std::span<const std::byte> server_token) override
    {
        try
        {
            switch (state_)
            {
            case state::start: return first(server_token);
            case state::sent_init: return answer_challenge(server_token);
            case state::sent_authenticate: return check_completion(server_token);
            case state::established:
            case state::failed: break;
            }
            return fail(epm::auth_errc::mechanism_failed, "no leg after the server's accept-completed");
        }
        catch (const std::exception& e)
        {
            return fail(epm::auth_errc::mechanism_failed, e.what());
        }
    }

private:
    enum class state : std::uint8_t { start, sent_init, sent_authenticate, established, failed };

    client::security_context& inner() const noexcept override { return *ntlm_; }

    client::auth_failure fail(epm::auth_errc reason, std::string detail)
    {
        state_ = state::failed;
        return failure(reason, std::move(detail));
    }

    client::auth_result<leg> first(std::span<const std::byte> server_token)
    {
        if (!server_token.empty()) return fail(epm::auth_errc::mechanism_failed, "the server spoke first");
        auto negotiate = ntlm_->step({});
        if (!negotiate) return fail(negotiate.error().reason, negotiate.error().detail);
        const std::span<const std::byte> mechs[] = {spnego::ntlmssp_oid};
        mech_types_ = spnego::encode_mech_type_list(mechs);
        state_ = state::sent_init;
        return leg{spnego::encode_neg_token_init(mech_types_, negotiate->token), false};
    }

    client::auth_result<leg> answer_challenge(std::span<const std::byte> server_token)
    {
        auto resp = spnego::decode_neg_token_resp(server_token);
        if (!resp) return fail(epm::auth_errc::mechanism_failed, "the server's negTokenResp: " + resp.error().message());
        if (resp->state == spnego::neg_state::reject)
            return fail(epm::auth_errc::credentials_refused, "the server rejected the negotiation");
        if (resp->state != spnego::neg_state::accept_incomplete && resp->state != spnego::neg_state::request_mic)
            return fail(epm::auth_errc::mechanism_failed, "the server's first negTokenResp is not accept-incomplete");
        if (resp->supported_mech && !is_ntlmssp(*resp->supported_mech))
            return fail(epm::auth_errc::mechanism_failed, "the server chose a mechanism we did not offer");
        if (!resp->response_token) return fail(epm::auth_errc::mechanism_failed, "the server sent no CHALLENGE");
        auto authenticate = ntlm_->step(*resp->response_token);
        if (!authenticate) return fail(authenticate.error().reason, authenticate.error().detail);
        // Always a mechListMIC: the server's answer then proves that nobody edited mechTypes.
        auto mic = ntlm_->sign_mech_list_mic(mech_types_);
        if (!mic) return fail(mic.error().reason, mic.error().detail);
        spnego::neg_token_resp ours;
        ours.response_token = std::move(authenticate->token);
        ours.mech_list_mic.emplace(mic->begin(), mic->end());
        state_ = state::sent_authenticate;
        return leg{spnego::encode_neg_token_resp(ours), false};
    }

    client::auth_result<leg> check_completion(std::span<const std::byte> server_token)
    {
        auto resp = spnego::decode_neg_token_resp(server_token);
        if (!resp) return fail(epm::auth_errc::mechanism_failed, "the server's last negTokenResp: " + resp.error().message());
        if (resp->state == spnego::neg_state::reject)
            return fail(epm::auth_errc::credentials_refused, "the server rejected the AUTHENTICATE");
        if (resp->state != spnego::neg_state::accept_completed)
            return fail(epm::auth_errc::mechanism_failed, "the server's last negTokenResp is not accept-completed");
        if (resp->response_token && !resp->response_token->empty())
            return fail(epm::auth_errc::mechanism_failed, "NTLM has no token after AUTHENTICATE");
        // With NTLM signing negotiated the server must answer our mechListMIC with its own
        // ([MS-SPNG] 3.2.5.1); at level connect NTLM signs nothing and Samba sends none. We
        // offered one mechanism, so no downgrade can hide behind a missing one there.
        const bool signing = (ntlm_->negotiated_flags() & ntlm::negotiate_flag::sign) != 0;
        if (!resp->mech_list_mic && signing) return fail(epm::auth_errc::bad_verifier, "the server sent no mechListMIC");
        if (resp->mech_list_mic)
            if (auto ok = ntlm_->verify_mech_list_mic(mech_types_, *resp->mech_list_mic); !ok)
                return fail(epm::auth_errc::bad_verifier, "the server's mechListMIC does not verify");
        state_ = state::established;
        return leg{{}, true};
    }

    std::unique_ptr<ntlm::context> ntlm_;
    std::vector<std::byte> mech_types_; // the DER MechTypeList both mechListMICs sign
    state state_ = state::start;
};

} // namespace

std::unique_ptr<client::security_context> make_spnego_ntlm_context(std::unique_ptr<ntlm::context> ntlm)
{
    return std::make_unique<spnego_ntlm_context>(std::move(ntlm));
}

} // namespace epmdump::auth
