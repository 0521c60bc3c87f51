#include <epmdump/core/codec_error.hpp>
#include <epmdump/core/detail/enum_category.hpp>
#include <epmdump/core/error_exception.hpp>

#include <ostream>

namespace epmdump {

std::string_view to_string(codec_errc code) noexcept
{
    switch (code)
    {
    case codec_errc::truncated: return "truncated";
    case codec_errc::bad_value: return "bad value";
    case codec_errc::limit_exceeded: return "limit exceeded";
    case codec_errc::bad_pointer: return "bad pointer";
    case codec_errc::unsupported: return "unsupported";
    case codec_errc::bad_header: return "bad PDU header";
    case codec_errc::fragment_sequence: return "fragment sequence error";
    case codec_errc::trailing_bytes: return "trailing bytes";
    }
    return "unknown codec error";
}

const boost::system::error_category& codec_category() noexcept
{
    static const detail::enum_category<codec_errc> instance("epmdump.codec");
    return instance;
}

std::string codec_error::message() const
{
    std::string text{to_string(code)};
    if (!detail.empty())
    {
        text += " (";
        text += detail;
        text += ')';
    }
    text += " at offset ";
    text += std::to_string(offset);
    return text;
}

std::ostream& operator<<(std::ostream& os, const codec_error& e) { return os << e.message(); }

void throw_exception_from_error(const codec_error& e, const boost::source_location&)
{
    throw error_exception(make_error_code(e.code), e.message(), e.offset);
}

} // namespace epmdump
