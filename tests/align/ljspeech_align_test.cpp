// The aligner against the Montreal Forced Aligner on the 32 LJ Speech clips of
// ../shared/data/speech/ljspeech (MFA TextGrids as phones/<id>.tsv). Fails, never
// skips, when the data is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "align/align.h"
#include "audio/audio.h"
#include "io/error.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {

fs::path lj_dir() {
  fs::path dir = fs::path(EMOSYNC_SOURCE_DIR) / ".." / "shared" / "data" / "speech" / "ljspeech";
  if (!fs::is_directory(dir / "phones"))
    ADD_FAILURE() << "\n\n*** shared data missing: " << dir.string()
                  << " does not exist. This test needs the LJ Speech subset from the shared folder"
                     " (shared/data/speech/ljspeech beside the repository). ***\n";
  return dir;
}

// id -> normalised transcription (metadata.csv: id|text|normalised text).
std::vector<std::pair<std::string, std::string>> clips(const fs::path& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(dir / "metadata.csv");
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find('|'), b = line.rfind('|');
    if (a != std::string::npos && b > a) out.push_back({line.substr(0, a), line.substr(b + 1)});
  }
  return out;
}

// Phones of an MFA tier without silences, stress digits dropped.
std::vector<align::Span> speech_phones(const std::vector<align::Span>& spans) {
  std::vector<align::Span> out;
  for (auto s : spans) {
    while (!s.label.empty() && std::isdigit(static_cast<unsigned char>(s.label.back()))) s.label.pop_back();
    if (s.label != "sil" && s.label != "sp" && s.label != "spn" && !s.label.empty()) out.push_back(s);
  }
  return out;
}

std::vector<align::Span> read_tsv(const fs::path& p) {
  std::vector<align::Span> out;
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream s(line);
    align::Span sp;
    if (s >> sp.start_s >> sp.end_s >> sp.label) out.push_back(sp);
  }
  return out;
}

// Onset differences (ours - MFA) of the phones the two sequences share, paired by an
// edit-distance alignment of their labels (the dictionaries differ in places).
std::vector<double> onset_differences(const std::vector<align::Span>& a, const std::vector<align::Span>& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> cost(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) cost[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) cost[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      cost[i][j] = std::min({cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + (a[i - 1].label == b[j - 1].label ? 0 : 1)});
  std::vector<double> d;
  for (std::size_t i = n, j = m; i > 0 && j > 0;) {
    if (a[i - 1].label == b[j - 1].label && cost[i][j] == cost[i - 1][j - 1]) {
      d.push_back(a[i - 1].start_s - b[j - 1].start_s);
      --i, --j;
    } else if (cost[i][j] == cost[i - 1][j - 1] + 1) {
      --i, --j;
    } else if (cost[i][j] == cost[i - 1][j] + 1) {
      --i;
    } else {
      --j;
    }
  }
  return d;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

// Median |onset difference| <= 20 ms and >= 90 % within 50 ms, after the +20 ms
// pocketsphinx -> MFA shift (AlignConfig::offset_s); every clip aligns with confidence.
TEST(AlignLjSpeech, OnsetsAgreeWithMfa) {
  fs::path dir = lj_dir();
  auto list = clips(dir);
  ASSERT_EQ(list.size(), 32u);
  align::Aligner aligner;
  std::vector<double> diffs;
  double audio_s = 0, busy_s = 0, min_conf = 1;
  for (const auto& [id, text] : list) {
    audio::Audio a = audio::read_audio((dir / "wav" / (id + ".wav")).string());
    auto t0 = std::chrono::steady_clock::now();
    align::Alignment r = aligner.align(a, text);
    busy_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    audio_s += a.duration_s();
    EXPECT_TRUE(r.matched) << id << ": confidence " << r.confidence << " gap " << r.score_gap;
    min_conf = std::min(min_conf, r.confidence);
    auto d = onset_differences(speech_phones(r.phones), speech_phones(read_tsv(dir / "phones" / (id + ".tsv"))));
    diffs.insert(diffs.end(), d.begin(), d.end());
    std::printf("%s gap %.3f confidence %.3f, %zu onsets paired\n", id.c_str(), r.score_gap, r.confidence, d.size());
  }
  std::vector<double> abs_d;
  for (double d : diffs) abs_d.push_back(std::fabs(d));
  std::size_t within50 = std::count_if(abs_d.begin(), abs_d.end(), [](double d) { return d <= 0.050 + 1e-9; });
  std::size_t within20 = std::count_if(abs_d.begin(), abs_d.end(), [](double d) { return d <= 0.020 + 1e-9; });
  double share50 = double(within50) / abs_d.size();
  std::printf("LJ Speech, 32 clips, %zu paired onsets: median |diff| %.1f ms, signed median %.1f ms, "
              "%.1f %% within 20 ms, %.1f %% within 50 ms; lowest confidence %.3f; %.1f x real time\n",
              abs_d.size(), 1000 * median(abs_d), 1000 * median(diffs), 100.0 * within20 / abs_d.size(),
              100 * share50, min_conf, audio_s / busy_s);
  EXPECT_GE(abs_d.size(), 1500u);
  EXPECT_LE(median(abs_d), 0.020);
  EXPECT_GE(share50, 0.90);
}

// The transcript of another clip is never taken for this one: an error or matched == false.
TEST(AlignLjSpeech, AnotherClipsTranscriptIsRejected) {
  fs::path dir = lj_dir();
  auto list = clips(dir);
  ASSERT_EQ(list.size(), 32u);
  align::Aligner aligner;
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    audio::Audio a = audio::read_audio((dir / "wav" / (list[i].first + ".wav")).string());
    const std::string& other = list[(i + 1) % list.size()].second;
    try {
      align::Alignment r = aligner.align(a, other);
      std::printf("%s with the next clip's text: gap %.3f confidence %.3f\n", list[i].first.c_str(), r.score_gap,
                  r.confidence);
      EXPECT_FALSE(r.matched) << list[i].first << " took the next clip's transcript, confidence " << r.confidence;
      rejected += !r.matched;
    } catch (const Error& e) {
      std::printf("%s with the next clip's text: %s\n", list[i].first.c_str(), e.what());
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, list.size());
}
