#pragma once
// names::find_interface with the last answer kept: a mapper lists an interface's registrations
// one after another (213 of the Windows 10 listing's 345 neighbours share one), so the writers
// skip most of the lookups (6% of a JSON replay).
#include <epmdump/names/interface_names.hpp>

namespace epmdump::output {

class interface_memo
{
public:
    const names::interface_info* find(const uuid& id, std::uint16_t major) noexcept
    {
        if (!known_ || id != id_ || major != major_)
        {
            info_ = names::find_interface(id, major);
            id_ = id;
            major_ = major;
            known_ = true;
        }
        return info_;
    }

private:
    uuid id_{};
    std::uint16_t major_ = 0;
    bool known_ = false;
    const names::interface_info* info_ = nullptr;
};

} // namespace epmdump::output
