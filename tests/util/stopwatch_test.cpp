// Stopwatch: readings that never run backwards and a restart that starts from zero again. Only
// the order of readings is asserted, never a duration (no timed assertions).
#include "embeval/util/stopwatch.h"

#include <gtest/gtest.h>

namespace embeval {
namespace {

TEST(Stopwatch, ReadingsStartAtZeroAndNeverDecrease) {
  const Stopwatch watch;
  const double first = watch.seconds();
  const double second = watch.seconds();
  EXPECT_GE(first, 0.0);
  EXPECT_LE(first, second);
}

TEST(Stopwatch, ALaterStartReadsNoMoreThanAnEarlierOne) {
  Stopwatch outer;
  const Stopwatch inner;  // started after outer
  const double inner_s = inner.seconds();
  const double outer_s = outer.seconds();  // read after inner
  EXPECT_LE(inner_s, outer_s);

  outer.restart();  // now outer started after inner
  const double restarted_s = outer.seconds();
  const double inner_later_s = inner.seconds();
  EXPECT_LE(restarted_s, inner_later_s);
  EXPECT_GE(restarted_s, 0.0);
}

}  // namespace
}  // namespace embeval
