#include <epmdump/exchange/input_error.hpp>

#include <stdexcept>

namespace epmdump::exchange {

void throw_exception_from_error(const input_error& e, const boost::source_location&)
{
    throw std::invalid_argument(e.line ? "line " + std::to_string(e.line) + ": " + e.message : e.message);
}

} // namespace epmdump::exchange
