#include "embeval/util/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace embeval {
namespace {

// The CLI's --quiet. EMBEVAL_NO_PROGRESS is read apart from it (at each construction), so that
// set_globally_enabled(true) after parsing cannot switch progress back on against the variable.
std::atomic<bool> g_enabled{true};

}  // namespace

bool Progress::allowed() {
  const char* no_progress = std::getenv("EMBEVAL_NO_PROGRESS");
  const bool env_off = no_progress != nullptr && *no_progress != '\0';
  return g_enabled.load() && !env_off;
}

void Progress::set_globally_enabled(bool enabled) { g_enabled = enabled; }

Progress::Progress(std::string label, std::size_t total, std::string unit, bool enabled)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(enabled && allowed()),
      tty_(::isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() { finish(); }

void Progress::add(std::size_t n) {
  done_ += n;
  since_check_ += n;
  if (!enabled_ || since_check_ < 1024) return;
  since_check_ = 0;
  const double now_s = elapsed_.seconds();
  const double interval_s = tty_ ? 0.2 : 5.0;
  if (now_s - last_print_s_ >= interval_s) {
    last_print_s_ = now_s;
    print(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) print(true);
}

void Progress::print(bool final_line) {
  const double seconds = elapsed_.seconds();
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0.0;
  char buf[256];
  if (total_ > 0) {
    std::snprintf(buf, sizeof buf, "%s: %zu/%zu %s (%.0f%%), %.0f %s/s, %.1fs", label_.c_str(),
                  done_, total_, unit_.c_str(), 100.0 * static_cast<double>(done_) / total_, rate,
                  unit_.c_str(), seconds);
  } else {
    std::snprintf(buf, sizeof buf, "%s: %zu %s, %.0f %s/s, %.1fs", label_.c_str(), done_,
                  unit_.c_str(), rate, unit_.c_str(), seconds);
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", buf, final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", buf);
  }
  std::fflush(stderr);
}

}  // namespace embeval
