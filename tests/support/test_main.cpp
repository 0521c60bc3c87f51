#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    // scripts/wine-when-ready.sh names a file here: its existence proves the program reached
    // main, so a run that failed before it (Wine's own start) can be told from a test failure.
    if (const char* marker = std::getenv("EPMDUMP_TEST_STARTED_MARKER"); marker && *marker)
        if (std::FILE* f = std::fopen(marker, "w")) std::fclose(f);
    return doctest::Context(argc, argv).run();
}
