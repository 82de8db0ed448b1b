# Settings for the WebAssembly build (emcmake cmake ...), included by the top-level
# CMakeLists before any module is added. Modules that need native libraries (audio,
# TTS, teachers, server, training) return early under EMSCRIPTEN; src/wasm links the
# rest into web/wasm/emosync.{mjs,wasm}.

# Errors from bad input are C++ exceptions that the C API turns into status codes, so
# they must be catchable: emscripten's default aborts on the first throw. Native wasm
# exception handling costs nothing on the non-throwing path (node 20, Chromium 95+).
add_compile_options(-fwasm-exceptions)
add_link_options(-fwasm-exceptions)

# emscripten's toolchain searches only its own sysroot for packages; Eigen is header-only
# and portable, so the host's copy is used.
find_path(EMOSYNC_EIGEN_CONFIG_DIR Eigen3Config.cmake PATHS /usr/share/eigen3/cmake /usr/local/share/eigen3/cmake
          NO_CMAKE_FIND_ROOT_PATH)
if(EMOSYNC_EIGEN_CONFIG_DIR AND NOT EXISTS "${Eigen3_DIR}/Eigen3Config.cmake")
  set(Eigen3_DIR ${EMOSYNC_EIGEN_CONFIG_DIR} CACHE PATH "Eigen3 package config (host copy)" FORCE)
endif()

# nlohmann_json's package config adds /usr/include as a system include directory, which
# puts the host's C library headers in front of emscripten's and breaks the build. Give
# the wasm build a directory that holds only the nlohmann headers.
find_path(EMOSYNC_NLOHMANN_DIR nlohmann/json.hpp PATHS /usr/include /usr/local/include
          NO_CMAKE_FIND_ROOT_PATH REQUIRED)
set(nlohmann_only ${CMAKE_BINARY_DIR}/nlohmann-include)
if(NOT EXISTS ${nlohmann_only}/nlohmann/json.hpp)
  file(COPY ${EMOSYNC_NLOHMANN_DIR}/nlohmann DESTINATION ${nlohmann_only})
endif()
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED GLOBAL)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${nlohmann_only})

# The runtime is single-threaded in the browser; modules that name Threads::Threads
# still link.
add_library(Threads::Threads INTERFACE IMPORTED GLOBAL)
