#include <epmdump/smb2/detail/wire.hpp>
#include <epmdump/smb2/ioctl.hpp>

namespace epmdump::smb2 {
namespace {
constexpr std::size_t request_fixed = header_size + 56;
constexpr std::size_t response_fixed = header_size + 48;
} // namespace

std::vector<std::byte> encode_ioctl_request(const header& h, const ioctl_request& r)
{
    auto out = detail::start_message(h, 56 + r.input.size() + r.output.size());
    detail::le_writer w(out);
    w.u16(57);
    w.u16(0);
    w.u32(r.ctl_code);
    detail::put_file_id(w, r.file_id);
    w.u32(r.input.empty() ? 0 : static_cast<std::uint32_t>(request_fixed));
    w.u32(static_cast<std::uint32_t>(r.input.size()));
    w.u32(r.max_input_response);
    w.u32(r.output.empty() ? 0 : static_cast<std::uint32_t>(request_fixed + r.input.size()));
    w.u32(static_cast<std::uint32_t>(r.output.size()));
    w.u32(r.max_output_response);
    w.u32(r.flags);
    w.u32(0);
    w.bytes(r.input);
    w.bytes(r.output);
    if (r.input.empty() && r.output.empty()) w.u8(0);
    return out;
}

result<ioctl_request> decode_ioctl_request(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 57, "IOCTL request StructureSize is not 57");
    if (!body) return body.error();
    auto& r = *body;
    ioctl_request out;
    auto reserved = r.u16("Reserved");
    auto code = r.u32("CtlCode");
    if (!code) return code.error();
    (void)reserved;
    auto id = detail::read_file_id(r);
    if (!id) return id.error();
    auto in_offset = r.u32("InputOffset");
    auto in_count = r.u32("InputCount");
    auto max_in = r.u32("MaxInputResponse");
    auto out_offset = r.u32("OutputOffset");
    auto out_count = r.u32("OutputCount");
    auto max_out = r.u32("MaxOutputResponse");
    auto flags = r.u32("Flags");
    auto reserved2 = r.u32("Reserved2");
    if (!reserved2) return reserved2.error();
    out.ctl_code = *code;
    out.file_id = *id;
    out.max_input_response = *max_in;
    out.max_output_response = *max_out;
    out.flags = *flags;
    auto input = detail::buffer_at(message, *in_offset, *in_count, request_fixed, header_size + 24, "Input");
    if (!input) return input.error();
    out.input = *input;
    auto output = detail::buffer_at(message, *out_offset, *out_count, request_fixed, header_size + 36, "Output");
    if (!output) return output.error();
    out.output = *output;
    return out;
}

std::vector<std::byte> encode_ioctl_response(const header& h, const ioctl_response& r)
{
    auto out = detail::start_message(h, 48 + r.input.size() + r.output.size());
    detail::le_writer w(out);
    w.u16(49);
    w.u16(0);
    w.u32(r.ctl_code);
    detail::put_file_id(w, r.file_id);
    w.u32(static_cast<std::uint32_t>(response_fixed));
    w.u32(static_cast<std::uint32_t>(r.input.size()));
    w.u32(static_cast<std::uint32_t>(response_fixed + r.input.size()));
    w.u32(static_cast<std::uint32_t>(r.output.size()));
    w.u32(r.flags);
    w.u32(0);
    w.bytes(r.input);
    w.bytes(r.output);
    return out;
}

result<ioctl_response> decode_ioctl_response(std::span<const std::byte> message) noexcept
{
    auto body = detail::body(message, 49, "IOCTL response StructureSize is not 49");
    if (!body) return body.error();
    auto& r = *body;
    ioctl_response out;
    auto reserved = r.u16("Reserved");
    auto code = r.u32("CtlCode");
    if (!code) return code.error();
    (void)reserved;
    auto id = detail::read_file_id(r);
    if (!id) return id.error();
    auto in_offset = r.u32("InputOffset");
    auto in_count = r.u32("InputCount");
    auto out_offset = r.u32("OutputOffset");
    auto out_count = r.u32("OutputCount");
    auto flags = r.u32("Flags");
    auto reserved2 = r.u32("Reserved2");
    if (!reserved2) return reserved2.error();
    out.ctl_code = *code;
    out.file_id = *id;
    out.flags = *flags;
    auto input = detail::buffer_at(message, *in_offset, *in_count, response_fixed, header_size + 24, "Input");
    if (!input) return input.error();
    out.input = *input;
    auto output = detail::buffer_at(message, *out_offset, *out_count, response_fixed, header_size + 32, "Output");
    if (!output) return output.error();
    out.output = *output;
    return out;
}

} // namespace epmdump::smb2
