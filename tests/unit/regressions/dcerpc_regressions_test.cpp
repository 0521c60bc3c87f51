// PDUs the fuzzers found (tests/fuzz/targets/{bind,...}.cpp).
#include <epmdump/dcerpc/bind.hpp>

#include "regression_inputs.hpp"

#include <algorithm>

#include <doctest/doctest.h>

using namespace epmdump;
using namespace epmdump::dcerpc;

TEST_CASE("bind whose context offers no transfer syntax decodes when the body holds exactly its contexts")
{
    // fuzz_bind: a big-endian bind with 3 contexts, one of them with n_transfer_syn = 0, decoded;
    // its re-encoding (same contexts, no trailing bytes) was refused as a truncated context list
    // because the size check assumed 44 bytes per element instead of 24.
    const auto input = test::regression_input("bind", "bind-context-without-transfer-syntax");
    const auto h = decode_common_header(input);
    REQUIRE(h.has_value());
    const auto first = decode_bind(*h, input);
    REQUIRE(first.has_value());
    REQUIRE(first->params.contexts.size() == 3);
    const auto empty = std::count_if(first->params.contexts.begin(), first->params.contexts.end(),
                                     [](const presentation_context& c) { return c.transfer_syntaxes.empty(); });
    CHECK(empty == 1);

    const auto again = encode_bind(h->call_id, first->params, h->drep);
    const auto h2 = decode_common_header(again);
    REQUIRE(h2.has_value());
    const auto second = decode_bind(*h2, again);
    REQUIRE(second.has_value());
    CHECK(second->params == first->params);
}
