#pragma once
// SentencePiece unigram encoding without libsentencepiece, so the runtime (native and
// WebAssembly) tokenizes exactly like the trainer did. Reads the ".model" protobuf that
// spm_train writes (only the parts a unigram model with the identity normaliser uses) and
// runs Viterbi over the vocabulary pieces and their log-probability scores.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace emosync::textemotion {

class Tokenizer {
 public:
  // Parses the bytes of a SentencePiece model; `what` (a path) prefixes errors.
  static Tokenizer from_bytes(std::string_view bytes, const std::string& what);
  static Tokenizer load(const std::string& path);

  // Token ids of `text`, as SentencePieceProcessor::Encode would give them.
  std::vector<int> encode(std::string_view text) const;
  // The pieces of `text` (for debugging and the CLI).
  std::vector<std::string> encode_pieces(std::string_view text) const;

  int size() const { return static_cast<int>(pieces_.size()); }
  int unk_id() const { return unk_id_; }
  const std::string& piece(int id) const { return pieces_.at(static_cast<std::size_t>(id)); }

  // The normalised text Viterbi runs on: extra whitespace removed, a dummy prefix
  // added and spaces replaced by U+2581, as the model's normalizer_spec asks.
  std::string normalize(std::string_view text) const;

 private:
  enum Type { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };
  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::vector<int> types_;
  std::unordered_map<std::string, int> index_;  // normal and user-defined pieces only
  std::size_t max_piece_bytes_ = 1;
  int unk_id_ = 0;
  float unk_score_ = 0;
  bool add_dummy_prefix_ = true;
  bool remove_extra_whitespaces_ = true;
  bool escape_whitespaces_ = true;
};

}  // namespace emosync::textemotion
