// Training data is a pure function of (scenario, settings): the demo set built at
// once and built in steps (--limit, --jobs 2, --shard i/N, a resume after items were
// lost or damaged) holds the same items, byte for byte. espeak-ng used to carry state from one
// utterance to the next, so an item depended on what the same thread spoke before it.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "datagen/build.h"
#include "io/atomic_file.h"
#include "support/test_support.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {

const std::string kDemo = std::string(EMOSYNC_SOURCE_DIR) + "/data/scenarios/demo.jsonl";

std::string fresh_dir(const std::string& name) {
  std::string d = test_support::temp_path("datagen_determinism", name);
  fs::remove_all(d);
  return d;
}

datagen::BuildReport build(const std::string& out, int jobs = 1, std::size_t limit = 0, dataset::ShardId shard = {}) {
  datagen::BuildOptions o;
  o.scenarios = kDemo;
  o.out = out;
  o.jobs = jobs;
  o.limit = limit;
  o.shard = shard;
  return datagen::build_dataset(o);
}

// item id -> file name -> bytes, over every shard of a data set.
using Items = std::map<std::string, std::map<std::string, std::string>>;
Items items_of(const std::string& root) {
  Items out;
  for (const auto& shard : dataset::shard_dirs(root))
    for (const auto& item : fs::directory_iterator(fs::path(shard) / "items"))
      for (const auto& f : fs::directory_iterator(item.path()))
        out[item.path().filename().string()][f.path().filename().string()] = io::read_file(f.path().string());
  return out;
}

void expect_same_items(const Items& a, const Items& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [id, files] : a) {
    ASSERT_TRUE(b.count(id)) << id;
    for (const auto& [name, bytes] : files) EXPECT_TRUE(b.at(id).at(name) == bytes) << id << "/" << name << " differs";
  }
}

}  // namespace

TEST(Determinism, ADataSetBuiltInStepsIsTheDataSetBuiltAtOnce) {
  std::string once = fresh_dir("once");
  ASSERT_EQ(build(once).generated, 11u);
  const Items reference = items_of(once);
  ASSERT_EQ(reference.size(), 11u);

  // --limit 3, then the rest with two threads (other items before and beside each one).
  std::string steps = fresh_dir("steps");
  EXPECT_EQ(build(steps, 1, 3).generated, 3u);
  EXPECT_EQ(build(steps, 2).generated, 8u);
  expect_same_items(reference, items_of(steps));

  // Three shards, each a separate build.
  std::string shards = fresh_dir("shards");
  for (std::size_t i = 0; i < 3; ++i) build(shards, 2, 0, {i, 3});
  expect_same_items(reference, items_of(shards));
}

TEST(Determinism, AResumedBuildRemakesLostOrDamagedItemsIdentically) {
  std::string once = fresh_dir("once_resume");
  build(once);  // one thread: the manifest lists the items in file order
  const Items reference = items_of(once);
  // As after a kill: the manifest lost its last lines, their folders are orphans.
  std::string manifest = once + "/shard-00-of-01/manifest.jsonl";
  std::string text = io::read_file(manifest);
  std::size_t cut = 0;
  for (int lines = 0; lines < 4; ++lines) cut = text.find('\n', cut) + 1;
  io::write_file_atomic(manifest, text.substr(0, cut));
  // ... and two of the items it still lists lost or damaged a file.
  fs::path items = fs::path(once) / "shard-00-of-01" / "items";
  fs::remove(items / "demo-job" / "features.npy");
  io::write_file_atomic((items / "demo-gift" / "meta.json").string(), "{}");
  datagen::BuildReport again = build(once, 2);
  EXPECT_EQ(again.already_done, 2u);
  EXPECT_EQ(again.generated, 9u);
  expect_same_items(reference, items_of(once));
}
