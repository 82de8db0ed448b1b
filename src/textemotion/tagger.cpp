#include "textemotion/tagger.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "emotion/anchors.h"
#include "emotion/classes.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "textemotion/sentences.h"

namespace emosync::embedded {
std::optional<std::string_view> textemotion_model(std::string_view key);
}

namespace emosync::textemotion {

const Tagger& Tagger::embedded() {
  static const Tagger t = [] {
    const std::string tk = "models/textemotion/tokenizer.model", wk = "models/textemotion/textemotion.safetensors";
    auto tb = emosync::embedded::textemotion_model(tk);
    auto wb = emosync::embedded::textemotion_model(wk);
    if (!tb || !wb) throw Error("the text-emotion model is not embedded in this build (" + tk + ", " + wk + ")");
    return from_bytes(*tb, tk, *wb, wk);
  }();
  return t;
}

Tagger Tagger::from_bytes(std::string_view tokenizer, const std::string& tk_what, std::string_view weights,
                          const std::string& w_what) {
  const WeightsFile w = WeightsFile::from_bytes(weights, w_what);
  std::optional<LexicalVad> lexical;
  if (LexicalVad::present(w)) lexical = LexicalVad::from_weights(w, w_what);
  return Tagger(Tokenizer::from_bytes(tokenizer, tk_what), Model::from_weights(w, w_what), std::move(lexical));
}

Tagger Tagger::load(const std::string& tokenizer_path, const std::string& weights_path) {
  Tagger t = from_bytes(io::read_file(tokenizer_path), tokenizer_path, io::read_file(weights_path), weights_path);
  if (t.model().config().vocab != t.tokenizer().size() + kSpecialTokens)
    throw Error(weights_path + ": vocabulary " + std::to_string(t.model().config().vocab) + " does not match tokenizer " +
                tokenizer_path + " (" + std::to_string(t.tokenizer().size()) + " pieces + " +
                std::to_string(kSpecialTokens) + " special)");
  return t;
}

Prediction Tagger::predict(const std::string& sentence, const std::vector<Turn>& context) const {
  Prediction p = model_.predict(encode_input(tok_, sentence, context, model_.config().max_len));
  if (lexical_) {
    const LexicalVad::Scores s = lexical_->predict(sentence);
    std::copy(s.begin(), s.begin() + 3, p.vad_lexical.begin());
    p.vad = lexical_->blend(p.vad_head, s);
  }
  return p;
}

int intensity_of(std::size_t emotion, const Prediction& p) {
  if (emotion == emosync::emotion::kNeutral) return 0;
  const auto& anchors = emosync::emotion::Anchors::standard();
  const auto& n = anchors.neutral();
  const auto& l5 = anchors.at(emotion, emosync::emotion::Level::L5);
  float dn = 0, dl = 0;
  for (int i = 0; i < 3; ++i) {
    dn += (p.vad[static_cast<std::size_t>(i)] - n[static_cast<std::size_t>(i)]) * (p.vad[static_cast<std::size_t>(i)] - n[static_cast<std::size_t>(i)]);
    dl += (l5[static_cast<std::size_t>(i)] - n[static_cast<std::size_t>(i)]) * (l5[static_cast<std::size_t>(i)] - n[static_cast<std::size_t>(i)]);
  }
  float d = dl > 0 ? std::sqrt(dn / dl) : 0.f;
  float c = (p.probs[emotion] - 1.f / 16.f) / (15.f / 16.f);
  float v = std::clamp(0.5f * c + 0.5f * std::min(1.f, 2.f * d), 0.f, 1.f);
  return std::max(20, static_cast<int>(std::lround(100.f * v)));
}

std::vector<SentenceEmotion> Tagger::tag(const std::string& text, const std::vector<Turn>& context) const {
  std::vector<SentenceEmotion> out;
  std::vector<Turn> ctx = context;
  for (auto& s : split_sentences(text)) {
    SentenceEmotion e;
    e.text = s;
    e.pred = predict(s, ctx);
    e.emotion = static_cast<std::size_t>(std::max_element(e.pred.probs.begin(), e.pred.probs.end()) - e.pred.probs.begin());
    e.intensity = intensity_of(e.emotion, e.pred);
    ctx.push_back(Turn{true, s});
    out.push_back(std::move(e));
  }
  return out;
}

std::string to_tagged_text(const std::vector<SentenceEmotion>& s) {
  std::string out;
  for (const auto& e : s) {
    if (!out.empty()) out += ' ';
    std::string name(emosync::emotion::names()[e.emotion]);
    out += e.emotion == emosync::emotion::kNeutral ? "[" + name + "] " : "[" + name + ":" + std::to_string(e.intensity) + "] ";
    out += e.text;
  }
  return out;
}

TimelineText timeline_text(const std::string& text, const Tagger& tagger) {
  if (text.find('[') != std::string::npos) return {text, "tags as given"};
  auto tags = tagger.tag(text, {});
  if (tags.empty()) return {text, "plain text without sentences, neutral"};
  return {to_tagged_text(tags), "plain text tagged by the text-emotion model"};
}

nlohmann::json to_json(const std::vector<SentenceEmotion>& s) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : s) {
    nlohmann::json probs = nlohmann::json::object();
    for (std::size_t c = 0; c < emosync::emotion::kCount; ++c)
      probs[std::string(emosync::emotion::names()[c])] = std::round(e.pred.probs[c] * 1e4) / 1e4;
    arr.push_back({{"text", e.text},
                   {"emotion", std::string(emosync::emotion::names()[e.emotion])},
                   {"intensity", e.intensity},
                   {"vad", {e.pred.vad[0], e.pred.vad[1], e.pred.vad[2]}},
                   {"probs", probs}});
  }
  return {{"version", 1}, {"emotions", emosync::emotion::names()}, {"sentences", arr}};
}

}  // namespace emosync::textemotion
