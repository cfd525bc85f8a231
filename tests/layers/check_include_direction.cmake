# The include-direction check: a file of layer L may include only headers of L or of a layer below
# L, as the layer graph says. Run as a script:
#   cmake -DROOT=<source tree> -DGRAPH=<build>/layer_graph.txt [-DDEPS=<build>/layer_deps.txt]
#         -P check_include_direction.cmake
# GRAPH is what cmake/layer_graph.cmake writes, one line per layer, "layer: every layer it may
# include", so the graph is declared once (src/CMakeLists.txt) and only read here. DEPS, written
# beside it, holds the declared edges alone ("layer: its DEPS"): with it, an edge that no file of
# the layer uses (include/embeval/L/, src/L/, tests/L/: the tests link embeval_L alone) fails
# too, so the graph says what the code needs.
#
# Checked files and their layer:
#   include/embeval/<L>/**   public headers of L
#   src/<L>/**               internals of L; src/cli/ is the binary, above every layer
#   tests/<L>/**             tests of L (they link embeval_L only); tests/cli/ drive the binary
# Other folders of tests/ (data, fuzz, layers, ...) are not layers and are not checked.
# Checked includes ("..." or <...>): "embeval/<X>/..." (a public header of layer X) and
# "<X>/..." when it names a file in src/<X>/ (an internal header of layer X). Any other include
# (a system header, a test helper next to the test) names no layer and passes.
#
# Prints every upward edge as "file:line: ..." and fails when there is one. A layer that has a
# folder but is not in the graph (the optional gguf layer without llama.cpp) is skipped with a
# note: this configuration does not build it.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED ROOT OR NOT DEFINED GRAPH)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -DGRAPH=<layer_graph.txt> "
                      "[-DDEPS=<layer_deps.txt>] -P ${CMAKE_SCRIPT_MODE_FILE}")
endif()
if(NOT EXISTS "${GRAPH}")
  message(FATAL_ERROR "${GRAPH} does not exist: configure the build first "
                      "(cmake/layer_graph.cmake writes it)")
endif()

# The graph: LAYERS in order, ALLOWED_<layer> = the layers it may include (itself excluded).
file(STRINGS "${GRAPH}" graph_lines)
set(LAYERS "")
foreach(line IN LISTS graph_lines)
  if(NOT line MATCHES "^([a-z0-9_]+):(.*)$")
    message(FATAL_ERROR "${GRAPH}: cannot read the line '${line}' (expected 'layer: layer ...')")
  endif()
  set(layer "${CMAKE_MATCH_1}")
  string(STRIP "${CMAKE_MATCH_2}" below)
  separate_arguments(below UNIX_COMMAND "${below}")
  list(APPEND LAYERS ${layer})
  set(ALLOWED_${layer} ${below})
endforeach()
if(NOT LAYERS)
  message(FATAL_ERROR "${GRAPH} names no layer")
endif()
# The CLI sits above every layer: it may include all of them, and none may include it.
set(ALLOWED_cli ${LAYERS})

set(violations "")
set(skipped "")
set(files_checked 0)
set(includes_checked 0)

# Checks every include of `file` (path relative to ROOT), written by layer `from`.
function(check_file file from)
  file(READ "${ROOT}/${file}" text)
  # An #include directive at the start of a line (a commented-out one does not count).
  string(REGEX MATCHALL "(^|\n)[ \t]*#[ \t]*include[ \t]*[<\"][^\">\n]*[\">]" directives "${text}")
  set(offset 0)
  set(rest "${text}")
  foreach(directive IN LISTS directives)
    # Where the directive is: its line number, counted from the newlines before it.
    string(FIND "${rest}" "${directive}" at)
    string(SUBSTRING "${rest}" 0 ${at} before)
    string(REGEX REPLACE "[^\n]" "" newlines "${before}")
    string(LENGTH "${newlines}" n)
    math(EXPR offset "${offset} + ${n}")
    string(LENGTH "${directive}" length)
    math(EXPR after "${at} + ${length}")
    string(SUBSTRING "${rest}" ${after} -1 rest)
    string(REGEX MATCH "[<\"]([^\">]*)[\">]" quoted "${directive}")
    set(target "${CMAKE_MATCH_1}")
    # The directive's own newline (when it opens with one) ends the line before it.
    if(directive MATCHES "^\n")
      math(EXPR offset "${offset} + 1")
    endif()
    math(EXPR line "${offset} + 1")

    set(to "")
    if(target MATCHES "^embeval/([^/]+)/")
      set(to "${CMAKE_MATCH_1}")
    elseif(target MATCHES "^embeval/")
      list(APPEND violations "${file}:${line}: \"${target}\" is not in a layer folder (include/embeval/<layer>/)")
    elseif(target MATCHES "^([^/]+)/" AND EXISTS "${ROOT}/src/${target}")
      set(to "${CMAKE_MATCH_1}")
    endif()
    if(to STREQUAL "")
      continue()
    endif()
    math(EXPR checked "${includes_checked} + 1")
    set(includes_checked ${checked})
    if(NOT to STREQUAL from)
      set_property(GLOBAL APPEND PROPERTY USED_EDGES_${from} ${to})
    endif()
    if(to STREQUAL from OR to IN_LIST ALLOWED_${from})
      continue()
    endif()
    if(NOT to IN_LIST LAYERS AND NOT to STREQUAL "cli")
      if(IS_DIRECTORY "${ROOT}/include/embeval/${to}" OR IS_DIRECTORY "${ROOT}/src/${to}")
        list(APPEND skipped "${file}:${line}: \"${target}\" (layer ${to} is not built here)")
      else()
        list(APPEND violations "${file}:${line}: \"${target}\": ${to} is not a layer of the graph")
      endif()
      continue()
    endif()
    list(JOIN ALLOWED_${from} " " allowed)
    if(allowed STREQUAL "")
      set(allowed "nothing but itself")
    endif()
    list(APPEND violations
         "${file}:${line}: upward include: ${from} includes \"${target}\" of layer ${to}, but ${from} may include only: ${allowed}")
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
  set(skipped "${skipped}" PARENT_SCOPE)
  set(includes_checked ${includes_checked} PARENT_SCOPE)
endfunction()

# Checks every file under ROOT/<folder>/<layer>/ for each layer folder there.
function(check_tree folder)
  file(GLOB layer_dirs LIST_DIRECTORIES true RELATIVE "${ROOT}/${folder}" "${ROOT}/${folder}/*")
  foreach(from IN LISTS layer_dirs)
    if(NOT IS_DIRECTORY "${ROOT}/${folder}/${from}")
      continue()
    endif()
    if(NOT from IN_LIST LAYERS AND NOT from STREQUAL "cli")
      if(folder STREQUAL "tests")
        continue()  # data, fuzz, layers, ...: not a layer
      endif()
      # An optional layer this configuration does not build (gguf without llama.cpp); a folder
      # that src/CMakeLists.txt forgot to declare is not compiled at all, so the build fails.
      list(APPEND skipped "${folder}/${from}/ (layer ${from} is not built here)")
      continue()
    endif()
    file(GLOB_RECURSE files RELATIVE "${ROOT}" "${ROOT}/${folder}/${from}/*.h"
         "${ROOT}/${folder}/${from}/*.hpp" "${ROOT}/${folder}/${from}/*.cpp"
         "${ROOT}/${folder}/${from}/*.cc")
    list(SORT files)
    foreach(file IN LISTS files)
      check_file("${file}" "${from}")
      math(EXPR n "${files_checked} + 1")
      set(files_checked ${n})
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
  set(skipped "${skipped}" PARENT_SCOPE)
  set(files_checked ${files_checked} PARENT_SCOPE)
  set(includes_checked ${includes_checked} PARENT_SCOPE)
endfunction()

check_tree(include/embeval)
check_tree(src)
check_tree(tests)

# Every declared edge used: a layer that includes nothing of a DEPS layer does not need the edge.
if(DEFINED DEPS)
  file(STRINGS "${DEPS}" deps_lines)
  foreach(line IN LISTS deps_lines)
    if(NOT line MATCHES "^([a-z0-9_]+):(.*)$")
      message(FATAL_ERROR "${DEPS}: cannot read the line '${line}' (expected 'layer: layer ...')")
    endif()
    set(layer "${CMAKE_MATCH_1}")
    string(STRIP "${CMAKE_MATCH_2}" declared)
    separate_arguments(declared UNIX_COMMAND "${declared}")
    get_property(used GLOBAL PROPERTY USED_EDGES_${layer})
    foreach(dep IN LISTS declared)
      if(NOT dep IN_LIST used)
        list(APPEND violations
             "unused edge: ${layer} declares DEPS ${dep}, but no file of include/embeval/${layer}/, src/${layer}/ or tests/${layer}/ includes a header of ${dep}: drop it from src/CMakeLists.txt")
      endif()
    endforeach()
  endforeach()
endif()

foreach(note IN LISTS skipped)
  message(STATUS "skipped: ${note}")
endforeach()
list(LENGTH violations count)
if(count GREATER 0)
  foreach(violation IN LISTS violations)
    message(NOTICE "${violation}")
  endforeach()
  message(FATAL_ERROR
          "${count} problem(s) with the layer graph (${GRAPH}). A layer may include only the "
          "layers below it, and declares only the edges it uses: move the code to the right "
          "layer, or change the graph in src/CMakeLists.txt (docs/architecture.md).")
endif()
if(files_checked EQUAL 0)
  message(FATAL_ERROR "no file found under ${ROOT}/{include/embeval,src,tests}/<layer>/: wrong ROOT?")
endif()
message(STATUS "${files_checked} files, ${includes_checked} layer includes: every one points down the layer graph")
