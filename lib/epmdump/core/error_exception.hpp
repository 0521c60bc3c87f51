#pragma once
// The one exception type the library throws. result<T>::value() of each error type (codec_error,
// client failure, capture_error, output::read_error, exchange::input_error) throws it with what
// that error said: a categorised code, where in the input, and the error's own message. It is a
// boost::system::system_error (and so a std::runtime_error) whose what() is that message.
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace epmdump {

class error_exception : public boost::system::system_error
{
public:
    // offset: bytes from the start of the input; line: 1-based line of a text input (0: none).
    error_exception(boost::system::error_code code, std::string message, std::optional<std::uint64_t> offset = {},
                    std::size_t line = 0);

    const char* what() const noexcept override { return message_.c_str(); }
    const std::string& message() const noexcept { return message_; }
    std::optional<std::uint64_t> offset() const noexcept { return offset_; }
    std::size_t line() const noexcept { return line_; }

private:
    std::string message_;
    std::optional<std::uint64_t> offset_;
    std::size_t line_ = 0;
};

} // namespace epmdump
