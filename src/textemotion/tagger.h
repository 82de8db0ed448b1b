#pragma once
// Plain text -> sentences -> (emotion, intensity, VAD) per sentence -> tagged text
// ("[joy:70] I got the job! [sadness:40] But I have to move away.") or JSON.
//
// Intensity rule (0..100): with p the top class probability and c = (p - 1/16) / (15/16)
// its confidence above chance, and d the distance of the predicted VAD from the neutral
// anchor divided by the distance of the class's L5 anchor from neutral,
//   intensity = round(100 * clamp(0.5 * c + 0.5 * min(1, 2 d), 0, 1)), at least 20
// (the L1 level) for every class but neutral, which is written "[neutral]".
// The factor 2 on d undoes the compression of EmoBank's VAD (its readers rarely used
// the ends of the scale).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

#include "textemotion/input.h"
#include "textemotion/lexical_vad.h"
#include "textemotion/model.h"
#include "textemotion/tokenizer.h"

namespace emosync::textemotion {

struct SentenceEmotion {
  std::string text;
  std::size_t emotion = 0;
  int intensity = 0;
  Prediction pred;
};

class Tagger {
 public:
  Tagger(Tokenizer tok, Model model, std::optional<LexicalVad> lexical = std::nullopt)
      : tok_(std::move(tok)), model_(std::move(model)), lexical_(std::move(lexical)) {}
  // Tokenizer bytes + weights file (MicroALBERT and, when the file holds one, the lexical
  // VAD regressor and its blend); `tk_what`/`w_what` name them in errors.
  static Tagger from_bytes(std::string_view tokenizer, const std::string& tk_what, std::string_view weights,
                           const std::string& w_what);
  // The model shipped in models/textemotion and compiled into the binary.
  static const Tagger& embedded();
  // A tokenizer and weights from disk.
  static Tagger load(const std::string& tokenizer_path, const std::string& weights_path);

  // The network's answer; with a lexical part, `vad` is the blend of the VAD head and the
  // lexical regressor on the sentence (vad_head and vad_lexical keep both).
  Prediction predict(const std::string& sentence, const std::vector<Turn>& context) const;
  // Each sentence sees `context` plus the sentences before it in `text` as [SELF] turns.
  std::vector<SentenceEmotion> tag(const std::string& text, const std::vector<Turn>& context) const;

  const Tokenizer& tokenizer() const { return tok_; }
  const Model& model() const { return model_; }
  const std::optional<LexicalVad>& lexical() const { return lexical_; }

 private:
  Tokenizer tok_;
  Model model_;
  std::optional<LexicalVad> lexical_;
};

int intensity_of(std::size_t emotion, const Prediction& p);
std::string to_tagged_text(const std::vector<SentenceEmotion>& s);
nlohmann::json to_json(const std::vector<SentenceEmotion>& s);

// Text for the timeline (timeline::parse_tagged), as `emosync say`/`animate` and
// `emosync serve` take it: a text with any '[' is tagged already and passes as it is;
// plain text is tagged per sentence by `tagger`; plain text without a sentence to tag
// stays as it is (neutral). `how` says which of the three happened.
struct TimelineText {
  std::string text;
  std::string how;
};
TimelineText timeline_text(const std::string& text, const Tagger& tagger);

}  // namespace emosync::textemotion
