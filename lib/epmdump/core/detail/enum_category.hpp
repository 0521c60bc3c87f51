#pragma once
// One boost::system error category per error enum: a name ("epmdump.codec") and the enum's own
// to_string() as each code's message, so the category classes are not written once per enum.
#include <boost/system/error_category.hpp>

#include <string>

namespace epmdump::detail {

template <class Errc>
class enum_category final : public boost::system::error_category
{
public:
    explicit constexpr enum_category(const char* name) noexcept : name_(name) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int ev) const override { return std::string(to_string(static_cast<Errc>(ev))); }

private:
    const char* name_;
};

} // namespace epmdump::detail
