#include "regression_inputs.hpp"

#include "support/test_files.hpp"

namespace epmdump::test {

namespace {
std::filesystem::path input_path(const std::string& target, const std::string& name)
{
    return source_dir() / "tests" / "unit" / "regressions" / "inputs" / target / name;
}
} // namespace

std::vector<std::byte> regression_input(const std::string& target, const std::string& name)
{
    return read_file(input_path(target, name));
}

std::string regression_text(const std::string& target, const std::string& name)
{
    return read_text(input_path(target, name));
}

std::FILE* open_regression_input(const std::string& target, const std::string& name)
{
#ifdef _WIN32
    return _wfopen(input_path(target, name).c_str(), L"rb");
#else
    return std::fopen(input_path(target, name).c_str(), "rb");
#endif
}

} // namespace epmdump::test
