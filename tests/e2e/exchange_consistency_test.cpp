// Every sentence of the text report agrees with the report's own interface table: run the real
// command over every fixture (dumps, captures, .reg files, flags, netstat, profiles) and check
// each claim the prose makes ("X on 1032", "(X) not registered", "no interface of S ...",
// the profile's reason, the verdict) against the table printed below it.
#include "exchange_cli.hpp"
#include "exchange_fixtures.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace epmdump::test;

namespace {

// Labels and services as the catalog names them, longest first so "NSPI Proxy" wins over "NSPI".
const std::vector<std::string> labels = {"Information Store", "AsyncEMSMDB", "STORE ADMIN", "NSPI Proxy", "EMSMDB",
                                         "Cluster",           "Private",     "Public",      "QAdmin",     "NSPI",
                                         "RFR",               "Mta",         "XDS"};
const std::vector<std::string> services = {"Information Store", "System Attendant", "Directory Service Proxy",
                                           "Message Transfer Agent", "RPC Client Access", "Address Book",
                                           "Directory (Exchange 5.5)"};

struct row
{
    std::string service, label, status;
    std::set<std::uint32_t> ports;
    bool optional = false;
    bool registered() const { return !ports.empty() || status.rfind("not on TCP", 0) == 0; }
};

std::string squash(const std::string& s)
{
    std::string out;
    for (char c : s)
    {
        if (c == ' ' || c == '\n')
        {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::set<std::uint32_t> numbers(const std::string& s)
{
    std::set<std::uint32_t> out;
    static const std::regex n(R"(\d+)");
    for (std::sregex_iterator it(s.begin(), s.end(), n), end; it != end; ++it) out.insert(std::stoul(it->str()));
    return out;
}

struct parsed
{
    std::string verdict, profile;
    std::vector<std::string> blocks; // one per finding, lines joined
    std::vector<row> table;
};

parsed parse(const std::string& text)
{
    parsed p;
    std::istringstream in(text);
    std::string line;
    enum { head, findings, table } where = head;
    std::string* last = nullptr;
    static const std::regex uuid_re(R"(  ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(  |$))");
    while (std::getline(in, line))
    {
        if (line.find(" interfaces on ncacn_ip_tcp:") != std::string::npos && line.rfind("Exchange ", 0) == 0)
        {
            where = table;
            continue;
        }
        if (where == table)
        {
            if (line.rfind("   ", 0) == 0 && !p.table.empty()) // a wrapped status
            {
                p.table.back().status = squash(p.table.back().status + " " + line);
            }
            else if (line.rfind("  ", 0) == 0)
            {
                std::smatch m;
                REQUIRE(std::regex_search(line, m, uuid_re));
                row r;
                const auto name = squash(m.prefix().str());
                for (const auto& s : services)
                    if (name.rfind(s + " ", 0) == 0) r.service = s, r.label = name.substr(s.size() + 1);
                REQUIRE_MESSAGE(!r.service.empty(), line);
                r.status = squash(m.suffix().str());
                p.table.push_back(r);
            }
            continue;
        }
        if (line.rfind("[", 0) == 0)
        {
            where = findings;
            p.blocks.push_back(line);
            last = &p.blocks.back();
            continue;
        }
        if (line.empty())
        {
            last = nullptr;
            continue;
        }
        if (where == head)
        {
            if (line.rfind("Verdict: ", 0) == 0) last = &p.verdict;
            else if (line.rfind("Profile: ", 0) == 0) last = &p.profile;
            else if (line[0] != ' ') last = nullptr;
            if (last) *last = squash(*last + " " + line);
            continue;
        }
        if (last) *last = squash(*last + " " + line);
    }
    for (auto& r : p.table)
    {
        r.optional = r.status.find("(optional)") != std::string::npos;
        if (r.status.rfind("port ", 0) == 0) r.ports = numbers(r.status.substr(0, r.status.find(" (")));
    }
    return p;
}

std::vector<const row*> rows_labelled(const parsed& p, const std::string& label, const std::string& service = {})
{
    std::vector<const row*> out;
    for (const auto& r : p.table)
        if (r.label == label && (service.empty() || r.service == service)) out.push_back(&r);
    return out;
}

// Every claim of one report; returns the contradictions found.
std::vector<std::string> contradictions(const std::string& text)
{
    std::vector<std::string> bad;
    const auto p = parse(text);
    if (p.table.empty()) return bad; // unknown / not_exchange: no table to contradict
    const auto said = [&](const std::string& where, const std::string& what) { bad.push_back(what + "  <<  " + where); };

    // "Label on 1032" / "Label on 1031/1033": some row with that label is on those ports.
    static const std::regex on_port(
        R"(\b(Information Store|AsyncEMSMDB|STORE ADMIN|NSPI Proxy|EMSMDB|Cluster|Private|Public|QAdmin|NSPI|RFR|Mta|XDS) on (\d+(?:/\d+)*)(?=[,;) ]|$))");
    std::vector<std::string> sentences = p.blocks;
    sentences.push_back(p.profile);
    for (const auto& s : sentences)
    {
        for (std::sregex_iterator it(s.begin(), s.end(), on_port), end; it != end; ++it)
        {
            const auto rows = rows_labelled(p, (*it)[1]);
            if (rows.empty()) continue; // not of this profile
            for (auto port : numbers((*it)[2]))
                if (std::none_of(rows.begin(), rows.end(), [&](const row* r) { return r->ports.count(port) != 0; }))
                    said(s, (*it)[0].str() + ": the table has no " + (*it)[1].str() + " on " + std::to_string(port));
        }
    }

    static const std::regex missing_title(R"(^\[\w+\] (.+?) \((.+?)\) not (registered|in the partial listing)\b)");
    static const std::regex none_of(R"(none of the \d+ (.+?) interfaces is registered on ncacn_ip_tcp)");
    static const std::regex no_interface_of(R"(no interface of (.+?) is (in the listing|registered))");
    static const std::regex registered_on(R"(; ([A-Za-z/ ]+?) is registered on (no TCP port|port\(s\) [\d, ]+))");
    for (const auto& b : p.blocks)
    {
        std::smatch m;
        if (std::regex_search(b, m, missing_title))
        {
            const std::string service = m[1];
            std::string list = m[2];
            for (char& c : list)
                if (c == '/') c = ',';
            std::istringstream items(list);
            std::string item;
            while (std::getline(items, item, ','))
            {
                item = squash(item);
                if (auto x = item.rfind(" x"); x != std::string::npos) item = item.substr(0, x);
                const auto rows = rows_labelled(p, item, service);
                if (rows.empty()) said(b, "no table row " + service + " " + item);
                for (const auto* r : rows)
                    if (!r->ports.empty()) said(b, service + " " + item + " is on a port in the table");
            }
        }
        if (std::regex_search(b, m, none_of))
            for (const auto& r : p.table)
                if (r.service == m[1].str() && !r.optional && !r.ports.empty())
                    said(b, r.service + " " + r.label + " is on a port in the table");
        for (std::sregex_iterator it(b.begin(), b.end(), no_interface_of), end; it != end; ++it)
        {
            const std::string names = (*it)[1];
            for (const auto& r : p.table)
                if (names.find(r.service) != std::string::npos && !r.ports.empty())
                    said(b, "no interface of " + names + ", but the table has " + r.label + " on a port");
        }
        for (std::sregex_iterator it(b.begin(), b.end(), registered_on), end; it != end; ++it)
        {
            std::string who = (*it)[1];
            std::vector<const row*> rows;
            for (const auto& l : labels)
                if (who.find(l) != std::string::npos)
                    for (const auto* r : rows_labelled(p, l)) rows.push_back(r);
            for (const auto& r : p.table)
                if (who == r.service) rows.push_back(&r);
            if (rows.empty()) continue;
            const std::string where = (*it)[2];
            std::set<std::uint32_t> have;
            for (const auto* r : rows) have.insert(r->ports.begin(), r->ports.end());
            const auto claimed = numbers(where);
            if (where == "no TCP port" ? !have.empty() : !std::includes(have.begin(), have.end(), claimed.begin(), claimed.end()))
                said(b, who + " is registered on " + where + ", but not in the table");
        }
    }

    // The profile's reason: what it calls registered is in the table, what it says is absent is not.
    if (auto reg = p.profile.find(" registered"); reg != std::string::npos)
    {
        const auto before = p.profile.substr(0, reg);
        auto after = p.profile.substr(reg);
        const auto without = after.find("without ");
        after = without == std::string::npos ? "" : after.substr(without, after.find_first_of(",;", without) - without);
        for (const auto& l : labels)
        {
            const std::regex word("\\b" + l + "\\b");
            const auto rows = rows_labelled(p, l);
            if (rows.empty()) continue;
            const bool any = std::any_of(rows.begin(), rows.end(), [](const row* r) { return r->registered(); });
            if (std::regex_search(before, word) && !any) said(p.profile, l + " called registered, not in the table");
            if (std::regex_search(after, word) && any) said(p.profile, l + " called absent, but in the table");
        }
        for (const auto& s : services)
            if (after.find(s) != std::string::npos)
                for (const auto& r : p.table)
                    if (r.service == s && r.registered()) said(p.profile, s + " called absent, but " + r.label + " is in the table");
    }

    // The verdict.
    if (p.verdict.find("HEALTHY") != std::string::npos)
    {
        if (text.find("\n[ERROR]") != std::string::npos) said(p.verdict, "healthy with an error finding");
        if (text.find("partial") != std::string::npos || text.find("incomplete") != std::string::npos)
            said(p.verdict, "healthy from a partial listing");
        if (p.verdict.find("roles present") == std::string::npos)
            for (const auto& r : p.table)
                if (!r.optional && r.ports.empty()) said(p.verdict, "healthy, but " + r.service + " " + r.label + " has no port");
    }
    return bad;
}

std::vector<std::string> listing_inputs()
{
    std::vector<std::string> inputs;
    for (const auto& e : std::filesystem::directory_iterator(exchange_fixture("")))
    {
        const auto name = e.path().filename().string();
        const auto ext = e.path().extension().string();
        if ((ext == ".txt" || ext == ".jsonl") && name.rfind("netstat", 0) != 0 && name.rfind("ss-", 0) != 0)
            inputs.push_back("--dump " + e.path().string());
    }
    for (const auto& e : std::filesystem::directory_iterator(project_pcap("").parent_path()))
    {
        const auto ext = e.path().extension().string();
        if (ext == ".pcap" || ext == ".pcapng") inputs.push_back("--pcap " + e.path().string());
    }
    std::sort(inputs.begin(), inputs.end());
    return inputs;
}

} // namespace

TEST_CASE("the checker of report sentences finds the contradictions of issue 12's partial capture report")
{
    // The report epmdump 0.1.0 printed for the Outlook capture, table cut to the rows it contradicts.
    const std::string old_report =
        "Verdict: HEALTHY (2 warnings): every required Exchange interface is registered on ncacn_ip_tcp\n"
        "Checked: x.pcap - 3 entries, 2 on ncacn_ip_tcp (192.168.0.2)\n"
        "Profile: Exchange 2010 (detected: EMSMDB/RFR are registered without a System Attendant, as by 2010 Client "
        "Access services)\n"
        "\n"
        "[WARNING] The endpoint mapper listing of x.pcap is incomplete\n"
        "    Evidence:   no_full_listing\n"
        "\n"
        "[INFO] No Client Access role services registered (RPC Client Access)\n"
        "    Evidence:   no interface of RPC Client Access is registered, and no static port is configured for them\n"
        "\n"
        "Exchange 2010 interfaces on ncacn_ip_tcp:\n"
        "  RPC Client Access EMSMDB             a4f1db00-ca47-1067-b31f-00dd010662da  port 1032\n"
        "  RPC Client Access AsyncEMSMDB        5261574a-4572-206e-b268-6b199213b4e4  not registered\n"
        "  Address Book NSPI                    f5cc5a18-4264-101a-8c59-08002b2f8426  port 4997\n"
        "  Address Book RFR                     1544f5e0-613c-11d1-93df-00c04fd7bd09  not registered\n";
    const auto bad = contradictions(old_report);
    CAPTURE(bad.size());
    const auto has = [&](const std::string& what) {
        return std::any_of(bad.begin(), bad.end(), [&](const std::string& b) { return b.find(what) != std::string::npos; });
    };
    CHECK(has("RFR called registered"));
    CHECK(has("no interface of RPC Client Access"));
    CHECK(has("healthy from a partial listing"));
    CHECK(has("healthy, but Address Book RFR has no port"));
}

namespace {

// Every listing input under every setting, with one version profile: a case per profile, so
// ctest -j2 shares the ~600 runs of epmdump between the cores (60 s under Wine, 50 s under ASan).
void check_every_report(const std::string& profile)
{
    const std::vector<std::string> settings = {
        "",
        "--registry " + fixture("exchange2003-static-ports.reg"),
        "--registry " + fixture("exchange2003-static-ports-regedit4.reg"),
        "--registry " + fixture("exchange2010-cas-regedit4.reg"),
        "--static-port rfr=3518 --static-port nspi=1032",
        "--registry " + fixture("exchange2003-static-ports.reg") + " --netstat " + fixture("netstat-ano-windows.txt"),
        "--netstat " + fixture("netstat-an-windows.txt"),
    };
    // The sealed or refused authenticated captures (pcaps/*-auth-*) and the SMB 3 encrypted one
    // (pcaps/*-encrypted*) give no table: their reports are checked too, but the share of
    // reports with a table is counted without them.
    std::size_t reports = 0, tables = 0, plain_reports = 0;
    for (const auto& input : listing_inputs())
        for (const auto& setting : settings)
        {
            const auto args = input + " " + setting + " " + profile;
            CAPTURE(args);
            const auto r = run(args);
            REQUIRE(r.exit_code >= 0);
            ++reports;
            const bool plain = input.find("-auth-") == std::string::npos && input.find("-encrypted") == std::string::npos;
            if (plain) ++plain_reports;
            if (plain && r.out.find(" interfaces on ncacn_ip_tcp:\n") != std::string::npos) ++tables;
            const auto bad = contradictions(r.out);
            for (const auto& b : bad) FAIL_CHECK(b);
            if (!bad.empty()) MESSAGE(r.out);
        }
    CHECK(reports >= 8 * settings.size()); // 2 KB dumps and 6 captures at least
    // Not a share of the reports: it fell with every capture without Exchange added to pcaps/.
    // The inputs that list Exchange (at least three) give a table under every setting and profile.
    CHECK(plain_reports > 0);
    CHECK(tables >= 3 * settings.size());
}

} // namespace

TEST_CASE("every sentence of the text report agrees with its own table, for every fixture and setting")
{
    check_every_report("");
}

TEST_CASE("every sentence of the text report agrees with its own table, for every fixture and setting, profile 2000")
{
    check_every_report("--version-profile 2000");
}

TEST_CASE("every sentence of the text report agrees with its own table, for every fixture and setting, profile 2007")
{
    check_every_report("--version-profile 2007");
}

TEST_CASE("every sentence of the text report agrees with its own table, for every fixture and setting, profile 2010")
{
    check_every_report("--version-profile 2010");
}
