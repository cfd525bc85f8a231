// A native reader for man pages written in roff with the `man` or `mdoc` macro package. It does
// not typeset: it extracts what a retrieval dataset needs — the NAME line, the section headings,
// the body as plain UTF-8 text, and the SEE ALSO references — without shelling out to groff.
// It is forgiving by design: unknown requests and macros are dropped, malformed escapes vanish,
// and odd input never throws. Hostile input is bounded instead: a page whose strings or text
// outgrow the limits below (a 592-byte page that doubles a .ds string 40 times asked for 1 TB)
// throws RoffLimitError, which the caller turns into a skipped page.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

// Real pages stay far below these (the largest page in Debian's /usr/share/man has ~1 MB of
// text and no string over a few hundred bytes).
inline constexpr std::size_t kMaxRoffStringBytes = std::size_t{1} << 20;  // one .ds/.as string
// Bytes that string interpolation (\*x) may produce over a whole page: bounds time as well as
// memory, since a string can be interpolated on every line of a condition that prints nothing.
inline constexpr std::size_t kMaxRoffExpansionBytes = std::size_t{64} << 20;
inline constexpr std::size_t kMaxPageTextBytes = std::size_t{32} << 20;  // text of one page

// A page exceeded one of the limits above; what() says which.
class RoffLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A "name(section)" reference, e.g. {"ls", "1"} for ls(1).
struct ManReference {
  std::string name;
  std::string section;
  bool operator==(const ManReference&) const = default;
};

struct RoffPage {
  std::string title;    // from .TH / .Dt, as written ("CP")
  std::string section;  // from .TH / .Dt ("1")
  // NAME section: "cp, mv \- copy files" gives names {"cp", "mv"} and description
  // "copy files"; for mdoc, .Nm and .Nd.
  std::vector<std::string> names;
  std::string description;
  // Every section except NAME, as plain text: each heading on its own line followed by its
  // text; paragraphs and no-fill lines end with "\n"; runs of blanks collapsed to one space.
  std::string body;
  std::vector<std::string> headings;  // section headings (.SH/.Sh) in order, NAME included
  // References written in the SEE ALSO section, in order of first appearance, without repeats.
  std::vector<ManReference> see_also;
  // Set when the page is only a redirect (".so man1/other.1"): the redirect target as written.
  std::string so_target;
  bool is_mdoc = false;
  // False when the input shows no man page structure at all (no .TH/.Dt/.Dd, no section
  // heading): the caller should treat it as unparseable.
  bool has_structure = false;
};

// Parses one man page source (already decompressed). Thread-safe (no shared state). Throws
// RoffLimitError when the page exceeds a limit above; nothing else on any input.
RoffPage parse_man_page(std::string_view source);

// Finds "name(section)" references in plain text, e.g. "ls(1), cp (1) and stat(2)". A section
// starts with a digit ("1", "8", "3pm", "1ssl"). Exposed for tests.
std::vector<ManReference> find_man_references(std::string_view text);

}  // namespace embeval
