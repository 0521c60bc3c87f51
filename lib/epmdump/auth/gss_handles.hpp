#pragma once
// Owners of GSS-API objects: each released exactly once, whatever path a call takes.
#include <gssapi/gssapi.h>

#include <cstddef>
#include <span>
#include <utility>

namespace epmdump::auth {

// A buffer GSS-API allocated (an output token, a status text): released, and so freed, on scope exit.
class gss_output_buffer
{
public:
    gss_output_buffer() = default;
    gss_output_buffer(const gss_output_buffer&) = delete;
    gss_output_buffer& operator=(const gss_output_buffer&) = delete;
    ~gss_output_buffer()
    {
        OM_uint32 minor = 0;
        gss_release_buffer(&minor, &buffer_);
    }
    gss_buffer_t get() noexcept { return &buffer_; }
    std::span<const std::byte> bytes() const noexcept
    {
        return {static_cast<const std::byte*>(buffer_.value), buffer_.length};
    }

private:
    gss_buffer_desc buffer_{0, nullptr};
};

// A name or credential handle, released once (move-only).
template <typename Handle, OM_uint32 (*Release)(OM_uint32*, Handle*)>
class gss_handle
{
public:
    gss_handle() = default;
    gss_handle(const gss_handle&) = delete;
    gss_handle& operator=(const gss_handle&) = delete;
    gss_handle(gss_handle&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
    gss_handle& operator=(gss_handle&& o) noexcept
    {
        if (this != &o) { release(); handle_ = std::exchange(o.handle_, nullptr); }
        return *this;
    }
    ~gss_handle() { release(); }
    Handle get() const noexcept { return handle_; }
    Handle* out() noexcept { return &handle_; }

private:
    void release() noexcept
    {
        OM_uint32 minor = 0;
        if (handle_ != nullptr) Release(&minor, &handle_);
        handle_ = nullptr;
    }
    Handle handle_ = nullptr;
};

using gss_name = gss_handle<gss_name_t, gss_release_name>;
using gss_cred = gss_handle<gss_cred_id_t, gss_release_cred>;

} // namespace epmdump::auth
