#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "arkit/blendshapes.h"
#include "export/visemes.h"
#include "io/json_file.h"
#include "support/test_support.h"

using namespace emosync;
using namespace emosync::exporter;

namespace {
std::array<float, 15> project(const std::array<float, 52>& frame) {
  std::array<float, 15> w{};
  VisemeProjector().project(frame.data(), w.data());
  return w;
}
std::size_t argmax(const std::array<float, 15>& w) { return std::max_element(w.begin(), w.end()) - w.begin(); }
std::size_t index(const char* name) {
  auto& n = viseme_track_names();
  return std::find(n.begin(), n.end(), name) - n.begin();
}
std::array<float, 52> frame(std::initializer_list<std::pair<const char*, float>> values) {
  std::array<float, 52> f{};
  for (auto& [name, v] : values) f[arkit::index_of(name)] = v;
  return f;
}
}  // namespace

TEST(Visemes, NamesAreTheOculusSet) {
  const char* expected[] = {"sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou"};
  for (std::size_t i = 0; i < 15; ++i) EXPECT_EQ(viseme_track_names()[i], expected[i]);
}

TEST(Visemes, RestingFaceIsSilence) {
  auto w = project({});
  EXPECT_FLOAT_EQ(w[0], 1.f);
  EXPECT_FLOAT_EQ(std::accumulate(w.begin() + 1, w.end(), 0.f), 0.f);
  // Brows, eyes and cheeks are not lips: a frown of the brows stays silent.
  w = project(frame({{"browDownLeft", 1}, {"browDownRight", 1}, {"eyeBlinkLeft", 1}, {"cheekSquintLeft", 1}}));
  EXPECT_FLOAT_EQ(w[0], 1.f);
}

TEST(Visemes, JawOpenFramePicksAa) {
  // A wide-open "ah" as a face makes it: the jaw drops and the lips part with it.
  auto w = project(frame({{"jawOpen", 0.8f}, {"mouthLowerDownLeft", 0.3f}, {"mouthLowerDownRight", 0.3f},
                          {"mouthUpperUpLeft", 0.1f}, {"mouthUpperUpRight", 0.1f}}));
  EXPECT_EQ(argmax(w), index("aa"));
  EXPECT_GT(w[index("aa")], 0.7f);
  EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.f), 1.f, 1e-5);
  // Less open, the same shape: aa still leads the mouth shapes and sil takes the rest.
  w = project(frame({{"jawOpen", 0.3f}, {"mouthLowerDownLeft", 0.12f}, {"mouthLowerDownRight", 0.12f}}));
  w[0] = 0;
  EXPECT_EQ(argmax(w), index("aa"));
  EXPECT_GT(w[index("aa")], 0.25f);
}

TEST(Visemes, EachVisemeTargetProjectsOntoItself) {
  const auto& targets = viseme::VisemeTargets::standard();
  for (std::size_t v = 1; v < 15; ++v) {
    std::array<float, 52> f = targets.target(static_cast<viseme::Viseme>(v));
    auto w = project(f);
    EXPECT_NEAR(w[v], 1.f, 1e-4) << viseme_track_names()[v];
    EXPECT_NEAR(w[0], 0.f, 1e-4) << viseme_track_names()[v];
  }
}

TEST(Visemes, HalfAShapeIsHalfSilence) {
  std::array<float, 52> f = viseme::VisemeTargets::standard().target(viseme::Viseme::U);
  for (auto& x : f) x *= 0.5f;
  auto w = project(f);
  EXPECT_NEAR(w[index("ou")], 0.5f, 1e-4);
  EXPECT_NEAR(w[0], 0.5f, 1e-4);
}

TEST(Visemes, RoundedLipsPickRoundedVisemesAndClosedLipsPickPP) {
  auto w = project(frame({{"mouthFunnel", 0.6f}, {"mouthPucker", 0.6f}, {"jawOpen", 0.15f}}));
  std::size_t best = argmax(w);
  EXPECT_TRUE(best == index("ou") || best == index("oh")) << viseme_track_names()[best];
  w = project(frame({{"mouthClose", 0.8f}, {"mouthPressLeft", 0.4f}, {"mouthPressRight", 0.4f}}));
  EXPECT_EQ(argmax(w), index("PP"));
}

TEST(Visemes, TrackFilesRoundTripShapeAndHeader) {
  Animation a;
  a.fps = 30;
  a.frames = 3;
  a.data.assign(3 * 52, 0.f);
  std::array<float, 52> aa = viseme::VisemeTargets::standard().target(viseme::Viseme::aa);
  std::copy(aa.begin(), aa.end(), a.data.begin() + 52);
  VisemeTrack t = viseme_track(a);
  ASSERT_EQ(t.frames, 3u);
  std::string path = test_support::temp_path("export_visemes", "v.json");
  write_viseme_json(path, t);
  io::Json j = io::load_json_file(path);
  EXPECT_EQ(j["fps"], 30);
  ASSERT_EQ(j["names"].size(), 15u);
  EXPECT_EQ(j["names"][12], "ih");
  ASSERT_EQ(j["frames"].size(), 3u);
  EXPECT_EQ(j["frames"][0][0], 1);
  EXPECT_EQ(j["frames"][1].size(), 15u);
  EXPECT_NEAR(j["frames"][1][10].get<double>(), 1.0, 1e-4);  // aa
  std::string csv = viseme_csv(t);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "sil,PP,FF,TH,DD,kk,CH,SS,nn,RR,aa,E,ih,oh,ou");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  t.data.pop_back();
  EXPECT_NE(test_support::error_of([&] { viseme_json(t); }).find("15 visemes"), std::string::npos);
}
