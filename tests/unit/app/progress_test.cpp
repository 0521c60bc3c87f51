// The progress line's text (drawn on stderr only when it is a terminal).
#include "progress.hpp"

#include <doctest/doctest.h>

#include <sstream>

using epmdump::app::progress_counts;
using epmdump::app::progress_line;
using epmdump::app::render_progress;

TEST_CASE("the progress line shows done/total, answered, failed, rate and ETA")
{
    progress_counts c{64, 256, true, 60, 4, 2.0};
    CHECK(render_progress(c) == "64/256 done, 60 answered, 4 failed, 32.0 hosts/s, ETA 0:06");
}

TEST_CASE("while a list on stdin is still being read the total is marked open and there is no ETA")
{
    progress_counts c{10, 12, false, 10, 0, 1.0};
    CHECK(render_progress(c) == "10/12+ done, 10 answered, 0 failed, 10.0 hosts/s");
}

TEST_CASE("excluded targets leave the total and are counted on their own")
{
    progress_counts c{64, 256, true, 60, 4, 2.0};
    c.excluded = 56;
    CHECK(render_progress(c) == "64/200 done, 60 answered, 4 failed, 56 excluded, 32.0 hosts/s, ETA 0:05");
}

TEST_CASE("probe's progress line counts ports")
{
    progress_counts c{100, 400, true, 97, 3, 4.0, "ports"};
    CHECK(render_progress(c) == "100/400 done, 97 answered, 3 failed, 25.0 ports/s, ETA 0:12");
}

TEST_CASE("a disabled progress line writes nothing; an enabled one redraws in place and clears")
{
    std::ostringstream quiet;
    {
        progress_line p(quiet, false);
        p.draw(progress_counts{1, 2, true, 1, 0, 1.0});
    }
    CHECK(quiet.str().empty());
    std::ostringstream tty;
    progress_line p(tty, true);
    p.draw(progress_counts{1, 2, true, 1, 0, 1.0});
    p.draw(progress_counts{2, 2, true, 2, 0, 1.0});
    p.clear();
    const auto s = tty.str();
    CHECK(s.find("epmdump: 1/2 done") != std::string::npos);
    CHECK(s.find("\repmdump: 2/2 done") != std::string::npos);
    CHECK(s.back() == '\r');
    CHECK(s.find('\n') == std::string::npos);
}
