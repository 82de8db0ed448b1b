#pragma once
// Trains the SentencePiece unigram tokenizer with libsentencepiece (tools side only; the
// runtime reads the model with textemotion::Tokenizer). Identity normalisation, so the
// runtime needs no Unicode tables; no byte fallback; no BOS/EOS/PAD (the model adds its
// own special ids after the vocabulary).
#include <string>
#include <vector>

namespace emosync::textemotion {

// Writes <out_prefix>.model (and .vocab) trained on `texts`.
void train_tokenizer(const std::vector<std::string>& texts, const std::string& out_prefix, int vocab_size);

}  // namespace emosync::textemotion
