#include <epmdump/smb2/pipe_session.hpp>

#include <epmdump/smb2/anonymous_context.hpp>

#include <epmdump/core/byte_order.hpp>
#include <epmdump/smb2/error_response.hpp>
#include <epmdump/smb2/header.hpp>
#include <epmdump/smb2/ioctl.hpp>
#include <epmdump/smb2/read_write.hpp>
#include <epmdump/smb2/session_setup.hpp>
#include <epmdump/smb2/status.hpp>
#include <epmdump/smb2/transform.hpp>
#include <epmdump/smb2/tree_connect.hpp>

#include <algorithm>
#include <functional>

namespace epmdump::smb2 {

client::auth_result<client::security_context::leg> pipe_auth_job::run() const
{
    if (!slot_ || !slot_->context)
        return client::auth_failure{epm::auth_errc::mechanism_failed, "no security context to step"};
    return slot_->context->step(server_token_);
}

struct pipe_session::impl
{
    enum class state : std::uint8_t
    {
        idle, netbios, negotiating, setting_up, authenticating, tree_connecting, creating, ready,
        transceiving, reading, writing, closing, logging_off, finished,
    };

    pipe_options options;
    bool anonymous = false; // no credentials: the NTLMSSP null session, never signed
    std::shared_ptr<pipe_auth_job::slot> slot = std::make_shared<pipe_auth_job::slot>();
    frame_reader reader;
    std::vector<std::byte> netbios_buffer;
    std::vector<std::byte> out;
    std::vector<std::byte> plain;   // one decrypted message
    std::vector<std::byte> answer;  // the pipe message being gathered
    std::vector<std::byte> pending; // a message to WRITE in chunks
    std::size_t pending_at = 0;
    bool read_after_write = false;  // transceive by WRITE: READ the answer after the last chunk

    state st = state::idle;
    phase ph = phase::negotiate;
    bool finished = false;
    std::optional<failure> error;
    session_info info;

    std::uint64_t next_message_id = 0;
    std::uint64_t expected_message_id = 0;
    command expected_command = command::negotiate;
    std::uint32_t credits = 1;
    bool large_mtu = false;
    std::uint64_t nonce_counter = 0;

    bool preauth = false;             // 3.1.1: the hash chain runs
    preauth_hash connection_hash{};
    preauth_hash session_hash{};
    std::optional<signing_algorithm> negotiated_signing;
    session_keys keys;
    bool have_keys = false;
    bool signing_required = false;    // the server's NEGOTIATE said so
    std::vector<std::byte> server_token;
    bool server_done = false;         // SESSION_SETUP answered STATUS_SUCCESS
    std::vector<std::byte> final_setup; // that answer, verified once the keys exist

    impl(pipe_options o, std::unique_ptr<client::security_context> context)
        : options(std::move(o)), reader(std::min(options.max_message, max_direct_tcp_length), options.netbios)
    {
        anonymous = !context;
        slot->context = anonymous ? make_anonymous_context() : std::move(context);
        if (!options.crypto)
            options.dialects.erase(std::remove(options.dialects.begin(), options.dialects.end(), dialect::smb3_1_1),
                                   options.dialects.end()); // 3.1.1 needs SHA-512 for its preauth hash
    }

    // --- outcomes ------------------------------------------------------------------------------
    next_action fail(failure f)
    {
        f.phase = ph;
        error = std::move(f);
        finished = true;
        st = state::finished;
        return {next_action::kind::done, {}, ph};
    }
    next_action fail(errc code, std::string detail, std::optional<std::uint32_t> status = {})
    {
        failure f;
        f.code = code;
        f.status = status;
        f.detail = std::move(detail);
        return fail(std::move(f));
    }
    next_action violation(const codec_error& e, std::string detail)
    {
        failure f;
        f.code = errc::protocol_violation;
        f.codec = e;
        f.detail = std::move(detail);
        return fail(std::move(f));
    }
    next_action status_failure(std::uint32_t status)
    {
        switch (status)
        {
        case status::STATUS_ACCESS_DENIED:
        case status::STATUS_LOGON_FAILURE:
        case status::STATUS_ACCOUNT_DISABLED:
        case status::STATUS_ACCOUNT_RESTRICTION:
        case status::STATUS_ACCOUNT_LOCKED_OUT:
        case status::STATUS_PASSWORD_EXPIRED:
        case status::STATUS_WRONG_PASSWORD:
        case status::STATUS_NO_SUCH_USER:
        {
            failure f;
            f.code = errc::access_denied;
            f.status = status;
            f.auth = anonymous ? epm::auth_errc::anonymous_refused : epm::auth_errc::credentials_refused;
            f.detail = anonymous ? "null session refused" : "the server refused these credentials";
            return fail(std::move(f));
        }
        case status::STATUS_OBJECT_NAME_NOT_FOUND:
            if (ph == phase::create) return fail(errc::pipe_not_found, "no pipe \\pipe\\" + options.pipe, status);
            break;
        default: break;
        }
        return fail(errc::server_status, std::string(to_string(expected_command)) + " failed", status);
    }
    next_action write_out(phase p)
    {
        ph = p;
        return {next_action::kind::write, out, p};
    }

    // --- sending -------------------------------------------------------------------------------
    // Builds, protects and frames one request, or fails when it may not go out (credits, crypto).
    next_action send(command cmd, std::size_t send_size, std::size_t answer_size, phase p,
                                    const std::function<std::vector<std::byte>(const header&)>& encode)
    {
        ph = p;
        std::uint16_t charge = 0;
        if (large_mtu)
            charge = static_cast<std::uint16_t>((std::max<std::size_t>({send_size, answer_size, 1}) - 1) / 65536 + 1);
        const std::uint32_t cost = std::max<std::uint32_t>(charge, 1);
        if (credits < cost)
            return fail(errc::credits_exhausted, "the server granted " + std::to_string(credits) + " credit(s), " +
                                                     std::to_string(cost) + " needed");
        header h;
        h.command = cmd;
        h.credit_charge = charge;
        h.credits = std::max<std::uint16_t>(options.credits_wanted, static_cast<std::uint16_t>(cost));
        h.message_id = next_message_id;
        h.process_id = 0xFEFF;
        h.session_id = info.session_id;
        h.tree_id = info.tree_id;
        credits -= cost;
        next_message_id += cost;
        expected_message_id = h.message_id;
        expected_command = cmd;
        auto message = encode(h);
        if (preauth && (cmd == command::negotiate || cmd == command::session_setup))
        {
            auto& chain = cmd == command::negotiate ? connection_hash : session_hash;
            if (!update_preauth_hash(*options.crypto, chain, message))
                return fail(errc::auth_failed, "SHA-512 of the preauth hash failed");
        }
        out.clear();
        if (info.encryption)
        {
            transform_header t;
            store(std::span<std::byte, 8>(t.nonce.data(), 8), ++nonce_counter, byte_order::little);
            const std::size_t n = nonce_length(info.cipher);
            std::copy_n(options.nonce_seed.begin(), n - 8, t.nonce.begin() + 8);
            t.original_message_size = static_cast<std::uint32_t>(message.size());
            t.session_id = info.session_id;
            t.flags = transform_flag_encrypted;
            append_frame_header(out, static_cast<std::uint32_t>(transform_header_size + message.size()));
            append_transform_header(out, t);
            const std::size_t th = frame_header_size;
            std::array<std::byte, 16> tag{};
            if (!options.crypto->encrypt(info.cipher, keys.encryption, std::span<const std::byte>(t.nonce).first(n),
                                         std::span<const std::byte>(out).subspan(th + transform_aad_offset, 32),
                                         message, tag))
                return fail(errc::encryption_unavailable, "encryption failed");
            std::copy(tag.begin(), tag.end(), out.begin() + static_cast<std::ptrdiff_t>(th + 4));
            out.insert(out.end(), message.begin(), message.end());
        }
        else
        {
            if (info.signing && cmd != command::negotiate && cmd != command::session_setup)
            {
                if (!sign_message(*options.crypto, *info.signing_algorithm_used, keys.signing, message))
                    return fail(errc::signing_unavailable, "signing failed");
            }
            append_frame_header(out, static_cast<std::uint32_t>(message.size()));
            out.insert(out.end(), message.begin(), message.end());
        }
        if (out.size() - frame_header_size > max_direct_tcp_length)
            return fail(errc::limit_exceeded, "request over the Direct TCP frame limit");
        ++info.requests;
        return write_out(p);
    }

    next_action send_negotiate()
    {
        negotiate_request r;
        r.dialects = options.dialects;
        r.security_mode = negotiate_signing_enabled;
        r.client_guid = options.client_guid;
        if (options.crypto) r.capabilities = cap_encryption | cap_large_mtu;
        else r.capabilities = cap_large_mtu;
        if (options.crypto)
        {
            r.contexts.preauth = preauth_integrity_capabilities{{hash_sha512},
                                                                {options.salt.begin(), options.salt.end()}};
            r.contexts.ciphers = std::vector<cipher>{cipher::aes128_gcm, cipher::aes128_ccm, cipher::aes256_gcm,
                                                     cipher::aes256_ccm};
            r.contexts.signing = std::vector<signing_algorithm>{signing_algorithm::aes_gmac, signing_algorithm::aes_cmac,
                                                                signing_algorithm::hmac_sha256};
        }
        preauth = options.crypto && std::find(r.dialects.begin(), r.dialects.end(), dialect::smb3_1_1) != r.dialects.end();
        st = state::negotiating;
        return send(command::negotiate, 0, 0, phase::negotiate,
                     [&](const header& h) { return encode_negotiate_request(h, r); });
    }

    next_action send_session_setup(std::span<const std::byte> token)
    {
        session_setup_request r;
        r.security_mode = negotiate_signing_enabled;
        r.security_buffer = token;
        st = state::setting_up;
        return send(command::session_setup, token.size(), 0, phase::session_setup,
                     [&](const header& h) { return encode_session_setup_request(h, r); });
    }

    next_action ask_authenticate()
    {
        st = state::authenticating;
        ph = phase::auth;
        return {next_action::kind::authenticate, {}, phase::auth};
    }

    next_action send_tree_connect()
    {
        tree_connect_request r;
        r.path = ipc_share_path(options.server);
        st = state::tree_connecting;
        return send(command::tree_connect, 0, 0, phase::tree_connect,
                     [&](const header& h) { return encode_tree_connect_request(h, r); });
    }

    next_action send_create()
    {
        create_request r;
        r.name = options.pipe;
        st = state::creating;
        return send(command::create, 0, 0, phase::create,
                     [&](const header& h) { return encode_create_request(h, r); });
    }

    std::uint32_t max_read() const noexcept
    {
        return std::min({info.max_read_size, options.max_transceive, large_mtu ? 0xFFFFFFFFu : 65536u});
    }

    next_action send_read()
    {
        read_request r;
        r.file_id = info.file_id;
        r.length = max_read();
        st = state::reading;
        return send(command::read, 0, r.length, phase::transceive,
                     [&](const header& h) { return encode_read_request(h, r); });
    }

    next_action send_write_chunk()
    {
        const std::size_t limit = std::min<std::size_t>({info.max_write_size, large_mtu ? 0xFFFFFFFFu : 65536u,
                                                         options.max_message - 256});
        const std::size_t n = std::min(limit, pending.size() - pending_at);
        write_request r;
        r.file_id = info.file_id;
        r.data = std::span<const std::byte>(pending).subspan(pending_at, n);
        st = state::writing;
        return send(command::write, n, 0, phase::transceive, [&](const header& h) { return encode_write_request(h, r); });
    }

    next_action derive_session_keys()
    {
        if (!anonymous) info.mechanism = slot->context->mechanism();
        if (anonymous || (info.session_flags & (session_flag_is_guest | session_flag_is_null)) != 0)
        {
            if (options.want_encryption)
                return fail(errc::encryption_unavailable, "an anonymous or guest session has no keys to encrypt with");
            return after_keys(false);
        }
        const auto session_key = slot->context->session_key();
        if (!options.crypto || session_key.empty())
        {
            if (signing_required || (info.session_flags & session_flag_encrypt_data) != 0)
                return fail(!options.crypto ? errc::signing_unavailable : errc::auth_failed,
                            !options.crypto ? "the server requires signing and this build has no crypto"
                                            : "the mechanism exported no session key to sign with");
            return after_keys(false);
        }
        const auto derived = derive_keys(*options.crypto, info.dialect, info.cipher, session_key, session_hash);
        if (!derived) return fail(errc::auth_failed, "key derivation failed");
        keys = *derived;
        have_keys = true;
        info.signing_algorithm_used = signing_for(info.dialect, negotiated_signing);
        return after_keys(true);
    }

    next_action after_keys(bool keyed)
    {
        if (keyed && !final_setup.empty())
        {
            header h = *decode_header(final_setup);
            if (h.is_signed() &&
                !verify_message(*options.crypto, *info.signing_algorithm_used, keys.signing, final_setup))
                return fail(errc::bad_signature, "the SESSION_SETUP answer's signature does not verify");
            if (!h.is_signed() && signing_required)
                return fail(errc::bad_signature, "the SESSION_SETUP answer is not signed");
        }
        info.signing = keyed; // an authenticated session signs whether or not the server requires it
        const bool encrypt = (info.session_flags & session_flag_encrypt_data) != 0 || options.want_encryption;
        if (encrypt)
        {
            if (!keyed || info.cipher == cipher::none)
                return fail(errc::encryption_unavailable, "encryption is required and no cipher or key is common");
            info.encryption = true;
        }
        return send_tree_connect();
    }

    // --- receiving -----------------------------------------------------------------------------
    next_action on_frame(std::span<const std::byte> frame, bool& keep_reading)
    {
        keep_reading = false;
        bool was_encrypted = false;
        std::span<const std::byte> message = frame;
        if (frame.size() >= 4)
        {
            const auto id = load<std::uint32_t>(frame.first<4>(), byte_order::little);
            if (id == transform_protocol_id)
            {
                auto t = decode_transform_header(frame);
                if (!t) return violation(t.error(), "TRANSFORM_HEADER");
                if (!have_keys || info.cipher == cipher::none)
                    return fail(errc::protocol_violation, "an encrypted answer on a session without keys");
                if (t->session_id != info.session_id)
                    return fail(errc::protocol_violation, "an encrypted answer for another session");
                plain.assign(frame.begin() + transform_header_size, frame.end());
                if (!options.crypto->decrypt(info.cipher, keys.decryption,
                                             std::span<const std::byte>(t->nonce).first(nonce_length(info.cipher)),
                                             frame.subspan(transform_aad_offset, 32), plain, t->signature))
                    return fail(errc::bad_signature, "an encrypted answer does not decrypt (tag mismatch)");
                message = plain;
                was_encrypted = true;
            }
            else if (id == smb1_protocol_id)
                return fail(errc::not_smb2, "the server answered in SMB1");
            else if (id == compression_protocol_id)
                return fail(errc::protocol_violation, "a compressed answer, which we never offered");
        }
        auto h = decode_header(message);
        if (!h)
        {
            if (st == state::negotiating) return fail(errc::not_smb2, "the answer is not SMB2: " + h.error().message());
            return violation(h.error(), "SMB2 header");
        }
        if (h->next_command != 0) return fail(errc::protocol_violation, "a compounded answer to a single request");
        if (!h->is_response()) return fail(errc::protocol_violation, "a request where an answer was due");
        if (h->message_id != expected_message_id || h->command != expected_command)
            return fail(errc::protocol_violation, "an answer to message " + std::to_string(h->message_id) + " (" +
                                                      std::string(to_string(h->command)) + "), expected " +
                                                      std::to_string(expected_message_id));
        credits = std::min<std::uint32_t>(credits + h->credits, 0xFFFF);
        if (h->status == status::STATUS_PENDING && h->is_async())
        {
            ++info.pending_interims; // the final answer follows; the driver's deadline bounds the wait
            keep_reading = true;
            return {next_action::kind::read, {}, ph};
        }
        if (info.encryption && !was_encrypted)
            return fail(errc::bad_signature, "an unencrypted answer on an encrypted session");
        if (info.signing && !was_encrypted && h->command != command::session_setup)
        {
            if (!h->is_signed()) return fail(errc::bad_signature, "an unsigned answer on a signed session");
            if (!verify_message(*options.crypto, *info.signing_algorithm_used, keys.signing, message))
                return fail(errc::bad_signature, std::string(to_string(h->command)) + " answer's signature does not verify");
        }
        ++info.round_trips;
        switch (st)
        {
        case state::negotiating: return on_negotiate(*h, message);
        case state::setting_up: return on_session_setup(*h, message);
        case state::tree_connecting: return on_tree_connect(*h, message);
        case state::creating: return on_create(*h, message);
        case state::transceiving: return on_ioctl(*h, message);
        case state::reading: return on_read_answer(*h, message);
        case state::writing: return on_write_answer(*h, message);
        case state::closing: return send_logoff();
        case state::logging_off:
            finished = true;
            st = state::finished;
            return {next_action::kind::done, {}, phase::logoff};
        default: return fail(errc::protocol_violation, "an answer nobody asked for");
        }
    }

    next_action on_negotiate(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS) return status_failure(h.status);
        auto r = decode_negotiate_response(m);
        if (!r) return violation(r.error(), "NEGOTIATE response");
        if (std::find(options.dialects.begin(), options.dialects.end(), r->dialect) == options.dialects.end())
            return fail(errc::no_dialect, "the server chose dialect " + std::string(to_string(r->dialect)));
        info.dialect = r->dialect;
        info.server_security_mode = r->security_mode;
        info.server_capabilities = r->capabilities;
        info.max_transact_size = r->max_transact_size;
        info.max_read_size = r->max_read_size;
        info.max_write_size = r->max_write_size;
        if (info.max_transact_size < 1024 || info.max_read_size < 1024 || info.max_write_size < 1024)
            return fail(errc::protocol_violation, "the server's maximum sizes are below 1024 octets");
        large_mtu = info.dialect != dialect::smb2_0_2 && (r->capabilities & cap_large_mtu) != 0;
        signing_required = (r->security_mode & negotiate_signing_required) != 0;
        if (info.dialect == dialect::smb3_1_1)
        {
            if (!r->contexts.preauth || r->contexts.preauth->hash_algorithms != std::vector<std::uint16_t>{hash_sha512})
                return fail(errc::protocol_violation, "a 3.1.1 answer without the SHA-512 preauth context");
            if (r->contexts.ciphers)
            {
                if (r->contexts.ciphers->size() != 1) return fail(errc::protocol_violation, "CipherCount is not 1");
                info.cipher = r->contexts.ciphers->front();
                if (info.cipher != cipher::none && key_length(info.cipher) == 0)
                    return fail(errc::protocol_violation, "an unknown cipher");
            }
            if (r->contexts.signing)
            {
                if (r->contexts.signing->size() != 1) return fail(errc::protocol_violation, "SigningAlgorithmCount is not 1");
                negotiated_signing = r->contexts.signing->front();
                if (static_cast<std::uint16_t>(*negotiated_signing) > 2)
                    return fail(errc::protocol_violation, "an unknown signing algorithm");
            }
            if (!update_preauth_hash(*options.crypto, connection_hash, m))
                return fail(errc::auth_failed, "SHA-512 of the preauth hash failed");
            session_hash = connection_hash;
        }
        else
        {
            preauth = false;
            if (is_smb3(info.dialect) && (r->capabilities & cap_encryption) != 0 && options.crypto)
                info.cipher = cipher::aes128_ccm;
        }
        return ask_authenticate();
    }

    next_action on_session_setup(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS && h.status != status::STATUS_MORE_PROCESSING_REQUIRED)
            return status_failure(h.status);
        auto r = decode_session_setup_response(m);
        if (!r) return violation(r.error(), "SESSION_SETUP response");
        if (info.session_id == 0) info.session_id = h.session_id;
        else if (h.session_id != info.session_id) return fail(errc::protocol_violation, "SESSION_SETUP answered for another session");
        server_token.assign(r->security_buffer.begin(), r->security_buffer.end());
        if (h.status == status::STATUS_MORE_PROCESSING_REQUIRED)
        {
            if (preauth && !update_preauth_hash(*options.crypto, session_hash, m))
                return fail(errc::auth_failed, "SHA-512 of the preauth hash failed");
            return ask_authenticate();
        }
        server_done = true;
        info.session_flags = r->session_flags;
        final_setup.assign(m.begin(), m.end());
        // The mechanism may have a last token to read (SPNEGO's mechListMIC); run it if it is not done.
        if (!server_token.empty() && !context_complete) return ask_authenticate();
        return derive_session_keys();
    }

    bool context_complete = false;

    next_action on_authenticated(client::auth_result<client::security_context::leg> result)
    {
        if (st != state::authenticating) return fail(errc::usage, "on_authenticated without an authenticate step");
        if (!result)
        {
            failure f;
            f.code = errc::auth_failed;
            f.auth = result.error().reason;
            f.detail = result.error().detail;
            ph = phase::auth;
            return fail(std::move(f));
        }
        context_complete = result->complete;
        if (server_done)
        {
            if (!result->token.empty()) return fail(errc::auth_failed, "the mechanism wants another leg after the server finished");
            return derive_session_keys();
        }
        if (result->token.empty()) return fail(errc::auth_failed, "the mechanism produced no token for the server");
        return send_session_setup(result->token);
    }

    next_action on_tree_connect(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS) return status_failure(h.status);
        auto r = decode_tree_connect_response(m);
        if (!r) return violation(r.error(), "TREE_CONNECT response");
        if (r->share_type != share_type_pipe) return fail(errc::protocol_violation, "IPC$ is not a pipe share");
        info.tree_id = h.tree_id;
        info.share_flags = r->share_flags;
        if ((r->share_flags & share_flag_encrypt_data) != 0 && !info.encryption)
        {
            if (!have_keys || info.cipher == cipher::none)
                return fail(errc::encryption_unavailable, "IPC$ requires encryption and no cipher or key is common");
            info.encryption = true;
        }
        return send_create();
    }

    next_action on_create(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS) return status_failure(h.status);
        auto r = decode_create_response(m);
        if (!r) return violation(r.error(), "CREATE response");
        info.file_id = r->file_id;
        st = state::ready;
        ph = phase::transceive;
        return {next_action::kind::ready, {}, phase::transceive};
    }

    next_action deliver()
    {
        st = state::ready;
        ph = phase::transceive;
        return {next_action::kind::message, answer, phase::transceive};
    }

    next_action take_data(std::span<const std::byte> data, std::size_t asked, bool more)
    {
        if (data.size() > asked) return fail(errc::limit_exceeded, "the server returned more than was asked for");
        if (answer.size() + data.size() > options.max_answer)
            return fail(errc::limit_exceeded, "the pipe's answer is over " + std::to_string(options.max_answer) + " octets");
        answer.insert(answer.end(), data.begin(), data.end());
        if (more) return send_read();
        return deliver();
    }

    std::uint32_t asked_output = 0;

    next_action on_ioctl(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS && h.status != status::STATUS_BUFFER_OVERFLOW)
            return status_failure(h.status);
        auto r = decode_ioctl_response(m);
        if (!r) return violation(r.error(), "IOCTL response");
        if (r->file_id != info.file_id) return fail(errc::protocol_violation, "IOCTL answered for another FileId");
        return take_data(r->output, asked_output, h.status == status::STATUS_BUFFER_OVERFLOW);
    }

    next_action on_read_answer(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS && h.status != status::STATUS_BUFFER_OVERFLOW)
            return status_failure(h.status);
        auto r = decode_read_response(m);
        if (!r) return violation(r.error(), "READ response");
        return take_data(r->data, max_read(), h.status == status::STATUS_BUFFER_OVERFLOW);
    }

    next_action on_write_answer(const header& h, std::span<const std::byte> m)
    {
        if (h.status != status::STATUS_SUCCESS) return status_failure(h.status);
        auto r = decode_write_response(m);
        if (!r) return violation(r.error(), "WRITE response");
        const std::size_t sent = std::min<std::size_t>(pending.size() - pending_at,
                                                       std::min<std::size_t>({info.max_write_size,
                                                                              large_mtu ? 0xFFFFFFFFu : 65536u,
                                                                              options.max_message - 256}));
        if (r->count != sent) return fail(errc::protocol_violation, "WRITE took " + std::to_string(r->count) + " of " + std::to_string(sent) + " octets");
        pending_at += sent;
        if (pending_at < pending.size()) return send_write_chunk();
        pending.clear();
        pending_at = 0;
        if (read_after_write) return send_read();
        st = state::ready;
        return {next_action::kind::ready, {}, phase::transceive};
    }

    next_action send_logoff()
    {
        st = state::logging_off;
        return send(command::logoff, 0, 0, phase::logoff, [](const header& h) { return encode_logoff(h); });
    }
};

pipe_session::pipe_session(pipe_options options, std::unique_ptr<client::security_context> context)
    : impl_(std::make_unique<impl>(std::move(options), std::move(context)))
{
}

pipe_session::~pipe_session() = default;

next_action pipe_session::start()
{
    auto& s = *impl_;
    if (s.st != impl::state::idle) return s.fail(errc::usage, "start() called twice");
    if (s.options.dialects.empty()) return s.fail(errc::no_dialect, "no dialect to offer");
    if (s.options.netbios)
    {
        s.st = impl::state::netbios;
        s.out = encode_session_request(s.options.netbios_called, s.options.netbios_calling);
        return s.write_out(phase::netbios);
    }
    return s.send_negotiate();
}

next_action pipe_session::on_written()
{
    auto& s = *impl_;
    if (s.finished) return {next_action::kind::done, {}, s.ph};
    return {next_action::kind::read, {}, s.ph};
}

next_action pipe_session::on_read(std::span<const std::byte> bytes)
{
    auto& s = *impl_;
    if (s.finished) return {next_action::kind::done, {}, s.ph};
    if (s.st == impl::state::netbios)
    {
        s.netbios_buffer.insert(s.netbios_buffer.end(), bytes.begin(), bytes.end());
        auto r = decode_session_response(s.netbios_buffer);
        if (!r) return s.violation(r.error(), "NetBIOS session response");
        if (!*r) return {next_action::kind::read, {}, phase::netbios};
        if ((*r)->type != nbss_type::positive_response)
        {
            failure f;
            f.code = errc::netbios_refused;
            f.status = (*r)->error_code;
            f.detail = (*r)->type == nbss_type::retarget_response ? "retargeted" : "negative session response";
            return s.fail(std::move(f));
        }
        if ((*r)->size != s.netbios_buffer.size())
            return s.fail(errc::protocol_violation, "bytes after the NetBIOS session response");
        return s.send_negotiate();
    }
    s.reader.feed(bytes);
    for (;;)
    {
        auto next = s.reader.next();
        if (!next) return s.violation(next.error(), "Direct TCP framing");
        if (!*next) return {next_action::kind::read, {}, s.ph};
        bool keep_reading = false;
        auto action = s.on_frame(**next, keep_reading);
        if (!keep_reading) return action;
    }
}

next_action pipe_session::on_io_failure(errc code, std::string detail)
{
    auto& s = *impl_;
    if (s.finished) return {next_action::kind::done, {}, s.ph};
    return s.fail(code, std::move(detail));
}

pipe_auth_job pipe_session::pending_auth() const
{
    pipe_auth_job job;
    job.slot_ = impl_->slot;
    job.server_token_ = impl_->server_token;
    return job;
}

next_action pipe_session::on_authenticated(client::auth_result<client::security_context::leg> result)
{
    return impl_->on_authenticated(std::move(result));
}

next_action pipe_session::transceive(std::span<const std::byte> message)
{
    auto& s = *impl_;
    if (s.st != impl::state::ready) return s.fail(errc::usage, "transceive() before the pipe is open");
    if (message.size() > s.options.max_message) return s.fail(errc::limit_exceeded, "the message is over our cap");
    s.answer.clear();
    if (message.size() > s.info.max_transact_size || message.size() > s.options.max_transceive)
    {
        s.pending.assign(message.begin(), message.end());
        s.pending_at = 0;
        s.read_after_write = true;
        return s.send_write_chunk();
    }
    ioctl_request r;
    r.file_id = s.info.file_id;
    r.input = message;
    r.max_output_response = std::min({s.info.max_transact_size, s.options.max_transceive,
                                      s.large_mtu ? 0xFFFFFFFFu : 65536u});
    s.asked_output = r.max_output_response;
    s.st = impl::state::transceiving;
    return s.send(command::ioctl, message.size(), r.max_output_response, phase::transceive,
                   [&](const header& h) { return encode_ioctl_request(h, r); });
}

next_action pipe_session::write_message(std::span<const std::byte> message)
{
    auto& s = *impl_;
    if (s.st != impl::state::ready) return s.fail(errc::usage, "write_message() before the pipe is open");
    if (message.size() > s.options.max_message) return s.fail(errc::limit_exceeded, "the message is over our cap");
    s.pending.assign(message.begin(), message.end());
    s.pending_at = 0;
    s.read_after_write = false;
    return s.send_write_chunk();
}

next_action pipe_session::read_message()
{
    auto& s = *impl_;
    if (s.st != impl::state::ready) return s.fail(errc::usage, "read_message() before the pipe is open");
    s.answer.clear();
    return s.send_read();
}

next_action pipe_session::close()
{
    auto& s = *impl_;
    if (s.finished) return {next_action::kind::done, {}, s.ph};
    if (s.st != impl::state::ready) return s.fail(errc::usage, "close() while a request is outstanding");
    close_request r;
    r.file_id = s.info.file_id;
    s.st = impl::state::closing;
    return s.send(command::close, 0, 0, phase::close, [&](const header& h) { return encode_close_request(h, r); });
}

bool pipe_session::done() const noexcept { return impl_->finished; }
bool pipe_session::is_ready() const noexcept { return impl_->st == impl::state::ready; }
const std::optional<failure>& pipe_session::error() const noexcept { return impl_->error; }
const session_info& pipe_session::info() const noexcept { return impl_->info; }

} // namespace epmdump::smb2
