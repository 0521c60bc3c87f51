#pragma once
// The SMB2 messages of one captured TCP connection (captures/README.md says how each was made):
// each direction's payload, cut by the Direct TCP framing into messages.
#include "support/test_files.hpp"

#include <epmdump/smb2/framing.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace epmdump::test {

struct smb2_stream
{
    std::vector<std::byte> client_bytes;
    std::vector<std::byte> server_bytes;
    std::vector<std::vector<std::byte>> client; // whole messages, framing removed
    std::vector<std::vector<std::byte>> server;
};

inline std::vector<std::vector<std::byte>> split_frames(std::span<const std::byte> bytes)
{
    smb2::frame_reader reader(smb2::hard_max_message);
    reader.feed(bytes);
    std::vector<std::vector<std::byte>> out;
    for (;;)
    {
        auto next = reader.next();
        if (!next || !*next) break;
        out.emplace_back((*next)->begin(), (*next)->end());
    }
    return out;
}

inline smb2_stream load_smb2_stream(const std::string& name)
{
    smb2_stream s;
    const auto base = source_dir() / "tests/unit/smb2/captures" / name;
    s.client_bytes = read_file(base.string() + ".client");
    s.server_bytes = read_file(base.string() + ".server");
    s.client = split_frames(s.client_bytes);
    s.server = split_frames(s.server_bytes);
    return s;
}

} // namespace epmdump::test
