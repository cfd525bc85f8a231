#include "embeval/util/stopwatch.h"

namespace embeval {

Stopwatch::Stopwatch() : start_(std::chrono::steady_clock::now()) {}

void Stopwatch::restart() { start_ = std::chrono::steady_clock::now(); }

double Stopwatch::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace embeval
