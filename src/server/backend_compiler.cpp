// The compiler back end, compiled only when src/compiler exists.
#include "compiler/compiler.h"
#include "server/backend.h"

namespace emosync::server::detail {

bool compiler_available() { return true; }

Frame compile(const Weights& weights, const emotion::Vad& vad) {
  return compiler::Compiler::standard().compile(weights, vad);
}

}  // namespace emosync::server::detail
