#include "textemotion/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::textemotion {
namespace {

const char kSpace[] = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's space

// A minimal protobuf wire-format reader: enough for ModelProto's scalar, string and
// nested-message fields. Every read is bounds-checked so a damaged file fails cleanly.
class Wire {
 public:
  Wire(std::string_view b, const std::string& what) : b_(b), what_(what) {}
  bool done() const { return p_ >= b_.size(); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= b_.size()) fail("truncated varint");
      auto c = static_cast<unsigned char>(b_[p_++]);
      v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    fail("varint too long");
  }
  std::string_view bytes() {
    std::uint64_t n = varint();
    if (n > b_.size() - p_) fail("length-delimited field runs past the end");
    std::string_view s = b_.substr(p_, n);
    p_ += n;
    return s;
  }
  float fixed32() {
    if (b_.size() - p_ < 4) fail("truncated fixed32");
    std::uint32_t u = 0;
    for (int i = 0; i < 4; ++i) u |= static_cast<std::uint32_t>(static_cast<unsigned char>(b_[p_ + i])) << (8 * i);
    p_ += 4;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  void skip(int wire_type) {
    switch (wire_type) {
      case 0: varint(); break;
      case 1: if (b_.size() - p_ < 8) fail("truncated fixed64"); p_ += 8; break;
      case 2: bytes(); break;
      case 5: fixed32(); break;
      default: fail("unsupported wire type " + std::to_string(wire_type));
    }
  }
  [[noreturn]] void fail(const std::string& msg) const {
    throw Error(what_ + ": not a valid SentencePiece model (" + msg + " at byte " + std::to_string(p_) + ")");
  }

 private:
  std::string_view b_;
  std::string what_;
  std::size_t p_ = 0;
};

std::size_t utf8_len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xe) return 3;
  if ((c >> 3) == 0x1e) return 4;
  return 1;  // invalid lead byte: SentencePiece treats it as one (unknown) character
}

}  // namespace

Tokenizer Tokenizer::load(const std::string& path) { return from_bytes(io::read_file(path), path); }

Tokenizer Tokenizer::from_bytes(std::string_view bytes, const std::string& what) {
  Tokenizer t;
  Wire w(bytes, what);
  std::string normalizer_name;
  bool has_charsmap = false;
  int model_type = 1;  // UNIGRAM
  while (!w.done()) {
    std::uint64_t key = w.varint();
    int field = static_cast<int>(key >> 3), type = static_cast<int>(key & 7);
    if (field == 1 && type == 2) {  // SentencePiece pieces
      Wire p(w.bytes(), what);
      std::string piece;
      float score = 0;
      int ptype = kNormal;
      while (!p.done()) {
        std::uint64_t k = p.varint();
        int f = static_cast<int>(k >> 3), ty = static_cast<int>(k & 7);
        if (f == 1 && ty == 2) piece = std::string(p.bytes());
        else if (f == 2 && ty == 5) score = p.fixed32();
        else if (f == 3 && ty == 0) ptype = static_cast<int>(p.varint());
        else p.skip(ty);
      }
      t.pieces_.push_back(piece);
      t.scores_.push_back(score);
      t.types_.push_back(ptype);
    } else if (field == 2 && type == 2) {  // TrainerSpec: model_type (3)
      Wire s(w.bytes(), what);
      while (!s.done()) {
        std::uint64_t k = s.varint();
        int f = static_cast<int>(k >> 3), ty = static_cast<int>(k & 7);
        if (f == 3 && ty == 0) model_type = static_cast<int>(s.varint());
        else s.skip(ty);
      }
    } else if (field == 3 && type == 2) {  // NormalizerSpec
      Wire s(w.bytes(), what);
      while (!s.done()) {
        std::uint64_t k = s.varint();
        int f = static_cast<int>(k >> 3), ty = static_cast<int>(k & 7);
        if (f == 1 && ty == 2) normalizer_name = std::string(s.bytes());
        else if (f == 2 && ty == 2) has_charsmap = !s.bytes().empty();
        else if (f == 3 && ty == 0) t.add_dummy_prefix_ = s.varint() != 0;
        else if (f == 4 && ty == 0) t.remove_extra_whitespaces_ = s.varint() != 0;
        else if (f == 5 && ty == 0) t.escape_whitespaces_ = s.varint() != 0;
        else s.skip(ty);
      }
    } else {
      w.skip(type);
    }
  }
  if (t.pieces_.empty()) throw Error(what + ": SentencePiece model has no pieces");
  if (model_type != 1) throw Error(what + ": only unigram SentencePiece models are supported (model_type " + std::to_string(model_type) + ")");
  if (has_charsmap || (!normalizer_name.empty() && normalizer_name != "identity"))
    throw Error(what + ": normaliser '" + normalizer_name + "' is not supported; train with --normalization_rule_name=identity");
  float min_score = std::numeric_limits<float>::max();
  bool has_unk = false;
  for (std::size_t i = 0; i < t.pieces_.size(); ++i) {
    int ty = t.types_[i];
    if (ty == kUnknown) {
      t.unk_id_ = static_cast<int>(i);
      has_unk = true;
    }
    if (ty == kByte) throw Error(what + ": byte-fallback pieces are not supported");
    if (ty == kNormal || ty == kUserDefined) {
      if (t.pieces_[i].empty()) throw Error(what + ": piece " + std::to_string(i) + " is empty");
      t.index_.emplace(t.pieces_[i], static_cast<int>(i));
      t.max_piece_bytes_ = std::max(t.max_piece_bytes_, t.pieces_[i].size());
    }
    // A NaN or infinite score would leave Viterbi's path through that piece undefined
    // (every comparison false), so encode() could return ids that index nothing.
    if (!std::isfinite(t.scores_[i]))
      throw Error(what + ": piece " + std::to_string(i) + " has a non-finite score");
    if (ty == kNormal) min_score = std::min(min_score, t.scores_[i]);
  }
  if (!has_unk) throw Error(what + ": SentencePiece model has no unknown piece");
  // SentencePiece's unigram model scores an unknown character 10 below the worst piece.
  t.unk_score_ = min_score - 10.0f;
  return t;
}

std::string Tokenizer::normalize(std::string_view text) const {
  std::string out;
  out.reserve(text.size() + 8);
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t b = 0, e = text.size();
  if (remove_extra_whitespaces_) {
    while (b < e && text[b] == ' ') ++b;
    while (e > b && text[e - 1] == ' ') --e;
  }
  const std::string space = escape_whitespaces_ ? kSpace : " ";
  if (add_dummy_prefix_ && b < e) out += space;
  bool prev_space = false;
  for (std::size_t i = b; i < e; ++i) {
    char c = text[i];
    if (c == ' ') {
      if (remove_extra_whitespaces_ && prev_space) continue;
      out += space;
      prev_space = true;
    } else {
      // Tabs and newlines are not spaces to SentencePiece's identity normaliser; keep as is.
      (void)is_ws;
      out += c;
      prev_space = false;
    }
  }
  return out;
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  const std::string s = normalize(text);
  const std::size_t n = s.size();
  if (n == 0) return {};
  // best[i]: best score of a segmentation of s[0, i); from[i]: start of its last piece.
  std::vector<double> best(n + 1, -std::numeric_limits<double>::infinity());
  std::vector<std::size_t> from(n + 1, 0);
  std::vector<int> id(n + 1, -1);
  best[0] = 0;
  std::string key;
  for (std::size_t i = 0; i < n;) {
    std::size_t clen = std::min(utf8_len(static_cast<unsigned char>(s[i])), n - i);
    if (best[i] > -std::numeric_limits<double>::infinity()) {
      bool single_char_piece = false;
      for (std::size_t len = 1; len <= max_piece_bytes_ && i + len <= n; ++len) {
        key.assign(s, i, len);
        auto it = index_.find(key);
        if (it == index_.end()) continue;
        double sc = types_[it->second] == kUserDefined ? 0.0 : scores_[it->second];
        if (len == clen) single_char_piece = true;
        double cand = best[i] + sc;
        if (cand > best[i + len]) {
          best[i + len] = cand;
          from[i + len] = i;
          id[i + len] = it->second;
        }
      }
      if (!single_char_piece) {
        double cand = best[i] + unk_score_;
        if (cand > best[i + clen]) {
          best[i + clen] = cand;
          from[i + clen] = i;
          id[i + clen] = unk_id_;
        }
      }
    }
    i += clen;
  }
  std::vector<int> ids;
  for (std::size_t e = n; e > 0; e = from[e]) ids.push_back(id[e]);
  std::reverse(ids.begin(), ids.end());
  // SentencePieceProcessor merges runs of unknown pieces into one.
  std::vector<int> merged;
  for (int t : ids)
    if (!(t == unk_id_ && !merged.empty() && merged.back() == unk_id_)) merged.push_back(t);
  return merged;
}

std::vector<std::string> Tokenizer::encode_pieces(std::string_view text) const {
  std::vector<std::string> out;
  for (int t : encode(text)) out.push_back(pieces_[static_cast<std::size_t>(t)]);
  return out;
}

}  // namespace emosync::textemotion
