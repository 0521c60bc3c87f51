#pragma once
// The one error type of the codec: what went wrong, and at which byte offset.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>

namespace epmdump {

enum class codec_errc : std::uint8_t
{
    truncated = 1,          // the input ends before the value does
    bad_value,              // a field holds a value the spec forbids
    limit_exceeded,         // a count or length is over one of our caps
    bad_pointer,            // NDR pointer/referent inconsistency
    unsupported,            // valid per spec but not something we decode (e.g. float drep)
    bad_header,             // not a connection-oriented DCE/RPC PDU header
    fragment_sequence,      // fragments out of order, interleaved, or with another call_id
    trailing_bytes,         // a body longer than its content
};

std::string_view to_string(codec_errc code) noexcept;

// The "epmdump.codec" category: a codec_errc is a boost::system::error_code like Asio's.
const boost::system::error_category& codec_category() noexcept;

inline boost::system::error_code make_error_code(codec_errc e) noexcept
{
    return {static_cast<int>(e), codec_category()};
}

struct codec_error
{
    codec_errc code{};
    std::size_t offset = 0; // from the start of the buffer given to the decoder
    std::string_view detail{}; // static text naming the field, never owning

    std::string message() const;
    friend bool operator==(const codec_error&, const codec_error&) = default;
};

std::ostream& operator<<(std::ostream& os, const codec_error& e);

// boost::system::result<T, codec_error>::value() throws epmdump::error_exception
// (core/error_exception.hpp) with the code, the offset and message().
[[noreturn]] void throw_exception_from_error(const codec_error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, codec_error>;

} // namespace epmdump

namespace boost::system {
template <>
struct is_error_code_enum<epmdump::codec_errc> : std::true_type
{
};
} // namespace boost::system
