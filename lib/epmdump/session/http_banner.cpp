#include <epmdump/session/http_banner.hpp>

namespace epmdump::client {

http_banner_reader::state http_banner_reader::feed(std::span<const std::byte> in, std::size_t& consumed) noexcept
{
    consumed = 0;
    while (state_ == state::need_more && consumed < in.size())
    {
        const char c = static_cast<char>(in[consumed]);
        ++consumed;
        got_[got_size_] = c;
        if (c != ncacn_http_banner[got_size_++])
            state_ = state::mismatch;
        else if (got_size_ == ncacn_http_banner.size())
            state_ = state::done;
    }
    return state_;
}

} // namespace epmdump::client
