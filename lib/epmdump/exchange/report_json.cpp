#include <epmdump/exchange/report_format.hpp>

#include <nlohmann/json.hpp>

namespace epmdump::exchange {

std::string render_json(const report& r)
{
    using json = nlohmann::ordered_json;
    json doc;
    doc["verdict"] = std::string(to_string(r.outcome));
    doc["profile"] = std::string(to_string(r.profile));
    doc["profile_detected"] = r.profile_detected;
    doc["profile_reason"] = r.profile_reason;
    doc["targets"] = r.targets;
    doc["addresses"] = r.addresses;
    doc["listing_complete"] = r.listing_complete;
    doc["partial_listings"] = r.partial_listings;
    doc["entries"] = r.entries;
    doc["tcp_entries"] = r.tcp_entries;
    doc["counts"] = {{"error", r.count(severity::error)},
                     {"warning", r.count(severity::warning)},
                     {"info", r.count(severity::info)}};
    json findings = json::array();
    for (const auto& f : r.findings)
    {
        json ids = json::array();
        for (const auto& id : f.interfaces) ids.push_back(epmdump::to_string(id));
        findings.push_back({{"severity", std::string(to_string(f.level))},
                            {"kind", std::string(to_string(f.kind))},
                            {"title", f.title},
                            {"service", f.service},
                            {"interfaces", ids},
                            {"ports", f.ports},
                            {"evidence", f.evidence},
                            {"cause", f.cause},
                            {"remedy", f.remedy}});
    }
    doc["findings"] = findings;
    json interfaces = json::array();
    for (const auto& st : r.interfaces)
    {
        interfaces.push_back({{"uuid", epmdump::to_string(st.row->id)},
                              {"version", std::to_string(st.row->major) + "." + std::to_string(st.row->minor)},
                              {"label", std::string(st.row->label)},
                              {"service", std::string(find_service(st.row->service)->display_name)},
                              {"required", st.row->required(r.profile)},
                              {"tcp_ports", st.tcp_ports},
                              {"registered_elsewhere", st.registered_elsewhere}});
    }
    doc["interfaces"] = interfaces;
    // Untrusted annotations never reach this document, but keep invalid UTF-8 from throwing.
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace epmdump::exchange
