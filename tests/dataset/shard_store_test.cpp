#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dataset/card.h"
#include "dataset/shard_store.h"
#include "io/error.h"

using namespace emosync;
using namespace emosync::dataset;
namespace fs = std::filesystem;

static Item make_item(const std::string& id, std::size_t frames) {
  Item it;
  it.id = id;
  it.features = {{frames * 10 / 3, 80}, std::vector<float>(frames * 10 / 3 * 80, -3.f)};
  it.cond = {{frames, 19}, std::vector<float>(frames * 19, 0.f)};
  for (std::size_t t = 0; t < frames; ++t) it.cond.data[t * 19 + 1] = 1.f;
  it.targets = {{frames, 52}, std::vector<float>(frames * 52, 0.25f)};
  it.meta = {{"id", id}, {"source", "synthetic"}, {"duration_s", frames / 30.0}, {"emotions", {{"joy", frames}}}};
  return it;
}

static fs::path fresh(const std::string& name) {
  fs::path p = fs::path(::testing::TempDir()) / name;
  fs::remove_all(p);
  return p;
}

TEST(ShardStore, CommitVerifyAndReload) {
  fs::path root = fresh("ds_commit");
  {
    ShardStore s(root.string(), ShardId::parse("0/1"));
    s.commit(make_item("a", 30));
    s.commit(make_item("b", 45));
    EXPECT_THROW(s.commit(make_item("a", 30)), Error);
    EXPECT_THROW(s.commit(make_item("bad/id", 30)), Error);
  }
  ShardStore again(root.string(), ShardId::parse("0/1"));
  EXPECT_EQ(again.size(), 2u);
  EXPECT_TRUE(again.has("b"));
  VerifyReport r = verify(root.string());
  EXPECT_EQ(r.items, 2u);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  Item b = load_item(again.dir(), "b");
  EXPECT_EQ(b.targets.rows(), 45u);
  io::Json card = make_card(root.string());
  EXPECT_EQ(card["items"], 2);
  EXPECT_DOUBLE_EQ(card["classes"]["joy"]["frames"].get<double>(), 75.0);
  EXPECT_NEAR(card["channels"]["jawOpen"]["mean"].get<double>(), 0.25, 1e-6);
  EXPECT_NE(card_svg(card).find("<svg"), std::string::npos);
}

TEST(ShardStore, RecoversFromAKillMidItem) {
  fs::path root = fresh("ds_recover");
  std::string dir;
  {
    ShardStore s(root.string(), ShardId::parse("1/2"));
    s.commit(make_item("done", 30));
    dir = s.dir();
  }
  // What a kill can leave: a temporary folder, an item folder without its manifest
  // line, and a torn manifest line.
  fs::create_directories(fs::path(dir) / "items" / ".tmp-x-123");
  fs::create_directories(fs::path(dir) / "items" / "orphan");
  { std::ofstream(fs::path(dir) / "manifest.jsonl", std::ios::app) << "{\"id\": \"torn\", \"fil"; }
  EXPECT_FALSE(verify(root.string()).problems.empty());
  ShardStore s(root.string(), ShardId::parse("1/2"));
  EXPECT_EQ(s.recovery_log().size(), 3u);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_FALSE(s.has("torn"));
  s.commit(make_item("orphan", 30));
  VerifyReport r = verify(root.string());
  EXPECT_EQ(r.items, 2u);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
}

TEST(ShardStore, VerifyCatchesTampering) {
  fs::path root = fresh("ds_tamper");
  ShardStore s(root.string(), ShardId::parse("0/1"));
  s.commit(make_item("x", 30));
  { std::ofstream(fs::path(s.dir()) / "items" / "x" / "cond.npy", std::ios::app) << "junk"; }
  VerifyReport r = verify(root.string());
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("checksum"), std::string::npos);
}

TEST(ShardId, DeterministicPartition) {
  ShardId a = ShardId::parse("0/3"), b = ShardId::parse("1/3"), c = ShardId::parse("2/3");
  for (int i = 0; i < 300; ++i) {
    std::string id = "item-" + std::to_string(i);
    EXPECT_EQ(a.owns(id) + b.owns(id) + c.owns(id), 1);
  }
  EXPECT_EQ(a.dir_name(), "shard-00-of-03");
  EXPECT_THROW(ShardId::parse("3/3"), Error);
  EXPECT_THROW(ShardId::parse("x"), Error);
}

static std::size_t manifest_lines(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "manifest.jsonl");
  std::size_t n = 0;
  for (std::string l; std::getline(in, l);) n += !l.empty();
  return n;
}

// A resumed build counted items whose files were gone as done, so "run it again"
// repaired nothing: the store drops such entries on open and the build makes them anew.
TEST(ShardStore, ReopeningDropsItemsWithMissingOrDamagedFiles) {
  fs::path root = fresh("ds_damaged_items");
  std::string dir;
  {
    ShardStore s(root.string(), ShardId::parse("0/1"));
    for (const char* id : {"a", "b", "c"}) s.commit(make_item(id, 30));
    dir = s.dir();
  }
  fs::remove(fs::path(dir) / "items" / "a" / "targets.npy");
  { std::fstream(fs::path(dir) / "items" / "b" / "cond.npy", std::ios::in | std::ios::out | std::ios::binary).seekp(200).put('x'); }
  VerifyReport before = verify(root.string());
  ASSERT_EQ(before.problems.size(), 2u);
  EXPECT_NE(before.problems[0].find("again to repair"), std::string::npos) << before.problems[0];

  ShardStore s(root.string(), ShardId::parse("0/1"));
  EXPECT_FALSE(s.has("a"));
  EXPECT_FALSE(s.has("b"));
  EXPECT_TRUE(s.has("c"));
  EXPECT_EQ(manifest_lines(dir), 1u);
  EXPECT_FALSE(fs::exists(fs::path(dir) / "items" / "a"));
  EXPECT_NO_THROW(s.commit(make_item("a", 30)));
  EXPECT_NO_THROW(s.commit(make_item("b", 30)));
  VerifyReport after = verify(root.string());
  EXPECT_EQ(after.items, 3u);
  EXPECT_TRUE(after.problems.empty()) << after.problems.front();
}

// A damaged line in the middle of the manifest (not a torn tail) made every open
// throw, so verify's "run it again to repair" could never come true.
TEST(ShardStore, DamagedManifestLinesAreReportedEachAndDroppedOnReopen) {
  fs::path root = fresh("ds_damaged_manifest");
  std::string dir;
  {
    ShardStore s(root.string(), ShardId::parse("0/1"));
    s.commit(make_item("a", 30));
    dir = s.dir();
  }
  {
    std::ofstream m(fs::path(dir) / "manifest.jsonl", std::ios::app);
    m << std::string(12, '\0') << "\n" << R"({"id": "../../outside", "files": {"x": "00"}})" << "\n";
  }
  {
    ShardStore s(root.string(), ShardId::parse("0/1"));
    s.commit(make_item("b", 30));
  }
  // ... so a damaged line sits between good ones. Before the fix the reopen above threw.
  VerifyReport before = verify(root.string());
  ASSERT_EQ(before.problems.size(), 0u) << "reopening must already have dropped both lines";
  EXPECT_EQ(before.items, 2u);
  EXPECT_EQ(manifest_lines(dir), 2u);

  // verify on its own reports every bad line with its number.
  { std::ofstream(fs::path(dir) / "manifest.jsonl", std::ios::app) << "{not json\n" << "[1, 2]\n"; }
  VerifyReport r = verify(root.string());
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_NE(r.problems[0].find("manifest.jsonl:3:"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[1].find("manifest.jsonl:4:"), std::string::npos) << r.problems[1];
  ShardStore s(root.string(), ShardId::parse("0/1"));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(verify(root.string()).problems.empty());
}

TEST(ShardStore, ADataSetFolderThatIsAFileIsNamed) {
  fs::path root = fresh("ds_is_a_file");
  { std::ofstream(root.string()) << "x"; }
  try {
    ShardStore s(root.string(), ShardId::parse("0/1"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(root.string() + ": not a folder"), std::string::npos) << e.what();
  }
}
