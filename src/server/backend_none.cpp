// Stand-in while this build has no rule-based compiler (src/compiler).
#include "io/error.h"
#include "server/backend.h"

namespace emosync::server::detail {

bool compiler_available() { return false; }

Frame compile(const Weights&, const emotion::Vad&) {
  throw Error("this emosync was built without the rule-based compiler (src/compiler)");
}

}  // namespace emosync::server::detail
