// clang-format off
// Planted (include order and line numbers are what the test expects): a util file. Its own
// header and core are fine; io's internal header, the CLI's and an unlayered one are not.
#include "util/internal.h"
#include "embeval/util/planted.h"
  #  include "io/internal.h"
#include "cli/commands.h"
#include "embeval/flat.h"
#include "embeval/nowhere/thing.h"
#include "not_a_layer/helper.h"
