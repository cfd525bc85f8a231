// The embeval release, recorded in every results file (keep equal to project() in CMakeLists.txt).
#pragma once

namespace embeval {

inline constexpr const char* kEmbevalVersion = "0.1.0";

}  // namespace embeval
