// Planted: util may include core, not io.
#pragma once

#include <vector>

#include "embeval/core/planted.h"
// #include "embeval/io/planted.h"  (commented out: not an include)
#include "embeval/io/planted.h"
