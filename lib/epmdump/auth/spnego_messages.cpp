#include <epmdump/auth/spnego_messages.hpp>

#include <new>
#include <string_view>

namespace epmdump::auth::spnego {
namespace {

// DER identifier octets used here (X.690 8.1.2): universal, context-specific and application.
constexpr std::uint8_t tag_enumerated = 0x0a;
constexpr std::uint8_t tag_octet_string = 0x04;
constexpr std::uint8_t tag_oid = 0x06;
constexpr std::uint8_t tag_sequence = 0x30;
constexpr std::uint8_t tag_application_0 = 0x60;
constexpr std::uint8_t tag_context(std::uint8_t n) { return static_cast<std::uint8_t>(0xa0 | n); }

void put_length(std::vector<std::byte>& out, std::size_t n)
{
    if (n < 0x80)
    {
        out.push_back(static_cast<std::byte>(n));
        return;
    }
    std::size_t octets = 0;
    for (std::size_t v = n; v != 0; v >>= 8) ++octets;
    out.push_back(static_cast<std::byte>(0x80 | octets));
    for (std::size_t i = octets; i-- > 0;) out.push_back(static_cast<std::byte>((n >> (8 * i)) & 0xFF));
}

std::vector<std::byte> tlv(std::uint8_t tag, std::span<const std::byte> content)
{
    std::vector<std::byte> out;
    out.reserve(content.size() + 6);
    out.push_back(static_cast<std::byte>(tag));
    put_length(out, content.size());
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

void append(std::vector<std::byte>& out, const std::vector<std::byte>& more) { out.insert(out.end(), more.begin(), more.end()); }

// One element read from `in` at `at` (offsets count from the start of the whole token).
struct element
{
    std::uint8_t tag = 0;
    std::size_t content_at = 0; // offset of the content in the token
    std::span<const std::byte> content;
    std::size_t end = 0; // offset just past the element
};

result<element> read_element(std::span<const std::byte> token, std::size_t at, std::size_t limit) noexcept
{
    if (at + 2 > limit) return codec_error{codec_errc::truncated, at, "SPNEGO element header"};
    element e;
    e.tag = static_cast<std::uint8_t>(token[at]);
    if ((e.tag & 0x1f) == 0x1f) return codec_error{codec_errc::bad_value, at, "SPNEGO tag (multi-octet tags are not SPNEGO's)"};
    std::size_t pos = at + 1;
    std::size_t length = static_cast<std::uint8_t>(token[pos++]);
    if (length & 0x80)
    {
        const std::size_t octets = length & 0x7f;
        // X.690 10.1: DER lengths are definite and minimal; more than 4 octets is past any cap.
        if (octets == 0 || octets > 4) return codec_error{codec_errc::bad_value, at + 1, "SPNEGO length form"};
        if (pos + octets > limit) return codec_error{codec_errc::truncated, at + 1, "SPNEGO length"};
        length = 0;
        for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | static_cast<std::uint8_t>(token[pos++]);
        if (length < 0x80 || (octets > 1 && (length >> (8 * (octets - 1))) == 0))
            return codec_error{codec_errc::bad_value, at + 1, "SPNEGO length (not the shortest form)"};
    }
    if (length > limit - pos) return codec_error{codec_errc::truncated, pos, "SPNEGO element content"};
    e.content_at = pos;
    e.content = token.subspan(pos, length);
    e.end = pos + length;
    return e;
}

// The one element of `tag` that a [n] wrapper holds, filling its whole content.
result<element> read_wrapped(std::span<const std::byte> token, const element& wrapper, std::uint8_t tag,
                             std::string_view what) noexcept
{
    auto inner = read_element(token, wrapper.content_at, wrapper.end);
    if (!inner) return inner.error();
    if (inner->tag != tag) return codec_error{codec_errc::bad_value, wrapper.content_at, what};
    if (inner->end != wrapper.end) return codec_error{codec_errc::trailing_bytes, inner->end, what};
    return inner;
}

std::vector<std::byte> bytes_of(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

} // namespace

std::vector<std::byte> encode_mech_type_list(std::span<const std::span<const std::byte>> mechs)
{
    std::vector<std::byte> content;
    for (const auto& m : mechs) append(content, tlv(tag_oid, m));
    return tlv(tag_sequence, content);
}

std::vector<std::byte> encode_neg_token_init(std::span<const std::byte> mech_type_list,
                                             std::span<const std::byte> mech_token)
{
    std::vector<std::byte> fields = tlv(tag_context(0), mech_type_list);
    append(fields, tlv(tag_context(2), tlv(tag_octet_string, mech_token)));
    std::vector<std::byte> inner = tlv(tag_oid, spnego_oid);
    append(inner, tlv(tag_context(0), tlv(tag_sequence, fields)));
    return tlv(tag_application_0, inner);
}

std::vector<std::byte> encode_neg_token_resp(const neg_token_resp& r)
{
    std::vector<std::byte> fields;
    if (r.state)
    {
        const std::byte value[] = {static_cast<std::byte>(*r.state)};
        append(fields, tlv(tag_context(0), tlv(tag_enumerated, value)));
    }
    if (r.supported_mech) append(fields, tlv(tag_context(1), tlv(tag_oid, *r.supported_mech)));
    if (r.response_token) append(fields, tlv(tag_context(2), tlv(tag_octet_string, *r.response_token)));
    if (r.mech_list_mic) append(fields, tlv(tag_context(3), tlv(tag_octet_string, *r.mech_list_mic)));
    return tlv(tag_context(1), tlv(tag_sequence, fields));
}

result<neg_token_resp> decode_neg_token_resp(std::span<const std::byte> token) noexcept
{
    if (token.size() > max_token) return codec_error{codec_errc::limit_exceeded, 0, "SPNEGO token size"};
    auto outer = read_element(token, 0, token.size());
    if (!outer) return outer.error();
    if (outer->tag != tag_context(1)) return codec_error{codec_errc::bad_header, 0, "SPNEGO negTokenResp [1]"};
    if (outer->end != token.size()) return codec_error{codec_errc::trailing_bytes, outer->end, "after the negTokenResp"};
    auto sequence = read_wrapped(token, *outer, tag_sequence, "negTokenResp SEQUENCE");
    if (!sequence) return sequence.error();

    neg_token_resp r;
    try
    {
        std::size_t at = sequence->content_at;
        int last = -1; // the fields come once each, in order (DER, X.690 10.3 for SEQUENCE)
        while (at < sequence->end)
        {
            auto field = read_element(token, at, sequence->end);
            if (!field) return field.error();
            const int n = field->tag - tag_context(0);
            if (n < 0 || n > 3 || n <= last) return codec_error{codec_errc::bad_value, at, "negTokenResp field tag"};
            last = n;
            switch (n)
            {
            case 0: {
                auto e = read_wrapped(token, *field, tag_enumerated, "negState ENUMERATED");
                if (!e) return e.error();
                if (e->content.size() != 1 || static_cast<std::uint8_t>(e->content[0]) > 3)
                    return codec_error{codec_errc::bad_value, e->content_at, "negState value"};
                r.state = static_cast<neg_state>(e->content[0]);
                break;
            }
            case 1: {
                auto e = read_wrapped(token, *field, tag_oid, "supportedMech OID");
                if (!e) return e.error();
                if (e->content.empty()) return codec_error{codec_errc::bad_value, e->content_at, "supportedMech OID"};
                r.supported_mech = bytes_of(e->content);
                break;
            }
            default: {
                auto e = read_wrapped(token, *field, tag_octet_string, n == 2 ? "responseToken" : "mechListMIC");
                if (!e) return e.error();
                (n == 2 ? r.response_token : r.mech_list_mic) = bytes_of(e->content);
                break;
            }
            }
            at = field->end;
        }
    }
    catch (const std::bad_alloc&)
    {
        return codec_error{codec_errc::limit_exceeded, 0, "SPNEGO token (no memory)"};
    }
    return r;
}

} // namespace epmdump::auth::spnego
