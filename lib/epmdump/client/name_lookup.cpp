#include <epmdump/client/detail/name_lookup.hpp>

#include <boost/asio/io_context.hpp>

#include <exception>
#include <system_error>
#include <thread>

namespace epmdump::client::detail {

namespace asio = boost::asio;

std::shared_ptr<name_lookup> name_lookup::start(const std::string& host, std::uint16_t port)
{
    auto lookup = std::make_shared<name_lookup>();
    try
    {
        std::thread([lookup, host, service = std::to_string(port)] {
            lookup_answer a;
            try
            {
                // A private io_context: a synchronous resolve never runs it, and the caller's may
                // be gone by the time getaddrinfo returns.
                asio::io_context ctx;
                asio::ip::tcp::resolver resolver(ctx);
                const auto results = resolver.resolve(host, service, asio::ip::tcp::resolver::numeric_service, a.error);
                for (const auto& r : results) a.endpoints.push_back(r.endpoint());
            }
            catch (const std::exception&)
            {
                a.error = asio::error::no_memory;
            }
            lookup->finish(std::move(a));
        }).detach();
    }
    catch (const std::system_error&)
    {
        lookup->finish({asio::error::no_memory, {}}); // no thread to be had
    }
    return lookup;
}

std::optional<lookup_answer> name_lookup::answer() const
{
    std::lock_guard lock(mutex_);
    return answer_;
}

void name_lookup::finish(lookup_answer a)
{
    std::lock_guard lock(mutex_);
    answer_ = std::move(a);
}

} // namespace epmdump::client::detail
