#include <epmdump/findings/classifier.hpp>
#include <epmdump/epm/entry_view.hpp>
#include <epmdump/findings/detail/table.hpp>

#include <charconv>

namespace epmdump::findings {

namespace {

// What the Exchange profile decision needs to know, one bit each.
enum exchange_bit : std::uint8_t
{
    seen_exchange = 1,  // an interface that is evidence of Exchange
    seen_mta = 2,       // the MTA (2000/2003 only)
    seen_sa = 4,        // the System Attendant
    seen_rfr = 8,       // RFR (DSProxy or Address Book)
    seen_async = 16,    // AsyncEMSMDB
    seen_emsmdb = 32,   // EMSMDB
    emsmdb_ports = 64,  // EMSMDB on more than one TCP port (2010: RPC Client Access and the store)
};

// The version profile, decided in the order epmdump exchange decides it from the mapper alone
// (lib/epmdump/exchange/detail/profile.cpp; the static-port values it also reads are not here).
std::string_view exchange_profile(std::uint8_t bits) noexcept
{
    if (bits & seen_mta) return "2000/2003";
    if (bits & seen_async) return "2010";
    if (bits & emsmdb_ports) return "2010";
    if ((bits & seen_sa) && (bits & seen_rfr)) return "2007";
    if (bits & seen_sa) return "2010";
    if (bits & (seen_emsmdb | seen_async | seen_rfr)) return "2010";
    return "2000/2003";
}

bool reached(detail::where reach, std::string_view protseq) noexcept
{
    switch (reach)
    {
    case detail::where::any: return true;
    case detail::where::tcp: return protseq == "ncacn_ip_tcp";
    case detail::where::remote:
        return protseq == "ncacn_ip_tcp" || protseq == "ncacn_np" || protseq == "ncacn_http" ||
               protseq == "ncadg_ip_udp";
    }
    return false;
}

std::uint16_t port_number(std::string_view text) noexcept
{
    std::uint16_t port = 0;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, port);
    return ec == std::errc{} && p == end ? port : 0;
}

} // namespace

entry_facts facts_of(const epm::endpoint_entry& e) noexcept { return facts_of(epm::view_of(e)); }

entry_facts facts_of(const epm::endpoint_entry_view& e) noexcept
{
    return entry_facts{e.interface.id, e.interface.major, e.interface.minor, e.object,
                       e.annotation, e.where.protseq, e.where.endpoint};
}

void host_classifier::add(const entry_facts& e) noexcept
{
    const auto table = detail::clauses();
    const auto exchange = detail::exchange_rows();
    // A text dump has no version (0.0): it matches any row of the UUID, as epmdump exchange reads it.
    const bool version_known = e.major != 0 || e.minor != 0;
    if (last_rows_ == nullptr || e.interface != last_interface_)
    {
        const auto rows = detail::rows_naming(e.interface);
        last_interface_ = e.interface;
        last_rows_ = rows.data();
        last_row_count_ = rows.size();
    }
    for (const auto named : std::span<const detail::interface_row>(last_rows_, last_row_count_))
    {
        if (!named.exchange)
        {
            const auto& c = table[named.row];
            if (reached(c.reach, e.protseq) && (c.annotation.empty() || c.annotation == e.annotation))
                clauses_.set(named.row);
            continue;
        }
        const auto& row = exchange[named.row];
        if (version_known && row.major != e.major) continue;
        if (row.evidence) exchange_evidence_ |= seen_exchange;
        if (row.service == "mta") exchange_evidence_ |= seen_mta;
        if (row.service == "sa") exchange_evidence_ |= seen_sa;
        if (row.label == "RFR") exchange_evidence_ |= seen_rfr;
        if (row.label == "AsyncEMSMDB") exchange_evidence_ |= seen_async;
        if (row.label == "EMSMDB")
        {
            exchange_evidence_ |= seen_emsmdb;
            const auto port = e.protseq == "ncacn_ip_tcp" ? port_number(e.endpoint) : std::uint16_t{0};
            if (port != 0 && emsmdb_port_ == 0) emsmdb_port_ = port;
            else if (port != 0 && port != emsmdb_port_) exchange_evidence_ |= emsmdb_ports;
        }
    }
}

result host_classifier::classify() const noexcept
{
    result out;
    const auto rows = detail::rule_rows();
    const auto table = detail::clauses();
    for (std::size_t r = 0; r < rows.size(); ++r)
    {
        bool met = false;
        std::string_view detail;
        if (rows[r].how == detail::combine::exchange)
        {
            met = (exchange_evidence_ & seen_exchange) != 0;
            if (met) detail = exchange_profile(exchange_evidence_);
        }
        else
        {
            bool any = false, all = true, some_clause = false;
            for (std::size_t i = 0; i < table.size(); ++i)
            {
                if (table[i].rule_index != r) continue;
                some_clause = true;
                any = any || clauses_.test(i);
                all = all && clauses_.test(i);
            }
            met = some_clause && (rows[r].how == detail::combine::all ? all : any);
        }
        if (!met) continue;
        const rule* what = &all_rules()[r];
        out.items_[out.count_++] = match{what, detail};
        if (what->kind == rule_kind::role) out.roles_ = out.count_;
    }
    return out;
}

result classify(std::span<const epm::endpoint_entry> entries) noexcept
{
    host_classifier c;
    for (const auto& e : entries) c.add(e);
    return c.classify();
}

} // namespace epmdump::findings
