#include <epmdump/output/filter.hpp>
#include <epmdump/output/format.hpp>
#include <epmdump/output/sanitize.hpp>

#include "sample.hpp"

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::output;

TEST_CASE("sanitize_text escapes ESC, CR, BEL and DEL so no terminal sequence survives")
{
    CHECK(sanitize_text("evil\x1b[2J\x1b]0;pwned\x07 done\r") == "evil\\x1b[2J\\x1b]0;pwned\\x07 done\\x0d");
    CHECK(sanitize_text(std::string_view("nul\0tab\tdel\x7f", 12)) == "nul\\x00tab\\x09del\\x7f");
    CHECK(sanitize_text("two\nlines") == "two\\x0alines");
}

TEST_CASE("sanitize_text escapes every byte of invalid UTF-8 and keeps valid multilingual text")
{
    CHECK(sanitize_text("\xff\xfe") == "\\xff\\xfe");
    CHECK(sanitize_text("over\xc0\xaflong") == "over\\xc0\\xaflong");         // overlong '/'
    CHECK(sanitize_text("sur\xed\xa0\x80rogate") == "sur\\xed\\xa0\\x80rogate"); // UTF-16 surrogate
    CHECK(sanitize_text("cut\xe2\x82") == "cut\\xe2\\x82");                    // truncated euro sign
    CHECK(sanitize_text("big\xf4\x90\x80\x80") == "big\\xf4\\x90\\x80\\x80");   // above U+10FFFF
    const std::string fine = "\xc3\x9c" "berwachung \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \\PIPE\\lsass";
    CHECK(sanitize_text(fine) == fine);
    CHECK(is_display_safe(fine));
}

TEST_CASE("sanitize_text escapes C1 controls and bidirectional overrides as \\u code points")
{
    CHECK(sanitize_text("csi\xc2\x9b" "31m") == "csi\\u009b31m");
    CHECK(sanitize_text("abc\xe2\x80\xae" "gpj.exe") == "abc\\u202egpj.exe"); // RIGHT-TO-LEFT OVERRIDE
    CHECK(sanitize_text("line\xe2\x80\xa8sep") == "line\\u2028sep");
    CHECK_FALSE(is_display_safe("a\xc2\x85"));
    CHECK(is_display_safe(sanitize_text("a\xc2\x85\x1b\xff")));
}

TEST_CASE("parse_format accepts the four format names in any case and nothing else")
{
    CHECK(parse_format("rpcdump") == format::rpcdump);
    CHECK(parse_format("Impacket") == format::impacket);
    CHECK(parse_format("JSON") == format::json);
    CHECK(parse_format("jsonl") == format::json);
    CHECK(parse_format("csv") == format::csv);
    CHECK_FALSE(parse_format("xml"));
    CHECK_FALSE(parse_format(""));
    for (auto f : {format::rpcdump, format::impacket, format::json, format::csv}) CHECK(parse_format(to_string(f)) == f);
}

TEST_CASE("canonical_protseq maps short aliases and rejects names no protseq has")
{
    CHECK(canonical_protseq("tcp") == "ncacn_ip_tcp");
    CHECK(canonical_protseq("SMB") == "ncacn_np");
    CHECK(canonical_protseq("lrpc") == "ncalrpc");
    CHECK(canonical_protseq("udp") == "ncadg_ip_udp");
    CHECK(canonical_protseq("NCACN_HTTP") == "ncacn_http");
    CHECK(canonical_protseq("unknown_proto_0x20") == "unknown_proto_0x20");
    CHECK_FALSE(canonical_protseq(""));
    CHECK_FALSE(canonical_protseq("ncacn ip"));
    CHECK_FALSE(canonical_protseq("tcp;rm"));
    CHECK_FALSE(canonical_protseq("bogus"));
    CHECK_FALSE(canonical_protseq("ncacn_ip_tcpx"));
    CHECK_FALSE(canonical_protseq("unknown_proto_0x"));
    CHECK_FALSE(canonical_protseq("unknown_proto_0x123"));
    CHECK(canonical_protseq("NCACN_NB_TCP") == "ncacn_nb_tcp");
    CHECK(canonical_protseq("unknown_proto_0x5") == "unknown_proto_0x5");
}

TEST_CASE("entry_filter keeps entries matching every given uuid and protseq list")
{
    const auto e = test::sample_enumeration();
    entry_filter none;
    CHECK(none.empty());
    CHECK(filtered(e, none).entries.size() == 5);

    entry_filter by_uuid;
    CHECK(by_uuid.add_interface("A4F1DB00-CA47-1067-B31F-00DD010662DA"));
    CHECK_FALSE(by_uuid.add_interface("not-a-uuid"));
    CHECK(by_uuid.interfaces.size() == 1);
    CHECK(filtered(e, by_uuid).entries.size() == 2);

    entry_filter both = by_uuid;
    CHECK(both.add_protseq("tcp"));
    const auto kept = filtered(e, both);
    REQUIRE(kept.entries.size() == 1);
    CHECK(kept.entries[0].where.endpoint == "1033");
    CHECK(kept.target == e.target);

    entry_filter two_protseqs;
    CHECK(two_protseqs.add_protseq("np"));
    CHECK(two_protseqs.add_protseq("ncalrpc"));
    CHECK_FALSE(two_protseqs.add_protseq("bad name"));
    CHECK(filtered(e, two_protseqs).entries.size() == 2);
}

TEST_CASE("a filtered listing keeps how it was reached: transport and authentication")
{
    auto e = test::sample_enumeration();
    e.transport = "ncacn_np";
    e.auth = epm::auth_info{epm::auth_type::negotiate, epm::auth_level::integrity, "epmuser@EPMTEST.LAN", epm::auth_type::kerberos};
    entry_filter by_protseq;
    REQUIRE(by_protseq.add_protseq("tcp"));
    const auto kept = filtered(e, by_protseq);
    CHECK(kept.transport == "ncacn_np");
    REQUIRE(kept.auth.has_value());
    CHECK(*kept.auth == *e.auth);
}
