# embeval_layer(NAME [DEPS layer...] [EXTERNAL target...]): the static library embeval_NAME over
# src/NAME/*.cpp, linking the named lower layers and external libraries. The graph is recorded so
# that embeval_write_layer_graph() can write it for the include-direction test
# (tests/layers/check_include_direction.cmake reads only that file), the header-alone targets
# (tests/layers/) can compile each layer's headers against that layer, and the per-layer test
# targets (tests/CMakeLists.txt) can link exactly one layer.
function(embeval_layer name)
  cmake_parse_arguments(L "" "" "DEPS;EXTERNAL" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT sources)
    message(FATAL_ERROR "layer ${name}: src/${name}/ has no sources")
  endif()
  add_library(embeval_${name} STATIC ${sources})
  target_include_directories(embeval_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  set(dep_targets "")
  foreach(dep ${L_DEPS})
    if(NOT TARGET embeval_${dep})
      message(FATAL_ERROR "layer ${name} depends on ${dep}, which is not declared before it")
    endif()
    list(APPEND dep_targets embeval_${dep})
  endforeach()
  target_link_libraries(embeval_${name} PUBLIC embeval_options ${dep_targets} ${L_EXTERNAL})
  set_property(GLOBAL APPEND PROPERTY EMBEVAL_LAYERS ${name})
  set_property(GLOBAL PROPERTY EMBEVAL_LAYER_DEPS_${name} ${L_DEPS})
endfunction()

# Writes ${CMAKE_BINARY_DIR}/layer_graph.txt: one line per layer, "layer: every layer it may
# include" (its transitive dependencies), bottom layer first; and layer_deps.txt beside it, the
# same lines with only the layers named after DEPS (the declared edges, for the check that each
# one is used).
function(embeval_write_layer_graph)
  get_property(layers GLOBAL PROPERTY EMBEVAL_LAYERS)
  set(text "")
  set(direct_text "")
  foreach(layer ${layers})
    get_property(deps GLOBAL PROPERTY EMBEVAL_LAYER_DEPS_${layer})
    list(JOIN deps " " deps_text)
    string(APPEND direct_text "${layer}: ${deps_text}\n")
    set(closure "")
    foreach(dep ${deps})
      get_property(dep_closure GLOBAL PROPERTY EMBEVAL_LAYER_CLOSURE_${dep})
      list(APPEND closure ${dep} ${dep_closure})
    endforeach()
    list(REMOVE_DUPLICATES closure)
    list(SORT closure)
    set_property(GLOBAL PROPERTY EMBEVAL_LAYER_CLOSURE_${layer} ${closure})
    list(JOIN closure " " closure_text)
    string(APPEND text "${layer}: ${closure_text}\n")
  endforeach()
  file(WRITE ${CMAKE_BINARY_DIR}/layer_graph.txt "${text}")
  file(WRITE ${CMAKE_BINARY_DIR}/layer_deps.txt "${direct_text}")
endfunction()
