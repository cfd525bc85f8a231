// clang-format off
// Planted (line numbers matter): a util test links embeval_util only; it may not include io.
#include "embeval/util/planted.h"
#include "util/test_helper.h"

#include "embeval/io/planted.h"
#include "embeval/gguf/model.h"
#include <embeval/io/planted.h>
#include <vector>
