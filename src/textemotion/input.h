#pragma once
// How a sentence and its context become model input; shared by training and inference
// so both see exactly the same ids.
//   [CLS] sentence [SEP] [SELF|OTHER] previous turn [SELF|OTHER] the turn before ...
// The sentence comes first so truncation to max_len cuts context, never the sentence
// (itself cut to max_target tokens). Special ids follow the SentencePiece vocabulary.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "textemotion/tokenizer.h"

namespace emosync::textemotion {

enum Special { kCls = 0, kSep = 1, kSelf = 2, kOther = 3, kMask = 4, kSpecialTokens = 5 };
constexpr int kContextWindow = 2;  // previous turns the model sees (seed §3)
constexpr int kMaxTarget = 48;

struct Turn {
  bool self = false;  // spoken by the same speaker as the sentence ([SELF]) or not ([OTHER])
  std::string text;
};

inline int special_id(const Tokenizer& tok, Special s) { return tok.size() + static_cast<int>(s); }

// Whitespace (tabs, newlines, runs of spaces) folded to single spaces.
std::string clean_text(std::string_view text);

// Joins already-tokenized parts: `context` holds (self, ids) most recent first.
std::vector<int> assemble_input(const Tokenizer& tok, std::vector<int> sentence,
                                const std::vector<std::pair<bool, std::vector<int>>>& context, int max_len);

// `context` is oldest first; the last kContextWindow turns are used, most recent first.
std::vector<int> encode_input(const Tokenizer& tok, std::string_view sentence, const std::vector<Turn>& context,
                              int max_len);

}  // namespace emosync::textemotion
