// `scenarios import-recorded --splits`: only the clips of the speakers splits.tsv puts in
// the asked split become scenarios, a speaker it does not place is refused, and every
// turn says who spoke it, up to the data set's meta.json. A tiny generated corpus of three
// speakers (two train, one dev) in the ../shared/data/speech layout.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "audio/audio.h"
#include "io/atomic_file.h"
#include "io/json_file.h"
#include "scenarios/scenario.h"
#include "support/test_support.h"

using namespace emosync;
using test_support::run_emosync;
namespace fs = std::filesystem;

namespace {

// clip id -> speaker; "tiny" is the corpus (the folder's name).
const std::vector<std::pair<std::string, std::string>> kClips = {
    {"a1", "spk_a"}, {"a2", "spk_a"}, {"b1", "spk_b"}, {"c1", "spk_c"}, {"c2", "spk_c"}};

// A corpus folder: audio/ID.wav (0.6 s, a vowel-like tone), phones/, words/, metadata.tsv.
fs::path make_corpus(const std::string& name, const std::string& extra_metadata_row = "") {
  const fs::path dir = fs::path(test_support::temp_path("import_recorded", name)) / "tiny";
  fs::remove_all(dir.parent_path());
  for (const char* sub : {"audio", "phones", "words"}) fs::create_directories(dir / sub);
  audio::Audio a;
  a.sample_rate = 16000;
  for (int i = 0; i < 9600; ++i) {
    const double t = i / 16000.0;
    a.samples.push_back(t > 0.1 && t < 0.5 ? static_cast<float>(0.3 * std::sin(2 * M_PI * 220 * t)) : 0.f);
  }
  std::string meta = "id\tspeaker\tgender\tage\ttext\n";
  for (const auto& [id, speaker] : kClips) {
    audio::write_wav16((dir / "audio" / (id + ".wav")).string(), a);
    io::write_file_atomic((dir / "phones" / (id + ".tsv")).string(),
                          "start_s\tend_s\tlabel\n0.000\t0.100\tsil\n0.100\t0.300\tP\n0.300\t0.500\tAA\n0.500\t0.600\tsil\n");
    io::write_file_atomic((dir / "words" / (id + ".tsv")).string(),
                          "start_s\tend_s\tlabel\n0.000\t0.100\tsil\n0.100\t0.500\tpa\n0.500\t0.600\tsil\n");
    meta += id + "\t" + speaker + "\t\t\tpa\n";
  }
  io::write_file_atomic((dir / "metadata.tsv").string(), meta + extra_metadata_row);
  return dir;
}

std::string write_splits(const fs::path& corpus, const std::string& rows) {
  const std::string path = (corpus.parent_path() / "splits.tsv").string();
  io::write_file_atomic(path, "corpus\tspeaker\tsplit\n" + rows);
  return path;
}

const std::string kSplits = "tiny\tspk_a\ttrain\ntiny\tspk_b\ttrain\ntiny\tspk_c\tdev\nother\tspk_c\ttrain\n";

// id -> recorded_by of every scenario in `file`.
std::map<std::string, std::string> read_back(const fs::path& file) {
  std::map<std::string, std::string> out;
  for (const auto& s : scenarios::load_scenarios(file.string(), true).scenarios) {
    EXPECT_EQ(s.turns.size(), 1u);
    out[s.id] = s.turns.at(0).recorded_by;
  }
  return out;
}

}  // namespace

TEST(ImportRecorded, SplitsTakeExactlyTheTrainSpeakers) {
  const fs::path dir = make_corpus("train");
  const std::string splits = write_splits(dir, kSplits);
  const fs::path out = dir.parent_path() / "train.jsonl";
  auto r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + "/ --splits " + splits +
                       " --split train -o " + out.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("3 recorded clips"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 speaker(s) of split train"), std::string::npos) << r.out;
  // The corpus prefixes the ids (corpora share one data set); the trailing '/' of --dir
  // still names the corpus "tiny". spk_c is dev, and "other/spk_c train" is another corpus.
  const std::map<std::string, std::string> want = {
      {"rec-tiny-a1", "tiny/spk_a"}, {"rec-tiny-a2", "tiny/spk_a"}, {"rec-tiny-b1", "tiny/spk_b"}};
  EXPECT_EQ(read_back(out), want);

  const fs::path dev = dir.parent_path() / "dev.jsonl";
  r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " --splits " + splits +
                  " --split dev -o " + dev.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  const std::map<std::string, std::string> want_dev = {{"rec-tiny-c1", "tiny/spk_c"}, {"rec-tiny-c2", "tiny/spk_c"}};
  EXPECT_EQ(read_back(dev), want_dev);
}

TEST(ImportRecorded, StarPlacesTheWholeCorpus) {
  const fs::path dir = make_corpus("star");
  const fs::path out = dir.parent_path() / "s.jsonl";
  auto r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " --splits " +
                       write_splits(dir, "tiny\t*\ttrain\ntiny\tspk_c\tdev\n") + " -o " + out.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  // A named row beats the corpus-wide one: spk_c stays dev.
  std::set<std::string> ids;
  for (const auto& [id, by] : read_back(out)) ids.insert(id);
  EXPECT_EQ(ids, (std::set<std::string>{"rec-tiny-a1", "rec-tiny-a2", "rec-tiny-b1"}));

  r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " --splits " +
                  write_splits(dir, "tiny\t*\tdev\n") + " --split train -o " + out.string());
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("no clip of a train speaker"), std::string::npos) << r.out;
}

TEST(ImportRecorded, AnUnplacedSpeakerIsAnError) {
  // spk_d has a metadata row but no audio: still refused, since a split is a promise about
  // every speaker of the corpus.
  const fs::path dir = make_corpus("unplaced", "d1\tspk_d\t\t\tpa\n");
  const std::string splits = write_splits(dir, kSplits);
  const fs::path out = dir.parent_path() / "s.jsonl";
  auto r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " --splits " + splits +
                       " -o " + out.string());
  EXPECT_NE(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find(splits + ": speaker 'spk_d' of corpus 'tiny' is in no split"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));

  // A bad split name in splits.tsv names its line.
  r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " --splits " +
                  write_splits(dir, "tiny\t*\ttest\n") + " -o " + out.string());
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("splits.tsv:2: split 'test' must be train or dev"), std::string::npos) << r.out;
}

TEST(ImportRecorded, WithoutSplitsEveryClipAsBefore) {
  const fs::path dir = make_corpus("plain");
  const fs::path out = dir.parent_path() / "s.jsonl";
  auto r = run_emosync("scenarios import-recorded --no-align --holdout 1 --dir " + dir.string() + " -o " + out.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  const std::map<std::string, std::string> want = {
      {"rec-a1", "tiny/spk_a"}, {"rec-a2", "tiny/spk_a"}, {"rec-b1", "tiny/spk_b"}, {"rec-c1", "tiny/spk_c"}};
  EXPECT_EQ(read_back(out), want);
}

TEST(ImportRecorded, TheSpeakerReachesTheItemMeta) {
  const fs::path dir = make_corpus("meta");
  const fs::path out = dir.parent_path() / "s.jsonl", ds = dir.parent_path() / "ds";
  auto r = run_emosync("scenarios import-recorded --no-align --dir " + dir.string() + " --splits " +
                       write_splits(dir, kSplits) + " -o " + out.string());
  ASSERT_EQ(r.rc, 0) << r.out;
  r = run_emosync("dataset build --scenarios " + out.string() + " -o " + ds.string() + " --jobs 1 --limit 1");
  ASSERT_EQ(r.rc, 0) << r.out;
  std::size_t metas = 0;
  for (const auto& e : fs::recursive_directory_iterator(ds)) {
    if (e.path().filename() != "meta.json") continue;
    ++metas;
    io::Json meta = io::load_json_file(e.path().string());
    EXPECT_EQ(meta["turns"][0]["recorded_by"], "tiny/spk_a") << meta.dump(1);
  }
  EXPECT_EQ(metas, 1u);
}
