#pragma once
// The fuzz input of the /api/animate targets as a server::Request (fuzz_api_animate.cpp,
// fuzz_api_request.cpp): FuzzedDataProvider takes the content type, 0-4 fields (query
// parameters, or multipart/form-data parts for a multipart type) and the audio (the body,
// or the part named 'audio'). fuzz/make-corpus writes seeds in this layout.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_input.h"
#include "server/server.h"

namespace emosync::fuzz {

inline server::Request api_animate_request(const std::uint8_t* data, std::size_t size) {
  // "audio" and "x" are not fields: the handler must refuse them by name.
  static const char* const kFields[] = {"text", "emotion", "words", "blinks", "fades", "autotag", "seed", "audio", "x"};
  static const char* const kTypes[] = {"audio/wav", "multipart/form-data; boundary=b", "application/octet-stream", "",
                                       "text/plain"};
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
  return req;
}

// What /api/animate promises for any request.
inline void expect_api_reply(const server::Reply& r) {
  expect(r.status == 200 || (r.status >= 400 && r.status < 500),
         "/api/animate answers 200 or a 4xx (5xx means the server failed on its own)");
}

}  // namespace emosync::fuzz
