// Progress for long work, on stderr: a single self-overwriting line on a terminal, a line every
// few seconds otherwise (CI logs), nothing when disabled. Cheap to call per item: it only looks
// at the clock every 1024 ticks.
#pragma once

#include <cstddef>
#include <string>

#include "embeval/util/stopwatch.h"

namespace embeval {

class Progress {
 public:
  // `total` may be 0 when unknown. `unit` names what is counted ("docs", "pages").
  Progress(std::string label, std::size_t total, std::string unit, bool enabled = true);
  ~Progress();  // calls finish() if not yet done

  void add(std::size_t n = 1);
  void finish();

  // Global switch (the CLI's --quiet). Progress is also off whenever the environment variable
  // EMBEVAL_NO_PROGRESS is set to a non-empty value, whatever this switch says.
  static void set_globally_enabled(bool enabled);
  // Whether a Progress constructed now may print: the switch and the variable.
  [[nodiscard]] static bool allowed();

 private:
  void print(bool final_line);

  std::string label_;
  std::string unit_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t since_check_ = 0;
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  Stopwatch elapsed_;
  double last_print_s_ = 0;  // elapsed_ at the last line printed
};

}  // namespace embeval
