// Planted: the CLI may include every layer.
#pragma once

#include "embeval/io/planted.h"
#include "io/internal.h"
