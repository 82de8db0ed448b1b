// POST /api/animate's request checks at speed: the same input and handler as
// fuzz_api_animate (every field, the content types, multipart, the audio decoder, the
// engine's rate checks), without its two costly models on every input:
//  - the face model is a tiny one of the same kind (one 4-channel conv, 4-dim embedding,
//    one block) and speech is capped at 0.1 s, so a valid request costs little more than
//    a refused one;
//  - a request without an `autotag` field gets autotag=0, so plain text reaches the
//    shipped text-emotion model only when the input asks for it (autotag=1): the default
//    (tag plain text) ran on most inputs and took most of the time.
// fuzz_api_animate keeps the shipped models and the defaults, for depth.
#include <memory>

#include "api_request.h"
#include "model/model_file.h"
#include "runtime/model.h"

namespace {

std::shared_ptr<const emosync::runtime::Model> tiny_model() {
  using namespace emosync::model;
  Architecture a = Architecture::v3_default();
  a.encoder = {ConvLayer{4, 3, 1, 1}};  // one frame of lookahead: the stream's finish path runs
  a.embed_dim = 4;
  a.blocks = 1;
  return std::make_shared<const emosync::runtime::Model>(random_model(a, 18), "tiny fuzz model");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  static const server::Options options = [] {
    server::Options o;
    o.max_audio_s = 0.1;
    o.model = tiny_model();
    return o;
  }();
  server::Request req = fuzz::api_animate_request(data, size);
  bool autotag = false;
  for (const auto& p : req.params) autotag = autotag || p.first == "autotag";
  for (const auto& p : req.parts) autotag = autotag || p.name == "autotag";
  if (!autotag) {
    if (req.parts.empty()) req.params.emplace_back("autotag", "0");
    else req.parts.push_back({"autotag", "", "text/plain", "0"});
  }
  fuzz::expect_api_reply(server::handle_api(options, req));
  return 0;
}
