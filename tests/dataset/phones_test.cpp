// The optional per-frame phone classes (phones.npy) of an item: written, read back,
// checked, and absent in items built before them.
#include <gtest/gtest.h>

#include <filesystem>

#include "dataset/shard_store.h"
#include "io/error.h"
#include "viseme/phone_class.h"

using namespace emosync;
using namespace emosync::dataset;
namespace fs = std::filesystem;

static Item item_with_phones(const std::string& id, std::size_t frames) {
  Item it;
  it.id = id;
  it.features = {{frames * 10 / 3, 80}, std::vector<float>(frames * 10 / 3 * 80, -3.f)};
  it.cond = {{frames, 19}, std::vector<float>(frames * 19, 0.f)};
  it.targets = {{frames, 52}, std::vector<float>(frames * 52, 0.25f)};
  it.phones = {{frames}, std::vector<float>(frames, 0.f)};
  for (std::size_t k = 10; k < 15; ++k) it.phones.data[k] = static_cast<float>(viseme::phone_class_index("UW"));
  it.phones.data[20] = -1.f;
  it.meta = {{"id", id}, {"source", "real"}, {"duration_s", frames / 30.0}, {"emotions", {{"neutral", frames}}}};
  return it;
}

static fs::path fresh(const std::string& name) {
  fs::path p = fs::path(::testing::TempDir()) / name;
  fs::remove_all(p);
  return p;
}

TEST(Phones, RoundTripThroughTheStoreAndVerify) {
  fs::path root = fresh("ds_phones");
  ShardStore s(root.string(), ShardId::parse("0/1"));
  s.commit(item_with_phones("with", 30));
  Item old = item_with_phones("without", 30);
  old.phones = {};  // an item from a data set built before phones.npy
  s.commit(old);
  VerifyReport r = verify(root.string());
  EXPECT_EQ(r.items, 2u);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  Item a = load_item(s.dir(), "with");
  ASSERT_EQ(a.phones.shape, std::vector<std::size_t>{30});
  EXPECT_EQ(a.phones.data, item_with_phones("with", 30).phones.data);
  EXPECT_TRUE(fs::exists(fs::path(s.dir()) / "items/with/phones.npy"));
  Item b = load_item(s.dir(), "without");
  EXPECT_TRUE(b.phones.data.empty());
  EXPECT_FALSE(fs::exists(fs::path(s.dir()) / "items/without/phones.npy"));
}

TEST(Phones, CommitRefusesLabelsThatAreNotClassesNamingTheItem) {
  fs::path root = fresh("ds_phones_bad");
  ShardStore s(root.string(), ShardId::parse("0/1"));
  Item wrong_length = item_with_phones("short", 30);
  wrong_length.phones = {{29}, std::vector<float>(29, 0.f)};
  Item wrong_value = item_with_phones("value", 30);
  wrong_value.phones.data[7] = static_cast<float>(viseme::kPhoneClassCount);
  Item fraction = item_with_phones("fraction", 30);
  fraction.phones.data[3] = 0.5f;
  for (const Item* it : {&wrong_length, &wrong_value, &fraction}) {
    try {
      s.commit(*it);
      FAIL() << it->id << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(it->id + ": phones"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(s.size(), 0u);
}
