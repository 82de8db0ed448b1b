#pragma once
// Pronunciations for the aligner: a pronouncing dictionary (CMUdict format, as shipped
// with pocketsphinx models) and espeak-ng's phonemes mapped to ARPAbet for the words it
// lacks.
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace emosync::align {

using Pron = std::vector<std::string>;  // phones as the acoustic model names them

class Dictionary {
 public:
  // Reads `word PH PH ...` lines; `word(2) ...` are alternates of `word`. Errors name
  // the file and line. Loaded once per path and shared (130k words take ~0.2 s).
  static std::shared_ptr<const Dictionary> load(const std::string& path);
  // Every pronunciation of a normalised (lower-case) word; nullptr when missing.
  const std::vector<Pron>* find(const std::string& word) const;
  // The phones the dictionary uses (what the free phone loop offers).
  const std::vector<std::string>& phones() const { return phones_; }
  std::size_t size() const { return words_.size(); }

 private:
  std::unordered_map<std::string, std::vector<Pron>> words_;
  std::vector<std::string> phones_;
};

// The ARPAbet phones (no stress) of one espeak-ng en mnemonic: none for silences and
// marks, two for r-coloured vowels ("A@" -> AA R). Throws emosync::Error naming the
// symbol when it is unknown.
std::vector<std::string> espeak_to_arpabet(const std::string& symbol);

// espeak-ng's (en-us) pronunciation of a word, in ARPAbet; empty when it says nothing.
Pron espeak_pronounce(const std::string& word);

}  // namespace emosync::align
