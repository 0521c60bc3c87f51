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

std::string_view to_string(probe_purpose p) noexcept
{
    switch (p)
    {
    case probe_purpose::static_port: return "static_port";
    case probe_purpose::registered: return "registered";
    }
    return "static_port";
}

std::string_view to_string(served_state s) noexcept
{
    switch (s)
    {
    case served_state::not_probed: return "not_probed";
    case served_state::served: return "served";
    case served_state::not_served: return "not_served";
    case served_state::unconfirmed: return "unconfirmed";
    }
    return "not_probed";
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
    for (const auto& en : input.enumerations)
        if (en.auth && !out.auth) out.auth = en.auth;
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
    // The port asked (-p, HOST:PORT, SMB's 445) when every listing asked the same one.
    std::uint16_t port = enumerations.empty() || enumerations.front().port == 0 ? 135 : enumerations.front().port;
    for (const auto& en : enumerations)
        if (en.port != enumerations.front().port) port = 135;
    f.remedy = "check that TCP " + std::to_string(port) +
               " is reachable from here (firewall, RestrictRemoteClients), or run rpcdump /S server "
               "on the server and pass the output with --dump";
    f.add_source(evidence_source::mapper);
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
        f.add_source(evidence_source::mapper);
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
    f.add_source(evidence_source::mapper);
    ctx.add(std::move(f));
    ctx.out.outcome = partial ? verdict::incomplete : verdict::not_exchange;
    return false;
}

// What the probes of an interface's registered ports say, all ports together.
served_state served_on(const context& ctx, const interface_info& row, const std::vector<std::uint32_t>& ports)
{
    bool any_probe = false, unsure = false;
    for (auto port : ports)
    {
        const auto* probe = ctx.probe_of(port);
        if (!probe)
        {
            unsure = true; // registered on a port nobody asked
            continue;
        }
        any_probe = true;
        const auto state = judge(*probe, row);
        if (state == served_state::not_served) return state;
        if (state == served_state::unconfirmed) unsure = true;
    }
    if (!any_probe) return served_state::not_probed;
    return unsure ? served_state::unconfirmed : served_state::served;
}

// The table of the profile's interfaces and where the listing has them.
void list_interfaces(const context& ctx, report& out)
{
    for (const auto& row : all_interfaces())
    {
        if (!row.in(out.profile)) continue;
        interface_status st;
        st.row = &row;
        st.tcp_ports = ctx.seen.tcp_ports(row);
        st.registered_elsewhere = st.tcp_ports.empty() && ctx.seen.registered_anywhere(row);
        st.served = served_on(ctx, row, st.tcp_ports);
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
            check_served(ctx);
        }
    }
    list_interfaces(ctx, out);
    if (input.probes)
    {
        out.probed = true;
        out.probes = *input.probes;
        std::stable_sort(out.probes.begin(), out.probes.end(),
                         [](const epm::port_probe& a, const epm::port_probe& b) { return a.port < b.port; });
    }
    std::sort(out.probe_requests.begin(), out.probe_requests.end(),
              [](const probe_request& a, const probe_request& b) { return a.port < b.port; });
    conclude(out);
    return out;
}

std::vector<probe_request> ports_to_probe(const diagnosis_input& input) { return diagnose(input).probe_requests; }

} // namespace epmdump::exchange