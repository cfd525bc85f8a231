// Planted: tests/data/ is not a layer folder, so it is not checked.
#include "embeval/io/planted.h"
