#include <epmdump/core/error_exception.hpp>
#include <epmdump/exchange/input_error.hpp>

#include <string>

namespace epmdump::exchange {

void throw_exception_from_error(const input_error& e, const boost::source_location&)
{
    // The text was not usable: the code a std::invalid_argument stands for, and the line kept.
    throw error_exception(make_error_code(boost::system::errc::invalid_argument),
                          e.line ? "line " + std::to_string(e.line) + ": " + e.message : e.message, std::nullopt,
                          e.line);
}

} // namespace epmdump::exchange
