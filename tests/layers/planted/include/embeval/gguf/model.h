// Planted: a header of the gguf layer, which this graph does not build.
#pragma once
