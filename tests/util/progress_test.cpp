// Progress honours both switches: the CLI's --quiet and EMBEVAL_NO_PROGRESS.
#include "embeval/util/progress.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace embeval {
namespace {

TEST(Progress, TheEnvironmentVariableWinsOverTheGlobalSwitch) {
  ::unsetenv("EMBEVAL_NO_PROGRESS");
  Progress::set_globally_enabled(true);
  EXPECT_TRUE(Progress::allowed());
  Progress::set_globally_enabled(false);  // --quiet
  EXPECT_FALSE(Progress::allowed());

  // What main() does after parsing without --quiet must not undo the variable.
  ::setenv("EMBEVAL_NO_PROGRESS", "1", 1);
  Progress::set_globally_enabled(true);
  EXPECT_FALSE(Progress::allowed());

  ::setenv("EMBEVAL_NO_PROGRESS", "", 1);  // set but empty: not a request
  EXPECT_TRUE(Progress::allowed());
  ::unsetenv("EMBEVAL_NO_PROGRESS");
}

TEST(Progress, PrintsNothingWhenTheVariableIsSet) {
  ::setenv("EMBEVAL_NO_PROGRESS", "1", 1);
  Progress::set_globally_enabled(true);
  ::testing::internal::CaptureStderr();
  {
    Progress p("encode x", 5000, "docs");
    for (int i = 0; i < 5000; ++i) p.add();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ::unsetenv("EMBEVAL_NO_PROGRESS");
  ::testing::internal::CaptureStderr();
  { Progress p("encode x", 3, "docs"); }  // finish() prints the final line
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("encode x: 0/3 docs"), std::string::npos);
}

}  // namespace
}  // namespace embeval
