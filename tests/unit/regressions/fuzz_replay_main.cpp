// Replays every kept input of one fuzz target (inputs/TARGET/) through that target's own
// LLVMFuzzerTestOneInput, compiled here without libFuzzer: the target's property checks abort
// on a regression, and a sanitizer build reports memory errors as the fuzzer did.
#include "regression_inputs.hpp"

#include "support/test_files.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST_CASE("fuzz target " EPMDUMP_FUZZ_TARGET ": every kept input runs through its checks")
{
    const auto dir = epmdump::test::source_dir() / "tests" / "unit" / "regressions" / "inputs" / EPMDUMP_FUZZ_TARGET;
    std::size_t inputs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
    {
        if (!entry.is_regular_file()) continue;
        CAPTURE(entry.path().filename().string());
        const auto bytes = epmdump::test::read_file(entry.path());
        CHECK(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) == 0);
        ++inputs;
    }
    CHECK(inputs > 0);
}
