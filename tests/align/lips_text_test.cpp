// `--lips text` on voices the model never trained on: the held-out LJ Speech clips
// (LJ001-0025..0032) and the dev speakers of ../shared/data/speech (splits.tsv). Each clip
// is aligned to its transcript by emosync's aligner, animated by the default model, and
// its LIPSYNC/SHARED channels blended with the alignment-driven teacher; the lips are then
// measured (validate/lip_measures.h) against the corpus's own phones. Sealed p/b/m >= 0.97
// and articulation AUC >= 0.95, pooled. Fails, never skips, when the data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "align/align.h"
#include "align/text_lips.h"
#include "arkit/blendshapes.h"
#include "audio/audio.h"
#include "engine/animator.h"
#include "runtime/model.h"
#include "validate/lip_measures.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {

struct Clip {
  std::string corpus, id, text;
  fs::path audio, phones;
};

fs::path speech_dir() {
  return fs::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech";
}

// Dev speakers' clips, at most `per_speaker` each (the test stays under two minutes).
std::vector<Clip> dev_clips(std::size_t per_speaker) {
  const fs::path dir = speech_dir();
  std::vector<Clip> out;
  std::ifstream meta(dir / "ljspeech" / "metadata.csv");
  for (std::string line; std::getline(meta, line);) {
    auto a = line.find('|'), b = line.rfind('|');
    std::string id = line.substr(0, a);
    if (a == std::string::npos || id < "LJ001-0025") continue;  // the held-out eight
    out.push_back({"ljspeech", id, line.substr(b + 1), dir / "ljspeech" / "wav" / (id + ".wav"),
                   dir / "ljspeech" / "phones" / (id + ".tsv")});
  }
  std::map<std::string, std::set<std::string>> dev;  // corpus -> speakers ("*" = all)
  std::ifstream splits(dir / "splits.tsv");
  for (std::string line; std::getline(splits, line);) {
    std::istringstream s(line);
    std::string corpus, speaker, split;
    if (s >> corpus >> speaker >> split && split == "dev") dev[corpus].insert(speaker);
  }
  for (const auto& [corpus, speakers] : dev) {
    std::ifstream m(dir / corpus / "metadata.tsv");
    std::map<std::string, std::size_t> taken;
    std::string line;
    std::getline(m, line);  // header
    while (std::getline(m, line)) {
      std::vector<std::string> f;
      std::istringstream s(line);
      for (std::string x; std::getline(s, x, '\t');) f.push_back(x);
      if (f.size() < 5) continue;
      if (!speakers.count("*") && !speakers.count(f[1])) continue;
      if (taken[f[1]]++ >= per_speaker) continue;
      out.push_back({corpus, f[0], f[4], dir / corpus / "audio" / (f[0] + ".flac"), dir / corpus / "phones" / (f[0] + ".tsv")});
    }
  }
  return out;
}

}  // namespace

TEST(LipsText, SealsAndArticulatesOnHeldOutVoices) {
  ASSERT_TRUE(fs::is_directory(speech_dir() / "ljspeech"))
      << "\n\n*** shared data missing: " << speech_dir().string()
      << " does not exist. This test needs ../shared/data/speech beside the repository. ***\n";
  const auto clips = dev_clips(12);
  ASSERT_GE(clips.size(), 40u);
  align::Aligner aligner;
  std::shared_ptr<const runtime::Model> model(&runtime::Model::embedded_default(), [](const runtime::Model*) {});
  validate::LipScores audio_only, text;
  std::map<std::string, validate::LipScores> per_corpus;
  std::size_t unmatched = 0;
  for (const auto& c : clips) {
    audio::Audio a = audio::read_audio(c.audio.string());
    align::Alignment al = aligner.align(a, c.text);
    if (!al.matched) {
      ++unmatched;
      std::printf("%s %s: confidence %.2f (gap %.2f): animate would fall back to audio lips\n", c.corpus.c_str(),
                  c.id.c_str(), al.confidence, al.score_gap);
    }
    engine::Animator anim(model);
    std::vector<float> frames = anim.process(a.samples.data(), a.samples.size(), a.sample_rate);
    teacher::Animation base{engine::kFps, frames.size() / arkit::kCount, frames};
    const teacher::PhoneTimeline reference = teacher::read_alignment_tsv(c.phones.string());
    audio_only.add(validate::lip_scores(base, reference));
    align::blend_text_lips(frames, engine::kFps, a, al);
    teacher::Animation blended{engine::kFps, frames.size() / arkit::kCount, frames};
    auto s = validate::lip_scores(blended, reference);
    text.add(s);
    per_corpus[c.corpus].add(s);
  }
  for (const auto& [corpus, s] : per_corpus)
    std::printf("--lips text, %s: sealed %zu/%zu = %.3f, articulation AUC %.3f\n", corpus.c_str(), s.sealed,
                s.bilabials, s.sealed_rate(), s.articulation_auc());
  std::printf("%zu clips (%zu below the confidence line): audio lips sealed %.3f AUC %.3f; --lips text sealed %zu/%zu = "
              "%.3f AUC %.3f\n",
              clips.size(), unmatched, audio_only.sealed_rate(), audio_only.articulation_auc(), text.sealed, text.bilabials,
              text.sealed_rate(), text.articulation_auc());
  EXPECT_GE(text.bilabials, 100u);
  EXPECT_GE(text.sealed_rate(), 0.97);
  EXPECT_GE(text.articulation_auc(), 0.95);
}
