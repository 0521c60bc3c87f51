// Builds a large classic pcap from real captures for the replay benchmark: every source
// record is repeated once per copy, with IPv4 addresses and the ports >= 1024 rewritten per
// copy (the same bijection in both directions), so each copy's conversations are new ones.
//
//   make_big_capture OUT.pcap MIN_MEGABYTES SOURCE.pcap...
#include <epmdump/capture/capture_file.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct record
{
    std::vector<unsigned char> data;
};

void put32(std::ofstream& out, std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); } // host order, as the magic says

std::uint16_t rd16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
void wr16(unsigned char* p, unsigned v) { p[0] = static_cast<unsigned char>(v >> 8), p[1] = static_cast<unsigned char>(v); }

// A bijection on [1024, 65536) that differs per copy; well-known ports stay put.
unsigned rewrite_port(unsigned port, std::uint32_t copy)
{
    if (port < 1024) return port;
    return 1024 + (port - 1024 + copy * 7919u) % (65536 - 1024);
}

// Ethernet (optionally one VLAN tag) + IPv4 + TCP only; anything else is copied unchanged.
void rewrite(std::vector<unsigned char>& f, std::uint32_t copy)
{
    std::size_t at = 12;
    if (f.size() < 14) return;
    unsigned type = rd16(&f[at]);
    if (type == 0x8100 && f.size() >= 18) at += 4, type = rd16(&f[at]);
    at += 2;
    if (type != 0x0800 || f.size() < at + 20) return;
    unsigned char* ip = &f[at];
    const std::size_t ihl = (ip[0] & 0x0f) * 4u;
    // Copy number in the middle octets of both addresses: distinct hosts per copy.
    for (unsigned char* a : {ip + 12, ip + 16}) a[1] = static_cast<unsigned char>(copy >> 8), a[2] = static_cast<unsigned char>(copy);
    if (ip[9] != 6 || f.size() < at + ihl + 4) return;
    unsigned char* tcp = ip + ihl;
    wr16(tcp, rewrite_port(rd16(tcp), copy));
    wr16(tcp + 2, rewrite_port(rd16(tcp + 2), copy));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4)
    {
        std::cerr << "usage: make_big_capture OUT.pcap MIN_MEGABYTES SOURCE.pcap...\n";
        return 2;
    }
    const std::uint64_t min_bytes = std::stoull(argv[2]) * 1000 * 1000;
    std::vector<record> records;
    for (int i = 3; i < argc; ++i)
    {
        auto f = epmdump::capture::capture_file::open(argv[i]);
        if (!f || f->link_type() != 1)
        {
            std::cerr << argv[i] << ": not an Ethernet capture\n";
            return 1;
        }
        while (auto r = f->next())
        {
            if (!*r) break;
            const auto* p = reinterpret_cast<const unsigned char*>((*r)->data.data());
            records.push_back({std::vector<unsigned char>(p, p + (*r)->data.size())});
        }
    }
    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
    put32(out, 0xa1b2c3d4), put32(out, 0x00040002), put32(out, 0), put32(out, 0), put32(out, 262144), put32(out, 1);
    std::uint64_t written = 24, frames = 0;
    std::uint32_t copy = 0;
    std::vector<unsigned char> buf;
    for (; written < min_bytes && copy < 65536; ++copy)
        for (const record& r : records)
        {
            buf = r.data;
            rewrite(buf, copy);
            // 100 µs apart from 2024-01-01: time only moves forward.
            const std::uint64_t us = 1704067200ull * 1000000 + frames * 100;
            put32(out, static_cast<std::uint32_t>(us / 1000000)), put32(out, static_cast<std::uint32_t>(us % 1000000));
            put32(out, static_cast<std::uint32_t>(buf.size())), put32(out, static_cast<std::uint32_t>(buf.size()));
            out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
            written += 16 + buf.size();
            ++frames;
        }
    std::cout << argv[1] << ": " << copy << " copies, " << frames << " frames, " << written << " bytes\n";
    return out ? 0 : 1;
}
