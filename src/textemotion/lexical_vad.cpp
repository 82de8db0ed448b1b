#include "textemotion/lexical_vad.h"

#include <algorithm>
#include <cmath>

#include "io/error.h"
#include "io/fnv1a.h"

namespace emosync::textemotion {

namespace {

bool word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}
bool space_byte(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Bucket list -> (bucket, count) sorted by bucket.
std::vector<std::pair<std::uint32_t, float>> tally(std::vector<std::uint32_t>& b) {
  std::sort(b.begin(), b.end());
  std::vector<std::pair<std::uint32_t, float>> out;
  for (std::size_t i = 0; i < b.size();) {
    std::size_t j = i;
    while (j < b.size() && b[j] == b[i]) ++j;
    out.push_back({b[i], static_cast<float>(j - i)});
    i = j;
  }
  return out;
}

}  // namespace

std::vector<std::string> word_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (word_byte(c)) {
      cur += static_cast<char>(c);
      continue;
    }
    if (!cur.empty()) tokens.push_back(std::move(cur));
    cur.clear();
    if (c == '!' || c == '?') tokens.emplace_back(1, static_cast<char>(c));
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  return tokens;
}

NgramCounts count_ngrams(std::string_view text, std::uint32_t buckets) {
  if (buckets == 0) throw Error("lexical features: zero buckets");
  std::vector<std::uint32_t> words, chars;
  auto bucket = [&](const io::Fnv1a64& f) { return static_cast<std::uint32_t>(f.h % buckets); };
  // Unigrams 'w' + token, bigrams 'b' + previous ' ' token.
  const std::vector<std::string> tokens = word_tokens(text);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    words.push_back(bucket(io::Fnv1a64().add('w').add(tokens[i])));
    if (i > 0) words.push_back(bucket(io::Fnv1a64().add('b').add(tokens[i - 1]).add(' ').add(tokens[i])));
  }
  std::string s(text);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  // Character n-grams (2..5 bytes) inside each chunk padded with a space on each side:
  // 'c' + n-gram, hashed incrementally from each start.
  for (std::size_t i = 0; i < s.size();) {
    if (space_byte(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && !space_byte(static_cast<unsigned char>(s[j]))) ++j;
    const std::string padded = " " + s.substr(i, j - i) + " ";
    for (std::size_t k = 0; k + 2 <= padded.size(); ++k) {
      io::Fnv1a64 f;
      f.add('c').add(static_cast<unsigned char>(padded[k]));
      for (std::size_t n = 2; n <= 5 && k + n <= padded.size(); ++n) {
        f.add(static_cast<unsigned char>(padded[k + n - 1]));
        chars.push_back(bucket(f));
      }
    }
    i = j;
  }
  return {tally(words), tally(chars)};
}

SparseVector lexical_features(const NgramCounts& counts, const std::vector<float>& idf) {
  std::vector<std::pair<std::uint32_t, float>> all;
  all.reserve(counts.words.size() + counts.chars.size());
  for (const auto* part : {&counts.words, &counts.chars}) {
    double norm = 0;
    const std::size_t from = all.size();
    for (const auto& [b, n] : *part) {
      if (b >= idf.size()) throw Error("lexical features: bucket outside the idf table");
      const float v = (1.0f + std::log(n)) * idf[b];
      all.push_back({b, v});
      norm += static_cast<double>(v) * v;
    }
    const float inv = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
    for (std::size_t i = from; i < all.size(); ++i) all[i].second *= inv;
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  SparseVector out;
  for (const auto& [b, v] : all) {
    if (!out.index.empty() && out.index.back() == b) {
      out.value.back() += v;  // a word and a character n-gram share the bucket
    } else {
      out.index.push_back(b);
      out.value.push_back(v);
    }
  }
  return out;
}

LexicalVad::LexicalVad(std::vector<float> idf, std::vector<float> weight, Scores bias, Blend blend)
    : idf_(std::move(idf)), weight_(std::move(weight)), bias_(bias), blend_(blend) {
  if (idf_.empty() || weight_.size() != idf_.size() * kOutputs)
    throw Error("lexical VAD: weight must be [buckets, " + std::to_string(kOutputs) + "] for " +
                std::to_string(idf_.size()) + " buckets");
}

bool LexicalVad::present(const WeightsFile& w) { return w.metadata.count("lexical") > 0; }

LexicalVad LexicalVad::from_weights(const WeightsFile& w, const std::string& what) {
  auto kind = w.metadata.find("lexical");
  if (kind == w.metadata.end() || kind->second != kLexicalKind)
    throw Error(what + ": __metadata__.lexical must be '" + std::string(kLexicalKind) + "'");
  const std::int64_t B = w.meta_int("lexical_buckets", what);
  const Tensor& idf = w.get("lexical.idf", {B}, what);
  const auto O = static_cast<std::int64_t>(kOutputs);
  const Tensor& weight = w.get("lexical.weight", {B, O}, what);
  const Tensor& bias = w.get("lexical.bias", {O}, what);
  const Tensor& blend = w.get("lexical.blend", {3, 4}, what);
  Scores b{};
  Blend bl{};
  for (std::size_t k = 0; k < kOutputs; ++k) b[k] = bias.data[k];
  for (std::size_t d = 0; d < 3; ++d)
    for (std::size_t k = 0; k < 4; ++k) bl[d][k] = blend.data[d * 4 + k];
  for (float x : idf.data)
    if (!(x > 0) || !std::isfinite(x)) throw Error(what + ": lexical.idf holds a value that is not positive and finite");
  for (const auto* t : {&weight, &bias, &blend})
    for (float x : t->data)
      if (!std::isfinite(x)) throw Error(what + ": a lexical.* tensor holds a value that is not finite");
  return LexicalVad(idf.data, weight.data, b, bl);
}

void LexicalVad::to_weights(WeightsFile& w) const {
  const std::size_t B = idf_.size();
  w.metadata["lexical"] = kLexicalKind;
  w.metadata["lexical_buckets"] = std::to_string(B);
  w.tensors["lexical.idf"] = Tensor{{B}, idf_};
  w.tensors["lexical.weight"] = Tensor{{B, kOutputs}, weight_};
  w.tensors["lexical.bias"] = Tensor{{kOutputs}, std::vector<float>(bias_.begin(), bias_.end())};
  std::vector<float> bl;
  for (const auto& row : blend_) bl.insert(bl.end(), row.begin(), row.end());
  w.tensors["lexical.blend"] = Tensor{{3, 4}, bl};
}

LexicalVad::Scores LexicalVad::predict(std::string_view text) const {
  const SparseVector x = lexical_features(count_ngrams(text, buckets()), idf_);
  Scores out = bias_;
  for (std::size_t i = 0; i < x.index.size(); ++i)
    for (std::size_t k = 0; k < kOutputs; ++k) out[k] += x.value[i] * weight_[x.index[i] * kOutputs + k];
  return out;
}

LexicalVad::Vad LexicalVad::blend(const Vad& head, const Scores& lexical) const {
  Vad out{};
  for (std::size_t d = 0; d < 3; ++d) {
    const auto& b = blend_[d];
    out[d] = std::clamp(b[0] * head[d] + b[1] * lexical[d] + b[2] * lexical[kGoEmotionsValence] + b[3], -1.0f, 1.0f);
  }
  return out;
}

}  // namespace emosync::textemotion
