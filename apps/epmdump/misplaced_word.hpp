#pragma once
// A command-line word that is no target but was meant as something else: the usage hint.
#include <string>
#include <string_view>

namespace epmdump::app {

// Why a command-line word that is no target was meant as something else, as a usage error with
// its remedy: a mistyped subcommand (`first` word only: "replya" for replay) or a capture file
// given without `replay`. Empty when the word may be a host.
std::string misplaced_word(std::string_view word, bool first);

} // namespace epmdump::app
