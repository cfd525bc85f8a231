// Planted: io may include util and core.
#pragma once

#include "embeval/core/planted.h"
#include "embeval/util/planted.h"
