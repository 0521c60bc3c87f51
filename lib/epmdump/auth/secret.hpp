#pragma once
// Bytes that must not outlive their use: a password, an NT hash, a session key. Cleared (in a
// way the compiler may not drop) when destroyed or replaced; never printed. Move-only.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace epmdump::auth {

class secret
{
public:
    secret() = default;
    explicit secret(std::string_view text) : bytes_(reinterpret_cast<const std::byte*>(text.data()),
                                                   reinterpret_cast<const std::byte*>(text.data()) + text.size()) {}
    explicit secret(std::span<const std::byte> bytes) : bytes_(bytes.begin(), bytes.end()) {}
    secret(secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
    secret& operator=(secret&& other) noexcept
    {
        if (this != &other) { clear(); bytes_ = std::move(other.bytes_); other.bytes_.clear(); }
        return *this;
    }
    secret(const secret&) = delete;
    secret& operator=(const secret&) = delete;
    ~secret() { clear(); }

    bool empty() const noexcept { return bytes_.empty(); }
    std::size_t size() const noexcept { return bytes_.size(); }
    std::span<const std::byte> bytes() const noexcept { return bytes_; }
    std::string_view text() const noexcept
    {
        return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
    }
    // Overwrites the bytes with zeros through a volatile pointer, then forgets them.
    void clear() noexcept
    {
        volatile std::byte* p = bytes_.data();
        for (std::size_t i = 0; i < bytes_.size(); ++i) p[i] = std::byte{0};
        bytes_.clear();
    }

private:
    std::vector<std::byte> bytes_;
};

} // namespace epmdump::auth
