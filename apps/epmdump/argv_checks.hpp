#pragma once
// argv words CLI11 would misread, handled before parsing on every platform: "--name=" with an
// empty value (CLI11 takes the next word as the value) and Windows-style "/?", "/S SERVER".
#include <optional>
#include <string>

namespace epmdump::app {

// The usage message for the first such word before "--", or nullopt when argv is fine.
std::optional<std::string> argv_usage_error(int argc, char** argv);
// Replaces a lone "/?" (never a valid target or file) with "--help", before "--".
void rewrite_windows_help(int argc, char** argv);

} // namespace epmdump::app
