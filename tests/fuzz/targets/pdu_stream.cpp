// The connection-oriented stream: common header, pdu_framer, message_assembler, decode_pdu.
// Input: 2 option bytes, then stream bytes (a whole TCP direction in the seeds).
// Properties:
//  - framing is independent of how the stream is cut: feeding it whole and feeding it in
//    pseudo-random chunks (half through feed(), half through prepare()/commit()) yields the
//    same frames, then the same error or the same leftover;
//  - every frame is exactly frag_length bytes, frames tile the stream, and its header
//    re-encodes to a header that decodes to the same value;
//  - the assembler never returns a stub larger than its cap.
#include <epmdump/dcerpc/any_pdu.hpp>
#include <epmdump/dcerpc/common_header.hpp>
#include <epmdump/dcerpc/message_assembler.hpp>
#include <epmdump/dcerpc/pdu_framer.hpp>

#include "fuzz_support.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

using namespace epmdump;
using namespace epmdump::dcerpc;

namespace {

struct framed
{
    std::vector<std::vector<std::byte>> frames;
    std::vector<std::uint64_t> offsets;
    std::optional<codec_error> error;
    std::size_t leftover = 0;
};

void drain(pdu_framer& f, framed& out)
{
    while (!out.error)
    {
        auto n = f.next();
        if (!n)
        {
            out.error = n.error();
            EPMDUMP_FUZZ_CHECK(f.failed());
            return;
        }
        if (!*n) return;
        const pdu_frame& frame = **n;
        out.frames.emplace_back(frame.bytes.begin(), frame.bytes.end());
        out.offsets.push_back(frame.stream_offset);
    }
}

void check_header_round_trip(const common_header& h)
{
    ndr::writer w(h.drep);
    encode_common_header(w, h);
    auto again = decode_common_header(w.buffer());
    EPMDUMP_FUZZ_CHECK(again.has_value());
    EPMDUMP_FUZZ_CHECK(*again == h);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::input_reader in(fuzz::as_bytes(data, size));
    const std::uint8_t options = in.u8();
    std::uint32_t rng = 0x9e3779b9u ^ in.u8();
    const auto stream = in.rest();

    framer_limits limits;
    // Half of the runs with a small max_frag_length, to reach the limit_exceeded path.
    if (options & 0x01) limits.max_frag_length = must_recv_frag_size + (options >> 1) * 64u;

    // Whole.
    pdu_framer whole(limits);
    framed a;
    if (auto r = whole.feed(stream); !r) a.error = r.error();
    drain(whole, a);
    if (!a.error) a.leftover = whole.buffered();

    // Chunked, draining after every chunk, as a socket client does.
    pdu_framer chunked(limits);
    framed b;
    std::size_t at = 0;
    bool use_prepare = false;
    while (at < stream.size() && !b.error)
    {
        rng = rng * 1103515245u + 12345u;
        const std::size_t n = std::min<std::size_t>(stream.size() - at, 1 + (rng >> 16) % 97);
        if (use_prepare)
        {
            auto room = chunked.prepare(n);
            const std::size_t k = std::min(room.size(), n);
            std::memcpy(room.data(), stream.data() + at, k);
            if (auto r = chunked.commit(k); !r) b.error = r.error();
            at += k;
        }
        else
        {
            if (auto r = chunked.feed(stream.subspan(at, n)); !r) b.error = r.error();
            at += n;
        }
        use_prepare = !use_prepare;
        drain(chunked, b);
    }
    if (!b.error) b.leftover = chunked.buffered();

    EPMDUMP_FUZZ_CHECK(a.frames == b.frames);
    EPMDUMP_FUZZ_CHECK(a.offsets == b.offsets);
    EPMDUMP_FUZZ_CHECK(a.error.has_value() == b.error.has_value());
    if (a.error) EPMDUMP_FUZZ_CHECK(a.error->code == b.error->code && a.error->offset == b.error->offset);
    EPMDUMP_FUZZ_CHECK(a.leftover == b.leftover);

    // Frames tile the stream from offset 0.
    std::uint64_t expect = 0;
    message_assembler assembler(64 * 1024);
    for (std::size_t i = 0; i < a.frames.size(); ++i)
    {
        const auto& bytes = a.frames[i];
        EPMDUMP_FUZZ_CHECK(a.offsets[i] == expect);
        EPMDUMP_FUZZ_CHECK(std::equal(bytes.begin(), bytes.end(), stream.begin() + static_cast<std::ptrdiff_t>(expect)));
        expect += bytes.size();
        auto h = decode_common_header(bytes);
        EPMDUMP_FUZZ_CHECK(h.has_value());
        EPMDUMP_FUZZ_CHECK(h->frag_length == bytes.size());
        EPMDUMP_FUZZ_CHECK(h->frag_length <= limits.max_frag_length);
        check_header_round_trip(*h);

        (void)decode_pdu(bytes);
        auto m = assembler.add(pdu_frame{*h, bytes, a.offsets[i]});
        if (m && *m)
        {
            EPMDUMP_FUZZ_CHECK((*m)->stub.size() <= assembler.max_message());
            EPMDUMP_FUZZ_CHECK((*m)->fragments >= 1);
            EPMDUMP_FUZZ_CHECK((*m)->stream_offset <= a.offsets[i]);
        }
    }
    return 0;
}
