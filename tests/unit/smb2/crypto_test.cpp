// SMB 3.x key derivation, signing and encryption on OpenSSL against Microsoft's published test
// vectors ("SMB 3.1.1 Encryption in Windows 10", Appendix A: AES-128-GCM, session 0x100000000025;
// A.2: the preauth integrity hash of a NEGOTIATE), and sign/verify round trips of each algorithm.
#include "support/test_files.hpp"

#include <epmdump/smb2/header.hpp>
#include <epmdump/smb2/keys.hpp>
#include <epmdump/smb2/transform.hpp>
#include <epmdump/smb2_openssl/openssl_crypto.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace epmdump;
using namespace epmdump::smb2;
using test::from_hex;

namespace {

preauth_hash hash_of(std::string_view hex)
{
    preauth_hash h{};
    const auto b = from_hex(hex);
    REQUIRE(b.size() == 64);
    std::copy(b.begin(), b.end(), h.begin());
    return h;
}

constexpr std::string_view session_key_hex = "419FDDF34C1E001909D362AE7FB6AF79";
constexpr std::string_view preauth_hex = "B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA9EDDDBA7DB256BA2EA30E9"
                                         "77F11F9B113247578E0E915C6D2A513B8F2FCA5707DC8770";
// The WRITE request of Appendix A, and its encryption.
constexpr std::string_view write_hex =
    "FE534D4240000100000000000900010008000000000000000500000000000000FFFE000001000000"
    "25000000001000000000000000000000000000000000000031007000170000000000000000000000"
    "0600000004000000010000000400000000000000000000007000000000000000536D623320656E63"
    "72797074696F6E2074657374696E67";
constexpr std::string_view write_encrypted_hex =
    "6ECDD2A7AFC7B47763057A041B8FD4DAFFE990B70C9E09D36C084E02D14EF247F8BDE38ACF6256F8"
    "B1D3B56F77FBDEB312FEA5E92CBCC1ED8FB2EBBFAA75E49A4A394BB44576545567C24D4C014D47C9"
    "FBDFDAFD2C4F9B72F8D256452620A299F48E29E53D6B61D1C13A19E91AF013F00D17E3ABC2FC3D36"
    "C8C1B6B93973253852DBD442E46EE8";

} // namespace

TEST_CASE("SMB 3.1.1 keys derive from the session key and preauth hash as Microsoft's vector says")
{
    const auto crypto = openssl_crypto();
    const auto keys = derive_keys(*crypto, dialect::smb3_1_1, cipher::aes128_gcm, from_hex(session_key_hex),
                                  hash_of(preauth_hex));
    REQUIRE(keys.has_value());
    CHECK(keys->signing == from_hex("8765949DFEAEE105CE9118B45BE988F0"));
    CHECK(keys->encryption == from_hex("A2F5E80E5D59103034F32E52F698E5EC"));
    CHECK(keys->decryption == from_hex("748C50868C90F302962A5C35F5F9A8BF"));
    // 2.x signs with the session key itself.
    const auto v2 = derive_keys(*crypto, dialect::smb2_1, cipher::none, from_hex(session_key_hex), {});
    REQUIRE(v2.has_value());
    CHECK(v2->signing == from_hex(session_key_hex));
}

TEST_CASE("AES-128-GCM encryption of a WRITE gives Microsoft's ciphertext and tag, and decrypts back")
{
    const auto crypto = openssl_crypto();
    auto data = from_hex(write_hex);
    REQUIRE(data.size() == 0x87);
    transform_header t;
    t.original_message_size = static_cast<std::uint32_t>(data.size());
    t.session_id = 0x100000000025;
    const auto nonce = from_hex("C7D6822D269CAF48904C664C");
    std::copy(nonce.begin(), nonce.end(), t.nonce.begin());
    std::vector<std::byte> frame;
    append_transform_header(frame, t);
    std::array<std::byte, 16> tag{};
    const auto key = from_hex("A2F5E80E5D59103034F32E52F698E5EC");
    REQUIRE(crypto->encrypt(cipher::aes128_gcm, key, nonce, std::span<const std::byte>(frame).subspan(transform_aad_offset),
                            data, tag));
    CHECK(data == from_hex(write_encrypted_hex));
    CHECK(std::vector<std::byte>(tag.begin(), tag.end()) == from_hex("BD73D97D2BC9001BCAFAC0FDFF5FEEBC"));

    REQUIRE(crypto->decrypt(cipher::aes128_gcm, key, nonce, std::span<const std::byte>(frame).subspan(transform_aad_offset),
                            data, tag));
    CHECK(data == from_hex(write_hex));
    // One flipped octet of ciphertext and the tag no longer verifies.
    auto tampered = from_hex(write_encrypted_hex);
    tampered[10] ^= std::byte{1};
    CHECK_FALSE(crypto->decrypt(cipher::aes128_gcm, key, nonce,
                                std::span<const std::byte>(frame).subspan(transform_aad_offset), tampered, tag));
}

TEST_CASE("the server's encrypted READ response of the vector decrypts with the decryption key")
{
    const auto crypto = openssl_crypto();
    const auto frame = from_hex("FD534D427F714B3B9D8FA1198584E71C2BAA1CB6E16831DD2E8EB7B4000000000000000067000000"
                                "000001002500000000100000FECEDF4D03BB11A6CC5D8A53BE33D6D8701986342B4197D306E16F9C"
                                "BB218E92F7F8281F51CE68BB85A20D87DE90EBBF80538066D1C37513C0A58D70936D537B624F5500"
                                "202A612B6CD30D448A82791A0B2E049ED512AFAEFB06E98AB3D6F931D7D50DB2DBD36A");
    const auto t = decode_transform_header(frame);
    REQUIRE(t.has_value());
    CHECK(t->session_id == 0x100000000025);
    std::vector<std::byte> data(frame.begin() + transform_header_size, frame.end());
    REQUIRE(crypto->decrypt(cipher::aes128_gcm, from_hex("748C50868C90F302962A5C35F5F9A8BF"),
                            std::span<const std::byte>(t->nonce).first(12),
                            std::span<const std::byte>(frame).subspan(transform_aad_offset, 32), data, t->signature));
    CHECK(data == from_hex("FE534D4240000100000000000800010001000000000000000600000000000000FFFE000001000000"
                           "25000000001000000000000000000000000000000000000011005000170000000000000000000000"
                           "536D623320656E6372797074696F6E2074657374696E67"));
}

TEST_CASE("the preauth integrity hash of a NEGOTIATE request is SHA-512 over zeros then the message")
{
    const auto crypto = openssl_crypto();
    preauth_hash h{};
    const auto request = from_hex("FE534D4240000100000000000000010000000000000000000000000000000000FFFE000000000000"
                                  "00000000000000000000000000000000000000000000000024000500010000006600000078EA16AC"
                                  "6877C34A95F7160F73EA377270000000020000000202100200030203110300000100260000000000"
                                  "0100200001001A05A92392E1554C072AE7B186EE7DC02CB90BEF2E639CCC94B7A9DC7B3934420000"
                                  "0200060000000000020001000200");
    REQUIRE(update_preauth_hash(*crypto, h, request));
    CHECK(h == hash_of("A3A8A769FEA693B3D037406EF945E115D2B7A4A9318564D2CAAA4B1FE0EC36D8D92A4802619EDCF2"
                       "9E2410534D2D3749E71F76ADF5212F959210D291097A6355"));
}

TEST_CASE("a message signed with each algorithm verifies, and one changed octet or key does not")
{
    const auto crypto = openssl_crypto();
    const auto key = from_hex("8765949DFEAEE105CE9118B45BE988F0");
    for (const auto a : {signing_algorithm::hmac_sha256, signing_algorithm::aes_cmac, signing_algorithm::aes_gmac})
    {
        CAPTURE(to_string(a));
        auto message = from_hex(write_hex);
        REQUIRE(sign_message(*crypto, a, key, message));
        CHECK((message[16] & std::byte{0x08}) == std::byte{0x08}); // SMB2_FLAGS_SIGNED
        CHECK(verify_message(*crypto, a, key, message));
        auto changed = message;
        changed.back() ^= std::byte{0x20};
        CHECK_FALSE(verify_message(*crypto, a, key, changed));
        CHECK_FALSE(verify_message(*crypto, a, from_hex("00000000000000000000000000000000"), message));
    }
    // GMAC's nonce holds the role: the same octets signed as a response differ.
    auto request = from_hex(write_hex);
    auto response = request;
    response[16] |= std::byte{0x01};
    REQUIRE(sign_message(*crypto, signing_algorithm::aes_gmac, key, request));
    REQUIRE(sign_message(*crypto, signing_algorithm::aes_gmac, key, response));
    CHECK_FALSE(std::equal(request.begin() + 48, request.begin() + 64, response.begin() + 48));
}

TEST_CASE("AES-CCM and AES-256 ciphers round-trip and refuse a wrong tag")
{
    const auto crypto = openssl_crypto();
    for (const auto c : {cipher::aes128_ccm, cipher::aes256_ccm, cipher::aes256_gcm})
    {
        CAPTURE(to_string(c));
        std::vector<std::byte> key(key_length(c), std::byte{0x42});
        std::vector<std::byte> nonce(nonce_length(c), std::byte{0x07});
        const auto aad = from_hex("0102030405060708091011121314151617181920212223242526272829303132");
        auto data = from_hex(write_hex);
        std::array<std::byte, 16> tag{};
        REQUIRE(crypto->encrypt(c, key, nonce, aad, data, tag));
        CHECK(data != from_hex(write_hex));
        auto copy = data;
        REQUIRE(crypto->decrypt(c, key, nonce, aad, copy, tag));
        CHECK(copy == from_hex(write_hex));
        tag[0] ^= std::byte{1};
        CHECK_FALSE(crypto->decrypt(c, key, nonce, aad, data, tag));
    }
}
