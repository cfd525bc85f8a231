// Planted: a layer folder the graph does not build (skipped, as gguf without llama.cpp).
#include "embeval/io/planted.h"
