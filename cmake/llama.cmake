# The `gguf` layer: transformer and LLM encoders through llama.cpp.
#
# Finds the llama.cpp libraries that scripts/setup_llama.sh built and installed into a cache
# outside the repo, then defines embeval_gguf over src/gguf/*.cpp. Without a llama.cpp build the
# layer is simply absent (a message says how to get it) and everything else builds as before.
#
# Search order for the install prefix (lib/libllama.a, include/llama.h):
#   -DEMBEVAL_LLAMA_DIR=... or the environment variable of the same name,
#   ${XDG_CACHE_HOME:-$HOME/.cache}/embeval/llama-node-llama-cpp-3.22.1-embeval1 (setup_llama.sh default).
# EMBEVAL_LLAMA_CUDA=ON looks for the -cuda build and links the CUDA runtime.
option(EMBEVAL_WITH_LLAMA "Build the gguf layer when a llama.cpp build is found" ON)
option(EMBEVAL_LLAMA_CUDA "Use the CUDA build of llama.cpp (setup_llama.sh with EMBEVAL_LLAMA_CUDA=ON)" OFF)
# Must match setup_llama.sh: the npm package, and embeval's patch level (scripts/llama-patches).
set(EMBEVAL_LLAMA_VERSION_KEY "node-llama-cpp-3.22.1-embeval1")

if(NOT EMBEVAL_WITH_LLAMA)
  return()
endif()

set(_llama_suffix "")
if(EMBEVAL_LLAMA_CUDA)
  set(_llama_suffix "-cuda")
endif()
if(NOT EMBEVAL_LLAMA_DIR AND DEFINED ENV{EMBEVAL_LLAMA_DIR})
  set(EMBEVAL_LLAMA_DIR "$ENV{EMBEVAL_LLAMA_DIR}")
endif()
# A build folder configured against an older patch level's default prefix (same naming, other
# key) follows the key: its cached path would otherwise keep the old, unpatched libraries.
if(EMBEVAL_LLAMA_DIR MATCHES "/llama-node-llama-cpp-[^/]*$" AND
   NOT EMBEVAL_LLAMA_DIR MATCHES "/llama-${EMBEVAL_LLAMA_VERSION_KEY}${_llama_suffix}$")
  message(STATUS "embeval: ${EMBEVAL_LLAMA_DIR} is another llama.cpp patch level; using the "
                 "${EMBEVAL_LLAMA_VERSION_KEY} build")
  unset(EMBEVAL_LLAMA_DIR CACHE)
  unset(EMBEVAL_LLAMA_DIR)
endif()
if(NOT EMBEVAL_LLAMA_DIR)
  if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
    set(_llama_cache "$ENV{XDG_CACHE_HOME}/embeval")
  else()
    set(_llama_cache "$ENV{HOME}/.cache/embeval")
  endif()
  if(DEFINED ENV{EMBEVAL_CACHE_DIR})
    set(_llama_cache "$ENV{EMBEVAL_CACHE_DIR}")
  endif()
  set(EMBEVAL_LLAMA_DIR "${_llama_cache}/llama-${EMBEVAL_LLAMA_VERSION_KEY}${_llama_suffix}")
endif()
set(EMBEVAL_LLAMA_DIR "${EMBEVAL_LLAMA_DIR}" CACHE PATH "Install prefix of the llama.cpp build")

if(NOT EXISTS "${EMBEVAL_LLAMA_DIR}/.embeval-llama-installed")
  message(STATUS "embeval: no llama.cpp build in ${EMBEVAL_LLAMA_DIR}; the gguf layer is off "
                 "(run scripts/setup_llama.sh to build it)")
  return()
endif()
message(STATUS "embeval: llama.cpp from ${EMBEVAL_LLAMA_DIR}")

find_package(OpenMP REQUIRED COMPONENTS CXX)
# Imported targets over the installed static libraries, in dependency order.
foreach(_lib llama ggml ggml-cpu ggml-base)
  string(REPLACE "-" "_" _tgt "embeval_llama_${_lib}")
  add_library(${_tgt} STATIC IMPORTED)
  set_target_properties(${_tgt} PROPERTIES IMPORTED_LOCATION "${EMBEVAL_LLAMA_DIR}/lib/lib${_lib}.a")
endforeach()
target_include_directories(embeval_llama_llama SYSTEM INTERFACE "${EMBEVAL_LLAMA_DIR}/include")
target_link_libraries(embeval_llama_ggml_base INTERFACE Threads::Threads m ${CMAKE_DL_LIBS})
target_link_libraries(embeval_llama_ggml_cpu INTERFACE embeval_llama_ggml_base OpenMP::OpenMP_CXX)
target_link_libraries(embeval_llama_ggml INTERFACE embeval_llama_ggml_cpu embeval_llama_ggml_base)
if(EMBEVAL_LLAMA_CUDA)
  find_package(CUDAToolkit REQUIRED)
  add_library(embeval_llama_ggml_cuda STATIC IMPORTED)
  set_target_properties(embeval_llama_ggml_cuda PROPERTIES
                        IMPORTED_LOCATION "${EMBEVAL_LLAMA_DIR}/lib/libggml-cuda.a")
  target_link_libraries(embeval_llama_ggml_cuda INTERFACE CUDA::cudart CUDA::cublas CUDA::cuda_driver)
  target_link_libraries(embeval_llama_ggml INTERFACE embeval_llama_ggml_cuda)
endif()
target_link_libraries(embeval_llama_llama INTERFACE embeval_llama_ggml)

embeval_layer(gguf DEPS util encoders EXTERNAL embeval_llama_llama)
target_compile_definitions(embeval_gguf PRIVATE
  EMBEVAL_LLAMA_VERSION="${EMBEVAL_LLAMA_VERSION_KEY}")
# bench/gguf_bench.cpp finds llama.cpp's own llama-embedding and gguf-py under this prefix.
target_compile_definitions(embeval_gguf INTERFACE EMBEVAL_LLAMA_PREFIX="${EMBEVAL_LLAMA_DIR}"
  EMBEVAL_TINY_MODELS_SCRIPT="${PROJECT_SOURCE_DIR}/tests/gguf/tiny_models.py")

# Tests of the gguf layer read the llama.cpp source tree (tokenizer vocab files, gguf-py) and
# tiny random-weight models that tests/gguf/tiny_models.py writes once per build into the build
# tree (python3-numpy; ~15 s), not once per test process. A test process's scratch files go to
# a TempDir of its own (tests/support/temp_dir.h), removed when it exits.
set(_gguf_python "/usr/bin/python3")
set(_gguf_script "${PROJECT_SOURCE_DIR}/tests/gguf/tiny_models.py")
set(_gguf_models "${CMAKE_BINARY_DIR}/gguf-test-models")
set(_gguf_vocab "${EMBEVAL_LLAMA_DIR}/src/models/ggml-vocab")
set(_gguf_run ${CMAKE_COMMAND} -E env "PYTHONPATH=${EMBEVAL_LLAMA_DIR}/src/gguf-py"
    ${_gguf_python} ${_gguf_script})
set(_gguf_model_files "")
foreach(_m tiny-bert-cls.gguf tiny-bert-mean.gguf tiny-bert-mean-q8_0.gguf tiny-qwen3-last.gguf tiny-xlmr.npz
           tiny-xlmr-cls.gguf tiny-xlmr-mean.gguf tiny-nomic.npz tiny-nomic-mean.gguf
           tiny-nomic-cls.gguf bad-block-count-0.gguf bad-block-count-huge.gguf
           bad-eps-negative.gguf bad-eps-nan.gguf bad-pooling-99.gguf bad-duplicate-token.gguf)
  list(APPEND _gguf_model_files "${_gguf_models}/${_m}")
endforeach()
add_custom_command(
  OUTPUT ${_gguf_model_files}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_gguf_models}
  COMMAND ${_gguf_run} make ${_gguf_models} ${_gguf_vocab}-bert-bge.gguf ${_gguf_vocab}-qwen2.gguf
  COMMAND ${_gguf_run} make-families ${_gguf_models} ${_gguf_vocab}-nomic-bert-moe.gguf
          ${_gguf_vocab}-bert-bge.gguf
  COMMAND ${_gguf_run} make-hostile ${_gguf_models} ${_gguf_vocab}-bert-bge.gguf
  DEPENDS ${_gguf_script}
  COMMENT "gguf tests: generating the tiny random-weight models"
  VERBATIM)
# The tiny chat model (a causal LM with an output head and a ChatML template) for the generator
# tests: tests/gguf/tiny_chat_model.py, which reuses tiny_models.py's helpers.
set(_gguf_chat_script "${PROJECT_SOURCE_DIR}/tests/gguf/tiny_chat_model.py")
set(_gguf_chat_files "${_gguf_models}/tiny-qwen3-chat.gguf"
    "${_gguf_models}/tiny-qwen3-chat-no-template.gguf")
add_custom_command(
  OUTPUT ${_gguf_chat_files}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_gguf_models}
  COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${EMBEVAL_LLAMA_DIR}/src/gguf-py" ${_gguf_python}
          ${_gguf_chat_script} make ${_gguf_models} ${_gguf_vocab}-qwen2.gguf
  DEPENDS ${_gguf_chat_script} ${_gguf_script}
  COMMENT "gguf tests: generating the tiny random-weight chat model"
  VERBATIM)
list(APPEND _gguf_model_files ${_gguf_chat_files})
# The tiny cross-encoder (reranker) of tests/gguf/tiny_reranker.py, which imports tiny_models.py.
set(_gguf_reranker "${_gguf_models}/tiny-bert-reranker.gguf")
add_custom_command(
  OUTPUT ${_gguf_reranker}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_gguf_models}
  COMMAND ${CMAKE_COMMAND} -E env
          "PYTHONPATH=${EMBEVAL_LLAMA_DIR}/src/gguf-py:${PROJECT_SOURCE_DIR}/tests/gguf"
          ${_gguf_python} ${PROJECT_SOURCE_DIR}/tests/gguf/tiny_reranker.py make ${_gguf_reranker}
          ${_gguf_vocab}-bert-bge.gguf
  DEPENDS ${PROJECT_SOURCE_DIR}/tests/gguf/tiny_reranker.py ${_gguf_script}
  COMMENT "gguf tests: generating the tiny random-weight reranker"
  VERBATIM)
list(APPEND _gguf_model_files ${_gguf_reranker})
add_custom_target(embeval_gguf_tiny_models DEPENDS ${_gguf_model_files})
add_library(embeval_gguf_test_support INTERFACE)
target_compile_definitions(embeval_gguf_test_support INTERFACE
  EMBEVAL_LLAMA_SOURCE_DIR="${EMBEVAL_LLAMA_DIR}/src"
  EMBEVAL_PYTHON="${_gguf_python}"
  EMBEVAL_GGUF_SCRIPT="${_gguf_script}"
  EMBEVAL_GGUF_CHAT_SCRIPT="${_gguf_chat_script}"
  EMBEVAL_RERANKER_SCRIPT="${PROJECT_SOURCE_DIR}/tests/gguf/tiny_reranker.py"
  EMBEVAL_GGUF_MODEL_DIR="${_gguf_models}"
  EMBEVAL_PARITY_REFERENCE="${PROJECT_SOURCE_DIR}/tests/pipeline/parity_reference.py")
# Followed transitively: every test linking the support library waits for the models.
add_dependencies(embeval_gguf_test_support embeval_gguf_tiny_models)
