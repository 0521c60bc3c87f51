#pragma once
// An in-process SMB2 server for pipe_session tests, built from the library's own encoders and the
// real OpenSSL crypto: it keeps its own preauth hash, derives its own keys from the test
// context's session key, verifies every signed or encrypted request and signs or encrypts its
// answers, so a wrong octet anywhere fails the exchange. Knobs script hostile behaviour.
#include <epmdump/session/security_context.hpp>
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/error_response.hpp>
#include <epmdump/smb2/framing.hpp>
#include <epmdump/smb2/header.hpp>
#include <epmdump/smb2/ioctl.hpp>
#include <epmdump/smb2/keys.hpp>
#include <epmdump/smb2/negotiate.hpp>
#include <epmdump/smb2/read_write.hpp>
#include <epmdump/smb2/session_setup.hpp>
#include <epmdump/smb2/status.hpp>
#include <epmdump/smb2/transform.hpp>
#include <epmdump/smb2/tree_connect.hpp>

#include <epmdump/core/byte_order.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace epmdump::test {

// The client's side of a two-leg mechanism with a fixed session key (not crypto: the SMB layer's
// signing and encryption are what these tests check).
class two_leg_context final : public client::security_context
{
public:
    // `type` negotiate with `mechanism`: SPNEGO's choice, as the negotiate provider reports it.
    explicit two_leg_context(std::vector<std::byte> key, epm::auth_type type = epm::auth_type::ntlm,
                             epm::auth_type mechanism = epm::auth_type::ntlm)
        : key_(std::move(key)), type_(type), mechanism_(mechanism)
    {
    }
    epm::auth_type type() const noexcept override { return type_; }
    epm::auth_type mechanism() const noexcept override { return mechanism_; }
    client::auth_result<leg> step(std::span<const std::byte> server_token) override
    {
        if (legs_++ == 0) return leg{to(std::string_view("hello")), false};
        if (std::string(reinterpret_cast<const char*>(server_token.data()), server_token.size()) != "challenge")
            return client::auth_failure{epm::auth_errc::mechanism_failed, "unexpected server token"};
        complete_ = true;
        return leg{to(std::string_view("proof")), true};
    }
    std::size_t signature_length() const noexcept override { return 0; }
    client::auth_result<void> protect(bool, std::span<const std::byte>, std::span<std::byte>,
                                      std::span<const std::byte>, std::span<std::byte>) override
    {
        return client::auth_failure{};
    }
    client::auth_result<void> unprotect(bool, std::span<const std::byte>, std::span<std::byte>,
                                        std::span<const std::byte>, std::span<const std::byte>) override
    {
        return client::auth_failure{};
    }
    std::string principal() const override { return "TEST\\user"; }
    std::span<const std::byte> session_key() const noexcept override
    {
        return complete_ ? std::span<const std::byte>(key_) : std::span<const std::byte>{};
    }

private:
    static std::vector<std::byte> to(std::string_view s)
    {
        const auto b = std::as_bytes(std::span(s.data(), s.size()));
        return {b.begin(), b.end()};
    }
    std::vector<std::byte> key_;
    epm::auth_type type_;
    epm::auth_type mechanism_;
    int legs_ = 0;
    bool complete_ = false;
};

struct server_script
{
    smb2::dialect dialect = smb2::dialect::smb3_1_1;
    smb2::cipher cipher = smb2::cipher::aes128_gcm;
    std::optional<smb2::signing_algorithm> signing = smb2::signing_algorithm::aes_gmac;
    bool encrypt_session = false;
    bool encrypt_share = false;
    std::uint32_t max_size = 65536;
    std::uint16_t grant = 32;                        // credits per answer
    std::optional<std::uint16_t> grant_after_setup;  // credits per answer once the session is up
    bool pending_ioctl = false;                      // an interim STATUS_PENDING before the IOCTL answer
    bool pending_never_completes = false;
    std::size_t ioctl_overflow_at = 0;               // >0: IOCTL answers this much with BUFFER_OVERFLOW
    std::uint32_t ioctl_extra_output = 0;            // answer more than MaxOutputResponse
    std::optional<smb2::command> corrupt_signature;  // sign this answer wrongly
    bool refuse_null_session = false;
    std::vector<std::byte> pipe_answer;              // what the pipe says to any message
};

class scripted_smb_server
{
public:
    scripted_smb_server(server_script script, std::shared_ptr<const smb2::crypto_provider> crypto,
                        std::vector<std::byte> session_key)
        : s_(std::move(script)), crypto_(std::move(crypto)), session_key_(std::move(session_key))
    {
    }

    // The client's bytes in, the server's bytes out.
    std::vector<std::byte> on_client(std::span<const std::byte> bytes)
    {
        std::vector<std::byte> out;
        reader_.feed(bytes);
        for (;;)
        {
            auto next = reader_.next();
            if (!next || !*next) break;
            handle(std::vector<std::byte>((*next)->begin(), (*next)->end()), out);
        }
        return out;
    }

    bool client_signature_bad = false;   // a request that should have verified did not
    bool client_sent_unsigned = false;   // a request that should have been signed was not
    std::size_t writes = 0, reads = 0, ioctls = 0;
    std::vector<std::byte> pipe_received; // what reached the pipe (IOCTL input, WRITE data)

private:
    void handle(std::vector<std::byte> frame, std::vector<std::byte>& out)
    {
        bool encrypted = false;
        if (frame.size() >= 4 && load<std::uint32_t>(std::span<const std::byte>(frame).first<4>(), byte_order::little) ==
                                     smb2::transform_protocol_id)
        {
            auto t = smb2::decode_transform_header(frame);
            std::vector<std::byte> plain(frame.begin() + smb2::transform_header_size, frame.end());
            if (!t || !crypto_->decrypt(cipher_, keys_.encryption,
                                        std::span<const std::byte>(t->nonce).first(smb2::nonce_length(cipher_)),
                                        std::span<const std::byte>(frame).subspan(smb2::transform_aad_offset, 32),
                                        plain, t->signature))
            {
                client_signature_bad = true;
                return;
            }
            frame = std::move(plain);
            encrypted = true;
        }
        auto h = *smb2::decode_header(frame);
        if (established_ && !encrypted && h.command != smb2::command::session_setup)
        {
            if (!h.is_signed()) client_sent_unsigned = true;
            else if (!smb2::verify_message(*crypto_, algorithm_, keys_.signing, frame)) client_signature_bad = true;
        }
        smb2::header r;
        r.command = h.command;
        r.message_id = h.message_id;
        r.flags = smb2::flags_server_to_redir;
        r.credits = established_ && s_.grant_after_setup ? *s_.grant_after_setup : s_.grant;
        r.session_id = session_id_;
        r.tree_id = h.tree_id;
        std::vector<std::byte> answer;
        switch (h.command)
        {
        case smb2::command::negotiate:
        {
            preauth_hash(connection_hash_, frame);
            smb2::negotiate_response n;
            n.dialect = s_.dialect;
            n.security_mode = smb2::negotiate_signing_enabled | smb2::negotiate_signing_required;
            n.capabilities = smb2::cap_large_mtu | (s_.dialect != smb2::dialect::smb3_1_1 ? smb2::cap_encryption : 0);
            n.max_transact_size = n.max_read_size = n.max_write_size = s_.max_size;
            if (s_.dialect == smb2::dialect::smb3_1_1)
            {
                n.contexts.preauth = smb2::preauth_integrity_capabilities{{smb2::hash_sha512}, std::vector<std::byte>(32, std::byte{9})};
                n.contexts.ciphers = std::vector<smb2::cipher>{s_.cipher};
                if (s_.signing) n.contexts.signing = std::vector<smb2::signing_algorithm>{*s_.signing};
            }
            answer = smb2::encode_negotiate_response(r, n);
            preauth_hash(connection_hash_, answer);
            session_hash_ = connection_hash_;
            cipher_ = s_.dialect == smb2::dialect::smb3_1_1 ? s_.cipher : smb2::cipher::aes128_ccm;
            algorithm_ = smb2::signing_for(s_.dialect, s_.signing);
            break;
        }
        case smb2::command::session_setup:
        {
            preauth_hash(session_hash_, frame);
            const auto rq = *smb2::decode_session_setup_request(frame);
            const std::string token(reinterpret_cast<const char*>(rq.security_buffer.data()), rq.security_buffer.size());
            session_id_ = r.session_id = 0x0000100000000025;
            smb2::session_setup_response ss;
            if (token == "hello" || (token.rfind("NTLMSSP", 0) == 0 && token[8] == '\x01'))
            {
                r.status = smb2::status::STATUS_MORE_PROCESSING_REQUIRED;
                static const std::string challenge = "challenge";
                static const std::string ntlm_challenge = std::string("NTLMSSP\0\x02\0\0\0", 12) + std::string(44, '\0');
                const std::string& c = token == "hello" ? challenge : ntlm_challenge;
                ss.security_buffer = std::as_bytes(std::span(c.data(), c.size()));
                answer = smb2::encode_session_setup_response(r, ss);
                preauth_hash(session_hash_, answer);
                break;
            }
            if (token == "proof")
            {
                keys_ = *smb2::derive_keys(*crypto_, s_.dialect, cipher_, session_key_, session_hash_);
                established_ = true;
                if (s_.encrypt_session) ss.session_flags = smb2::session_flag_encrypt_data;
                answer = smb2::encode_session_setup_response(r, ss);
                break; // signed below, as the final answer is
            }
            if (s_.refuse_null_session)
            {
                r.status = smb2::status::STATUS_ACCESS_DENIED;
                answer = smb2::encode_error_response(r, {});
                break;
            }
            anonymous_ = true;
            ss.session_flags = smb2::session_flag_is_null;
            answer = smb2::encode_session_setup_response(r, ss);
            break;
        }
        case smb2::command::tree_connect:
        {
            r.tree_id = 7;
            smb2::tree_connect_response t;
            if (s_.encrypt_share) t.share_flags = smb2::share_flag_encrypt_data;
            answer = smb2::encode_tree_connect_response(r, t);
            break;
        }
        case smb2::command::create:
        {
            smb2::create_response c;
            c.file_id = {1, 2};
            answer = smb2::encode_create_response(r, c);
            break;
        }
        case smb2::command::ioctl:
        {
            ++ioctls;
            const auto io = *smb2::decode_ioctl_request(frame);
            pipe_received.insert(pipe_received.end(), io.input.begin(), io.input.end());
            if (s_.pending_ioctl || s_.pending_never_completes)
            {
                smb2::header interim = r;
                interim.flags |= smb2::flags_async_command;
                interim.async_id = 99;
                interim.status = smb2::status::STATUS_PENDING;
                emit(smb2::encode_error_response(interim, {}), encrypted, false, out);
                if (s_.pending_never_completes) return;
                r.flags |= smb2::flags_async_command;
                r.async_id = 99;
            }
            smb2::ioctl_response a;
            a.ctl_code = io.ctl_code;
            a.file_id = io.file_id;
            rest_ = s_.pipe_answer;
            rest_.resize(rest_.size() + s_.ioctl_extra_output, std::byte{0x55});
            std::size_t n = rest_.size();
            if (s_.ioctl_overflow_at > 0 && s_.ioctl_overflow_at < n)
            {
                n = s_.ioctl_overflow_at;
                r.status = smb2::status::STATUS_BUFFER_OVERFLOW;
            }
            a.output = std::span<const std::byte>(rest_).first(n);
            answer = smb2::encode_ioctl_response(r, a);
            rest_.erase(rest_.begin(), rest_.begin() + static_cast<std::ptrdiff_t>(n));
            break;
        }
        case smb2::command::read:
        {
            ++reads;
            const auto rd = *smb2::decode_read_request(frame);
            if (rest_.empty() && !pipe_received.empty()) rest_ = s_.pipe_answer; // an answer after WRITEs
            const std::size_t n = std::min<std::size_t>(rd.length, rest_.size());
            if (n < rest_.size()) r.status = smb2::status::STATUS_BUFFER_OVERFLOW;
            smb2::read_response a;
            a.data = std::span<const std::byte>(rest_).first(n);
            answer = smb2::encode_read_response(r, a);
            rest_.erase(rest_.begin(), rest_.begin() + static_cast<std::ptrdiff_t>(n));
            break;
        }
        case smb2::command::write:
        {
            ++writes;
            const auto w = *smb2::decode_write_request(frame);
            pipe_received.insert(pipe_received.end(), w.data.begin(), w.data.end());
            answer = smb2::encode_write_response(r, {static_cast<std::uint32_t>(w.data.size()), 0});
            break;
        }
        case smb2::command::close: answer = smb2::encode_close_response(r, {}); break;
        case smb2::command::logoff: answer = smb2::encode_logoff(r); break;
        default: return;
        }
        emit(std::move(answer), encrypted, established_ && !anonymous_, out);
    }

    void emit(std::vector<std::byte> answer, bool encrypt, bool sign, std::vector<std::byte>& out)
    {
        const auto h = *smb2::decode_header(answer);
        if (encrypt)
        {
            smb2::transform_header t;
            t.nonce[0] = static_cast<std::byte>(++nonce_);
            t.original_message_size = static_cast<std::uint32_t>(answer.size());
            t.session_id = session_id_;
            std::vector<std::byte> frame;
            smb2::append_transform_header(frame, t);
            std::array<std::byte, 16> tag{};
            crypto_->encrypt(cipher_, keys_.decryption, std::span<const std::byte>(t.nonce).first(smb2::nonce_length(cipher_)),
                             std::span<const std::byte>(frame).subspan(smb2::transform_aad_offset, 32), answer, tag);
            std::copy(tag.begin(), tag.end(), frame.begin() + 4);
            frame.insert(frame.end(), answer.begin(), answer.end());
            answer = std::move(frame);
        }
        else if (sign && h.status != smb2::status::STATUS_PENDING)
        {
            smb2::sign_message(*crypto_, algorithm_, keys_.signing, answer);
            if (s_.corrupt_signature == h.command) answer[smb2::signature_offset] ^= std::byte{1};
        }
        smb2::append_frame_header(out, static_cast<std::uint32_t>(answer.size()));
        out.insert(out.end(), answer.begin(), answer.end());
    }

    void preauth_hash(smb2::preauth_hash& chain, std::span<const std::byte> m)
    {
        if (s_.dialect == smb2::dialect::smb3_1_1) smb2::update_preauth_hash(*crypto_, chain, m);
    }

    server_script s_;
    std::shared_ptr<const smb2::crypto_provider> crypto_;
    std::vector<std::byte> session_key_;
    smb2::frame_reader reader_{smb2::hard_max_message};
    smb2::preauth_hash connection_hash_{}, session_hash_{};
    smb2::session_keys keys_;
    smb2::cipher cipher_ = smb2::cipher::none;
    smb2::signing_algorithm algorithm_ = smb2::signing_algorithm::hmac_sha256;
    bool established_ = false;
    bool anonymous_ = false;
    std::uint64_t session_id_ = 0;
    std::vector<std::byte> rest_;
    int nonce_ = 0;
};

} // namespace epmdump::test
