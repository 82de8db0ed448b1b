// `emosync animate speech --text "[tag] ..."` aligns by itself: the tag starts at its
// word; `--lips text` seals what the audio alone does not; a transcript of other speech
// is a warning and the spread estimate. On LJ001-0001 of ../shared/data (fails loudly
// without it).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include <cmath>
#include <filesystem>

#include "arkit/blendshapes.h"
#include "export/animation.h"
#include "support/test_support.h"
#include "teacher/teacher.h"
#include "validate/lip_measures.h"

using namespace emosync;
using test_support::run_emosync;
namespace fs = std::filesystem;

namespace {

const fs::path kLj = fs::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech" / "ljspeech";
// LJ001-0001 with a tag at "arts", which MFA places at 6.81 s of 9.65 s.
const std::string kTagged =
    "\"[neutral] Printing, in the only sense with which we are at present concerned, differs from most "
    "if not from all the [joy:100] arts and crafts represented in the Exhibition\"";
constexpr double kArtsS = 6.81;

std::string wav() {
  EXPECT_TRUE(fs::is_directory(kLj)) << "\n\n*** shared data missing: " << kLj.string()
                                     << " does not exist (shared/data/speech/ljspeech beside the repository). ***\n";
  return (kLj / "wav" / "LJ001-0001.wav").string();
}

exporter::Animation animate(const std::string& name, const std::string& args, std::string* log = nullptr) {
  const std::string out = test_support::temp_path("animate_align", name);
  auto r = run_emosync("animate " + wav() + " " + args + " --no-blinks -o " + out);
  EXPECT_EQ(r.rc, 0) << r.out;
  if (log) *log = r.out;
  return exporter::read_animation_json(out + "/animation.json");
}

// The first time mouthSmileLeft reaches half-way between its first-second and
// last-second means.
// When the smile is half-way from the first second's level to the last second's. The smile
// (a SHARED channel) also moves with the mouth, so it is read through a centred 9-frame
// mean: the crossfade is slow, the speech's part is not.
double smile_midpoint_s(const exporter::Animation& a) {
  const std::size_t c = arkit::index_of("mouthSmileLeft"), n = a.frames;
  std::vector<double> s(n);
  for (std::size_t f = 0; f < n; ++f) {
    const std::size_t f0 = f < 4 ? 0 : f - 4, f1 = std::min(n - 1, f + 4);
    for (std::size_t k = f0; k <= f1; ++k) s[f] += a.data[k * 52 + c] / double(f1 - f0 + 1);
  }
  double lo = 0, hi = 0;
  for (std::size_t f = 0; f < 30; ++f) lo += s[f] / 30, hi += s[n - 1 - f] / 30;
  for (std::size_t f = 0; f < n; ++f)
    if (s[f] >= (lo + hi) / 2) return f / 30.0;
  return -1;
}

teacher::Animation as_teacher(const exporter::Animation& a) {
  return teacher::Animation{30, a.frames, a.data};
}

}  // namespace

// The face is compared with the same model's face on the corpus's own (MFA) word timings,
// so the test measures where the tag lands, not how quickly a model's smile follows its
// conditioning.
TEST(AnimateAlign, TagStartsAtItsWord) {
  std::string log;
  auto aligned = animate("aligned", "--text " + kTagged, &log);
  EXPECT_NE(log.find("aligned 27 words"), std::string::npos) << log;
  auto spread = animate("spread", "--text " + kTagged + " --no-align");
  // The corpus's words.tsv without its header and silences: `--words` takes words only.
  std::ifstream in(kLj / "words" / "LJ001-0001.tsv");
  ASSERT_TRUE(in) << "LJ001-0001's word timings are missing";
  const std::string words = test_support::temp_path("animate_align", "mfa_words.tsv");
  {
    std::ofstream out(words);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("start_s", 0) != 0 && line.size() > 4 && line.compare(line.size() - 4, 4, "\tsil") != 0)
        out << line << "\n";
  }
  auto truth = animate("mfa_words", "--text " + kTagged + " --words " + words);
  const double at = smile_midpoint_s(aligned), est = smile_midpoint_s(spread), ref = smile_midpoint_s(truth);
  std::printf("smile half-way: aligned %.2f s, spread estimate %.2f s, on MFA's word timings %.2f s (the word at %.2f s)\n",
              at, est, ref, kArtsS);
  EXPECT_NEAR(at, ref, 0.10);
  EXPECT_LT(std::fabs(at - ref), std::fabs(est - ref));
}

TEST(AnimateAlign, LipsTextSealsBilabials) {
  auto audio_lips = animate("lips_audio", "--text " + kTagged);
  auto text_lips = animate("lips_text", "--text " + kTagged + " --lips text");
  const auto phones = teacher::read_alignment_tsv((kLj / "phones" / "LJ001-0001.tsv").string());
  auto a = validate::lip_scores(as_teacher(audio_lips), phones);
  auto t = validate::lip_scores(as_teacher(text_lips), phones);
  std::printf("LJ001-0001: audio lips sealed %zu/%zu AUC %.3f; text lips sealed %zu/%zu AUC %.3f\n", a.sealed, a.bilabials,
              a.articulation_auc(), t.sealed, t.bilabials, t.articulation_auc());
  EXPECT_EQ(t.sealed, t.bilabials);
  EXPECT_GE(t.articulation_auc(), 0.95);
  // The expression channels stay the model's.
  const std::size_t brow = arkit::index_of("browInnerUp");
  for (std::size_t f = 0; f < text_lips.frames; f += 7)
    EXPECT_FLOAT_EQ(text_lips.data[f * 52 + brow], audio_lips.data[f * 52 + brow]) << f;
}

TEST(AnimateAlign, OtherSpeechWarnsAndFallsBack) {
  std::string log;
  animate("mismatch", "--text \"[joy:80] Seven silly sisters sell sea shells while lonely lions sleep.\" --lips text", &log);
  EXPECT_NE(log.find("animate: warning:"), std::string::npos) << log;
  EXPECT_NE(log.find("spread estimate"), std::string::npos) << log;
  auto r = run_emosync("animate " + wav() + " --text hello --lips video -o " +
                       test_support::temp_path("animate_align", "bad_lips"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("'video' is not a lip source"), std::string::npos) << r.out;
}

// `emosync align` as the README runs it: the files, and a clear non-zero exit (writing
// nothing) for another clip's transcript or punctuation only.
TEST(AlignCommand, WritesTsvsOrRefusesClearly) {
  const std::string out = test_support::temp_path("animate_align", "align_cmd");
  fs::remove_all(out);
  auto r = run_emosync("align " + wav() + " --text \"[joy:80] Printing, in the only sense with which we are at present "
                       "concerned, differs from most if not from all the arts and crafts represented in the Exhibition\" -o " +
                       out);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("27 words"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("confidence"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out + "/phones.tsv"));
  EXPECT_TRUE(fs::exists(out + "/words.tsv"));

  const std::string bad = test_support::temp_path("animate_align", "align_bad");
  fs::remove_all(bad);
  auto m = run_emosync("align " + wav() + " --text \"in being comparatively modern\" -o " + bad);
  EXPECT_NE(m.rc, 0);
  EXPECT_NE(m.out.find("does not match"), std::string::npos) << m.out;
  EXPECT_FALSE(fs::exists(bad + "/phones.tsv"));
  auto p = run_emosync("align " + wav() + " --text \"... !\" -o " + bad);
  EXPECT_NE(p.rc, 0);
  EXPECT_NE(p.out.find("no words"), std::string::npos) << p.out;
}
