#pragma once
// The result of enumerating one endpoint mapper: live, replayed from a capture, or read from a dump.
#include <epmdump/epm/auth_info.hpp>
#include <epmdump/epm/endpoint.hpp>
#include <epmdump/epm/entry_view.hpp>
#include <epmdump/epm/failure_kind.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace epmdump::epm {

enum class enumeration_status : std::uint8_t
{
    ok,         // the server said it was done
    incomplete, // entries were gathered, then something stopped us (reason in error)
    error,      // nothing usable
};

struct enumeration_error
{
    enumeration_error() = default;
    enumeration_error(failure_kind k, std::string m, std::optional<auth_errc> r = std::nullopt)
        : kind(k), message(std::move(m)), reason(r)
    {
    }
    failure_kind kind = failure_kind::unspecified; // its JSON word: to_string(kind)
    std::string message; // one human line
    std::optional<auth_errc> reason; // auth_failed / access_denied: why (JSON error.reason)
    friend bool operator==(const enumeration_error&, const enumeration_error&) = default;
};

// Where a replayed conversation came from.
struct capture_origin
{
    std::string file;
    std::string client;
    std::uint16_t client_port = 0;
    std::string server;
    std::uint16_t server_port = 0;
    double first_timestamp = 0; // seconds since the epoch
    double last_timestamp = 0;
    std::uint64_t frames = 0;
    bool complete = true;       // no gap in either direction
    bool encrypted = false;     // stubs sealed (auth level privacy): nothing decodable
    std::string transport;      // "ncacn_np" for a named pipe over SMB; "" for a TCP conversation
    std::string pipe;           // the named pipe ("\\pipe\\epmapper") when transport is ncacn_np
};

struct enumeration
{
    std::string target;        // as the user gave it, or the capture file
    std::string address;       // the IP we connected to (or the server's in a capture)
    std::uint16_t port = 135;
    std::string transport;     // the one that answered, when the run says ("ncacn_np"; auto): empty is ncacn_ip_tcp
    enumeration_status status = enumeration_status::ok;
    std::optional<enumeration_error> error;
    double elapsed_ms = 0;
    std::vector<endpoint_entry> entries;
    entry_pages pages;                    // replay's fast path: entries after `entries`, kept as response stubs
    std::optional<capture_origin> origin; // set by replay only
    std::optional<auth_info> auth;        // the conversation authenticated (live: as asked; replay: as seen)

    // Records why it stopped, after the entries it gathered: status error when there are none,
    // incomplete otherwise.
    void fail(enumeration_error why)
    {
        status = entry_count() == 0 ? enumeration_status::error : enumeration_status::incomplete;
        error = std::move(why);
    }
    void fail(failure_kind kind, std::string message) { fail(enumeration_error{kind, std::move(message)}); }
    std::size_t entry_count() const noexcept { return entries.size() + pages.size(); }
    // f(const endpoint_entry_view&) for each entry, owned ones first; `decoder` holds the views.
    template <class F>
    void for_each_entry(lookup_view_decoder& decoder, F&& f) const
    {
        for (const auto& e : entries) f(view_of(e));
        pages.for_each(decoder, f);
    }
};

std::string_view to_string(enumeration_status s) noexcept;

} // namespace epmdump::epm
