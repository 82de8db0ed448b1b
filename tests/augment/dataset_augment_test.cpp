// `dataset build` with augmentation: a 2-clip real fixture with 2 variants each gives 6
// items; the speed-perturbed ones carry time-scaled targets; the originals are the
// items a build without augmentation makes, byte for byte; a rebuild is identical.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "arkit/blendshapes.h"
#include "audio/audio.h"
#include "datagen/build.h"
#include "features/log_mel.h"
#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {

constexpr double kFps = 30, kLead = 0.4;  // the generator's default pause leads every turn
constexpr double kClose = 1.475;          // middle of the M in the fixture's alignment

// Two 3 s "recordings": an open vowel, a bilabial closure at 1.4-1.55 s, the vowel again.
// Each test names its own folder: ctest runs the tests of this file in parallel, and one
// test's remove_all must not take the other's recordings away.
std::string fixture(const std::string& test) {
  const std::string dir = test_support::temp_path("augment_dataset", "fixture_" + test);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string jsonl;
  for (const char* id : {"ljA", "ljB"}) {
    audio::Audio a;
    a.samples.resize(48000);
    for (std::size_t i = 0; i < a.samples.size(); ++i) {
      const double t = i / 16000.0;
      const double amp = t < 0.2 || t > 2.7 ? 0 : t > 1.4 && t < 1.55 ? 0.02 : 0.3;
      double v = 0;
      for (int h = 1; h < 25; ++h) v += std::sin(2 * M_PI * 120 * h * t) / h;
      a.samples[i] = static_cast<float>(amp * v * 0.5);
    }
    audio::write_wav16(dir + "/" + id + ".wav", a);
    io::write_file_atomic(dir + "/" + id + ".tsv",
                          "0.0\t0.2\tsil\n0.2\t1.4\tAA1\n1.4\t1.55\tM\n1.55\t2.7\tAA1\n2.7\t3.0\tsil\n");
    jsonl += std::string(R"({"id": ")") + id + R"(", "turns": [{"speaker": "SELF", "text": "ah mah", )" +
             R"("emotion": "neutral", "intensity": 0, "audio": ")" + id + R"(.wav", "alignment": ")" + id +
             ".tsv\"}]}\n";
  }
  io::write_file_atomic(dir + "/scenarios.jsonl", jsonl);
  return dir + "/scenarios.jsonl";
}

std::string build(const std::string& scenarios, const std::string& name, int augment) {
  const std::string out = test_support::temp_path("augment_dataset", name);
  fs::remove_all(out);
  datagen::BuildOptions o;
  o.scenarios = scenarios;
  o.out = out;
  o.generator.augment = augment;
  datagen::BuildReport r = datagen::build_dataset(o);
  EXPECT_EQ(r.failed, 0u) << (r.failures.empty() ? "" : r.failures.front());
  return out;
}

// id -> file -> bytes
std::map<std::string, std::map<std::string, std::string>> files_of(const std::string& root) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& shard : dataset::shard_dirs(root))
    for (const auto& item : fs::directory_iterator(fs::path(shard) / "items"))
      for (const auto& f : fs::directory_iterator(item.path()))
        out[item.path().filename().string()][f.path().filename().string()] = io::read_file(f.path().string());
  return out;
}

// The lip gap per frame (jawOpen - mouthClose, at least 0).
std::vector<double> lip_gap(const dataset::Item& it) {
  const std::size_t jaw = arkit::index_of("jawOpen"), close = arkit::index_of("mouthClose");
  std::vector<double> g(it.targets.rows());
  for (std::size_t f = 0; f < g.size(); ++f)
    g[f] = std::max(0.0, static_cast<double>(it.targets.data[f * 52 + jaw] - it.targets.data[f * 52 + close]));
  return g;
}

// The middle (in seconds) of the closed frames between 0.9 s and 2.6 s of speech time.
double closure_time(const std::vector<double>& g, double speed) {
  double top = 0, sum = 0, n = 0;
  for (double v : g) top = std::max(top, v);
  for (std::size_t f = 0; f < g.size(); ++f) {
    const double speech_t = (f / kFps - kLead) * speed;
    if (speech_t > 0.9 && speech_t < 2.6 && g[f] < 0.25 * top) sum += f / kFps, n += 1;
  }
  return n ? sum / n : -1;
}

}  // namespace

TEST(AugmentedDataset, RealItemsGetTimeScaledVariantsAndOriginalsStayAsTheyWere) {
  const std::string scenarios = fixture("time_scaled");
  const std::string plain = build(scenarios, "plain", 0), aug = build(scenarios, "aug2", 2);
  const auto plain_files = files_of(plain), aug_files = files_of(aug);
  ASSERT_EQ(plain_files.size(), 2u);
  ASSERT_EQ(aug_files.size(), 6u);
  for (const char* id : {"ljA", "ljB"})
    for (const auto& [name, bytes] : plain_files.at(id))
      EXPECT_TRUE(aug_files.at(id).at(name) == bytes) << id << "/" << name << " changed with --augment";

  const std::string shard = dataset::shard_dirs(aug).front();
  double largest_change = 0;  // |1 - speed| of the variant that moved most
  for (const char* id : {"ljA", "ljB"}) {
    const dataset::Item orig = dataset::load_item(shard, id);
    const double t_orig = closure_time(lip_gap(orig), 1);
    ASSERT_NEAR(t_orig, kLead + kClose, 1.5 / kFps) << id << ": the fixture's closure is not where it was put";
    for (int k = 1; k <= 2; ++k) {
      const std::string vid = std::string(id) + ".aug" + std::to_string(k);
      ASSERT_TRUE(aug_files.count(vid)) << vid;
      const io::Json meta = io::Json::parse(aug_files.at(vid).at("meta.json"));
      ASSERT_TRUE(meta.contains("augment")) << vid;
      EXPECT_FALSE(meta["augment"]["steps"].empty() && meta["augment"]["speed"] == 1.0) << vid;
      const double speed = meta["augment"]["speed"];
      largest_change = std::max(largest_change, std::abs(1 - speed));
      const dataset::Item v = dataset::load_item(shard, vid);
      // Duration: lead + 3 s / speed (up to whole 0.1 s) + tail.
      EXPECT_NEAR(v.targets.rows() / kFps, 2 * kLead + 3.0 / speed, 0.1 + 1e-9) << vid;
      EXPECT_NEAR(closure_time(lip_gap(v), speed), kLead + (t_orig - kLead) / speed, 1.5 / kFps)
          << vid << " at speed " << speed;
      EXPECT_EQ(v.features.rows(), features::num_frames(v.targets.rows() * 16000 / 30)) << vid;
    }
    EXPECT_FALSE(io::Json::parse(aug_files.at(id).at("meta.json")).contains("augment"));
  }
  // ljB.aug1 draws speed 0.924: its closure moves 3.6 frames, more than the tolerance.
  EXPECT_GT(largest_change, 0.05) << "no variant of the fixture drew a clear speed change: the test checks little";
  // The same settings again: the same bytes (codecs, noise and rooms included).
  const auto again = files_of(build(scenarios, "aug2_again", 2));
  for (const auto& [id, files] : aug_files)
    for (const auto& [name, bytes] : files) EXPECT_TRUE(again.at(id).at(name) == bytes) << id << "/" << name;
}

TEST(AugmentedDataset, BadOptionsAreRefusedWithTheirName) {
  datagen::BuildOptions o;
  o.scenarios = fixture("bad_options");
  o.out = test_support::temp_path("augment_dataset", "bad");
  o.generator.augment = -1;
  EXPECT_NE(test_support::error_of([&] { datagen::build_dataset(o); }).find("--augment must be in 0..100"),
            std::string::npos);
  o.generator.augment = 0;
  o.generator.augment_synthetic = 1.5;
  EXPECT_NE(test_support::error_of([&] { datagen::build_dataset(o); }).find("--augment-synthetic must be in [0, 1]"),
            std::string::npos);
}
