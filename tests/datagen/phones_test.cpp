// phones.npy of a generated item: one phone class per target frame, from the alignment
// of a recorded turn and from the TTS events of a synthetic one.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "audio/audio.h"
#include "datagen/generator.h"
#include "io/atomic_file.h"
#include "viseme/phone_class.h"

using namespace emosync;
namespace fs = std::filesystem;

static int cls(const char* name) { return viseme::phone_class_index(name); }

static std::size_t count(const dataset::Item& it, int c) {
  std::size_t n = 0;
  for (float v : it.phones.data) n += v == static_cast<float>(c);
  return n;
}

TEST(GeneratorPhones, AlignedWithTheTargetsAndTheAlignment) {
  fs::path d = fs::temp_directory_path() / ("emosync_phones_" + std::to_string(getpid()));
  fs::create_directories(d);
  audio::Audio a;
  for (int i = 0; i < 24000; ++i) a.samples.push_back(0.3f * std::sin(0.05f * static_cast<float>(i)));  // 1.5 s
  audio::write_wav16((d / "a.wav").string(), a);
  io::write_file_atomic((d / "a.tsv").string(),
                        "start_s\tend_s\tlabel\n0.0\t0.3\tsil\n0.3\t0.5\tB\n0.5\t0.8\tUW1\n0.8\t1.0\tM\n"
                        "1.0\t1.2\tspn\n1.2\t1.5\tsil\n");
  const std::string line = R"({"id": "r1", "turns": [{"speaker": "SELF", "text": "boom", "emotion": "neutral",
      "intensity": 50, "audio": ")" + (d / "a.wav").string() + R"(", "alignment": ")" + (d / "a.tsv").string() + R"("}]})";
  datagen::GeneratorContext ctx{datagen::GeneratorConfig{}};
  dataset::Item it = datagen::generate_item(scenarios::parse_scenario(line, "mem", 1), ctx);
  ASSERT_EQ(it.phones.shape, std::vector<std::size_t>{it.targets.rows()});
  // The turn starts after the 0.4 s lead-in; frame k is at k/30 s. B covers 0.7-0.9 s:
  // frames 21..26, UW 0.9-1.2 s: 27..35, M 1.2-1.4 s: 36..41, spoken noise 1.4-1.6 s: none.
  auto at = [&](std::size_t k) { return static_cast<int>(it.phones.data[k]); };
  for (std::size_t k = 22; k <= 26; ++k) EXPECT_EQ(at(k), cls("B")) << k;
  for (std::size_t k = 28; k <= 35; ++k) EXPECT_EQ(at(k), cls("UW")) << k;
  for (std::size_t k = 37; k <= 41; ++k) EXPECT_EQ(at(k), cls("M")) << k;
  for (std::size_t k = 43; k <= 47; ++k) EXPECT_EQ(at(k), -1) << k;
  EXPECT_NEAR(static_cast<double>(count(it, cls("B"))), 6.0, 1.0);
  for (std::size_t k = 0; k <= 19; ++k) EXPECT_EQ(at(k), 0) << k;  // lead-in and the aligned silence
  for (std::size_t k = it.phones.rows() - 12; k < it.phones.rows(); ++k) EXPECT_EQ(at(k), 0) << k;  // the tail
  fs::remove_all(d);
}

TEST(GeneratorPhones, SyntheticTurnsTakeTheTtsPhones) {
  const std::string line = R"({"id": "s1", "turns": [
      {"speaker": "SELF", "text": "Boom, boom, the moon.", "emotion": "joy", "intensity": 60},
      {"speaker": "OTHER", "text": "Who knew?", "emotion": "surprise", "intensity": 60}]})";
  datagen::GeneratorContext ctx{datagen::GeneratorConfig{}};
  dataset::Item it = datagen::generate_item(scenarios::parse_scenario(line, "mem", 1), ctx);
  ASSERT_EQ(it.phones.rows(), it.targets.rows());
  EXPECT_GE(count(it, cls("B")), 2u);
  EXPECT_GE(count(it, cls("M")), 2u);
  EXPECT_GE(count(it, cls("UW")), 6u);
  EXPECT_GE(count(it, 0), 24u);  // lead-in, the pause between the turns, the tail
  for (float v : it.phones.data) ASSERT_TRUE(viseme::is_phone_label(v)) << v;
}
