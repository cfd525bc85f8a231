# Two headers must not define a namespace-scope struct or class of the same name: linked into one
# binary, the two layouts break the one-definition rule and code built for one runs on the other
# (seen: ingest's TextSection and dataset's TextSection, a stack overflow under ASan only).
#   cmake -DDIRS="<dir>;<dir>" -P check_unique_type_names.cmake
# A definition is a line starting with `struct Name` or `class Name` (column 0: namespace scope,
# as clang-format leaves it) that is not a forward declaration (`struct Name;`).
cmake_minimum_required(VERSION 3.25)

set(headers "")
foreach(dir IN LISTS DIRS)
  file(GLOB_RECURSE found "${dir}/*.h")
  list(APPEND headers ${found})
endforeach()
list(SORT headers)
set(names "")
set(problems "")
foreach(header IN LISTS headers)
  file(STRINGS "${header}" lines REGEX "^(struct|class) [A-Za-z_][A-Za-z0-9_]*[^;]*$")
  foreach(line IN LISTS lines)
    if(line MATCHES "^(struct|class) ([A-Za-z_][A-Za-z0-9_]*)")
      set(name "${CMAKE_MATCH_2}")
      if(DEFINED where_${name} AND NOT where_${name} STREQUAL header)
        string(APPEND problems "  ${name}: ${where_${name}} and ${header}\n")
      endif()
      set(where_${name} "${header}")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "types defined in two headers (rename one):\n${problems}")
endif()
list(LENGTH headers count)
message(STATUS "${count} headers, no type defined twice")
