// The SMB2 codecs on the bytes Samba's rpcclient and the AD DC exchanged (captures/README.md):
// every message decodes to what tshark shows, re-encodes to a message that decodes the same, and
// every cut of it is a typed error, never a crash.
#include "capture_streams.hpp"

#include <epmdump/core/byte_order.hpp>

#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/error_response.hpp>
#include <epmdump/smb2/header.hpp>
#include <epmdump/smb2/ioctl.hpp>
#include <epmdump/smb2/negotiate.hpp>
#include <epmdump/smb2/read_write.hpp>
#include <epmdump/smb2/session_setup.hpp>
#include <epmdump/smb2/status.hpp>
#include <epmdump/smb2/transform.hpp>
#include <epmdump/smb2/tree_connect.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace epmdump;
using namespace epmdump::smb2;

namespace {

header must_header(std::span<const std::byte> m)
{
    auto h = decode_header(m);
    REQUIRE(h.has_value());
    return *h;
}

// Every strict prefix of a message fails with a typed error at an offset inside it.
template <class Decode>
void check_cuts(std::span<const std::byte> message, Decode decode)
{
    for (std::size_t n = 0; n < message.size(); ++n)
    {
        auto r = decode(message.first(n));
        if (r) continue; // a prefix may be whole when the tail is padding
        CHECK(r.error().offset <= n);
    }
}

} // namespace

TEST_CASE("an SMB 3.1.1 negotiation from Samba decodes its contexts: SHA-512 preauth, ciphers and signing algorithms")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-signed-epmlookup");
    REQUIRE(s.client.size() >= 5);
    REQUIRE(s.server.size() >= 5);
    const auto rq = decode_negotiate_request(s.client[0]);
    REQUIRE(rq.has_value());
    CHECK(rq->dialects == std::vector<dialect>{dialect::smb3_1_1});
    REQUIRE(rq->contexts.preauth);
    CHECK(rq->contexts.preauth->hash_algorithms == std::vector<std::uint16_t>{hash_sha512});
    CHECK(rq->contexts.preauth->salt.size() == 32);
    CHECK(rq->contexts.ciphers == std::vector<cipher>{cipher::aes128_gcm, cipher::aes128_ccm, cipher::aes256_gcm, cipher::aes256_ccm});
    CHECK(rq->contexts.signing == std::vector<signing_algorithm>{signing_algorithm::aes_gmac, signing_algorithm::aes_cmac, signing_algorithm::hmac_sha256});
    CHECK(rq->security_mode == (negotiate_signing_enabled | negotiate_signing_required));
    CHECK(must_header(s.client[0]).credits == 31);

    const auto rs = decode_negotiate_response(s.server[0]);
    REQUIRE(rs.has_value());
    CHECK(rs->dialect == dialect::smb3_1_1);
    CHECK(rs->max_transact_size == 8388608);
    CHECK(rs->max_read_size == 8388608);
    CHECK(rs->max_write_size == 8388608);
    CHECK(rs->capabilities == 0x0f);
    CHECK_FALSE(rs->security_buffer.empty()); // the SPNEGO hint
    REQUIRE(rs->contexts.preauth);
    CHECK(rs->contexts.ciphers == std::vector<cipher>{cipher::aes128_gcm});
    CHECK(rs->contexts.signing == std::vector<signing_algorithm>{signing_algorithm::aes_gmac});

    // Encoding what we decoded gives a message that decodes the same.
    const auto again_bytes = encode_negotiate_request(must_header(s.client[0]), *rq); // the decoded views point into it
    const auto again = decode_negotiate_request(again_bytes);
    REQUIRE(again.has_value());
    CHECK(again->contexts.preauth->salt == rq->contexts.preauth->salt);
    CHECK(again->contexts.ciphers == rq->contexts.ciphers);
    const auto again_rs_bytes = encode_negotiate_response(must_header(s.server[0]), *rs); // the decoded views point into it
    const auto again_rs = decode_negotiate_response(again_rs_bytes);
    REQUIRE(again_rs.has_value());
    CHECK(again_rs->max_read_size == rs->max_read_size);
    CHECK(std::ranges::equal(again_rs->security_buffer, rs->security_buffer));
    CHECK(again_rs->contexts.signing == rs->contexts.signing);

    check_cuts(s.client[0], [](auto m) { return decode_negotiate_request(m); });
    check_cuts(s.server[0], [](auto m) { return decode_negotiate_response(m); });
}

TEST_CASE("Samba's SESSION_SETUP legs, TREE_CONNECT and CREATE decode to the session, tree and FileId tshark shows")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-signed-epmlookup");
    const auto leg1 = must_header(s.server[1]);
    CHECK(leg1.command == command::session_setup);
    CHECK(leg1.status == status::STATUS_MORE_PROCESSING_REQUIRED);
    CHECK(leg1.session_id == 0x000000000a81167d);
    const auto ss1 = decode_session_setup_request(s.client[1]);
    REQUIRE(ss1.has_value());
    CHECK(ss1->security_buffer.size() == 74);
    const auto ss_rs = decode_session_setup_response(s.server[1]);
    REQUIRE(ss_rs.has_value());
    CHECK_FALSE(ss_rs->security_buffer.empty());
    const auto final_leg = must_header(s.server[2]);
    CHECK(final_leg.status == status::STATUS_SUCCESS);
    CHECK(final_leg.is_signed());
    CHECK(final_leg.credits == 8192);
    REQUIRE(decode_session_setup_response(s.server[2]).has_value());

    const auto tc = decode_tree_connect_request(s.client[3]);
    REQUIRE(tc.has_value());
    CHECK(tc->path == "\\\\10.200.0.2\\IPC$");
    CHECK(tc->path == ipc_share_path("10.200.0.2"));
    const auto tc_rs = decode_tree_connect_response(s.server[3]);
    REQUIRE(tc_rs.has_value());
    CHECK(tc_rs->share_type == share_type_pipe);
    CHECK(must_header(s.server[3]).tree_id == 0xcd5a625b);

    const auto cr = decode_create_request(s.client[4]);
    REQUIRE(cr.has_value());
    CHECK(cr->name == "epmapper");
    const auto cr_rs = decode_create_response(s.server[4]);
    REQUIRE(cr_rs.has_value());
    CHECK(cr_rs->file_id != file_id{});

    // Our encoders write what Samba sent for the same fields (the request a client builds).
    const auto tc_again = encode_tree_connect_request(must_header(s.client[3]), *tc);
    CHECK(std::ranges::equal(tc_again, s.client[3]));
    const auto tc_rs_again = encode_tree_connect_response(must_header(s.server[3]), *tc_rs);
    CHECK(std::ranges::equal(tc_rs_again, s.server[3]));
    const auto cr_rs_again_bytes = encode_create_response(must_header(s.server[4]), *cr_rs); // the decoded views point into it
    const auto cr_rs_again = decode_create_response(cr_rs_again_bytes);
    REQUIRE(cr_rs_again.has_value());
    CHECK(cr_rs_again->file_id == cr_rs->file_id);
    CHECK(std::ranges::equal(cr_rs_again->create_contexts, cr_rs->create_contexts));

    check_cuts(s.client[1], [](auto m) { return decode_session_setup_request(m); });
    check_cuts(s.server[1], [](auto m) { return decode_session_setup_response(m); });
    check_cuts(s.client[3], [](auto m) { return decode_tree_connect_request(m); });
    check_cuts(s.client[4], [](auto m) { return decode_create_request(m); });
    check_cuts(s.server[4], [](auto m) { return decode_create_response(m); });
}

TEST_CASE("FSCTL_PIPE_TRANSCEIVE carries the DCE/RPC bind out and the bind_ack back on the pipe's FileId")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-signed-epmlookup");
    const auto cr_rs = decode_create_response(s.server[4]);
    REQUIRE(cr_rs.has_value());
    const auto io = decode_ioctl_request(s.client[5]);
    REQUIRE(io.has_value());
    CHECK(io->ctl_code == fsctl_pipe_transceive);
    CHECK(io->flags == ioctl_is_fsctl);
    CHECK(io->file_id == cr_rs->file_id);
    CHECK(io->max_output_response == 4280);
    REQUIRE(io->input.size() >= 16);
    CHECK(io->input[0] == std::byte{5});   // rpc_vers 5
    CHECK(io->input[2] == std::byte{0x0b}); // bind
    const auto io_rs = decode_ioctl_response(s.server[5]);
    REQUIRE(io_rs.has_value());
    CHECK(io_rs->ctl_code == fsctl_pipe_transceive);
    REQUIRE(io_rs->output.size() >= 16);
    CHECK(io_rs->output[2] == std::byte{0x0c}); // bind_ack
    // The PDU's own frag_length is the output's size: one whole message per transceive.
    CHECK(std::to_integer<std::size_t>(io_rs->output[8]) + 256 * std::to_integer<std::size_t>(io_rs->output[9]) ==
          io_rs->output.size());

    // Samba points OutputOffset at 120 with no output; we write 0 there. Everything else is equal.
    auto io_again = encode_ioctl_request(must_header(s.client[5]), *io);
    REQUIRE(io_again.size() == s.client[5].size());
    auto samba = s.client[5];
    std::fill_n(samba.begin() + header_size + 36, 4, std::byte{0});
    CHECK(std::ranges::equal(io_again, samba));
    const auto io_rs_again_bytes = encode_ioctl_response(must_header(s.server[5]), *io_rs); // the decoded views point into it
    const auto io_rs_again = decode_ioctl_response(io_rs_again_bytes);
    REQUIRE(io_rs_again.has_value());
    CHECK(std::ranges::equal(io_rs_again->output, io_rs->output));

    check_cuts(s.client[5], [](auto m) { return decode_ioctl_request(m); });
    check_cuts(s.server[5], [](auto m) { return decode_ioctl_response(m); });
}

TEST_CASE("an interim STATUS_PENDING answer is async, carries an ERROR body, and its final answer follows with the same message id")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-anonymous-epmlookup");
    auto interim = std::find_if(s.server.begin(), s.server.end(),
                                [](const auto& m) { return decode_header(m) && decode_header(m)->status == status::STATUS_PENDING; });
    REQUIRE(interim != s.server.end());
    const auto h = must_header(*interim);
    CHECK(h.is_async());
    CHECK(h.async_id != 0);
    CHECK(h.command == command::ioctl);
    const auto body = decode_error_response(*interim);
    REQUIRE(body.has_value());
    const auto final_answer = must_header(*(interim + 1));
    CHECK(final_answer.message_id == h.message_id);
    CHECK(final_answer.is_async());
    CHECK(final_answer.async_id == h.async_id);
    CHECK(final_answer.status == status::STATUS_SUCCESS);
    REQUIRE(decode_ioctl_response(*(interim + 1)).has_value());
    check_cuts(*interim, [](auto m) { return decode_error_response(m); });
}

TEST_CASE("an encrypted session's messages are TRANSFORM_HEADERs naming the session, their size what follows")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-encrypted-epmlookup");
    const auto setup = must_header(s.server[2]);
    CHECK(setup.command == command::session_setup);
    std::size_t transforms = 0;
    for (const auto& m : s.server)
    {
        if (decode_header(m)) continue;
        const auto t = decode_transform_header(m);
        REQUIRE(t.has_value());
        CHECK(t->session_id == setup.session_id);
        CHECK(t->flags == transform_flag_encrypted);
        CHECK(t->original_message_size == m.size() - transform_header_size);
        std::vector<std::byte> again;
        append_transform_header(again, *t);
        CHECK(std::ranges::equal(again, std::span<const std::byte>(m).first(transform_header_size)));
        ++transforms;
    }
    CHECK(transforms >= 4);
    check_cuts(s.server.back(), [](auto m) { return decode_transform_header(m); });
}

TEST_CASE("a Direct TCP stream cut anywhere gives the same messages, and a length over the cap is a typed error")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-signed-epmlookup");
    for (std::size_t step : {1u, 3u, 7u, 100u})
    {
        frame_reader reader(hard_max_message);
        std::size_t got = 0;
        for (std::size_t at = 0; at < s.server_bytes.size(); at += step)
        {
            reader.feed(std::span<const std::byte>(s.server_bytes).subspan(at, std::min(step, s.server_bytes.size() - at)));
            for (;;)
            {
                auto next = reader.next();
                REQUIRE(next.has_value());
                if (!*next) break;
                CHECK(std::ranges::equal(**next, s.server[got]));
                ++got;
            }
        }
        CHECK(got == s.server.size());
    }
    frame_reader small(200); // the NEGOTIATE response is 300 octets
    small.feed(s.server_bytes);
    const auto over = small.next();
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error().code == codec_errc::limit_exceeded);
    CHECK(over.error().offset == 1); // the length field of the stream's first frame
}

TEST_CASE("a compound chain splits at each 8-aligned NextCommand, and a NextCommand pointing outside is bad_value")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-signed-epmlookup");
    auto first = s.client[3]; // TREE_CONNECT: 64 + 8 + path
    const auto second = s.client[4];
    first.resize((first.size() + 7) / 8 * 8, std::byte{0});
    const auto next = static_cast<std::uint32_t>(first.size());
    store(std::span<std::byte, 4>(first.data() + 20, 4), next, byte_order::little);
    std::vector<std::byte> chain = first;
    chain.insert(chain.end(), second.begin(), second.end());
    const auto parts = split_compound(chain);
    REQUIRE(parts.has_value());
    REQUIRE(parts->size() == 2);
    CHECK((*parts)[0].header.command == command::tree_connect);
    CHECK((*parts)[1].header.command == command::create);
    CHECK((*parts)[1].offset == next);
    CHECK(decode_create_request((*parts)[1].bytes).has_value());

    store(std::span<std::byte, 4>(chain.data() + 20, 4), std::uint32_t{next + 4}, byte_order::little);
    const auto misaligned = split_compound(chain);
    REQUIRE_FALSE(misaligned.has_value());
    CHECK(misaligned.error().code == codec_errc::bad_value);
    CHECK(misaligned.error().offset == 20);
    store(std::span<std::byte, 4>(chain.data() + 20, 4), std::uint32_t{0x10000000}, byte_order::little);
    CHECK_FALSE(split_compound(chain).has_value());
}

TEST_CASE("a response whose buffer offset points outside the message is truncated at the offset field")
{
    const auto s = test::load_smb2_stream("samba-3.1.1-signed-epmlookup");
    auto m = s.server[5]; // IOCTL response
    store(std::span<std::byte, 4>(m.data() + header_size + 36, 4), std::uint32_t{0xFFFFFF00}, byte_order::little);
    const auto r = decode_ioctl_response(m);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == codec_errc::truncated);
    CHECK(r.error().offset == header_size + 32);
    auto wrong_size = s.server[5];
    wrong_size[header_size] = std::byte{48};
    const auto w = decode_ioctl_response(wrong_size);
    REQUIRE_FALSE(w.has_value());
    CHECK(w.error().code == codec_errc::bad_value);
}

TEST_CASE("NetBIOS names are first-level encoded as RFC 1001 shows for FRED, and the session request carries both")
{
    const auto fred = encode_netbios_name("fred", 0x20);
    REQUIRE(fred.size() == 34);
    CHECK(fred.front() == std::byte{32});
    CHECK(fred.back() == std::byte{0});
    CHECK(std::string(reinterpret_cast<const char*>(fred.data()) + 1, 32) == "EGFCEFEECACACACACACACACACACACACA");
    const auto request = encode_session_request("dc1.example.lan", "EPMDUMP");
    REQUIRE(request.size() == 4 + 68);
    CHECK(request[0] == std::byte{0x81});
    CHECK(request[3] == std::byte{68});
    // The called name is the DNS name's first label with the server suffix 0x20 ("CA").
    CHECK(std::string(reinterpret_cast<const char*>(request.data()) + 5, 32) ==
          std::string(reinterpret_cast<const char*>(encode_netbios_name("DC1", 0x20).data()) + 1, 32));
}

TEST_CASE("NetBIOS session responses: positive, negative with its code, retarget, and incomplete ones")
{
    const auto positive = decode_session_response(test::from_hex("82000000"));
    REQUIRE(positive.has_value());
    REQUIRE(positive->has_value());
    CHECK((*positive)->type == nbss_type::positive_response);
    const auto negative = decode_session_response(test::from_hex("8300000182"));
    REQUIRE(negative.has_value());
    REQUIRE(negative->has_value());
    CHECK((*negative)->error_code == 0x82);
    const auto retarget = decode_session_response(test::from_hex("840000060a0000020185"));
    REQUIRE(retarget.has_value());
    REQUIRE(retarget->has_value());
    CHECK((*retarget)->retarget_ip == 0x0a000002);
    CHECK((*retarget)->retarget_port == 0x0185);
    const auto partial = decode_session_response(test::from_hex("830000"));
    REQUIRE(partial.has_value());
    CHECK_FALSE(partial->has_value());
    const auto garbage = decode_session_response(test::from_hex("fe534d42"));
    REQUIRE_FALSE(garbage.has_value());
    CHECK(garbage.error().code == codec_errc::bad_header);
}
