#pragma once
// Shared bits of the client tests.
#include "support/scripted_server.hpp"
#include "support/test_files.hpp"

#include <epmdump/client/client.hpp>

#include <string>
#include <string_view>
#include <vector>

// Short timeouts so a wrong test fails fast rather than hanging.
inline epmdump::client::client_options fast_options()
{
    epmdump::client::client_options o;
    o.timeouts.connect = std::chrono::seconds(2);
    o.timeouts.banner = std::chrono::seconds(2);
    o.timeouts.bind = std::chrono::seconds(2);
    o.timeouts.call = std::chrono::seconds(2);
    o.timeouts.host = std::chrono::seconds(10);
    return o;
}

inline std::string describe(const epmdump::client::host_result& r)
{
    return r.error ? std::string(to_string(r.error->code)) + ": " + r.error->message() : std::string("ok");
}
