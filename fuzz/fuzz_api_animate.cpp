// POST /api/animate without a socket, in depth: the fuzz input becomes a Request
// (api_request.h) handed to server::handle_api with the shipped face model, which must
// answer every request, never throw, and say 4xx for what the client got wrong. Speech is
// capped at 1 s so the model's run on a valid upload stays cheap (still ~10 ms under
// ASan: fuzz_api_request covers the same checks at a thousand times the rate).
#include "api_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  static const server::Options options = [] {
    server::Options o;
    o.max_audio_s = 1;
    return o;
  }();
  fuzz::expect_api_reply(server::handle_api(options, fuzz::api_animate_request(data, size)));
  return 0;
}
