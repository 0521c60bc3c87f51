// The port lists of `epmdump probe --ports` and TARGET:PORT,PORT: parsing, merging, lazy reading.
#include <epmdump/client/port_list.hpp>

#include <doctest/doctest.h>

using epmdump::client::port_list;
using epmdump::client::port_range;

namespace {

port_list parsed(std::string_view text)
{
    std::string error;
    auto l = port_list::parse(text, error);
    REQUIRE_MESSAGE(l, error);
    return *l;
}

std::string refusal(std::string_view text)
{
    std::string error;
    CHECK_FALSE(port_list::parse(text, error));
    return error;
}

} // namespace

TEST_CASE("a port list of ranges and single ports is read in ascending order, each port once")
{
    const auto l = parsed("1024-65535,135");
    CHECK(l.size() == 64512 + 1);
    CHECK(l.ranges() == std::vector<port_range>{{135, 135}, {1024, 65535}});
    CHECK(l.at(0) == 135);
    CHECK(l.at(1) == 1024);
    CHECK(l.at(l.size() - 1) == 65535);
    CHECK(l.contains(135));
    CHECK_FALSE(l.contains(136));
}

TEST_CASE("overlapping, touching and repeated items merge into one range")
{
    const auto l = parsed("445,100-200,150-300,301,445,99");
    CHECK(l.ranges() == std::vector<port_range>{{99, 301}, {445, 445}});
    CHECK(l.size() == 203 + 1);
}

TEST_CASE("every port, 1-65535, is one range of 65535 ports")
{
    const auto l = parsed("1-65535");
    CHECK(l.size() == 65535);
    CHECK(l.ranges().size() == 1);
    CHECK(l.at(65534) == 65535);
}

TEST_CASE("a port list refuses port 0, ports past 65535, reversed ranges, empty items and other words")
{
    CHECK(refusal("0").find("not a port") != std::string::npos);
    CHECK(refusal("65536").find("not a port") != std::string::npos);
    CHECK(refusal("200-100").find("ends before it starts") != std::string::npos);
    CHECK(refusal("135,,445").find("empty item") != std::string::npos);
    CHECK(refusal("135,").find("empty item") != std::string::npos);
    CHECK(refusal("").find("empty item") != std::string::npos);
    CHECK(refusal("http").find("not a port") != std::string::npos);
    CHECK(refusal("1-2-3").find("not a port") != std::string::npos);
    CHECK(refusal(" 135").find("not a port") != std::string::npos);
}

TEST_CASE("lists add up: a host's own ports and --ports together")
{
    auto l = parsed("135");
    l.add(parsed("49152-49154"));
    l.add(port_range{136, 136});
    CHECK(l.ranges() == std::vector<port_range>{{135, 136}, {49152, 49154}});
    CHECK(l.size() == 5);
}
