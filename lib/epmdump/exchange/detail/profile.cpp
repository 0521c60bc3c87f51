// Which Exchange version the registrations (or the configured values) point to, and why.
#include <epmdump/exchange/detail/context.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

namespace epmdump::exchange::detail {

namespace {

bool service_seen(const observed& seen, std::string_view service)
{
    for (const auto& row : all_interfaces())
        if (row.service == service && seen.registered_anywhere(row)) return true;
    return false;
}

bool uuid_seen(const observed& seen, std::string_view service, std::string_view label)
{
    for (const auto& row : all_interfaces())
        if (row.service == service && row.label == label && seen.registered_anywhere(row)) return true;
    return false;
}

// The labels of the service's interfaces the listing holds, as the reason names them.
std::vector<std::string> seen_labels(const observed& seen, std::string_view service,
                                     std::initializer_list<std::string_view> only = {})
{
    std::vector<std::string> labels;
    for (const auto& row : all_interfaces())
    {
        if (row.service != service || !seen.registered_anywhere(row)) continue;
        if (only.size() && std::find(only.begin(), only.end(), row.label) == only.end()) continue;
        if (std::find(labels.begin(), labels.end(), row.label) == labels.end()) labels.emplace_back(row.label);
    }
    return labels;
}

// "Mta and QAdmin are", "EMSMDB is".
std::string are(const std::vector<std::string>& labels)
{
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i)
        out += (i == 0 ? "" : i + 1 == labels.size() ? " and " : ", ") + labels[i];
    return out + (labels.size() > 1 ? " are" : " is");
}

std::size_t emsmdb_ports(const observed& seen)
{
    for (const auto& row : all_interfaces())
        if (row.label == "EMSMDB") return seen.tcp_ports(row).size();
    return 0;
}

// What the registrations (or the configured values) point to, and why.
void detect(const diagnosis_input& input, const observed& seen, report& out)
{
    const bool mta = service_seen(seen, "mta");
    const bool sa = service_seen(seen, "sa");
    const bool rfr = uuid_seen(seen, "dsproxy", "RFR");
    const bool client_access =
        uuid_seen(seen, "rpc", "EMSMDB") || uuid_seen(seen, "rpc", "AsyncEMSMDB") || rfr;
    const auto configured = [&](std::string_view id) {
        return std::any_of(input.static_ports.begin(), input.static_ports.end(),
                           [id](const configured_port& c) { return c.setting && c.setting->id == id; });
    };
    if (mta)
    {
        out.profile = exchange_version::e2000;
        out.profile_reason = are(seen_labels(seen, "mta")) + " registered (the MTA); Exchange 2007 dropped the MTA";
    }
    else if (configured("rpc") || configured("ab"))
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "static ports are configured for MSExchangeRPC / MSExchangeAB, 2010 services";
    }
    else if (configured("mta"))
    {
        out.profile = exchange_version::e2000;
        out.profile_reason = "a static port is configured for the MTA, which only 2000/2003 have";
    }
    else if (uuid_seen(seen, "rpc", "AsyncEMSMDB"))
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "AsyncEMSMDB is registered without an MTA; for a 2007 server that has it, give "
                             "--version-profile 2007";
    }
    else if (emsmdb_ports(seen) > 1)
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "EMSMDB is registered on several ports; on 2010 RPC Client Access and the store both register it";
    }
    else if (sa && rfr)
    {
        out.profile = exchange_version::e2007;
        auto labels = seen_labels(seen, "sa");
        labels.emplace_back("RFR");
        out.profile_reason = "System Attendant " + are(labels) + " registered without an MTA";
    }
    else if (sa)
    {
        out.profile = exchange_version::e2010;
        out.profile_reason = "System Attendant " + are(seen_labels(seen, "sa")) +
                             " registered without RFR or an MTA, as on a 2010 Mailbox server";
    }
    else if (client_access)
    {
        out.profile = exchange_version::e2010;
        // Name only what the listing holds (a capture of Outlook's ept_map calls has EMSMDB alone).
        auto labels = seen_labels(seen, "rpc", {"EMSMDB", "AsyncEMSMDB"});
        if (rfr) labels.emplace_back("RFR");
        out.profile_reason = are(labels) + " registered without a System Attendant, as by 2010 Client Access services";
    }
    else
    {
        out.profile = exchange_version::e2000;
        out.profile_reason = "nothing registered tells the versions apart; assuming 2000/2003 as KB 926210 does";
    }
}

} // namespace

void choose_profile(const diagnosis_input& input, const observed& seen, report& out)
{
    if (!input.profile)
    {
        out.profile_detected = true;
        detect(input, seen, out);
        return;
    }
    out.profile = *input.profile;
    out.profile_reason = "given with --version-profile";
    // Interfaces the listing holds that the given version does not register at all: say so,
    // since every finding below is judged against the given version.
    std::vector<std::string> foreign;
    for (const auto& row : all_interfaces())
    {
        if (!row.evidence_of_exchange || !seen.registered_anywhere(row)) continue;
        const auto same = find_rows(row.id);
        if (std::any_of(same.begin(), same.end(), [&](const interface_info* r) { return r->in(out.profile); })) continue;
        const auto ports = seen.tcp_ports(row);
        std::string text = std::string(row.label) + (ports.empty() ? " (not on TCP)" : " on " + join(ports, "/"));
        if (std::find(foreign.begin(), foreign.end(), text) == foreign.end()) foreign.push_back(text);
    }
    if (foreign.empty()) return;
    report detected;
    detect(input, seen, detected);
    finding f;
    f.level = severity::warning;
    f.kind = finding_kind::profile_contradicted;
    const std::string given(to_string(out.profile));
    f.title = "--version-profile " + given + " was given, but the listing holds interfaces Exchange " + given +
              " does not register";
    f.evidence = join(foreign, ", ") + "; from the listing alone the profile would be Exchange " +
                 std::string(to_string(detected.profile)) + " (" + detected.profile_reason + ")";
    f.cause = "the version given is not this server's, or the listing covers several servers";
    f.remedy = "check the server's Exchange version and rerun with it (or with --version-profile auto); the findings "
               "here are judged against Exchange " + given;
    f.sources = {evidence_source::mapper, evidence_source::command_line};
    out.findings.push_back(std::move(f));
}

} // namespace epmdump::exchange::detail
