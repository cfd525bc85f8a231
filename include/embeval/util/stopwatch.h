// Elapsed wall-clock time for the figures the tools print and record (encode, search, fit and
// load seconds). One clock for all of them: std::chrono::steady_clock, which is monotonic, so a
// clock adjustment during a run cannot make a duration negative or jump. A Stopwatch is a plain
// value; reading it from several threads is safe, restarting it while another thread reads is not.
#pragma once

#include <chrono>

namespace embeval {

class Stopwatch {
 public:
  Stopwatch();  // starts at construction

  // Starts counting again from now.
  void restart();

  // Seconds since construction or the last restart().
  [[nodiscard]] double seconds() const;

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace embeval
