#pragma once
// The fuzzer-found inputs in tests/unit/regressions/inputs/TARGET/NAME.
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace epmdump::test {

std::vector<std::byte> regression_input(const std::string& target, const std::string& name);
std::string regression_text(const std::string& target, const std::string& name);
// The input opened for reading ("rb"), for readers that take a FILE*; nullptr if it cannot be.
std::FILE* open_regression_input(const std::string& target, const std::string& name);

} // namespace epmdump::test
