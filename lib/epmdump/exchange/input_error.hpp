#pragma once
// Why a user-supplied text (a .reg export, netstat output, a --static-port flag) was not usable.
#include <boost/system/result.hpp>

#include <cstddef>
#include <string>

namespace epmdump::exchange {

struct input_error
{
    std::size_t line = 0; // 1-based line of the input, 0 when the whole input is at fault
    std::string message;  // one human line, no trailing period
    friend bool operator==(const input_error&, const input_error&) = default;
};

// input_result<T>::value() throws epmdump::error_exception (errc::invalid_argument) with the line
// and "line N: message".
[[noreturn]] void throw_exception_from_error(const input_error& e, const boost::source_location& loc);

template <class T>
using input_result = boost::system::result<T, input_error>;

} // namespace epmdump::exchange
