# Proves that check_include_direction.cmake catches what it must: runs it over planted/ (a tiny
# tree with its own graph, core <- util <- io and text, and upward includes planted on known lines) and
# requires that it fails, names exactly the planted file:line pairs, and lets every allowed
# include pass (same layer, a lower layer, the CLI above all, a commented-out include, a test
# helper, a layer this configuration does not build).
# planted/layer_deps.txt declares one edge that no planted file uses (text -> util).
#   cmake -DCHECKER=<check_include_direction.cmake> -DPLANTED=<planted dir> -P expect_planted_violations.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(
  COMMAND ${CMAKE_COMMAND} -DROOT=${PLANTED} -DGRAPH=${PLANTED}/layer_graph.txt
          -DDEPS=${PLANTED}/layer_deps.txt -P ${CHECKER}
  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
message(STATUS "checker output:\n${output}")

if(result EQUAL 0)
  message(FATAL_ERROR "the checker passed a tree with planted upward includes")
endif()

# Every planted violation, as "file:line: start of the message".
set(expected
    "include/embeval/core/planted.h:5: upward include: core includes \"embeval/util/planted.h\" of layer util, but core may include only: nothing but itself"
    "include/embeval/util/planted.h:8: upward include: util includes \"embeval/io/planted.h\" of layer io, but util may include only: core"
    "src/util/planted.cpp:6: upward include: util includes \"io/internal.h\" of layer io"
    "src/util/planted.cpp:7: upward include: util includes \"cli/commands.h\" of layer cli"
    "src/util/planted.cpp:8: \"embeval/flat.h\" is not in a layer folder"
    "src/util/planted.cpp:9: \"embeval/nowhere/thing.h\": nowhere is not a layer of the graph"
    "tests/util/planted_check.cpp:6: upward include: util includes \"embeval/io/planted.h\" of layer io"
    "tests/util/planted_check.cpp:8: upward include: util includes \"embeval/io/planted.h\" of layer io"
    "unused edge: text declares DEPS util, but no file of include/embeval/text/, src/text/ or tests/text/ includes a header of util")
foreach(line IN LISTS expected)
  string(FIND "${output}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the checker did not report: ${line}")
  endif()
endforeach()

# Nothing else: the count, and no report for a file that holds only allowed includes.
list(LENGTH expected count)
if(NOT output MATCHES "${count} problem\\(s\\) with the layer graph")
  message(FATAL_ERROR "expected exactly ${count} violations")
endif()
foreach(clean "include/embeval/io/planted.h:" "include/embeval/core/other.h:" "src/cli/"
              "src/util/planted.cpp:4:" "src/util/planted.cpp:5:" "src/util/planted.cpp:10:"
              "tests/util/planted_check.cpp:3:" "tests/util/planted_check.cpp:4:" "tests/data/"
              "tests/util/planted_check.cpp:9:" "include/embeval/text/planted.h:" "unused edge: io"
              "unused edge: util"
              "include/embeval/util/planted.h:6:" "include/embeval/util/planted.h:7:")
  string(FIND "${output}" "${clean}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "the checker reported an allowed include: ${clean}")
  endif()
endforeach()
# The optional layer that is not built is named as skipped, not as a violation.
if(NOT output MATCHES "skipped: tests/util/planted_check.cpp:7: \"embeval/gguf/model.h\"")
  message(FATAL_ERROR "the include of a layer that is not built was not reported as skipped")
endif()
message(STATUS "the checker caught all ${count} planted violations and nothing else")
