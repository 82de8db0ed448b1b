#pragma once
// Shared by the libFuzzer targets (fuzz/README.md).
//
// A target feeds its input to one parser of outside input. emosync::Error is the
// documented way to refuse bad input, so it is caught; anything else that escapes (a
// std::out_of_range, a JSON library exception, std::bad_alloc) reaches libFuzzer as an
// uncaught exception and is reported as a crash, like a sanitizer finding.
// expect() checks what a parser promises about what it returns: a broken promise is a
// silently wrong result, so it aborts too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "io/error.h"

namespace emosync::fuzz {

inline void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "emosync fuzz: broken promise: %s\n", what);
    std::abort();
  }
}

// Runs `parse` on the input; emosync::Error is a clean refusal.
template <class Parse>
int run(const std::uint8_t* data, std::size_t size, Parse&& parse) {
  try {
    parse(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace emosync::fuzz
