// Every SMB2 decoder (lib/epmdump/smb2) through one target: the header and compound split,
// NEGOTIATE (3.1.1 contexts), SESSION_SETUP, LOGOFF, TREE_CONNECT, CREATE, CLOSE, IOCTL, READ,
// WRITE, ERROR, TRANSFORM_HEADER, the Direct TCP / NetBIOS frame reader and session response.
// Input: a selector byte, then one message (the Direct TCP stream for the frame reader).
// Property: what decodes re-encodes to a message that decodes and re-encodes to the same bytes
// (encoding is a fixed point after one round); compound parts tile the frame; frames cut at any
// point give the same messages.
#include <epmdump/smb2/create.hpp>
#include <epmdump/smb2/error_response.hpp>
#include <epmdump/smb2/framing.hpp>
#include <epmdump/smb2/header.hpp>
#include <epmdump/smb2/ioctl.hpp>
#include <epmdump/smb2/negotiate.hpp>
#include <epmdump/smb2/read_write.hpp>
#include <epmdump/smb2/session_setup.hpp>
#include <epmdump/smb2/transform.hpp>
#include <epmdump/smb2/tree_connect.hpp>

#include "fuzz_support.hpp"

#include <algorithm>

using namespace epmdump;
using namespace epmdump::smb2;

namespace {

// decode(m) -> encode -> decode -> encode: the two encodings are equal.
template <class Decode, class Encode>
void fixed_point(std::span<const std::byte> m, Decode decode, Encode encode)
{
    auto h = decode_header(m);
    auto v = decode(m);
    if (!h || !v) return;
    const std::vector<std::byte> once = encode(*h, *v);
    auto again = decode(std::span<const std::byte>(once));
    EPMDUMP_FUZZ_CHECK(again.has_value());
    const std::vector<std::byte> twice = encode(*h, *again);
    EPMDUMP_FUZZ_CHECK(once == twice);
}

#define EPMDUMP_SMB2_PAIR(name)                                                                  \
    [](std::span<const std::byte> x) { return decode_##name(x); },                               \
        [](const header& h, const auto& v) { return encode_##name(h, v); }

void frames(std::span<const std::byte> stream, bool netbios)
{
    const auto collect = [&](std::size_t step) {
        frame_reader reader(4096, netbios);
        std::vector<std::vector<std::byte>> out;
        for (std::size_t at = 0; at < stream.size(); at += step)
        {
            reader.feed(stream.subspan(at, std::min(step, stream.size() - at)));
            for (;;)
            {
                auto next = reader.next();
                if (!next) return out;
                if (!*next) break;
                out.emplace_back((*next)->begin(), (*next)->end());
            }
        }
        return out;
    };
    const auto whole = collect(stream.size() == 0 ? 1 : stream.size());
    const auto cut = collect(7);
    EPMDUMP_FUZZ_CHECK(whole == cut);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1) return 0;
    const auto selector = data[0];
    const auto m = fuzz::as_bytes(data + 1, size - 1);
    switch (selector % 16)
    {
    case 0:
        if (auto parts = split_compound(m))
        {
            std::size_t at = 0;
            for (const auto& p : *parts)
            {
                EPMDUMP_FUZZ_CHECK(p.offset == at);
                at += p.bytes.size();
            }
            EPMDUMP_FUZZ_CHECK(at == m.size());
        }
        if (auto h = decode_header(m))
        {
            std::vector<std::byte> out;
            append_header(out, *h);
            EPMDUMP_FUZZ_CHECK(std::equal(out.begin(), out.end(), m.begin()));
        }
        break;
    case 1: fixed_point(m, EPMDUMP_SMB2_PAIR(negotiate_request)); break;
    case 2: fixed_point(m, EPMDUMP_SMB2_PAIR(negotiate_response)); break;
    case 3: fixed_point(m, EPMDUMP_SMB2_PAIR(session_setup_request)); break;
    case 4: fixed_point(m, EPMDUMP_SMB2_PAIR(session_setup_response)); break;
    case 5:
        fixed_point(m, EPMDUMP_SMB2_PAIR(tree_connect_request));
        fixed_point(m, EPMDUMP_SMB2_PAIR(tree_connect_response));
        break;
    case 6: fixed_point(m, EPMDUMP_SMB2_PAIR(create_request)); break;
    case 7: fixed_point(m, EPMDUMP_SMB2_PAIR(create_response)); break;
    case 8:
        fixed_point(m, EPMDUMP_SMB2_PAIR(ioctl_request));
        fixed_point(m, EPMDUMP_SMB2_PAIR(ioctl_response));
        break;
    case 9:
        fixed_point(m, EPMDUMP_SMB2_PAIR(read_request));
        fixed_point(m, EPMDUMP_SMB2_PAIR(read_response));
        break;
    case 10:
        fixed_point(m, EPMDUMP_SMB2_PAIR(write_request));
        fixed_point(m, EPMDUMP_SMB2_PAIR(write_response));
        break;
    case 11:
        fixed_point(m, EPMDUMP_SMB2_PAIR(error_response));
        fixed_point(m, EPMDUMP_SMB2_PAIR(close_request));
        fixed_point(m, EPMDUMP_SMB2_PAIR(close_response));
        (void)decode_logoff(m);
        break;
    case 12:
        if (auto t = decode_transform_header(m))
        {
            std::vector<std::byte> out;
            append_transform_header(out, *t);
            out.insert(out.end(), m.begin() + transform_header_size, m.end());
            auto again = decode_transform_header(out);
            EPMDUMP_FUZZ_CHECK(again.has_value());
            EPMDUMP_FUZZ_CHECK(again->signature == t->signature && again->nonce == t->nonce &&
                               again->flags == t->flags && again->session_id == t->session_id);
        }
        break;
    case 13: frames(m, false); break;
    case 14: frames(m, true); break;
    default:
        if (auto r = decode_session_response(m); r && *r) EPMDUMP_FUZZ_CHECK((*r)->size <= m.size());
        break;
    }
    return 0;
}
