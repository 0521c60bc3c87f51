#pragma once
// The two faces of a report: a human one (verdict first, grouped by severity) and one JSON
// object (README, "epmdump exchange --format json"). Both return text; the caller writes it.
#include <epmdump/exchange/diagnose.hpp>

#include <cstddef>
#include <string>

namespace epmdump::exchange {

struct text_options
{
    bool colour = false;     // ANSI colours; the caller decides (only on a terminal)
    std::size_t width = 80;  // columns to wrap at (the terminal's); 0: no wrapping
};

std::string render_text(const report& r, const text_options& options = {});
std::string render_json(const report& r);

} // namespace epmdump::exchange
