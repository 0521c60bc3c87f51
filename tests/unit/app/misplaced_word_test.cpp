// The usage hint for a command-line word that is no target (compiled into epmdump_cli_parts).
#include "misplaced_word.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("a word that is a capture or a subcommand typo is named for what it is; host-like words are left alone")
{
    using epmdump::app::misplaced_word;
    CHECK(misplaced_word("replya", true).find("epmdump replay") != std::string::npos);
    CHECK(misplaced_word("mpa", true).find("epmdump map") != std::string::npos);
    CHECK(misplaced_word("trace.PCAPNG", false).find("epmdump replay trace.PCAPNG") != std::string::npos);
    CHECK(misplaced_word("replya", false).empty()); // only the first word can be a subcommand
    for (const char* host : {"dc1", "app", "exchange01", "ad", "mail", "web-01.corp"})
    {
        CAPTURE(host);
        CHECK(misplaced_word(host, true).empty());
    }
}
