// Planted for the include-direction test: core is the bottom layer and includes no other.
#pragma once

#include "embeval/core/other.h"
#include "embeval/util/planted.h"
