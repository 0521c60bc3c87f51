// --resume: which targets a previous run's JSON Lines mark as done, and which files are refused.
#include <epmdump/client/target_list.hpp>
#include <epmdump/client/target_resume.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using epmdump::client::done_targets;
using epmdump::client::target;

namespace {

std::filesystem::path resume_file(const std::string& name, const std::string& text)
{
    const auto path = std::filesystem::temp_directory_path() / ("epmdump-resume-" + name + ".jsonl");
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

const std::string ok_record = R"({"schema":1,"target":"10.0.0.1","address":"10.0.0.1","port":135,"status":"ok","elapsed_ms":1.5,"entries":[]})";
const std::string refused_record =
    R"({"schema":1,"target":"host.example","address":"10.0.0.2","port":593,"status":"error","error":{"kind":"refused","message":"m"},"elapsed_ms":0,"entries":[]})";
const std::string cancelled_record =
    R"({"schema":1,"target":"10.0.0.3","address":"10.0.0.3","port":135,"status":"error","error":{"kind":"cancelled","message":"m"},"elapsed_ms":0,"entries":[]})";

} // namespace

TEST_CASE("a finished or failed record marks its target done; one cancelled in flight does not")
{
    done_targets done;
    std::string error;
    REQUIRE(done.add_record(ok_record, error));
    REQUIRE(done.add_record(refused_record, error));
    REQUIRE(done.add_record(cancelled_record, error));
    CHECK(done.contains(target("10.0.0.1")));
    CHECK(done.contains(target("10.0.0.1", 135)));
    CHECK_FALSE(done.contains(target("10.0.0.1", 4135))); // another port of the host is another target
    CHECK(done.contains(target("host.example", 593)));
    CHECK_FALSE(done.contains(target("10.0.0.3")));
    CHECK_FALSE(done.contains(target("10.0.0.4")));
}

TEST_CASE("a resume file cut mid-record on its last line is read up to the cut")
{
    const auto path = resume_file("cut", ok_record + "\n" + refused_record + "\n" + cancelled_record.substr(0, 40));
    done_targets done;
    std::string error;
    CHECK_MESSAGE(done.add_file(path.string(), error), error);
    CHECK(done.size() == 2);
    std::filesystem::remove(path);
}

TEST_CASE("a bad line before the last, a non-record, or a missing file is an error naming it")
{
    std::string error;
    {
        const auto path = resume_file("bad", ok_record + "\n{\"target\":\n" + refused_record + "\n");
        done_targets done;
        CHECK_FALSE(done.add_file(path.string(), error));
        CHECK(error.find("line 2") != std::string::npos);
        std::filesystem::remove(path);
    }
    {
        const auto path = resume_file("text", "# target: 10.0.0.1\nsome rpcdump text\n");
        done_targets done;
        CHECK_FALSE(done.add_file(path.string(), error));
        CHECK(error.find("line 1") != std::string::npos);
        std::filesystem::remove(path);
    }
    {
        const auto path = resume_file("notrecord", "{\"schema\":1,\"port\":\"135\",\"target\":\"x\"}\n");
        done_targets done;
        CHECK_FALSE(done.add_file(path.string(), error));
        CHECK(error.find("not a scan record") != std::string::npos);
        std::filesystem::remove(path);
    }
    done_targets done;
    CHECK_FALSE(done.add_file("/nonexistent/epmdump-resume.jsonl", error));
    CHECK(error.find("cannot read") != std::string::npos);
}

TEST_CASE("a source skips the targets a resume file holds and counts them")
{
    auto done = std::make_shared<done_targets>();
    std::string error;
    REQUIRE(done->add_record(ok_record, error));
    REQUIRE(done->add_record(cancelled_record, error));
    std::vector<epmdump::client::target_pattern> words;
    REQUIRE(epmdump::client::parse_target("10.0.0.0-4", error));
    words.push_back(*epmdump::client::parse_target("10.0.0.0-4", error));
    epmdump::client::target_source source(std::move(words), {}, 0);
    source.set_done(done);
    std::vector<std::string> hosts;
    while (auto t = source.next()) hosts.push_back(t->host);
    CHECK(hosts == std::vector<std::string>{"10.0.0.0", "10.0.0.2", "10.0.0.3", "10.0.0.4"});
    CHECK(source.resumed() == 1);
}
