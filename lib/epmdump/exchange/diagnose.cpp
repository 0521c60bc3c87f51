#include <epmdump/exchange/diagnose.hpp>
#include <epmdump/exchange/detail/context.hpp>
#include <epmdump/exchange/detail/observed.hpp>

#include <algorithm>

namespace epmdump::exchange {

using namespace detail;

std::string_view to_string(verdict v) noexcept
{
    switch (v)
    {
    case verdict::healthy: return "healthy";
    case verdict::problems: return "problems";
    case verdict::incomplete: return "incomplete";
    case verdict::not_exchange: return "not_exchange";
    case verdict::unknown: return "unknown";
    }
    return "unknown";
}

std::size_t report::count(severity s) const noexcept
{
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [s](const finding& f) { return f.level == s; }));
}

namespace {

// A named input that cannot be used: checking the rest would answer another question.
finding unreadable_inputs(const diagnosis_input& input)
{
    finding f;
    f.level = severity::error;
    f.kind = finding_kind::could_not_check;
    f.title = "Could not read the inputs";
    f.evidence = join(input.unreadable, "; ");
    f.cause = "an input file is missing, unreadable or not of the kind its option names, or an option value is wrong";
    f.remedy = "fix the input named and run the check again";
    return f;
}

// What the inputs hold, before any check: counts, targets, the profile, the partial listings.
void summarize_inputs(const diagnosis_input& input, const observed& seen, report& out)
{
    out.entries = seen.entries();
    out.tcp_entries = seen.tcp_entries();
    out.addresses = seen.addresses();
    for (const auto& en : input.enumerations)
        if (std::find(out.targets.begin(), out.targets.end(), en.target) == out.targets.end())
            out.targets.push_back(en.target);
    choose_profile(input, seen, out);
    out.listing_complete = std::any_of(input.enumerations.begin(), input.enumerations.end(),
                                       [](const epm::enumeration& e) { return e.status == epm::enumeration_status::ok; });
    for (const auto& en : input.enumerations)
        if (en.status == epm::enumeration_status::incomplete &&
            std::find(out.partial_listings.begin(), out.partial_listings.end(), en.target) == out.partial_listings.end())
            out.partial_listings.push_back(en.target);
}

// False, with the finding that says why, when no enumeration gave anything to check.
bool check_readable(context& ctx)
{
    const auto& enumerations = ctx.input.enumerations;
    const bool any_data = std::any_of(enumerations.begin(), enumerations.end(), [](const epm::enumeration& e) {
        return e.status != epm::enumeration_status::error;
    });
    if (any_data) return true;
    finding f;
    f.level = severity::error;
    f.kind = finding_kind::could_not_check;
    f.title = "Could not read the endpoint mapper";
    std::vector<std::string> why;
    why.reserve(enumerations.size());
    for (const auto& en : enumerations)
        why.push_back(en.target + ": " + (en.error ? en.error->message : std::string("no result")));
    f.evidence = why.empty() ? "no target, capture or dump was given" : join(why, "; ");
    f.cause = "the target is unreachable, the endpoint mapper refused us, or the input is unreadable";
    f.remedy = "check that TCP 135 is reachable from here (firewall, RestrictRemoteClients), or run rpcdump /S server "
               "on the server and pass the output with --dump";
    ctx.add(std::move(f));
    ctx.out.outcome = verdict::unknown;
    return false;
}

// A warning for each listing that stopped early, and why, once per target and cause.
void check_incomplete(context& ctx)
{
    for (const auto& en : ctx.input.enumerations)
    {
        if (en.status != epm::enumeration_status::incomplete) continue;
        finding f;
        f.level = severity::warning;
        f.kind = finding_kind::enumeration_incomplete;
        f.title = "The endpoint mapper listing of " + en.target + " is incomplete";
        f.evidence = en.error ? std::string(epm::to_string(en.error->kind)) + ": " + en.error->message
                              : "enumeration stopped early";
        const auto kind = en.error ? en.error->kind : epm::failure_kind::unspecified;
        f.cause = kind == epm::failure_kind::no_full_listing ? "the capture holds no complete ept_lookup listing, only answers about single interfaces"
                  : kind == epm::failure_kind::cut_dump      ? "the dump file was cut (a killed scan, a copy stopped early)"
                                                             : "the enumeration stopped before the server said it was done";
        f.remedy = "interfaces not in the listing may only be unlisted: check again with a complete listing "
                   "(epmdump exchange HOST, or rpcdump /S HOST > rpcdump.txt and --dump)";
        // Several conversations of one capture stop the same way: say it once.
        const auto& findings = ctx.out.findings;
        const bool said = std::any_of(findings.begin(), findings.end(), [&](const finding& g) {
            return g.kind == f.kind && g.title == f.title && g.evidence == f.evidence;
        });
        if (!said) ctx.add(std::move(f));
    }
}

// False, with the finding and the verdict, when the listing shows no Exchange interface.
bool check_present(context& ctx)
{
    if (exchange_present(ctx.seen)) return true;
    // A partial listing without Exchange interfaces shows nothing either way.
    const bool partial = !ctx.complete_listing;
    finding f;
    f.level = partial ? severity::warning : severity::error;
    f.kind = finding_kind::not_exchange;
    f.title = partial ? "No Exchange interface in the partial listing"
                      : "No Exchange interfaces registered: this host is not an Exchange server (or the endpoint "
                        "mapper is filtered)";
    f.evidence = std::to_string(ctx.seen.entries()) + " endpoint mapper entries read (" +
                 std::to_string(ctx.seen.tcp_entries()) + " on ncacn_ip_tcp); none is an Exchange interface of the catalog";
    f.cause = partial ? "the listing is partial: the host may not be an Exchange server, or its interfaces are unlisted"
                      : "no Exchange service registered with this endpoint mapper, or a firewall or RPC filter hides them";
    f.remedy = partial ? "check again with a complete listing (epmdump exchange HOST, or rpcdump /S HOST > rpcdump.txt "
                         "and --dump)"
                       : "check the target name; on the server run rpcdump /S localhost (or epmdump there) and compare";
    ctx.add(std::move(f));
    ctx.out.outcome = partial ? verdict::incomplete : verdict::not_exchange;
    return false;
}

// The table of the profile's interfaces and where the listing has them.
void list_interfaces(const observed& seen, report& out)
{
    for (const auto& row : all_interfaces())
    {
        if (!row.in(out.profile)) continue;
        interface_status st;
        st.row = &row;
        st.tcp_ports = seen.tcp_ports(row);
        st.registered_elsewhere = st.tcp_ports.empty() && seen.registered_anywhere(row);
        out.interfaces.push_back(std::move(st));
    }
}

// Findings by severity, and the verdict they add up to.
void conclude(report& out)
{
    std::stable_sort(out.findings.begin(), out.findings.end(),
                     [](const finding& a, const finding& b) { return a.level > b.level; });
    // A listing that did not end normally cannot show that nothing is missing: never "healthy".
    if (out.outcome != verdict::unknown && out.outcome != verdict::not_exchange)
        out.outcome = out.count(severity::error)     ? verdict::problems
                      : out.partial_listings.empty() ? verdict::healthy
                                                     : verdict::incomplete;
}

} // namespace

report diagnose(const diagnosis_input& input)
{
    report out;
    if (!input.unreadable.empty())
    {
        out.findings.push_back(unreadable_inputs(input));
        out.outcome = verdict::unknown;
        return out;
    }
    const observed seen(input.enumerations);
    summarize_inputs(input, seen, out);

    context ctx{input, seen, out.profile, effective_ports(input, out), out};
    ctx.complete_listing = out.listing_complete;
    std::vector<const configured_port*> usable;
    for (const auto& c : ctx.ports)
        if (check_value(ctx, c)) usable.push_back(&c);
    check_duplicates(ctx, usable);

    if (check_readable(ctx))
    {
        out.outcome = verdict::healthy; // until an error finding says otherwise
        check_incomplete(ctx);
        if (check_present(ctx))
        {
            for (const auto* c : usable) check_static_port(ctx, *c);
            check_required(ctx);
            check_split(ctx);
            check_answering(ctx);
        }
    }
    list_interfaces(seen, out);
    conclude(out);
    return out;
}

} // namespace epmdump::exchange