#include "align/pronounce.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "io/error.h"
#include "tts/tts.h"

namespace emosync::align {

std::shared_ptr<const Dictionary> Dictionary::load(const std::string& path) {
  // Every aligner of a process (the bench, an import of thousands of clips) shares one copy.
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const Dictionary>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto hit = cache[path].lock()) return hit;

  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot read the pronouncing dictionary (--dict)");
  auto d = std::make_shared<Dictionary>();
  std::set<std::string> phones;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream s(line);
    std::string word, phone;
    if (!(s >> word) || word.rfind(";;;", 0) == 0) continue;
    // "word(2)" is the second pronunciation of "word".
    if (auto paren = word.find('('); paren != std::string::npos && paren > 0 && word.back() == ')')
      word.resize(paren);
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
    Pron pron;
    while (s >> phone) {
      if (phone[0] == '#') break;  // trailing comment
      while (!phone.empty() && std::isdigit(static_cast<unsigned char>(phone.back()))) phone.pop_back();
      if (phone.empty()) throw Error(path + ":" + std::to_string(n) + ": a phone of '" + word + "' is only a stress digit");
      phones.insert(phone);
      pron.push_back(phone);
    }
    if (pron.empty()) throw Error(path + ":" + std::to_string(n) + ": '" + word + "' has no phones");
    auto& prons = d->words_[word];
    if (std::find(prons.begin(), prons.end(), pron) == prons.end()) prons.push_back(std::move(pron));
  }
  if (d->words_.empty()) throw Error(path + ": no words (is it a pronouncing dictionary?)");
  d->phones_.assign(phones.begin(), phones.end());
  cache[path] = d;
  return d;
}

const std::vector<Pron>* Dictionary::find(const std::string& word) const {
  auto it = words_.find(word);
  return it == words_.end() ? nullptr : &it->second;
}

std::vector<std::string> espeak_to_arpabet(const std::string& symbol) {
  // espeak-ng's English mnemonics (data/viseme/phonemes_espeak_en.json lists them all)
  // to the CMUdict phones the en-us acoustic model knows. Regional and allophonic
  // variants take the nearest General American phone.
  static const std::map<std::string, std::vector<std::string>> table = {
      {"p", {"P"}}, {"b", {"B"}}, {"m", {"M"}}, {"m-", {"M"}}, {"B", {"B"}},
      {"f", {"F"}}, {"v", {"V"}}, {"v#", {"V"}}, {"T", {"TH"}}, {"D", {"DH"}},
      {"t", {"T"}}, {"t#", {"T"}}, {"t2", {"T"}}, {"t[", {"T"}}, {"d", {"D"}}, {"d#", {"D"}}, {"d[", {"D"}},
      {"c", {"K"}}, {"J", {"Y"}}, {"q", {"T"}}, {"Q", {"T"}}, {"Q\"", {"T"}}, {"Q^", {"T"}},
      {"k", {"K"}}, {"g", {"G"}}, {"x", {"K"}}, {"X", {"HH"}}, {"#X1", {"HH"}}, {"C", {"HH"}}, {"h", {"HH"}},
      {"N", {"NG"}}, {"N-", {"NG"}},
      {"S", {"SH"}}, {"Z", {"ZH"}}, {"tS", {"CH"}}, {"dZ", {"JH"}}, {"S;", {"SH"}}, {"Z;", {"ZH"}},
      {"tS;", {"CH"}}, {"dZ;", {"JH"}}, {"J^", {"JH"}},
      {"s", {"S"}}, {"z", {"Z"}}, {"s.", {"S"}}, {"s;", {"S"}}, {"z.", {"Z"}}, {"z;", {"Z"}}, {"z#", {"Z"}}, {"z/2", {"Z"}},
      {"n", {"N"}}, {"n-", {"N"}}, {"n.", {"N"}}, {"n^", {"N"}},
      {"l", {"L"}}, {"l#", {"L"}}, {"l-", {"L"}}, {"l.", {"L"}}, {"l/", {"L"}}, {"l/2", {"L"}}, {"l/3", {"L"}},
      {"l^", {"L"}}, {"L", {"L"}}, {"L/", {"L"}}, {"@L", {"AH", "L"}}, {"j", {"Y"}}, {";", {"Y"}},
      {"*", {"D"}}, {"**", {"D"}},
      {"r", {"R"}}, {"r-", {"R"}}, {"r.", {"R"}}, {"r/", {"R"}}, {"r\"", {"R"}}, {"R", {"R"}}, {"R2", {"R"}}, {"R3", {"R"}},
      {"3", {"ER"}}, {"3:", {"ER"}}, {"VR", {"ER"}}, {"IR", {"IH", "R"}},
      {"a", {"AE"}}, {"a#", {"AE"}}, {"a#2", {"AE"}}, {"a2", {"AE"}}, {"a/", {"AE"}}, {"aa", {"AE"}},
      {"aI", {"AY"}}, {"aI2", {"AY"}}, {"aI3", {"AY", "ER"}}, {"aI@", {"AY", "ER"}},
      {"aU", {"AW"}}, {"aU@", {"AW", "ER"}},
      {"A:", {"AA"}}, {"A@", {"AA", "R"}}, {"A#", {"AA"}}, {"A~", {"AA", "N"}}, {"V", {"AH"}},
      {"@", {"AH"}}, {"@2", {"AH"}}, {"@5", {"AH"}}, {"@-", {"AH"}}, {"@#", {"AH"}}, {"#@", {"AH"}}, {"#a", {"AH"}},
      {"E", {"EH"}}, {"E#", {"EH"}}, {"E2", {"EH"}}, {"e", {"EH"}}, {"e#", {"EH"}}, {"e:", {"EY"}},
      {"e@", {"EH", "R"}}, {"eI", {"EY"}}, {"#e", {"EH"}},
      {"I", {"IH"}}, {"I#", {"IH"}}, {"I2", {"IH"}}, {"I2#", {"IH"}}, {"i", {"IY"}}, {"i:", {"IY"}},
      {"i@", {"IY", "R"}}, {"i@3", {"IY", "AH"}}, {"#i", {"IY"}},
      {"0", {"AA"}}, {"0#", {"AA"}}, {"02", {"AA"}}, {"O", {"AO"}}, {"O2", {"AO"}}, {"O:", {"AO"}},
      {"O@", {"AO", "R"}}, {"OI", {"OY"}}, {"O~", {"AO", "N"}}, {"o", {"OW"}}, {"o:", {"OW"}},
      {"o@", {"AO", "R"}}, {"oU", {"OW"}}, {"oU#", {"OW"}}, {"#o", {"OW"}},
      {"U", {"UH"}}, {"U@", {"UH", "R"}}, {"u", {"UW"}}, {"u:", {"UW"}}, {"w", {"W"}}, {"w#", {"W"}}, {"#u", {"UW"}},
  };
  static const std::set<std::string> silent = {
      "_", "_:", "_::", "_!", "_;_", "_^_", "_|", "_X1", "||", "1", "?",
      "'", "''", "'!", ",", ",,", "%", "%%", "=", "-", ":"};
  if (auto it = table.find(symbol); it != table.end()) return it->second;
  if (silent.count(symbol) || symbol.empty()) return {};
  throw Error("espeak-ng phoneme '" + symbol + "' has no ARPAbet equivalent");
}

Pron espeak_pronounce(const std::string& word) {
  // One engine per thread: each synthesis runs in a fresh process anyway (tts/espeak_tts.cpp).
  thread_local std::unique_ptr<tts::Tts> engine;
  if (!engine) {
    tts::TtsConfig c;
    c.engine = "espeak";
    c.voice = "en-us";
    engine = tts::make_tts(c);
  }
  Pron pron;
  for (const auto& p : engine->synthesize(word).phonemes)
    for (auto& a : espeak_to_arpabet(p.symbol)) pron.push_back(std::move(a));
  return pron;
}

}  // namespace emosync::align
