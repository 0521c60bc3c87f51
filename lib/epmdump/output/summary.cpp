#include <epmdump/output/summary.hpp>

#include <epmdump/output/format.hpp>
#include <epmdump/output/sanitize.hpp>

#include <array>

namespace epmdump::output {

namespace {

// Position of a matched rule in the table (results point into all_rules()).
std::size_t rule_index(const findings::match& m) noexcept
{
    return static_cast<std::size_t>(m.what - findings::all_rules().data());
}

void append_match_words(std::string& out, std::span<const findings::match> matches, bool severities)
{
    if (matches.empty())
    {
        out += '-';
        return;
    }
    for (std::size_t i = 0; i < matches.size(); ++i)
    {
        if (i > 0) out += ',';
        out += matches[i].what->id;
        const auto qualifier = severities ? findings::to_string(matches[i].what->level) : matches[i].detail;
        if (qualifier.empty()) continue;
        out += '(';
        out += qualifier;
        out += ')';
    }
}

} // namespace

void append_summary_line(std::string& out, const epm::enumeration& e, const findings::result& r,
                         const format_options& options)
{
    // Before a name resolved (or with none in a capture) the target is all there is to show.
    append_sanitized(out, e.address.empty() ? e.target : e.address);
    if (e.port != 135)
    {
        out += " port=";
        out += std::to_string(e.port);
    }
    out += ' ';
    out += epm::to_string(e.status);
    if (e.error)
    {
        out += '(';
        out += epm::to_string(e.error->kind);
        out += ')';
    }
    std::size_t endpoints = 0;
    epm::lookup_view_decoder decoder;
    e.for_each_entry(decoder, [&](const epm::endpoint_entry_view& entry) {
        if (options.filter.matches(entry)) ++endpoints;
    });
    out += " endpoints=";
    out += std::to_string(endpoints);
    out += " roles=";
    append_match_words(out, r.roles(), false);
    out += " findings=";
    append_match_words(out, r.findings(), true);
    out += '\n';
}

void summary_totals::add(const epm::enumeration& e, const findings::result& r)
{
    ++enumerations_;
    auto& h = hosts_[e.address.empty() ? e.target : e.address];
    // The enum is ordered best first: ok, incomplete, error.
    if (e.status < h.best) h.best = e.status;
    for (const auto& m : r.roles()) h.rules.set(rule_index(m));
    for (const auto& m : r.findings()) h.rules.set(rule_index(m));
}

void summary_totals::append_block(std::string& out) const
{
    std::size_t ok = 0, incomplete = 0, failed = 0;
    std::array<std::size_t, findings::max_rules> per_rule{};
    for (const auto& [name, h] : hosts_)
    {
        switch (h.best)
        {
        case epm::enumeration_status::ok: ++ok; break;
        case epm::enumeration_status::incomplete: ++incomplete; break;
        case epm::enumeration_status::error: ++failed; break;
        }
        for (std::size_t i = 0; i < per_rule.size(); ++i) per_rule[i] += h.rules[i] ? 1 : 0;
    }
    out += "# totals: hosts=" + std::to_string(hosts_.size()) + " answered=" + std::to_string(ok) +
           " incomplete=" + std::to_string(incomplete) + " failed=" + std::to_string(failed) +
           " enumerations=" + std::to_string(enumerations_) + '\n';
    const auto rules = findings::all_rules();
    for (std::size_t i = 0; i < rules.size(); ++i)
    {
        if (per_rule[i] == 0) continue;
        const auto& rule = rules[i];
        out += "# ";
        out += rule.kind == findings::rule_kind::role ? "role " : "finding ";
        out += rule.id;
        out += " (";
        if (rule.kind == findings::rule_kind::exposure)
        {
            out += findings::to_string(rule.level);
            out += ", ";
        }
        out += rule.name;
        out += "): " + std::to_string(per_rule[i]) + '\n';
    }
}

} // namespace epmdump::output
