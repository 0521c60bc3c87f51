#pragma once
// Small helpers shared by the epm test files.
#include <epmdump/core/codec_error.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

// Stops the case unless `r` holds a value, printing the codec error when it does not.
#define REQUIRE_OK(r) REQUIRE_MESSAGE((r).has_value(), ((r).has_value() ? std::string{} : (r).error().message()))
#define CHECK_OK(r) CHECK_MESSAGE((r).has_value(), ((r).has_value() ? std::string{} : (r).error().message()))
// Checks that `r` failed with codec_errc `code`.
#define CHECK_ERR(r, errc)                                                                                     \
    do                                                                                                         \
    {                                                                                                          \
        const auto& r_ = (r);                                                                                  \
        REQUIRE_FALSE(r_.has_value());                                                                         \
        CHECK(r_.error().code == (errc));                                                                      \
    } while (0)
