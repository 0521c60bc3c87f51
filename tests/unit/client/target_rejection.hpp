#pragma once
// The error text parse_target gives a word it must refuse (the word being refused is checked).
#include <epmdump/client/target_pattern.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace epmdump::client::test {

inline std::string rejection(std::string_view word)
{
    std::string error;
    CHECK_FALSE(parse_target(word, error));
    return error;
}

} // namespace epmdump::client::test
