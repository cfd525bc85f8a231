#include "dataset/mdoc_render.h"

#include <algorithm>
#include <array>

namespace embeval::roff {
namespace {

constexpr std::array<std::string_view, 93> kCallable = {
    "Ac",  "Ad", "An", "Ao", "Ap", "Aq", "Ar", "At", "Bc", "Bo", "Bq", "Brc", "Bro", "Brq",
    "Bsx", "Bx", "Cd", "Cm", "Dc", "Do", "Dq", "Dv", "Dx", "Ec", "Em", "En",  "Eo",  "Er",
    "Es",  "Ev", "Fa", "Fc", "Fl", "Fn", "Fo", "Ft", "Fx", "Ic", "In", "Lb",  "Li",  "Lk",
    "Ms",  "Mt", "Nm", "No", "Ns", "Nx", "Oc", "Oo", "Op", "Ot", "Ox", "Pa",  "Pc",  "Pf",
    "Po",  "Pq", "Qc", "Ql", "Qo", "Qq", "Sc", "So", "Sq", "St", "Sx", "Sy",  "Ta",  "Tn",
    "Ux",  "Va", "Vt", "Xc", "Xo", "Xr", "%A", "%B", "%C", "%D", "%I", "%J",  "%N",  "%O",
    "%P",  "%Q", "%R", "%T", "%U", "%V", "Rs", "Re", "Dl",
};

struct Enclosure {
  std::string_view macro;
  std::string_view open;
  std::string_view close;
};

// Macros that enclose the rest of the line.
constexpr std::array kEnclosures = {
    Enclosure{"Op", "[", "]"},           Enclosure{"Dq", "\u201c", "\u201d"},
    Enclosure{"Sq", "\u2018", "\u2019"}, Enclosure{"Qq", "\"", "\""},
    Enclosure{"Pq", "(", ")"},           Enclosure{"Bq", "[", "]"},
    Enclosure{"Brq", "{", "}"},          Enclosure{"Aq", "<", ">"},
    Enclosure{"Ql", "\u2018", "\u2019"},
};

// Opening/closing halves written as separate macros.
constexpr std::array kHalves = {
    Enclosure{"Oo", "[", ""},      Enclosure{"Oc", "", "]"},      Enclosure{"Do", "\u201c", ""},
    Enclosure{"Dc", "", "\u201d"}, Enclosure{"So", "\u2018", ""}, Enclosure{"Sc", "", "\u2019"},
    Enclosure{"Qo", "\"", ""},     Enclosure{"Qc", "", "\""},     Enclosure{"Po", "(", ""},
    Enclosure{"Pc", "", ")"},      Enclosure{"Bo", "[", ""},      Enclosure{"Bc", "", "]"},
    Enclosure{"Bro", "{", ""},     Enclosure{"Brc", "", "}"},     Enclosure{"Ao", "<", ""},
    Enclosure{"Ac", "", ">"},
};

bool is_closing_delimiter(std::string_view raw) {
  return raw.size() == 1 && std::string_view(".,:;)]?!").find(raw[0]) != std::string_view::npos;
}
bool is_opening_delimiter(std::string_view raw) { return raw == "(" || raw == "["; }

// Words joined by single spaces, with mdoc's delimiter spacing.
class Words {
 public:
  void word(std::string_view w) {
    if (w.empty()) return;
    if (!text_.empty() && !no_space_) text_ += ' ';
    text_ += w;
    no_space_ = false;
  }
  void attach(std::string_view w) {
    text_ += w;
    no_space_ = false;
  }
  void no_space() { no_space_ = true; }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
  bool no_space_ = false;
};

class Renderer {
 public:
  Renderer(const std::vector<std::string>& args, std::string_view page_name,
           const RoffStrings& strings)
      : args_(args), page_name_(page_name), strings_(strings) {}

  std::string run(std::string_view macro) {
    apply(macro);
    rest();
    return words_.take();
  }

 private:
  bool at_end() const { return pos_ >= args_.size(); }
  bool next_is_macro() const { return !at_end() && is_mdoc_callable(args_[pos_]); }
  std::string text(std::string_view raw) const { return plain(raw, strings_); }

  // One argument that is not a macro: a word, or a delimiter with mdoc spacing.
  void plain_token() {
    const std::string& raw = args_[pos_++];
    if (is_closing_delimiter(raw)) {
      words_.attach(raw);
    } else if (is_opening_delimiter(raw)) {
      words_.word(raw);
      words_.no_space();
    } else {
      words_.word(text(raw));
    }
  }

  // Plain arguments up to the next callable macro.
  void plain_arguments() {
    while (!at_end() && !next_is_macro()) plain_token();
  }

  void rest() {
    while (!at_end()) {
      if (next_is_macro()) {
        apply(args_[pos_++]);
      } else {
        plain_token();
      }
    }
  }

  bool next_is_word() const {
    return !at_end() && !next_is_macro() && !is_closing_delimiter(args_[pos_]) &&
           !is_opening_delimiter(args_[pos_]);
  }

  void apply(std::string_view macro) {
    for (const Enclosure& e : kEnclosures) {
      if (e.macro != macro) continue;
      words_.word(e.open);
      words_.no_space();
      // The enclosure takes everything up to trailing closing delimiters.
      std::size_t end = args_.size();
      while (end > pos_ && is_closing_delimiter(args_[end - 1])) --end;
      const std::vector<std::string> enclosed(args_.begin() + static_cast<long>(pos_),
                                              args_.begin() + static_cast<long>(end));
      Renderer inner(enclosed, page_name_, strings_);
      inner.rest();
      const std::string inside = inner.words_.take();
      words_.attach(inside);
      words_.attach(e.close);
      pos_ = end;
      return;
    }
    for (const Enclosure& e : kHalves) {
      if (e.macro != macro) continue;
      if (!e.open.empty()) {
        words_.word(e.open);
        words_.no_space();
      } else {
        words_.attach(e.close);
      }
      return;
    }
    if (macro == "Fl") {
      if (!next_is_word()) {
        words_.word("-");
        if (!at_end() && !next_is_macro() && !is_closing_delimiter(args_[pos_])) words_.no_space();
        return;
      }
      while (next_is_word()) {
        std::string flag = "-";  // built in place: GCC 12 warns falsely on "-" + string
        flag += text(args_[pos_++]);
        words_.word(flag);
      }
      return;
    }
    if (macro == "Xr") {
      if (next_is_word()) {
        std::string ref = text(args_[pos_++]);
        if (next_is_word()) {
          ref += '(';
          ref += text(args_[pos_++]);
          ref += ')';
        }
        words_.word(ref);
      }
      return;
    }
    if (macro == "Nm") {
      if (next_is_word()) {
        plain_arguments();
      } else {
        words_.word(page_name_);
      }
      return;
    }
    if (macro == "Ar") {
      if (next_is_word()) {
        plain_arguments();
      } else {
        words_.word("file ...");
      }
      return;
    }
    if (macro == "Ns") {
      words_.no_space();
      return;
    }
    if (macro == "Ap") {
      words_.attach("'");
      words_.no_space();
      return;
    }
    if (macro == "Pf") {
      if (!at_end()) {
        words_.word(text(args_[pos_++]));
        words_.no_space();
      }
      return;
    }
    if (macro == "Fn") {
      if (next_is_word()) {
        std::string call = text(args_[pos_++]) + "(";
        bool first = true;
        while (next_is_word()) {
          if (!first) call += ", ";
          call += text(args_[pos_++]);
          first = false;
        }
        words_.word(call + ")");
      }
      return;
    }
    if (macro == "Ta") {
      return;  // a column break in .Bl -column: a plain space
    }
    if (macro == "Ux") return words_.word("UNIX");
    if (macro == "At") return words_.word("AT&T UNIX");
    if (macro == "Bx" || macro == "Fx" || macro == "Nx" || macro == "Ox" || macro == "Dx" ||
        macro == "Bsx") {
      static constexpr std::array kSystems = {
          Enclosure{"Bx", "BSD", ""},       Enclosure{"Fx", "FreeBSD", ""},
          Enclosure{"Nx", "NetBSD", ""},    Enclosure{"Ox", "OpenBSD", ""},
          Enclosure{"Dx", "DragonFly", ""}, Enclosure{"Bsx", "BSD/OS", ""}};
      for (const Enclosure& s : kSystems) {
        if (s.macro == macro) words_.word(s.open);
      }
      return;
    }
    if (macro == "St") {
      if (next_is_word()) {
        std::string standard = text(args_[pos_++]);
        if (!standard.empty() && standard[0] == '-') standard.erase(0, 1);
        words_.word(standard);
      }
      return;
    }
    if (macro == "An") {
      if (!at_end() && (args_[pos_] == "-split" || args_[pos_] == "-nosplit")) ++pos_;
      plain_arguments();
      return;
    }
    if (macro == "Lk") {
      // .Lk url [link text]: the text when given, else the url.
      if (next_is_word()) {
        std::string url = text(args_[pos_++]);
        if (next_is_word()) {
          plain_arguments();
        } else {
          words_.word(url);
        }
      }
      return;
    }
    if (macro == "Eo" || macro == "Ec") {
      if (next_is_word()) {
        words_.word(text(args_[pos_++]));
        if (macro == "Eo") words_.no_space();
      }
      return;
    }
    if (macro == "Xo" || macro == "Xc" || macro == "Rs" || macro == "Re" || macro == "Es" ||
        macro == "En") {
      return;
    }
    // Every other macro prints its plain arguments.
    plain_arguments();
  }

  const std::vector<std::string>& args_;
  std::size_t pos_ = 0;
  std::string_view page_name_;
  const RoffStrings& strings_;
  Words words_;
};

}  // namespace

bool is_mdoc_callable(std::string_view name) {
  return std::find(kCallable.begin(), kCallable.end(), name) != kCallable.end();
}

std::string render_mdoc(std::string_view macro, const std::vector<std::string>& args,
                        std::string_view page_name, const RoffStrings& strings) {
  Renderer renderer(args, page_name, strings);
  return renderer.run(macro);
}

}  // namespace embeval::roff
