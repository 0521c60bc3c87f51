#include <epmdump/exchange/listing.hpp>

#include <utility>

namespace epmdump::exchange {

void require_full_listing(epm::enumeration& conversation, bool has_full_listing)
{
    if (has_full_listing || conversation.status != epm::enumeration_status::ok) return;
    conversation.status = epm::enumeration_status::incomplete;
    conversation.error = epm::enumeration_error{
        epm::failure_kind::no_full_listing,
        "the conversation has only ept_map answers or interface-filtered lookups, no full ept_lookup listing"};
}

epm::enumeration no_conversation(std::string capture_name)
{
    epm::enumeration none;
    none.target = std::move(capture_name);
    none.fail(epm::failure_kind::no_conversation, "no endpoint-mapper conversation in the capture");
    return none;
}

void mark_cut(epm::enumeration& last, std::string why)
{
    // Incomplete even when empty: the lost line is a listing we know existed.
    last.status = epm::enumeration_status::incomplete;
    last.error = epm::enumeration_error{epm::failure_kind::cut_dump, std::move(why)};
}

} // namespace epmdump::exchange
