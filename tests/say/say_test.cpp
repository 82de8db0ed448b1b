// `emosync say` and `emosync animate` as the README runs them, on the embedded model.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "arkit/blendshapes.h"
#include "export/animation.h"
#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace emosync;
using test_support::run_emosync;

namespace {
std::string dir(const std::string& name) {
  const std::string d = test_support::temp_path("say", name);
  std::filesystem::remove_all(d);
  return d;
}
float mean_channel(const exporter::Animation& a, const char* name, std::size_t from, std::size_t to) {
  const std::size_t c = *arkit::find(name);
  double s = 0;
  for (std::size_t k = from; k < to; ++k) s += a.data[k * arkit::kCount + c];
  return static_cast<float>(s / static_cast<double>(to - from));
}
}  // namespace

TEST(Say, TaggedTextGivesSpeechAnimationAndEveryExport) {
  const std::string out = dir("tagged");
  auto r = run_emosync("say \"[joy:90] I got the job, this is wonderful! [sadness:80] But I have to move far away.\" -o " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("tags as given"), std::string::npos) << r.out;
  for (const char* f : {"speech.wav", "tagged.txt", "animation.json", "animation.csv", "animation.npy",
                        "animation_llf.csv", "animation.glb", "visemes.json", "preview.html"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  exporter::Animation a = exporter::read_animation_json(out + "/animation.json");
  // On the speech's clock: a frame per 1/30 s of the WAV (16-bit mono, 44-byte header).
  const double seconds = (std::filesystem::file_size(out + "/speech.wav") - 44) / 2.0 / 22050.0;
  EXPECT_NEAR(static_cast<double>(a.frames), seconds * 30, 1.5);
  for (float v : a.data) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
  const std::size_t half = a.frames / 2;
  // The lips move with the speech; the joyful half smiles more than the sad half.
  const std::size_t jaw = *arkit::find("jawOpen");
  float lo = 1, hi = 0;
  for (std::size_t k = 0; k < a.frames; ++k) lo = std::min(lo, a.data[k * 52 + jaw]), hi = std::max(hi, a.data[k * 52 + jaw]);
  EXPECT_GT(hi - lo, 0.2f);
  EXPECT_GT(mean_channel(a, "mouthSmileLeft", 0, half / 2), mean_channel(a, "mouthSmileLeft", half + half / 2, a.frames) + 0.1f);
  EXPECT_GT(mean_channel(a, "mouthFrownLeft", half + half / 2, a.frames), mean_channel(a, "mouthFrownLeft", 0, half / 2));
  // The preview carries the audio and the frames itself.
  const std::string html = io::read_file(out + "/preview.html");
  EXPECT_NE(html.find("data:audio/wav;base64,"), std::string::npos);
}

TEST(Say, PlainTextIsTaggedByTheTextModel) {
  auto r = run_emosync("say \"Thank you so much, I love it. Why did you do that?\" -o " + dir("plain"));
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("tagged by the text-emotion model"), std::string::npos) << r.out;
  auto n = run_emosync("say \"Thank you so much.\" --no-autotag -o " + dir("plain_neutral"));
  ASSERT_EQ(n.rc, 0) << n.out;
  EXPECT_NE(n.out.find("neutral (--no-autotag)"), std::string::npos) << n.out;
}

TEST(Say, BadInputIsAClearError) {
  auto r = run_emosync("say \"[joy:80] fine [bogus:20] words\" -o " + dir("bad"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("line 1, column"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bogus"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir("bad") + "/animation.json"));
  auto m = run_emosync("say \"hello\" --model /nonexistent/model.safetensors -o " + dir("bad_model"));
  EXPECT_NE(m.rc, 0);
  EXPECT_NE(m.out.find("/nonexistent/model.safetensors"), std::string::npos) << m.out;
}

TEST(Animate, RecordedSpeechWithTextWordsOrOneEmotion) {
  const std::string src = dir("source");
  ASSERT_EQ(run_emosync("say \"Maybe we can meet on Monday.\" --no-autotag -o " + src).rc, 0);
  const std::string wav = src + "/speech.wav";
  io::write_file_atomic(src + "/words.tsv", "0.0 0.3 Maybe\n0.3 0.5 we\n0.5 0.7 can\n0.7 1.0 meet\n1.0 1.1 on\n1.1 1.6 Monday.\n");
  const std::string with_text = dir("anim_text"), with_emotion = dir("anim_emotion"), neutral = dir("anim_neutral");
  auto r = run_emosync("animate " + wav + " --text \"[anger:90] Maybe we can meet on Monday.\" --words " + src +
                       "/words.tsv -o " + with_text);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto e = run_emosync("animate " + wav + " --emotion anger:90 -o " + with_emotion);
  ASSERT_EQ(e.rc, 0) << e.out;
  auto n = run_emosync("animate " + wav + " -o " + neutral);
  ASSERT_EQ(n.rc, 0) << n.out;
  exporter::Animation at = exporter::read_animation_json(with_text + "/animation.json");
  exporter::Animation ae = exporter::read_animation_json(with_emotion + "/animation.json");
  exporter::Animation an = exporter::read_animation_json(neutral + "/animation.json");
  ASSERT_EQ(at.frames, an.frames);
  ASSERT_EQ(ae.frames, an.frames);
  // Anger lowers the brows against neutral, over the same audio.
  EXPECT_GT(mean_channel(ae, "browDownLeft", 0, ae.frames), mean_channel(an, "browDownLeft", 0, an.frames) + 0.1f);
  EXPECT_GT(mean_channel(at, "browDownLeft", 0, at.frames), mean_channel(an, "browDownLeft", 0, an.frames) + 0.1f);
}

TEST(Animate, BadInputIsAClearError) {
  auto r = run_emosync("animate /nonexistent/speech.wav -o " + dir("missing"));
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("/nonexistent/speech.wav"), std::string::npos) << r.out;
  const std::string src = dir("source2");
  ASSERT_EQ(run_emosync("say \"hello there\" --no-autotag -o " + src).rc, 0);
  io::write_file_atomic(src + "/w.tsv", "0.0 abc hello\n");
  auto w = run_emosync("animate " + src + "/speech.wav --text \"hello there\" --words " + src + "/w.tsv -o " + dir("badwords"));
  EXPECT_NE(w.rc, 0);
  EXPECT_NE(w.out.find("w.tsv:1"), std::string::npos) << w.out;
}
