// Internal to the roff reader: renders one mdoc macro line (.Op Fl a Ar file, .Xr ls 1, ...) as
// plain text, following mdoc(7)'s rules for callable macros and delimiters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dataset/roff_escapes.h"

namespace embeval::roff {

// True for mdoc macros that may be called from another macro's argument list (Fl, Ar, Xr, ...).
bool is_mdoc_callable(std::string_view name);

// Plain text of macro `macro` applied to raw (unescaped) arguments `args`. `page_name` is what a
// bare .Nm prints. Block/structure macros (Sh, Bl, It, ...) are handled by the caller; passing
// one here renders its arguments as words.
std::string render_mdoc(std::string_view macro, const std::vector<std::string>& args,
                        std::string_view page_name, const RoffStrings& strings);

}  // namespace embeval::roff
