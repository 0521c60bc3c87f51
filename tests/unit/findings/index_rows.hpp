#pragma once
// The findings interface index against a scan of the tables it indexes.
#include <epmdump/findings/detail/table.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace epmdump::test {

// The rows a table scan finds for id, in the order rows_naming must hand them out: clauses, then
// Exchange rows, each in table order.
inline std::vector<std::pair<bool, std::size_t>> rows_by_scan(const uuid& id)
{
    namespace detail = findings::detail;
    std::vector<std::pair<bool, std::size_t>> out;
    for (std::size_t i = 0; i < detail::clauses().size(); ++i)
        if (detail::clauses()[i].interface == id) out.emplace_back(false, i);
    for (std::size_t i = 0; i < detail::exchange_rows().size(); ++i)
        if (detail::exchange_rows()[i].id == id) out.emplace_back(true, i);
    return out;
}

inline std::vector<std::pair<bool, std::size_t>> rows_by_index(const uuid& id)
{
    std::vector<std::pair<bool, std::size_t>> out;
    for (const auto r : findings::detail::rows_naming(id)) out.emplace_back(r.exchange, r.row);
    return out;
}

} // namespace epmdump::test
