# Shared build helpers: warnings, the per-concern library, tests and embedded data.

set(EMOSYNC_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

function(emosync_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(EMOSYNC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(EMOSYNC_NATIVE AND NOT EMSCRIPTEN)
    # AVX-512 is left out: GCC 12 reports false maybe-uninitialized warnings inside
    # Eigen's AVX-512 kernels, and AVX2+FMA gives the speed that matters here.
    target_compile_options(${target} PRIVATE -march=native -mno-avx512f)
  endif()
  if(EMSCRIPTEN)
    target_compile_options(${target} PRIVATE -msimd128)
  endif()
endfunction()

# emosync_library(<concern> [TORCH] SOURCES ... [DEPS ...] [PUBLIC_DEPS ...])
# Creates the static library emosync_<concern>; headers are included as
# "<concern>/<file>.h" from src/. TORCH marks a library that needs libtorch: it is
# linked into emosync-torch only, so the everyday `emosync` binary stays small.
function(emosync_library name)
  cmake_parse_arguments(A "TORCH" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(emosync_${name} STATIC ${A_SOURCES})
  target_include_directories(emosync_${name} PUBLIC ${EMOSYNC_ROOT}/src)
  target_link_libraries(emosync_${name} PUBLIC ${A_PUBLIC_DEPS} PRIVATE ${A_DEPS})
  set_target_properties(emosync_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  emosync_warnings(emosync_${name})
  if(A_TORCH)
    set_property(GLOBAL APPEND PROPERTY EMOSYNC_TORCH_LIBRARIES emosync_${name})
  else()
    set_property(GLOBAL APPEND PROPERTY EMOSYNC_LIBRARIES emosync_${name})
  endif()
endfunction()

# emosync_test(<name> SOURCES ... DEPS ... [LABELS ...] [FILTER gtest-filter])
# One gtest executable registered with ctest; every test carries the label of its
# module plus any extra LABELS (e.g. shared_data for tests that read ../shared/data).
function(emosync_test name)
  cmake_parse_arguments(A "" "FILTER" "SOURCES;DEPS;LABELS" ${ARGN})
  set(filter_args)
  if(A_FILTER)
    # Entry points that only child processes run are kept out of ctest's list.
    set(filter_args TEST_FILTER "${A_FILTER}")
  endif()
  add_executable(test_${name} ${A_SOURCES})
  target_link_libraries(test_${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main)
  target_include_directories(test_${name} PRIVATE ${EMOSYNC_ROOT}/tests)
  target_compile_definitions(test_${name} PRIVATE
    EMOSYNC_SOURCE_DIR="${EMOSYNC_ROOT}"
    EMOSYNC_BINARY_DIR="${CMAKE_BINARY_DIR}")
  emosync_warnings(test_${name})
  if(A_LABELS)
    # gtest_discover_tests keeps only the first of several labels (its PROPERTIES are
    # re-split on the way into the generated script), so a suite with extra labels
    # (shared_data, ...) is one ctest entry that carries all of them.
    set(cmd test_${name})
    if(A_FILTER)
      list(APPEND cmd --gtest_filter=${A_FILTER})
    endif()
    add_test(NAME ${name} COMMAND ${cmd})
    set_tests_properties(${name} PROPERTIES LABELS "${name};${A_LABELS}" ENVIRONMENT "OMP_WAIT_POLICY=PASSIVE")
  else()
    gtest_discover_tests(test_${name} ${filter_args}
      PROPERTIES LABELS "${name}"
      ENVIRONMENT "OMP_WAIT_POLICY=PASSIVE"
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()

# emosync_embed(<target> FUNC <name> FILES ...)
# Compiles data files into <target> as byte arrays so the binary (and the WebAssembly
# build) carries its tables and default model without reading the disk. Generates
#   std::optional<std::string_view> emosync::embedded::<name>(std::string_view key)
# whose keys are paths relative to the repository root ("data/emotion/...json").
# OPTIONAL: when FILES is empty or one of them is missing (a model not trained yet, a
# WebAssembly module not built), the function is generated anyway and finds nothing,
# so callers report the absence clearly instead of the build failing.
function(emosync_embed target)
  cmake_parse_arguments(A "OPTIONAL" "FUNC" "FILES" ${ARGN})
  set(missing FALSE)
  if(NOT A_FILES)
    set(missing TRUE)
  endif()
  foreach(f ${A_FILES})
    if(NOT EXISTS ${EMOSYNC_ROOT}/${f})
      set(missing TRUE)
    endif()
  endforeach()
  if(A_OPTIONAL AND missing)
    set(none ${CMAKE_CURRENT_BINARY_DIR}/${A_FUNC}_none.cpp)
    file(WRITE ${none}
      "#include <optional>\n#include <string_view>\nnamespace emosync::embedded {\n"
      "std::optional<std::string_view> ${A_FUNC}(std::string_view) { return std::nullopt; }\n}\n")
    target_sources(${target} PRIVATE ${none})
    return()
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${A_FUNC}_embedded.cpp)
  set(deps)
  foreach(f ${A_FILES})
    list(APPEND deps ${EMOSYNC_ROOT}/${f})
  endforeach()
  string(REPLACE ";" "|" files_arg "${A_FILES}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DROOT=${EMOSYNC_ROOT} -DOUT=${out} -DFUNC=${A_FUNC}
            "-DFILES=${files_arg}" -P ${EMOSYNC_ROOT}/cmake/EmbedFiles.cmake
    DEPENDS ${deps} ${EMOSYNC_ROOT}/cmake/EmbedFiles.cmake
    COMMENT "Embedding ${A_FUNC}" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
