#include "textemotion/input.h"

#include <algorithm>
#include <utility>

namespace emosync::textemotion {

std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (ws) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<int> assemble_input(const Tokenizer& tok, std::vector<int> sentence,
                                const std::vector<std::pair<bool, std::vector<int>>>& context, int max_len) {
  std::vector<int> ids{special_id(tok, kCls)};
  if (sentence.size() > static_cast<std::size_t>(kMaxTarget)) sentence.resize(kMaxTarget);
  ids.insert(ids.end(), sentence.begin(), sentence.end());
  ids.push_back(special_id(tok, kSep));
  int used = 0;
  for (auto it = context.begin(); it != context.end() && used < kContextWindow; ++it, ++used) {
    ids.push_back(special_id(tok, it->first ? kSelf : kOther));
    ids.insert(ids.end(), it->second.begin(), it->second.end());
  }
  if (ids.size() > static_cast<std::size_t>(max_len)) ids.resize(static_cast<std::size_t>(max_len));
  return ids;
}

std::vector<int> encode_input(const Tokenizer& tok, std::string_view sentence, const std::vector<Turn>& context,
                              int max_len) {
  std::vector<std::pair<bool, std::vector<int>>> ctx;
  for (auto it = context.rbegin(); it != context.rend() && static_cast<int>(ctx.size()) < kContextWindow; ++it)
    ctx.emplace_back(it->self, tok.encode(clean_text(it->text)));
  return assemble_input(tok, tok.encode(clean_text(sentence)), ctx, max_len);
}

}  // namespace emosync::textemotion
