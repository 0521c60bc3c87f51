#include <epmdump/capture/smb2_pipes.hpp>

#include <epmdump/core/byte_order.hpp>
#include <epmdump/smb2/constants.hpp>
#include <epmdump/smb2/ioctl.hpp>
#include <epmdump/smb2/read_write.hpp>
#include <epmdump/smb2/status.hpp>
#include <epmdump/smb2/tree_connect.hpp>

#include <algorithm>
#include <utility>

namespace epmdump::capture {

namespace {

// [MS-SMB2] 2.2.13: a related request names "the file the previous request opened" so.
constexpr smb2::file_id related_file{~std::uint64_t{0}, ~std::uint64_t{0}};
constexpr std::uint32_t related_tree = 0xFFFFFFFFu;
constexpr std::uint64_t related_session = ~std::uint64_t{0};

constexpr std::uint8_t smb1_com_transaction = 0x25; // [MS-CIFS] 2.2.4.33
constexpr std::uint8_t smb1_com_negotiate = 0x72;
constexpr std::uint8_t smb1_flags_reply = 0x80;

// READ and IOCTL answers with data: success, and the warning that more is to be read.
bool carries_data(std::uint32_t status) noexcept
{
    return status == smb2::status::STATUS_SUCCESS || status == smb2::status::STATUS_BUFFER_OVERFLOW;
}

std::uint32_t protocol_of(std::span<const std::byte> message) noexcept
{
    if (message.size() < 4) return 0;
    return load<std::uint32_t>(message.first<4>(), byte_order::little);
}

bool starts_with_pipe(std::string_view name) noexcept
{
    constexpr std::string_view prefix = "\\pipe\\";
    if (name.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), name.begin(),
                      [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b); });
}

} // namespace

smb_stats& smb_stats::operator+=(const smb_stats& o) noexcept
{
    connections += o.connections;
    pipes += o.pipes;
    rpc_pipes += o.rpc_pipes;
    signed_messages += o.signed_messages;
    encrypted_connections += o.encrypted_connections;
    encrypted_messages += o.encrypted_messages;
    compressed_messages += o.compressed_messages;
    smb1_connections += o.smb1_connections;
    smb1_messages += o.smb1_messages;
    smb1_pipe_transactions += o.smb1_pipe_transactions;
    bad_messages += o.bad_messages;
    dropped_pipes += o.dropped_pipes;
    unopened_pipe_messages += o.unopened_pipe_messages;
    dropped_requests += o.dropped_requests;
    return *this;
}

std::string pipe_endpoint(std::string_view create_name)
{
    while (!create_name.empty() && create_name.front() == '\\' && !starts_with_pipe(create_name))
        create_name.remove_prefix(1);
    if (starts_with_pipe(create_name)) return std::string(create_name);
    return "\\pipe\\" + std::string(create_name);
}

smb_connection::smb_connection(std::string file, bool netbios, smb_limits limits, conversation_limits conversation)
    : file_(std::move(file)), limits_(limits), conversation_(conversation),
      dirs_{direction(limits.max_message, netbios), direction(limits.max_message, netbios)}
{
}

stream_interest smb_connection::on_data(const tcp_connection& c, const stream_chunk& chunk)
{
    if (stats_.connections == 0) stats_.connections = 1;
    feed(chunk.direction, chunk.bytes, c, chunk);
    const bool both_failed = dirs_[0].failed && dirs_[1].failed;
    // Not SMB from the start (or framing lost both ways with no pipe to finish): nothing more to read.
    if (both_failed && pipes_.empty()) return stream_interest::drop;
    if (!seen_smb_ && (dirs_[0].failed || dirs_[1].failed)) return stream_interest::drop;
    return stream_interest::keep;
}

// NetBIOS session packets other than session messages (the request naming the server, its
// answer, keep-alives) are whole packets to skip: 4 octets, then 17 bits of length (RFC 1002 4.3.1).
bool smb_connection::skip_netbios_preamble(direction& dir, std::span<const std::byte>& bytes)
{
    while (dir.preamble)
    {
        if (dir.skip > 0)
        {
            // Only the header is kept: a packet's body is counted past, never stored.
            const std::size_t n = std::min<std::size_t>(dir.skip, bytes.size());
            bytes = bytes.subspan(n);
            dir.skip -= n;
            if (dir.skip > 0) return false;
        }
        while (dir.have < dir.header.size() && !bytes.empty())
        {
            dir.header[dir.have++] = bytes.front();
            bytes = bytes.subspan(1);
        }
        if (dir.have < dir.header.size()) return false;
        dir.have = 0;
        if (std::to_integer<std::uint8_t>(dir.header[0]) == static_cast<std::uint8_t>(smb2::nbss_type::session_message))
        {
            dir.preamble = false; // this header starts the first message
            dir.reader.feed(dir.header);
            return true;
        }
        dir.skip = (std::to_integer<std::size_t>(dir.header[1] & std::byte{1}) << 16) |
                   (std::to_integer<std::size_t>(dir.header[2]) << 8) | std::to_integer<std::size_t>(dir.header[3]);
    }
    return true;
}

void smb_connection::feed(flow_direction d, std::span<const std::byte> bytes, const tcp_connection& c,
                          const stream_chunk& chunk)
{
    direction& dir = dirs_[index(d)];
    if (dir.failed) return;
    if (dir.preamble && !skip_netbios_preamble(dir, bytes)) return;
    if (!bytes.empty()) dir.reader.feed(bytes);
    for (;;)
    {
        auto next = dir.reader.next();
        if (!next)
        {
            // A bad frame header: the message boundaries are lost for good in this direction.
            dir.failed = true;
            ++stats_.bad_messages;
            return;
        }
        if (!*next) return;
        on_message(d, **next, c, chunk);
    }
}

void smb_connection::on_gap(flow_direction d)
{
    // The frame boundaries are lost: nothing more is read this way, and every pipe's
    // conversation says which direction lost bytes.
    dirs_[index(d)].failed = true;
    for (auto& [key, p] : pipes_)
        if (p.rpc) p.rpc->on_gap(d);
}

void smb_connection::on_message(flow_direction d, std::span<const std::byte> message, const tcp_connection& c,
                                const stream_chunk& chunk)
{
    switch (protocol_of(message))
    {
    case smb2::protocol_id:
        break;
    case smb2::transform_protocol_id:
        if (stats_.encrypted_messages++ == 0) stats_.encrypted_connections = 1;
        seen_smb_ = true;
        return;
    case smb2::compression_protocol_id:
        ++stats_.compressed_messages;
        seen_smb_ = true;
        return;
    case smb2::smb1_protocol_id:
        on_smb1(message);
        return;
    default:
        ++stats_.bad_messages;
        if (!seen_smb_) dirs_[index(d)].failed = true; // not SMB at all
        return;
    }
    auto parts = smb2::split_compound(message);
    if (!parts)
    {
        ++stats_.bad_messages;
        return;
    }
    seen_smb_ = true;
    chain ch;
    for (const auto& part : *parts)
    {
        if (part.header.is_signed()) ++stats_.signed_messages;
        if (part.header.is_response())
            on_response(d, part, c, chunk);
        else
            on_request(d, part, ch, c, chunk);
    }
}

// SMB1: counted, and its transactions (the named-pipe calls: TransactNmPipe, and RAP on
// \PIPE\LANMAN) counted apart; [MS-CIFS] 2.2.3.1: Command at octet 4, Flags at octet 9.
void smb_connection::on_smb1(std::span<const std::byte> message)
{
    seen_smb_ = true;
    ++stats_.smb1_messages;
    if (message.size() < 10) return;
    const auto command = std::to_integer<std::uint8_t>(message[4]);
    const bool reply = (std::to_integer<std::uint8_t>(message[9]) & smb1_flags_reply) != 0;
    // A client's first multi-protocol NEGOTIATE is how SMB2 is reached too: SMB1 only beyond it.
    if (command != smb1_com_negotiate) stats_.smb1_connections = 1;
    if (command == smb1_com_transaction && !reply) ++stats_.smb1_pipe_transactions;
}

void smb_connection::remember(std::uint64_t message_id, pending p)
{
    if (pending_.size() >= limits_.max_pending)
    {
        pending_.erase(pending_.begin()); // the oldest: its answer is the least likely to come
        ++stats_.dropped_requests;
    }
    pending_[message_id] = std::move(p);
}

void smb_connection::on_request(flow_direction d, const smb2::compound_part& part, chain& ch, const tcp_connection& c,
                                const stream_chunk& chunk)
{
    const smb2::header& h = part.header;
    const bool related = (h.flags & smb2::flags_related_operations) != 0;
    pending p;
    p.command = h.command;
    p.key.session_id = related && h.session_id == related_session ? ch.session_id : h.session_id;
    p.key.tree_id = related && h.tree_id == related_tree ? ch.tree_id : h.tree_id;
    ch.session_id = p.key.session_id;
    ch.tree_id = p.key.tree_id;
    // The FileId a request names, or the one its compound's earlier request opened or used.
    auto resolve = [&](const smb2::file_id& named) {
        if (!related || named != related_file)
        {
            ch.file = named;
            ch.create_message.reset();
            p.key.file = named;
            return true;
        }
        if (ch.file)
        {
            p.key.file = *ch.file;
            return true;
        }
        if (ch.create_message)
        {
            p.file_of_create = ch.create_message;
            return false;
        }
        return false;
    };
    switch (h.command)
    {
    case smb2::command::tree_connect:
        remember(h.message_id, std::move(p));
        break;
    case smb2::command::create:
        if (auto r = smb2::decode_create_request(part.bytes))
        {
            p.name = std::move(r->name);
            ch.file.reset();
            ch.create_message = h.message_id;
            remember(h.message_id, std::move(p));
        }
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::write:
        if (auto r = smb2::decode_write_request(part.bytes))
        {
            if (resolve(r->file_id)) feed_pipe(p.key, d, r->data, c, chunk);
        }
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::ioctl:
        if (auto r = smb2::decode_ioctl_request(part.bytes))
        {
            if (r->ctl_code != smb2::fsctl_pipe_transceive) break;
            if (resolve(r->file_id)) feed_pipe(p.key, d, r->input, c, chunk);
            remember(h.message_id, std::move(p));
        }
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::read:
        if (auto r = smb2::decode_read_request(part.bytes))
        {
            resolve(r->file_id);
            remember(h.message_id, std::move(p));
        }
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::close:
        if (auto r = smb2::decode_close_request(part.bytes))
        {
            resolve(r->file_id);
            remember(h.message_id, std::move(p));
        }
        else
            ++stats_.bad_messages;
        break;
    default:
        break; // negotiate, session setup, echo, ...: nothing for a pipe
    }
}

void smb_connection::on_response(flow_direction d, const smb2::compound_part& part, const tcp_connection& c,
                                 const stream_chunk& chunk)
{
    const smb2::header& h = part.header;
    auto it = pending_.find(h.message_id);
    if (it == pending_.end() || it->second.command != h.command) return; // its request was not captured
    // An interim answer: the real one follows, async, with the same MessageId.
    if (h.status == smb2::status::STATUS_PENDING && h.is_async()) return;
    pending p = std::move(it->second);
    pending_.erase(it);
    if (p.file_of_create)
    {
        auto created = created_.find(*p.file_of_create);
        if (created == created_.end()) return; // the CREATE failed, so did this
        p.key.file = created->second;
    }
    switch (h.command)
    {
    case smb2::command::tree_connect:
        if (h.status != smb2::status::STATUS_SUCCESS) break;
        if (auto r = smb2::decode_tree_connect_response(part.bytes))
        {
            if (trees_.size() >= limits_.max_trees) trees_.erase(trees_.begin());
            trees_[{h.session_id, h.tree_id}] = r->share_type == smb2::share_type_pipe;
        }
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::create:
        if (h.status != smb2::status::STATUS_SUCCESS) break;
        if (auto r = smb2::decode_create_response(part.bytes))
        {
            p.key.file = r->file_id;
            if (created_.size() >= limits_.max_pending) created_.erase(created_.begin());
            created_[h.message_id] = r->file_id;
            if (is_pipe_tree(p.key.session_id, p.key.tree_id)) open_pipe(p.key, p.name);
        }
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::ioctl:
        if (!carries_data(h.status)) break;
        if (auto r = smb2::decode_ioctl_response(part.bytes))
            feed_pipe(p.key, d, r->output, c, chunk);
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::read:
        if (!carries_data(h.status)) break;
        if (auto r = smb2::decode_read_response(part.bytes))
            feed_pipe(p.key, d, r->data, c, chunk);
        else
            ++stats_.bad_messages;
        break;
    case smb2::command::close:
        if (h.status == smb2::status::STATUS_SUCCESS) close_pipe(p.key, c);
        break;
    default:
        break;
    }
}

bool smb_connection::is_pipe_tree(std::uint64_t session_id, std::uint32_t tree_id) const
{
    // A tree connected before the capture started may be IPC$: its CREATEs are followed, and
    // the rpc_conversation lets go of any that is no DCE/RPC.
    auto it = trees_.find({session_id, tree_id});
    return it == trees_.end() || it->second;
}

void smb_connection::open_pipe(const pipe_key& key, const std::string& name)
{
    if (pipes_.size() >= limits_.max_pipes && !pipes_.contains(key))
    {
        ++stats_.dropped_pipes;
        return;
    }
    ++stats_.pipes;
    pipe& p = pipes_[key]; // a FileId reused without a captured CLOSE starts over
    p = pipe{};
    p.endpoint = pipe_endpoint(name);
    p.rpc.emplace(file_, conversation_);
    p.opened = opened_++;
}

void smb_connection::close_pipe(const pipe_key& key, const tcp_connection& c)
{
    auto it = pipes_.find(key);
    if (it == pipes_.end()) return;
    if (auto r = end_pipe(it->second, c)) closed_.push_back(std::move(*r));
    pipes_.erase(it);
}

void smb_connection::feed_pipe(const pipe_key& key, flow_direction d, std::span<const std::byte> data,
                               const tcp_connection& c, const stream_chunk& chunk)
{
    if (data.empty()) return;
    auto it = pipes_.find(key);
    if (it == pipes_.end())
    {
        // Its CREATE came before the capture (or over max_pipes): counted, never silently lost.
        if (is_pipe_tree(key.session_id, key.tree_id)) ++stats_.unopened_pipe_messages;
        return;
    }
    if (!it->second.rpc) return;
    pipe& p = it->second;
    stream_chunk piece;
    piece.direction = d;
    piece.bytes = data;
    piece.offset = p.offset[index(d)];
    piece.timestamp = chunk.timestamp;
    piece.frame = chunk.frame;
    p.offset[index(d)] += data.size();
    if (p.rpc->on_data(c, piece) == stream_interest::drop)
    {
        // No DCE/RPC, or DCE/RPC for another interface: its state goes now, the key stays so
        // that its later messages are recognised and skipped.
        if (p.rpc->is_rpc()) ++stats_.rpc_pipes;
        p.rpc.reset();
    }
}

std::optional<replayed_conversation> smb_connection::end_pipe(pipe& p, const tcp_connection& c)
{
    if (!p.rpc) return std::nullopt;
    if (p.rpc->is_rpc()) ++stats_.rpc_pipes;
    auto r = p.rpc->finish(c);
    p.rpc.reset();
    if (!r) return std::nullopt;
    r->connection_id = c.id;
    if (r->enumeration.origin)
    {
        r->enumeration.origin->transport = "ncacn_np";
        r->enumeration.origin->pipe = p.endpoint;
    }
    return r;
}

std::vector<replayed_conversation> smb_connection::take_closed() { return std::exchange(closed_, {}); }

std::vector<replayed_conversation> smb_connection::finish(const tcp_connection& c)
{
    std::vector<const pipe_key*> order;
    order.reserve(pipes_.size());
    for (const auto& [key, p] : pipes_) order.push_back(&key);
    std::sort(order.begin(), order.end(),
              [this](const pipe_key* a, const pipe_key* b) { return pipes_.at(*a).opened < pipes_.at(*b).opened; });
    auto out = std::exchange(closed_, {});
    for (const pipe_key* key : order)
        if (auto r = end_pipe(pipes_.at(*key), c)) out.push_back(std::move(*r));
    pipes_.clear();
    pending_.clear();
    return out;
}

} // namespace epmdump::capture
