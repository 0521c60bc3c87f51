// Decode benchmark: ept_lookup responses of realistic size decoded in a loop.
//
//   bench_decode [--seconds S] [--pcap-dir DIR] [--pcap-mb MB] [--tsv FILE] CAPTURE...
//
// Cases: the largest ept_lookup response of each CAPTURE (a real one), and a synthetic
// 500-entry page (max_ents=500, the most one call returns) built from the first capture's
// entries. Each case is timed two ways, on CPU time of this thread:
//   stub: decode_ept_lookup_response over the joined stub (the NDR and tower decoding alone);
//   wire: the response fragments as received -> pdu_framer -> message_assembler -> decode,
//         with a new framer and assembler per response, as a new connection has.
// With --pcap-dir, each case is also written as a capture (bind, bind_ack, the request and the
// response fragments, repeated in new TCP conversations) for run.sh to hand to tshark and to
// `epmdump replay`: the same bytes, dissected by each.
#include "../support/captured_conversation.hpp"
#include "../support/captured_lookup.hpp"
#include "../support/pcap_writer.hpp"

#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>
#include <epmdump/dcerpc/request.hpp>
#include <epmdump/dcerpc/response.hpp>
#include <epmdump/epm/ept_lookup.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace epmdump;

struct lookup_case
{
    std::string name;
    std::vector<std::byte> stub; // the joined response stub
    ndr::drep rep{};
    std::size_t entries = 0;
    std::vector<std::byte> wire; // the response's fragments, back to back
    // For the capture: bind, bind_ack, request, then the response fragments.
    std::vector<std::vector<std::byte>> client_pdus;
    std::vector<std::vector<std::byte>> server_pdus;
};

double thread_cpu_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string base_name(const std::string& path)
{
    auto s = path.substr(path.find_last_of('/') + 1);
    return s.substr(0, s.find('.'));
}

lookup_case real_case(const std::string& path)
{
    auto l = bench::largest_lookup(bench::read_conversation(path), path);
    lookup_case c;
    c.name = base_name(path);
    c.stub = std::move(l.stub);
    c.rep = l.rep;
    c.entries = l.response.entries.size();
    for (const auto& f : l.fragments) c.wire.insert(c.wire.end(), f.begin(), f.end());
    c.client_pdus = {std::move(l.bind), std::move(l.request)};
    c.server_pdus = {std::move(l.bind_ack)};
    for (auto& f : l.fragments) c.server_pdus.push_back(std::move(f));
    return c;
}

// A full page: `count` entries cycled from a real response, each with its own object UUID
// (Windows registers many objects per interface), fragmented at the real response's size.
lookup_case synthetic_case(const lookup_case& real, std::size_t count)
{
    auto r = epm::decode_ept_lookup_response(real.stub, real.rep);
    epm::ept_lookup_response page;
    page.entry_handle = r->entry_handle;
    page.entry_handle.attributes = 0;
    page.entry_handle.id.data[0] = std::uint8_t{1}; // non-null: more may follow
    for (std::size_t i = 0; i < count; ++i)
    {
        auto e = r->entries[i % r->entries.size()];
        if (i >= r->entries.size())
            for (std::size_t b = 0; b < 4; ++b) e.object.data[15 - b] = static_cast<std::uint8_t>((i + 1) >> (8 * b));
        page.entries.push_back(std::move(e));
    }
    ndr::writer w(real.rep);
    epm::encode_ept_lookup_response(page, w, static_cast<std::uint32_t>(count));
    lookup_case c;
    c.name = "synthetic-" + std::to_string(count);
    c.rep = real.rep;
    c.stub = w.take();
    c.entries = count;
    const auto first = dcerpc::decode_common_header(real.server_pdus[1]);
    dcerpc::response_params rp;
    rp.max_xmit_frag = first->frag_length; // the real server's fragment size (4280 for Samba)
    c.wire = dcerpc::encode_response(first->call_id, rp, c.stub, real.rep);
    c.client_pdus = real.client_pdus;
    c.server_pdus = {real.server_pdus[0]};
    for (std::size_t at = 0; at < c.wire.size();)
    {
        const auto h = dcerpc::decode_common_header(std::span(c.wire).subspan(at));
        c.server_pdus.emplace_back(c.wire.begin() + static_cast<std::ptrdiff_t>(at),
                                   c.wire.begin() + static_cast<std::ptrdiff_t>(at + h->frag_length));
        at += h->frag_length;
    }
    return c;
}

std::size_t decode_stub(const lookup_case& c)
{
    auto r = epm::decode_ept_lookup_response(c.stub, c.rep);
    if (!r) throw std::runtime_error(c.name + ": " + r.error().message());
    return r->entries.size();
}

std::size_t decode_wire(const lookup_case& c)
{
    dcerpc::pdu_framer framer;
    dcerpc::message_assembler assembler;
    if (!framer.feed(c.wire)) throw std::runtime_error(c.name + ": framer");
    for (;;)
    {
        auto f = framer.next();
        if (!f || !*f) throw std::runtime_error(c.name + ": response cut short");
        auto m = assembler.add(**f);
        if (!m) throw std::runtime_error(c.name + ": " + m.error().message());
        if (!*m) continue;
        auto r = epm::decode_ept_lookup_response((*m)->stub, (*m)->first.drep);
        if (!r) throw std::runtime_error(c.name + ": " + r.error().message());
        return r->entries.size();
    }
}

struct timing
{
    std::uint64_t iterations = 0;
    double cpu = 0;  // seconds of this thread's CPU
    double wall = 0;
    double ns_per_response() const { return cpu / static_cast<double>(iterations) * 1e9; }
};

template <class F>
timing run_for(double seconds, const lookup_case& c, F decode)
{
    for (int i = 0; i < 50; ++i) decode(c); // warm caches and the allocator
    timing t;
    const double cpu0 = thread_cpu_seconds();
    const auto wall0 = std::chrono::steady_clock::now();
    std::size_t sink = 0;
    do
    {
        for (int i = 0; i < 16; ++i) sink += decode(c);
        t.iterations += 16;
        t.cpu = thread_cpu_seconds() - cpu0;
    } while (t.cpu < seconds);
    t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    if (sink != t.iterations * c.entries) throw std::runtime_error(c.name + ": entry count changed");
    return t;
}

std::uint64_t write_capture(const lookup_case& c, const std::string& path, std::uint64_t copies)
{
    bench::pcap_writer out(path);
    // bind, bind_ack, request, then every response fragment.
    std::vector<bench::tcp_chunk> chunks{{false, c.client_pdus[0]}, {true, c.server_pdus[0]}, {false, c.client_pdus[1]}};
    for (std::size_t i = 1; i < c.server_pdus.size(); ++i) chunks.push_back({true, c.server_pdus[i]});
    for (std::uint64_t k = 0; k < copies; ++k)
    {
        const auto host = static_cast<std::uint32_t>(k);
        out.conversation(0x0a010000u | (host & 0xffff), static_cast<std::uint16_t>(49152 + k % 16000),
                         0x0a020000u | (host & 0xffff), 135, chunks);
    }
    out.flush();
    return out.bytes();
}

} // namespace

int main(int argc, char** argv)
try
{
    double seconds = 2;
    double pcap_mb = 20;
    std::string pcap_dir, tsv;
    std::vector<std::string> captures;
    for (int i = 1; i < argc; ++i)
    {
        const std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
        else if (a == "--pcap-dir" && i + 1 < argc) pcap_dir = argv[++i];
        else if (a == "--pcap-mb" && i + 1 < argc) pcap_mb = std::stod(argv[++i]);
        else if (a == "--tsv" && i + 1 < argc) tsv = argv[++i];
        else if (!a.empty() && a[0] != '-') captures.push_back(a);
        else
        {
            std::cerr << "usage: bench_decode [--seconds S] [--pcap-dir DIR] [--pcap-mb MB] [--tsv FILE] CAPTURE...\n";
            return 2;
        }
    }
    if (captures.empty()) throw std::runtime_error("no capture given");
    std::vector<lookup_case> cases;
    for (const auto& p : captures) cases.push_back(real_case(p));
    cases.push_back(synthetic_case(cases.front(), 500));

    std::ofstream tsv_out;
    if (!tsv.empty()) tsv_out.open(tsv, std::ios::trunc);
    std::printf("%-46s %7s %8s %8s | %10s %12s %8s | %10s %12s %8s\n", "case", "entries", "stub B", "wire B",
                "stub us", "entries/s", "MB/s", "wire us", "entries/s", "MB/s");
    for (const auto& c : cases)
    {
        const auto s = run_for(seconds, c, decode_stub);
        const auto w = run_for(seconds, c, decode_wire);
        auto per_s = [&](const timing& t, double per_iteration) { return per_iteration * static_cast<double>(t.iterations) / t.cpu; };
        std::printf("%-46s %7zu %8zu %8zu | %10.2f %12.0f %8.1f | %10.2f %12.0f %8.1f\n", c.name.c_str(), c.entries,
                    c.stub.size(), c.wire.size(), s.ns_per_response() / 1000, per_s(s, static_cast<double>(c.entries)),
                    per_s(s, static_cast<double>(c.stub.size())) / 1e6, w.ns_per_response() / 1000,
                    per_s(w, static_cast<double>(c.entries)), per_s(w, static_cast<double>(c.wire.size())) / 1e6);
        std::string pcap;
        std::uint64_t copies = 0;
        if (!pcap_dir.empty())
        {
            copies = std::max<std::uint64_t>(20, static_cast<std::uint64_t>(pcap_mb * 1e6 / static_cast<double>(c.wire.size())));
            pcap = pcap_dir + "/decode-" + c.name + ".pcap";
            write_capture(c, pcap, copies);
            write_capture(c, pcap_dir + "/decode-" + c.name + "-once.pcap", 1);
        }
        if (tsv_out)
            tsv_out << c.name << '\t' << c.entries << '\t' << c.stub.size() << '\t' << c.wire.size() << '\t'
                    << s.ns_per_response() << '\t' << w.ns_per_response() << '\t' << copies << '\t' << pcap << '\n';
    }
    std::printf("(CPU time of the decoding thread; stub MB/s counts stub bytes, wire MB/s the fragments' bytes)\n");
    return 0;
}
catch (const std::exception& e)
{
    std::cerr << "bench_decode: " << e.what() << '\n';
    return 1;
}
