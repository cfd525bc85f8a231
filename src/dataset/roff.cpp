// The roff reader: walks a man page line by line, interprets the requests and macros that carry
// structure (sections, paragraphs, fill mode, conditionals, definitions, tables) and hands text to
// the escape converter. See include/embeval/dataset/roff.h for what it produces.
#include "embeval/dataset/roff.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "dataset/mdoc_render.h"
#include "dataset/roff_escapes.h"

namespace embeval {
namespace {

using roff::convert_escapes;
using roff::kDashMarker;
using roff::RoffStrings;

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_blank_char(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank_char(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// SEE ALSO in English and in the languages Debian ships translated pages for.
bool is_see_also_heading(std::string_view heading) {
  static const std::array<std::string_view, 16> kHeadings = {
      "SEE ALSO",    "SIEHE AUCH",   "VOIR AUSSI",     "VÉASE TAMBIÉN",
      "VEJA TAMBÉM", "VEDERE ANCHE", "ZIE OOK",        "ZOBACZ TAKŻE",
      "SE OCKSÅ",    "KATSO MYÖS",   "LÁSD MÉG",       "СМОТРИТЕ ТАКЖЕ",
      "関連項目",    "参见",         "DIĞER BELGELER", "VIZ TÉŽ"};
  const std::string upper = upper_ascii(trim(heading));
  for (std::string_view h : kHeadings) {
    if (upper == h) return true;
  }
  return false;
}

// Section headings that are certainly not NAME: a page whose first section is one of these has
// no NAME section.
bool is_known_non_name_heading(std::string_view heading) {
  const std::string upper = upper_ascii(trim(heading));
  return upper == "SYNOPSIS" || upper == "DESCRIPTION" || upper == "OPTIONS";
}

// Splits the source into logical lines: "\r\n" endings accepted, and a line ending in an
// unescaped backslash continues on the next one.
std::vector<std::string> logical_lines(std::string_view source) {
  std::vector<std::string> lines;
  std::string current;
  std::size_t pos = 0;
  while (pos <= source.size()) {
    std::size_t end = source.find('\n', pos);
    if (end == std::string_view::npos) end = source.size();
    std::string_view line = source.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1 && end < source.size()) {
      current.append(line.substr(0, line.size() - 1));
    } else {
      current.append(line);
      lines.push_back(std::move(current));
      current.clear();
    }
    pos = end + 1;
  }
  return lines;
}

enum class SectionKind { kPreamble, kName, kSeeAlso, kOther };

class ManReader {
 public:
  RoffPage run(std::string_view source) {
    for (const std::string& line : logical_lines(source)) {
      if (done_) break;
      if (skipping(line)) continue;
      process_line(line);
    }
    finish_section();
    finish_body();
    return std::move(page_);
  }

 private:
  // ---- output -------------------------------------------------------------------------------
  void emit(std::string_view text) {
    if (text.empty()) return;
    if (out_.size() + raw_body_.size() + text.size() > kMaxPageTextBytes) {
      throw RoffLimitError("page text exceeds " + std::to_string(kMaxPageTextBytes >> 20) + " MiB");
    }
    if (fill_ && !join_next_ && !out_.empty() && out_.back() != '\n' && out_.back() != ' ') {
      out_ += ' ';
    }
    out_ += text;
    join_next_ = continues_;  // the text ended in \c: the next text joins without a space
    continues_ = false;
    wrote_text_ = true;
  }
  // Called when an input line that produced text is complete.
  void end_input_line() {
    if (join_next_) return;
    if (!fill_) out_ += '\n';
    if (break_after_line_) {
      break_after_line_ = false;
      brk();
    }
  }
  void brk() {
    join_next_ = false;
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }

  std::string conv(std::string_view raw) {
    std::string text;
    const auto result = convert_escapes(raw, strings_, text, kind_ == SectionKind::kName);
    continues_ = result.continues;
    return text;
  }
  std::string conv_args(const std::vector<std::string>& args, std::string_view separator) {
    std::string text;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i > 0) text += separator;
      convert_escapes(args[i], strings_, text, kind_ == SectionKind::kName);
    }
    return text;
  }

  // ---- sections -----------------------------------------------------------------------------
  void start_section(std::string heading) {
    finish_section();
    page_.has_structure = true;
    heading = std::string(trim(heading));
    page_.headings.push_back(heading);
    if (page_.headings.size() == 1 && !is_known_non_name_heading(heading)) {
      kind_ = SectionKind::kName;
    } else if (is_see_also_heading(heading)) {
      kind_ = SectionKind::kSeeAlso;
    } else {
      kind_ = SectionKind::kOther;
    }
    heading_ = std::move(heading);
    fill_ = true;
  }

  void finish_section() {
    brk();
    if (kind_ == SectionKind::kName) {
      if (!page_.is_mdoc || page_.description.empty()) parse_name_line(out_);
    } else {
      if (kind_ == SectionKind::kSeeAlso) {
        for (ManReference& ref : find_man_references(out_)) {
          bool seen = false;
          for (const ManReference& have : page_.see_also) seen = seen || have == ref;
          if (!seen) page_.see_also.push_back(std::move(ref));
        }
      }
      if (kind_ != SectionKind::kPreamble) raw_body_ += heading_ + "\n";
      raw_body_ += out_;
    }
    out_.clear();
  }

  // "cp, mv \- copy files" -> names {cp, mv}, description "copy files".
  void parse_name_line(std::string_view text) {
    std::string line;
    for (char c : text) line += (c == '\n' ? ' ' : c);
    std::size_t split = std::string::npos;
    std::size_t split_len = 1;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] != kDashMarker) continue;
      const bool space_before = i == 0 || line[i - 1] == ' ';
      const bool space_after = i + 1 >= line.size() || line[i + 1] == ' ';
      if (space_before || space_after) {
        split = i;
        break;
      }
    }
    if (split == std::string::npos) {
      for (std::string_view dash : {" - ", " \u2014 ", " \u2013 "}) {
        const std::size_t at = line.find(dash);
        if (at != std::string::npos) {
          split = at;
          split_len = dash.size();
          break;
        }
      }
    }
    for (char& c : line) {
      if (c == kDashMarker) c = '-';
    }
    std::string_view names = line;
    std::string_view description;
    if (split != std::string::npos) {
      names = std::string_view(line).substr(0, split);
      description = std::string_view(line).substr(split + split_len);
    }
    if (page_.names.empty()) {
      std::size_t pos = 0;
      while (pos <= names.size()) {
        std::size_t comma = names.find(',', pos);
        if (comma == std::string_view::npos) comma = names.size();
        const std::string_view name = trim(names.substr(pos, comma - pos));
        if (!name.empty()) page_.names.emplace_back(name);
        pos = comma + 1;
      }
    }
    if (page_.description.empty()) page_.description = collapse_spaces(description);
  }

  static std::string collapse_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
      if (is_blank_char(c) || c == '\n') {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += c;
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  // Lines trimmed, blanks collapsed, empty lines dropped.
  void finish_body() {
    std::string& body = page_.body;
    body.reserve(raw_body_.size());
    std::size_t pos = 0;
    while (pos < raw_body_.size()) {
      std::size_t end = raw_body_.find('\n', pos);
      if (end == std::string::npos) end = raw_body_.size();
      const std::string line = collapse_spaces(raw_body_.substr(pos, end - pos));
      if (!line.empty()) {
        body += line;
        body += '\n';
      }
      pos = end + 1;
    }
  }

  // ---- skipped regions: macro definitions, eqn, pic, false conditional blocks --------------
  bool skipping(const std::string& line) {
    if (brace_skip_depth_ > 0) {
      brace_skip_depth_ += count_braces(line);
      return true;
    }
    if (!skip_until_.empty()) {
      if (is_control(line) && request_name(line) == skip_until_) skip_until_.clear();
      return true;
    }
    if (in_eqn_or_pic_) {
      if (is_control(line)) {
        const std::string_view name = request_name(line);
        if (name == "EN" || name == "PE") in_eqn_or_pic_ = false;
      }
      return true;
    }
    return false;
  }

  static int count_braces(std::string_view line) {
    int depth = 0;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      if (line[i] != '\\') continue;
      if (line[i + 1] == '{') ++depth;
      if (line[i + 1] == '}') --depth;
      ++i;
    }
    return depth;
  }

  static bool is_control(std::string_view line) {
    return !line.empty() && (line[0] == '.' || line[0] == '\'');
  }
  static std::string_view request_name(std::string_view line) {
    std::size_t pos = 1;
    while (pos < line.size() && is_blank_char(line[pos])) ++pos;
    std::size_t end = pos;
    while (end < line.size() && !is_blank_char(line[end])) ++end;
    return line.substr(pos, end - pos);
  }

  // ---- lines ----------------------------------------------------------------------------------
  void process_line(std::string_view line) {
    if (table_active_ && table_line(line)) return;
    if (is_control(line)) {
      request(line);
    } else {
      text_line(line);
    }
  }

  void text_line(std::string_view line) {
    if (pending_heading_ != 0) {
      const int level = pending_heading_;
      pending_heading_ = 0;
      heading(level, conv(line));
      return;
    }
    if (trim(line).empty()) {
      if (!fill_) out_ += '\n';
      brk();
      return;
    }
    if (fill_ && is_blank_char(line[0])) brk();
    emit(conv(line));
    end_input_line();
  }

  void heading(int level, std::string text) {
    if (level == 1) {
      start_section(std::move(text));
    } else {
      brk();
      emit(text);
      brk();
    }
  }

  void request(std::string_view line) {
    const std::string_view name = request_name(line);
    if (name.empty() || name[0] == '\\') return;  // "." alone, .\" comment, .\} block end
    std::string_view rest =
        line.substr(static_cast<std::size_t>(name.data() - line.data()) + name.size());
    if (name == "if" || name == "ie" || name == "el" || name == "while") {
      conditional(name, rest);
      return;
    }
    const std::vector<std::string> args = roff::split_arguments(rest);
    if (man_request(name, rest, args)) return;
    if (definition_request(name, rest, args)) return;
    mdoc_request(name, args);
  }

  // Returns false when `name` is not a man macro or a formatting request.
  bool man_request(std::string_view name, std::string_view rest,
                   const std::vector<std::string>& args) {
    if (name == "TH") {
      page_.has_structure = true;
      if (!args.empty()) page_.title = roff::plain(args[0], strings_);
      if (args.size() > 1) page_.section = roff::plain(args[1], strings_);
    } else if (name == "SH" || name == "SS") {
      const int level = name == "SH" ? 1 : 2;
      if (args.empty()) {
        pending_heading_ = level;
      } else {
        heading(level, conv_args(args, " "));
      }
    } else if (name == "PP" || name == "LP" || name == "P" || name == "HP" || name == "sp" ||
               name == "br" || name == "Sp" || name == "bp" || name == "ti" || name == "ce") {
      brk();
    } else if (name == "TP" || name == "TQ") {
      brk();
      break_after_line_ = true;
    } else if (name == "IP" || name == "Ip") {
      brk();
      if (!args.empty()) emit(conv(args[0]));
    } else if (name == "B" || name == "I" || name == "SM" || name == "SB") {
      if (!args.empty()) {
        if (pending_heading_ != 0) {
          const int level = pending_heading_;
          pending_heading_ = 0;
          heading(level, conv_args(args, " "));
          return true;
        }
        emit(conv_args(args, " "));
        end_input_line();
      }
    } else if (name == "BR" || name == "BI" || name == "IB" || name == "IR" || name == "RB" ||
               name == "RI") {
      emit(conv_args(args, ""));
      end_input_line();
    } else if (name == "nf" || name == "EX" || name == "Vb") {
      brk();
      fill_ = false;
    } else if (name == "fi" || name == "EE" || name == "Ve") {
      brk();
      fill_ = true;
    } else if (name == "UE" || name == "ME") {
      if (!args.empty()) out_ += conv(args[0]);  // trailing punctuation, attached
    } else if (name == "SY") {
      brk();
      emit(conv_args(args, " "));
    } else if (name == "YS") {
      brk();
    } else if (name == "OP") {
      emit("[" + conv_args(args, " ") + "]");
    } else if (name == "TS") {
      brk();
      table_active_ = true;
      table_phase_ = 0;
      table_tab_ = '\t';
      table_text_block_ = false;
    } else if (name == "TE") {
      brk();
      table_active_ = false;
    } else if (name == "EQ" || name == "PS") {
      in_eqn_or_pic_ = true;
    } else if (name == "so") {
      if (!page_.has_structure && !wrote_text_ && !args.empty()) {
        page_.so_target = std::string(trim(args[0]));
        done_ = true;
      }
    } else {
      (void)rest;
      return false;
    }
    return true;
  }

  // .de/.ig/.ds/.nr and friends. Returns false when `name` is none of them.
  bool definition_request(std::string_view name, std::string_view rest,
                          const std::vector<std::string>& args) {
    if (name == "de" || name == "de1" || name == "am" || name == "am1" || name == "dei" ||
        name == "ami" || name == "ig") {
      if (name == "ig") {
        skip_until_ = args.empty() ? "." : args[0];
      } else {
        if (!args.empty()) macros_.insert(args[0]);
        skip_until_ = args.size() > 1 ? args[1] : ".";
      }
      return true;
    }
    if (name == "ds" || name == "ds1" || name == "as" || name == "as1") {
      std::string_view r = rest;
      while (!r.empty() && is_blank_char(r.front())) r.remove_prefix(1);
      std::size_t end = 0;
      while (end < r.size() && !is_blank_char(r[end])) ++end;
      const std::string string_name(r.substr(0, end));
      r.remove_prefix(end);
      while (!r.empty() && is_blank_char(r.front())) r.remove_prefix(1);
      if (!r.empty() && r.front() == '"') r.remove_prefix(1);
      if (string_name.empty()) return true;
      const std::string value = roff::plain(r, strings_);
      if (name[0] == 'a') {
        strings_.append(string_name, value);
      } else {
        strings_.define(string_name, value);
      }
      return true;
    }
    if (name == "nr") {
      if (!args.empty()) {
        std::size_t pos = 0;
        const std::string_view value = args.size() > 1 ? std::string_view(args[1]) : "0";
        registers_[args[0]] = bounded(static_cast<double>(numeric(value, pos)));
      }
      return true;
    }
    return false;
  }

  void mdoc_request(std::string_view name, const std::vector<std::string>& args) {
    if (name == "Dd") {
      page_.is_mdoc = true;
      page_.has_structure = true;
    } else if (name == "Dt") {
      page_.is_mdoc = true;
      page_.has_structure = true;
      if (!args.empty()) page_.title = roff::plain(args[0], strings_);
      if (args.size() > 1) page_.section = roff::plain(args[1], strings_);
    } else if (name == "Sh" || name == "Ss") {
      heading(name == "Sh" ? 1 : 2, roff::render_mdoc("No", args, page_name_, strings_));
    } else if (name == "Nm" && kind_ == SectionKind::kName) {
      for (const std::string& arg : args) {
        if (arg == "," || roff::is_mdoc_callable(arg)) continue;
        std::string n = roff::plain(arg, strings_);
        if (!n.empty() && n.back() == ',') n.pop_back();
        if (n.empty()) continue;
        if (page_name_.empty()) page_name_ = n;
        page_.names.push_back(std::move(n));
      }
    } else if (name == "Nm" && upper_ascii(heading_) == "SYNOPSIS") {
      brk();  // each synopsis form starts on its own line, as mandoc prints it
      emit(roff::render_mdoc(name, args, page_name_, strings_));
      end_input_line();
    } else if (name == "Nm" && page_name_.empty() && !args.empty()) {
      page_name_ = roff::plain(args[0], strings_);
      emit(roff::render_mdoc(name, args, page_name_, strings_));
      end_input_line();
    } else if (name == "Nd") {
      page_.description = collapse_spaces(roff::render_mdoc("No", args, page_name_, strings_));
    } else if (name == "Pp" || name == "Lp" || name == "Bl" || name == "El" || name == "Rs" ||
               name == "Re") {
      brk();
    } else if (name == "It") {
      brk();
      const std::string tag = roff::render_mdoc("No", args, page_name_, strings_);
      if (!tag.empty()) {
        emit(tag);
        brk();
      }
    } else if (name == "Bd") {
      brk();
      for (const std::string& arg : args) {
        if (arg == "-literal" || arg == "-unfilled") fill_ = false;
      }
    } else if (name == "Ed") {
      brk();
      fill_ = true;
    } else if (name == "D1" || name == "Dl") {
      brk();
      emit(roff::render_mdoc("No", args, page_name_, strings_));
      brk();
    } else if (name == "Ex") {
      emit("The " + (page_name_.empty() ? std::string("utility") : page_name_) +
           " utility exits 0 on success, and >0 if an error occurs.");
      end_input_line();
    } else if (name == "Rv") {
      emit(
          "The function returns the value 0 if successful; otherwise the value -1 is returned "
          "and the global variable errno is set to indicate the error.");
      end_input_line();
    } else if (roff::is_mdoc_callable(name) || name == "Fd" || name == "Ft" || name == "Fo" ||
               name == "Vt" || name == "Cd" || name == "Lb") {
      emit(roff::render_mdoc(name, args, page_name_, strings_));
      end_input_line();
    }
    // Anything else (user macros such as pod2man's .IX, layout requests) prints nothing.
  }

  // ---- conditionals ---------------------------------------------------------------------------
  void conditional(std::string_view name, std::string_view rest) {
    bool condition = false;
    std::size_t pos = 0;
    if (name == "el") {
      condition = !else_stack_.empty() && !else_stack_.back();
      if (!else_stack_.empty()) else_stack_.pop_back();
    } else {
      condition = name != "while" && evaluate_condition(rest, pos);
      if (name == "ie") else_stack_.push_back(condition);
    }
    std::string_view body = rest.substr(std::min(pos, rest.size()));
    while (!body.empty() && is_blank_char(body.front())) body.remove_prefix(1);
    const bool block = starts_with(body, "\\{");
    if (!condition) {
      if (block) brace_skip_depth_ = std::max(0, count_braces(body));
      return;
    }
    if (block) body.remove_prefix(2);
    while (!body.empty() && is_blank_char(body.front())) body.remove_prefix(1);
    if (body.empty()) return;
    if (++conditional_depth_ < 16) process_line(body);  // bounded: nested .if chains
    --conditional_depth_;
  }

  bool evaluate_condition(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && is_blank_char(s[pos])) ++pos;
    bool negate = false;
    while (pos < s.size() && s[pos] == '!') {
      negate = !negate;
      ++pos;
    }
    if (pos >= s.size()) return false;
    const char c = s[pos];
    const bool single = pos + 1 >= s.size() || is_blank_char(s[pos + 1]) || s[pos + 1] == '\\';
    bool result = false;
    if (std::string_view("ntoev").find(c) != std::string_view::npos && single) {
      result = c == 'n';  // we format for a terminal, like nroff
      ++pos;
    } else if (std::string_view("dcrmFS").find(c) != std::string_view::npos && pos + 1 < s.size() &&
               is_blank_char(s[pos + 1])) {
      pos += 2;
      std::size_t end = pos;
      while (end < s.size() && !is_blank_char(s[end])) ++end;
      const std::string what(s.substr(pos, end - pos));
      pos = end;
      if (c == 'd') result = strings_.defined(what) || macros_.count(what) != 0;
      if (c == 'r') result = registers_.count(what) != 0;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '(' || c == '+' || c == '-' ||
               (c == '\\' && pos + 1 < s.size() && (s[pos + 1] == 'n' || s[pos + 1] == 'w'))) {
      result = numeric(s, pos) > 0;
    } else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '\\') {
      // 'string1'string2': string comparison.
      const char delim = c;
      const std::size_t first = pos + 1;
      const std::size_t middle = s.find(delim, first);
      const std::size_t last =
          middle == std::string_view::npos ? middle : s.find(delim, middle + 1);
      if (last == std::string_view::npos) {
        pos = s.size();
        return false;
      }
      result = roff::plain(s.substr(first, middle - first), strings_) ==
               roff::plain(s.substr(middle + 1, last - middle - 1), strings_);
      pos = last + 1;
    } else {
      while (pos < s.size() && !is_blank_char(s[pos])) ++pos;
    }
    return negate ? !result : result;
  }

  // A roff numeric expression, evaluated left to right (roff has no operator precedence).
  // Stops at a blank or at "\{". Unknown registers are 0.
  long numeric(std::string_view s, std::size_t& pos, int depth = 0) {
    long value = term(s, pos, depth);
    while (pos < s.size()) {
      const char c = s[pos];
      std::string op;
      if (c == '<' || c == '>' || c == '=' || c == '!') {
        op += c;
        if (pos + 1 < s.size() && (s[pos + 1] == '=' || s[pos + 1] == '>')) op += s[pos + 1];
      } else if (std::string_view("+-*/%&:").find(c) != std::string_view::npos) {
        op += c;
      } else {
        break;
      }
      pos += op.size();
      const long rhs = term(s, pos, depth);
      // Bounded: "9999999999*9999999999" must not overflow (undefined behaviour).
      if (op == "+")
        value = bounded(static_cast<double>(value) + static_cast<double>(rhs));
      else if (op == "-")
        value = bounded(static_cast<double>(value) - static_cast<double>(rhs));
      else if (op == "*")
        value = bounded(static_cast<double>(value) * static_cast<double>(rhs));
      else if (op == "/")
        value = rhs == 0 ? 0 : value / rhs;
      else if (op == "%")
        value = rhs == 0 ? 0 : value % rhs;
      else if (op == "<")
        value = value < rhs;
      else if (op == ">")
        value = value > rhs;
      else if (op == "<=")
        value = value <= rhs;
      else if (op == ">=")
        value = value >= rhs;
      else if (op == "=" || op == "==")
        value = value == rhs;
      else if (op == "!=" || op == "<>")
        value = value != rhs;
      else if (op == "&")
        value = value > 0 && rhs > 0;
      else if (op == ":")
        value = value > 0 || rhs > 0;
      else
        break;
    }
    return value;
  }

  // Keeps register arithmetic within +-1e15 (exact in a double, far from overflowing a long).
  static long bounded(double v) {
    constexpr double kLimit = 1e15;
    return static_cast<long>(std::clamp(v, -kLimit, kLimit));
  }

  long term(std::string_view s, std::size_t& pos, int depth) {
    if (pos >= s.size() || depth > 8) return 0;
    if (s[pos] == '-') {
      ++pos;
      return bounded(-static_cast<double>(term(s, pos, depth)));
    }
    if (s[pos] == '+') ++pos;
    if (pos >= s.size()) return 0;
    if (s[pos] == '(') {
      ++pos;
      const long v = numeric(s, pos, depth + 1);
      if (pos < s.size() && s[pos] == ')') ++pos;
      return v;
    }
    if (s[pos] == '\\' && pos + 1 < s.size()) {
      const char kind = s[pos + 1];
      pos += 2;
      if (kind == 'n') {
        if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
        const std::string name(roff::read_escape_name(s, pos));
        if (name == ".g") return 1;  // groff-compatible
        auto it = registers_.find(name);
        return it == registers_.end() ? 0 : it->second;
      }
      if (kind == 'w' && pos < s.size()) {
        const char delim = s[pos];
        const std::size_t close = s.find(delim, pos + 1);
        const std::size_t end = close == std::string_view::npos ? s.size() : close;
        const long width = static_cast<long>(end - pos - 1);
        pos = close == std::string_view::npos ? s.size() : close + 1;
        return width;
      }
      return 0;
    }
    long v = 0;
    bool any = false;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (v < 1000000000L) v = v * 10 + (s[pos] - '0');
      ++pos;
      any = true;
    }
    if (pos < s.size() && s[pos] == '.') {  // fractions are truncated
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
      any = true;
    }
    if (any && pos < s.size() &&
        std::string_view("uicpPmnvMsz").find(s[pos]) != std::string_view::npos) {
      ++pos;  // scale indicator
    }
    return v;
  }

  // ---- tbl ------------------------------------------------------------------------------------
  // Returns true when the line was consumed as table syntax or data.
  bool table_line(std::string_view line) {
    if (is_control(line)) {
      const std::string_view name = request_name(line);
      if (name == "TE") return false;
      if (name == "T&") {
        table_phase_ = 1;
        return true;
      }
      return false;
    }
    if (table_text_block_) {
      if (!starts_with(line, "T}")) return false;
      table_text_block_ = false;
      table_row(line.substr(2));
      return true;
    }
    const std::string_view trimmed = trim(line);
    if (table_phase_ == 0) {
      table_phase_ = 1;
      if (!trimmed.empty() && trimmed.back() == ';') {
        const std::size_t tab = trimmed.find("tab(");
        if (tab != std::string_view::npos && tab + 4 < trimmed.size())
          table_tab_ = trimmed[tab + 4];
        return true;
      }
    }
    if (table_phase_ == 1) {
      if (!trimmed.empty() && trimmed.back() == '.') table_phase_ = 2;
      return true;
    }
    table_row(line);
    return true;
  }

  void table_row(std::string_view line) {
    const std::string_view trimmed = trim(line);
    if (trimmed == "_" || trimmed == "=") {
      brk();
      return;
    }
    std::size_t pos = 0;
    while (pos <= line.size()) {
      std::size_t end = line.find(table_tab_, pos);
      if (end == std::string_view::npos) end = line.size();
      const std::string_view cell = trim(line.substr(pos, end - pos));
      if (cell == "T{") {
        table_text_block_ = true;
      } else if (!cell.empty() && cell != "_" && cell != "=" && cell != "\\^") {
        emit(conv(cell));
      }
      pos = end + 1;
    }
    if (!table_text_block_) brk();
  }

  // ---- state ----------------------------------------------------------------------------------
  RoffPage page_;
  RoffStrings strings_;
  std::unordered_set<std::string> macros_;
  std::unordered_map<std::string, long> registers_;
  std::vector<bool> else_stack_;
  std::string page_name_;  // what a bare mdoc .Nm prints

  SectionKind kind_ = SectionKind::kPreamble;
  std::string heading_;
  std::string out_;       // text of the current section
  std::string raw_body_;  // finished sections except NAME, before whitespace clean-up

  bool fill_ = true;
  bool join_next_ = false;
  bool continues_ = false;  // the last converted text ended in \c
  bool break_after_line_ = false;
  bool wrote_text_ = false;
  bool done_ = false;
  int pending_heading_ = 0;  // 1: the next text line is a .SH heading, 2: .SS
  int conditional_depth_ = 0;

  std::string skip_until_;  // inside .de/.ig: the request name that ends it ("." for "..")
  int brace_skip_depth_ = 0;
  bool in_eqn_or_pic_ = false;

  bool table_active_ = false;
  int table_phase_ = 0;  // 0 options, 1 format, 2 data
  char table_tab_ = '\t';
  bool table_text_block_ = false;
};

bool is_ref_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':' || c == '+' || c == '@';
}

}  // namespace

RoffPage parse_man_page(std::string_view source) {
  ManReader reader;
  return reader.run(source);
}

std::vector<ManReference> find_man_references(std::string_view text) {
  std::vector<ManReference> refs;
  std::size_t pos = 0;
  while ((pos = text.find('(', pos)) != std::string_view::npos) {
    const std::size_t open = pos++;
    std::size_t sec_end = open + 1;
    if (sec_end >= text.size() || !std::isdigit(static_cast<unsigned char>(text[sec_end]))) {
      continue;
    }
    while (sec_end < text.size() && std::isalnum(static_cast<unsigned char>(text[sec_end]))) {
      ++sec_end;
    }
    if (sec_end >= text.size() || text[sec_end] != ')') continue;
    std::size_t name_end = open;
    std::size_t name_begin = name_end;
    while (name_begin > 0 && is_ref_name_char(text[name_begin - 1])) --name_begin;
    // A name starts with a letter, digit or underscore; trailing dots are punctuation.
    while (name_begin < name_end && !std::isalnum(static_cast<unsigned char>(text[name_begin])) &&
           text[name_begin] != '_') {
      ++name_begin;
    }
    if (name_begin >= name_end) continue;
    refs.push_back({std::string(text.substr(name_begin, name_end - name_begin)),
                    std::string(text.substr(open + 1, sec_end - open - 1))});
    pos = sec_end + 1;
  }
  return refs;
}

}  // namespace embeval
