// The text-emotion tokenizer's SentencePiece model (protobuf) and the text it encodes.
// Input: a length-prefixed text (first byte: its length, up to 255) then the model bytes.
#include "fuzz_input.h"
#include "textemotion/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emosync;
  return fuzz::run(data, size, [](const std::string& input) {
    if (input.empty()) return;
    const std::size_t n = std::min<std::size_t>(static_cast<unsigned char>(input[0]), input.size() - 1);
    const std::string text = input.substr(1, n);
    const auto tok = textemotion::Tokenizer::from_bytes(std::string_view(input).substr(1 + n), "fuzz.model");
    for (int id : tok.encode(text)) fuzz::expect(id >= 0 && id < tok.size(), "token ids index the vocabulary");
    for (const char* s : {"I got the job!", "  two  spaces ", "\xe2\x96\x81 caf\xc3\xa9"}) tok.encode(s);
  });
}
