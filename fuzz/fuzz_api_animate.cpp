// POST /api/animate without a socket: the fuzz input becomes a Request (a raw audio body
// with the fields as query parameters, or multipart/form-data parts) handed to
// server::handle_api, which must answer every request, never throw, and say 4xx for
// what the client got wrong. Speech is capped at 1 s so the model's run on a valid
// upload stays cheap.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_input.h"
#include "server/server.h"

namespace {

const char* const kFields[] = {"text", "emotion", "words", "blinks", "fades", "autotag", "seed", "audio", "x"};
const char* const kTypes[] = {"audio/wav", "multipart/form-data; boundary=b", "application/octet-stream", "", "text/plain"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  static const server::Options options = [] {
    server::Options o;
    o.max_audio_s = 1;
    return o;
  }();
  FuzzedDataProvider in(data, size);
  server::Request req;
  req.method = "POST";
  req.path = "/api/animate";
  req.content_type = in.PickValueInArray(kTypes);
  const bool multipart = req.content_type.rfind("multipart/", 0) == 0;
  const int fields = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < fields; ++i) {
    const std::string name = in.PickValueInArray(kFields);
    std::string value = in.ConsumeRandomLengthString(256);
    if (multipart) req.parts.push_back({name, "", "text/plain", std::move(value)});
    else req.params.emplace_back(name, std::move(value));
  }
  std::string audio = in.ConsumeRemainingBytesAsString();
  if (multipart) req.parts.push_back({"audio", "speech.wav", "audio/wav", std::move(audio)});
  else req.body = std::move(audio);

  const server::Reply r = server::handle_api(options, req);
  fuzz::expect(r.status == 200 || (r.status >= 400 && r.status < 500),
               "/api/animate answers 200 or a 4xx (5xx means the server failed on its own)");
  return 0;
}
