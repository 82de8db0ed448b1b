#pragma once
// Which speakers of a recorded corpus may be trained on: splits.tsv (header
// `corpus speaker split`, one speaker per row, `*` = the whole corpus; split is
// `train` or `dev`). Dev speakers are only for measuring how the lips follow voices
// the model never heard, so a speaker the file does not place is an error rather
// than a silent default.
#include <map>
#include <string>
#include <utility>

namespace emosync::scenarios {

class Splits {
 public:
  // Throws emosync::Error naming FILE:LINE for a malformed row or a repeated speaker.
  static Splits load(const std::string& path);
  // "train" or "dev"; throws naming the file, corpus and speaker when it is not placed.
  const std::string& split_of(const std::string& corpus, const std::string& speaker) const;
  // Every (corpus, speaker) row as read ("*" kept).
  const std::map<std::pair<std::string, std::string>, std::string>& rows() const { return rows_; }

 private:
  std::string file_;
  std::map<std::pair<std::string, std::string>, std::string> rows_;
};

// id -> speaker from a corpus's metadata.tsv (header with `id` and `speaker` columns).
std::map<std::string, std::string> read_speakers(const std::string& metadata_tsv);

}  // namespace emosync::scenarios
