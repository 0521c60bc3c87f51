#include <epmdump/capture/replay.hpp>

#include <algorithm>
#include <utility>

namespace epmdump::capture {

namespace {

bool is_smb_port(std::uint16_t port) noexcept { return port == 445 || port == 139; }

} // namespace

replay_session::replay_session(std::string file, replay_options options, conversation_sink sink)
    : file_(std::move(file)), options_(options), reassembler_(*this, options.reassembly), sink_(std::move(sink))
{
}

replay_session::~replay_session() = default;

packet_kind replay_session::feed(int link_type, std::span<const std::byte> frame, std::chrono::nanoseconds timestamp)
{
    return reassembler_.feed(link_type, frame, timestamp);
}

std::vector<replayed_conversation> replay_session::finish()
{
    // The connections the capture's end closes land in results_ (the sink is set aside), beside
    // those that ended earlier when there is no sink; in first-packet order either way.
    auto sink = std::exchange(sink_, {});
    reassembler_.finish();
    stats_.reassembly = reassembler_.stats();
    // Stable: the pipes of one SMB connection share its id and keep their order.
    std::stable_sort(results_.begin(), results_.end(),
              [](const auto& a, const auto& b) { return a.connection_id < b.connection_id; });
    if (!sink) return std::move(results_);
    for (auto& c : results_) sink(std::move(c));
    results_.clear();
    return {};
}

void replay_session::on_open(const tcp_connection& c)
{
    if (is_smb_port(c.server_port) || is_smb_port(c.client_port))
        smb_.try_emplace(c.id, file_, c.server_port == 139 || c.client_port == 139, options_.smb, options_.conversation);
    else
        conversations_.try_emplace(c.id, file_, options_.conversation);
}

stream_interest replay_session::on_data(const tcp_connection& c, const stream_chunk& chunk)
{
    if (auto smb = smb_.find(c.id); smb != smb_.end())
    {
        const auto interest = smb->second.on_data(c, chunk);
        deliver(smb->second.take_closed());
        if (interest == stream_interest::keep) return interest;
        stats_.smb += smb->second.stats(); // no SMB after all
        smb_.erase(smb);
        return interest;
    }
    auto it = conversations_.find(c.id);
    if (it == conversations_.end()) return stream_interest::drop;
    if (it->second.on_data(c, chunk) == stream_interest::keep) return stream_interest::keep;
    // Not DCE/RPC, or DCE/RPC with nothing for us: free its state now.
    if (it->second.is_rpc()) ++stats_.rpc_conversations;
    conversations_.erase(it);
    return stream_interest::drop;
}

void replay_session::on_gap(const tcp_connection& c, flow_direction d, std::uint64_t)
{
    if (auto smb = smb_.find(c.id); smb != smb_.end()) smb->second.on_gap(d);
    auto it = conversations_.find(c.id);
    if (it != conversations_.end()) it->second.on_gap(d);
}

void replay_session::on_close(const tcp_connection& c)
{
    if (auto smb = smb_.find(c.id); smb != smb_.end())
    {
        deliver(smb->second.finish(c));
        stats_.smb += smb->second.stats();
        stats_.rpc_conversations += smb->second.stats().rpc_pipes;
        smb_.erase(smb);
        return;
    }
    auto it = conversations_.find(c.id);
    if (it == conversations_.end()) return;
    if (it->second.is_rpc()) ++stats_.rpc_conversations;
    if (auto r = it->second.finish(c))
    {
        if (sink_)
            sink_(std::move(*r));
        else
            results_.push_back(std::move(*r));
    }
    conversations_.erase(it);
}

bool replay_session::ended(const tcp_connection& c)
{
    auto it = conversations_.find(c.id);
    return it != conversations_.end() && it->second.ended();
}

void replay_session::deliver(std::vector<replayed_conversation>&& done)
{
    for (auto& r : done)
    {
        if (sink_)
            sink_(std::move(r));
        else
            results_.push_back(std::move(r));
    }
}

namespace {

file_replay replay_opened(capture_result<capture_file> opened, const std::string& name, const replay_options& options,
                          const conversation_sink& sink)
{
    file_replay out{name, {}, std::nullopt, {}};
    if (!opened)
    {
        out.error = opened.error();
        return out;
    }
    replay_session session(name, options, sink);
    for (;;)
    {
        auto r = opened->next();
        if (!r)
        {
            out.error = r.error(); // keep what was read before the bad record
            break;
        }
        if (!*r) break;
        session.feed(opened->link_type(), (*r)->data, (*r)->timestamp);
    }
    out.conversations = session.finish();
    out.stats = session.stats();
    return out;
}

} // namespace

file_replay replay_file(const std::filesystem::path& path, const replay_options& options, const conversation_sink& sink)
{
    return replay_opened(capture_file::open(path), path.string(), options, sink);
}

file_replay replay_file(std::FILE* file, const std::string& name, const replay_options& options,
                        const conversation_sink& sink)
{
    return replay_opened(capture_file::open(file, name), name, options, sink);
}

} // namespace epmdump::capture
