// What the Exchange check makes of its inputs before diagnose(): which listings can show that
// an interface is missing (exchange/listing.hpp).
#include <epmdump/exchange/listing.hpp>

#include <doctest/doctest.h>

using namespace epmdump;

TEST_CASE("a conversation without a full listing is incomplete (no_full_listing), one with it is left alone")
{
    epm::enumeration answers; // Outlook's ept_map answers: status ok, entries present
    answers.entries.emplace_back();
    exchange::require_full_listing(answers, false);
    CHECK(answers.status == epm::enumeration_status::incomplete);
    REQUIRE(answers.error);
    CHECK(answers.error->kind == epm::failure_kind::no_full_listing);

    epm::enumeration listing;
    listing.entries.emplace_back();
    exchange::require_full_listing(listing, true);
    CHECK(listing.status == epm::enumeration_status::ok);
    CHECK_FALSE(listing.error);

    // A conversation that already failed keeps its own reason.
    epm::enumeration failed;
    failed.fail(epm::failure_kind::fault, "nca_op_rng_error for opnum 42");
    exchange::require_full_listing(failed, false);
    CHECK(failed.status == epm::enumeration_status::error);
    CHECK(failed.error->kind == epm::failure_kind::fault);
}

TEST_CASE("a capture with no endpoint-mapper conversation gives one error listing named after it")
{
    const auto none = exchange::no_conversation("outlook.pcap");
    CHECK(none.target == "outlook.pcap");
    CHECK(none.status == epm::enumeration_status::error);
    REQUIRE(none.error);
    CHECK(none.error->kind == epm::failure_kind::no_conversation);
    CHECK(none.entries.empty());
}

TEST_CASE("the last listing of a cut dump is incomplete even when the lost line held all of it")
{
    epm::enumeration lost;
    exchange::mark_cut(lost, "the dump ends mid-line at line 7");
    CHECK(lost.status == epm::enumeration_status::incomplete);
    REQUIRE(lost.error);
    CHECK(lost.error->kind == epm::failure_kind::cut_dump);
    CHECK(lost.error->message == "the dump ends mid-line at line 7");
}
