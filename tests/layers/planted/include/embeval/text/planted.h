// Planted: text declares DEPS util (layer_deps.txt) but includes only core: an unused edge.
#pragma once

#include "embeval/core/other.h"
