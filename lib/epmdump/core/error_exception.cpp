#include <epmdump/core/error_exception.hpp>

#include <utility>

namespace epmdump {

error_exception::error_exception(boost::system::error_code code, std::string message,
                                 std::optional<std::uint64_t> offset, std::size_t line)
    : boost::system::system_error(code, message), message_(std::move(message)), offset_(offset), line_(line)
{
}

} // namespace epmdump
