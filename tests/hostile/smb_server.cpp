#include "hostile/smb_server.hpp"

#include "support/test_mechanism.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace epmdump::test {

namespace {

// [MS-SMB2] 2.2 numbers, spelled here so the server does not share the client's codec.
constexpr std::uint16_t cmd_negotiate = 0, cmd_session_setup = 1, cmd_tree_connect = 3, cmd_create = 5, cmd_ioctl = 11;
constexpr std::uint32_t status_ok = 0, status_more_processing = 0xC0000016, status_pending = 0x00000103;
constexpr std::uint32_t flag_response = 0x1, flag_async = 0x2, flag_signed = 0x8;

using bytes = std::vector<std::byte>;

void put16(bytes& b, std::uint16_t v)
{
    b.push_back(std::byte(v & 0xff));
    b.push_back(std::byte(v >> 8));
}
void put32(bytes& b, std::uint32_t v)
{
    put16(b, static_cast<std::uint16_t>(v & 0xffff));
    put16(b, static_cast<std::uint16_t>(v >> 16));
}
void put64(bytes& b, std::uint64_t v)
{
    put32(b, static_cast<std::uint32_t>(v));
    put32(b, static_cast<std::uint32_t>(v >> 32));
}
void zeros(bytes& b, std::size_t n) { b.insert(b.end(), n, std::byte{0}); }

std::uint16_t get16(const bytes& b, std::size_t at) { return std::to_integer<std::uint16_t>(b[at]) | std::to_integer<std::uint16_t>(b[at + 1]) << 8; }
std::uint64_t get64(const bytes& b, std::size_t at)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= std::to_integer<std::uint64_t>(b[at + i]) << (8 * i);
    return v;
}

struct reply
{
    std::uint16_t command = 0;
    std::uint32_t status = status_ok;
    std::uint16_t credits = 32;
    std::uint32_t flags = flag_response;
    std::uint64_t message_id = 0;
    std::uint64_t async_id = 0;
    std::uint32_t tree_id = 0;
    std::uint64_t session_id = 0;
    bytes body;
};

// The 4-octet Direct TCP header, then the 64-octet header and the body ([MS-SMB2] 2.1, 2.2.1).
bytes frame(const reply& r)
{
    bytes m(4); // the Direct TCP header, filled in last
    for (const char c : std::string_view("\xFESMB", 4)) m.push_back(std::byte(static_cast<unsigned char>(c)));
    put16(m, 64);
    put16(m, 1); // CreditCharge
    put32(m, r.status);
    put16(m, r.command);
    put16(m, r.credits);
    put32(m, r.flags);
    put32(m, 0); // NextCommand
    put64(m, r.message_id);
    if (r.flags & flag_async)
        put64(m, r.async_id);
    else
    {
        put32(m, 0xFEFF);
        put32(m, r.tree_id);
    }
    put64(m, r.session_id);
    if (r.flags & flag_signed)
        for (int i = 0; i < 16; ++i) m.push_back(std::byte(0xA5 ^ i)); // no key made these
    else
        zeros(m, 16);
    m.insert(m.end(), r.body.begin(), r.body.end());
    const std::size_t length = m.size() - 4;
    m[1] = std::byte((length >> 16) & 0xff);
    m[2] = std::byte((length >> 8) & 0xff);
    m[3] = std::byte(length & 0xff);
    return m;
}

bytes negotiate_body(bool signing_required)
{
    bytes b;
    put16(b, 65);
    put16(b, signing_required ? 0x3 : 0x1); // SecurityMode: enabled (| required)
    put16(b, 0x0202);                       // DialectRevision
    put16(b, 0);                            // NegotiateContextCount
    for (int i = 0; i < 16; ++i) b.push_back(std::byte(0x10 + i)); // ServerGuid
    put32(b, 0);                            // Capabilities
    put32(b, 65536);                        // MaxTransactSize
    put32(b, 65536);                        // MaxReadSize
    put32(b, 65536);                        // MaxWriteSize
    put64(b, 0);                            // SystemTime
    put64(b, 0);                            // ServerStartTime
    put16(b, 64 + 64);                      // SecurityBufferOffset
    put16(b, 0);                            // SecurityBufferLength
    put32(b, 0);                            // NegotiateContextOffset
    zeros(b, 1);
    return b;
}

bytes session_setup_body(std::uint16_t flags, std::span<const std::byte> token)
{
    bytes b;
    put16(b, 9);
    put16(b, flags);
    put16(b, static_cast<std::uint16_t>(64 + 8));
    put16(b, static_cast<std::uint16_t>(token.size()));
    b.insert(b.end(), token.begin(), token.end());
    if (token.empty()) zeros(b, 1);
    return b;
}

bytes tree_connect_body()
{
    bytes b;
    put16(b, 16);
    b.push_back(std::byte{0x02}); // ShareType: pipe
    b.push_back(std::byte{0});
    put32(b, 0);          // ShareFlags
    put32(b, 0);          // Capabilities
    put32(b, 0x001F01FF); // MaximalAccess
    return b;
}

bytes create_body()
{
    bytes b;
    put16(b, 89);
    b.push_back(std::byte{0}); // OplockLevel
    b.push_back(std::byte{0}); // Flags
    put32(b, 1);               // CreateAction: opened
    zeros(b, 32);              // the four times
    put64(b, 4096);            // AllocationSize
    put64(b, 0);               // EndofFile
    put32(b, 0x80);            // FileAttributes: normal
    put32(b, 0);
    put64(b, 0x1111);          // FileId persistent
    put64(b, 0x2222);          // FileId volatile
    put32(b, 0);               // CreateContextsOffset
    put32(b, 0);               // CreateContextsLength
    zeros(b, 1);
    return b;
}

bytes ioctl_body(std::uint32_t output_count, std::size_t output_bytes)
{
    bytes b;
    put16(b, 49);
    put16(b, 0);
    put32(b, 0x0011C017); // FSCTL_PIPE_TRANSCEIVE
    put64(b, 0x1111);
    put64(b, 0x2222);
    put32(b, 64 + 48);    // InputOffset
    put32(b, 0);          // InputCount
    put32(b, 64 + 48);    // OutputOffset
    put32(b, output_count);
    put32(b, 0);          // Flags
    put32(b, 0);
    zeros(b, output_bytes);
    return b;
}

bytes error_body()
{
    bytes b;
    put16(b, 9);
    b.push_back(std::byte{0});
    b.push_back(std::byte{0});
    put32(b, 0);
    zeros(b, 1);
    return b;
}

bool write_all(int fd, const bytes& b)
{
    std::size_t done = 0;
    while (done < b.size())
    {
        const auto n = ::send(fd, b.data() + done, b.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Waits for `n` octets, or the server's end, or the client's close.
bool read_exact(int fd, bytes& b, std::size_t n, const std::atomic<bool>& stopping)
{
    b.resize(n);
    std::size_t done = 0;
    while (done < n)
    {
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, 50);
        if (stopping.load()) return false;
        if (ready <= 0) continue;
        const auto got = ::recv(fd, b.data() + done, n - done, 0);
        if (got <= 0) return false;
        done += static_cast<std::size_t>(got);
    }
    return true;
}

} // namespace

smb_server::smb_server(smb_misdeed what) : what_(what)
{
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("smb_server: cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
}

smb_server::~smb_server()
{
    stopping_ = true;
    thread_.join();
    ::close(listener_);
}

void smb_server::serve()
{
    while (!stopping_.load())
    {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) continue;
        answer(fd);
        ::close(fd);
    }
}

void smb_server::answer(int fd)
{
    const bool signing = what_ == smb_misdeed::bad_signature;
    bytes head, message;
    constexpr std::uint64_t session = 0x0000400000000041;
    while (read_exact(fd, head, 4, stopping_))
    {
        const std::size_t length = std::to_integer<std::size_t>(head[1]) << 16 | std::to_integer<std::size_t>(head[2]) << 8 |
                                   std::to_integer<std::size_t>(head[3]);
        if (length < 64 || !read_exact(fd, message, length, stopping_)) return;
        ++requests_;
        reply r;
        r.command = get16(message, 12);
        r.message_id = get64(message, 24);
        r.session_id = r.command == cmd_negotiate ? 0 : session;
        r.tree_id = r.command == cmd_tree_connect || r.command == cmd_negotiate || r.command == cmd_session_setup ? 0 : 1;
        switch (r.command)
        {
        case cmd_negotiate:
            r.body = negotiate_body(signing);
            if (what_ == smb_misdeed::no_credits) r.credits = 0;
            break;
        case cmd_session_setup:
        {
            // The security buffer: offset and length at 12 and 14 of the request body.
            const std::size_t offset = get16(message, 64 + 12), size = get16(message, 64 + 14);
            const auto token = offset + size <= message.size() ? std::span<const std::byte>(message).subspan(offset, size)
                                                                : std::span<const std::byte>();
            if (is_token(token, mech_init))
            {
                r.status = status_more_processing;
                r.body = session_setup_body(0, mech_token(mech_challenge));
            }
            else
            {
                // Final leg (or a null session: no token at all); signed with garbage when signing.
                r.body = session_setup_body(token.empty() ? 0x0002 : 0, {});
                if (signing) r.flags |= flag_signed;
            }
            break;
        }
        case cmd_tree_connect: r.body = tree_connect_body(); break;
        case cmd_create: r.body = create_body(); break;
        case cmd_ioctl:
            if (what_ == smb_misdeed::pending_forever)
            {
                r.status = status_pending;
                r.flags |= flag_async;
                r.async_id = 7;
                r.body = error_body();
                write_all(fd, frame(r));
                // Nothing more: the client's deadline must end it. Keep reading what it sends.
                while (read_exact(fd, head, 1, stopping_)) ++requests_;
                return;
            }
            r.body = ioctl_body(0xFFFFFF00u, 64); // huge_ioctl_output: claims far more than it carries
            break;
        default:
            r.status = 0xC0000010; // STATUS_INVALID_DEVICE_REQUEST: nothing else is served
            r.body = error_body();
        }
        if (what_ == smb_misdeed::credits_withdrawn)
            r.credits = r.command == cmd_session_setup && r.status == status_ok ? 0 : 1;
        if (!write_all(fd, frame(r))) return;
    }
}

} // namespace epmdump::test
