#pragma once
// Splits plain text into sentences for tagging: a sentence ends at a run of . ! ? or an
// ellipsis ("..." or U+2026), together with any closing quotes or brackets after it, when
// whitespace and more text follow. It does not end at a known abbreviation ("Mr.",
// "e.g."), inside a number ("3.5"), or at an ellipsis followed by a lower-case word
// ("Well... maybe"), which continues the sentence, nor at a closing quote followed by a
// lower-case word ("\"Really?\" she asked.").
#include <string>
#include <string_view>
#include <vector>

namespace emosync::textemotion {

std::vector<std::string> split_sentences(std::string_view text);

}  // namespace emosync::textemotion
