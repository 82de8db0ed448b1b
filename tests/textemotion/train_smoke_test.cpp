// The text-emotion trainer end to end on a tiny made-up corpus (the shared data is not
// needed): MLM pretraining writes an encoder, a supervised run starts from it (--init),
// and the Eigen tagger loads the result. Sentences and ratings here are invented.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "io/atomic_file.h"
#include "support/test_support.h"
#include "test_model_util.h"
#include "textemotion/tagger.h"
#include "textemotion/weights.h"
#include "textemotion_train/trainer.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {
std::string tiny_corpus() {
  const fs::path dir = test_support::temp_path("textemotion_train", "data");
  fs::remove_all(dir);
  fs::create_directories(dir / "goemotions");
  fs::create_directories(dir / "emobank");
  io::write_file_atomic((dir / "goemotions/emotions.txt").string(), textemotion::te_test::goemotions_labels_file());
  const std::pair<const char*, int> rows[] = {
      {"thank you so much for the help", 15}, {"this is hilarious, I laughed", 1}, {"I am so angry right now", 2},
      {"what a sad day for everyone", 25},    {"why does this happen?", 7},         {"I am scared of the dark", 14},
      {"that is disgusting", 11},             {"it is on the table", 27},           {"I love you all", 18},
      {"wow, I did not expect that", 26},     {"so happy for you", 17},             {"sorry, my mistake", 24}};
  std::string tsv;
  for (int rep = 0; rep < 4; ++rep)
    for (const auto& [text, label] : rows) tsv += std::string(text) + "\t" + std::to_string(label) + "\tid\n";
  io::write_file_atomic((dir / "goemotions/train.tsv").string(), tsv);
  io::write_file_atomic((dir / "goemotions/dev.tsv").string(), tsv);
  std::string csv = "id,split,V,A,D,text\n";
  const char* splits[] = {"train", "dev", "test"};
  for (int i = 0; i < 18; ++i)
    csv += "e" + std::to_string(i) + "," + splits[i % 3] + "," + (i % 2 ? "4.0,3.5,3.0" : "2.0,2.5,2.8") + "," +
           (i % 2 ? "a lovely bright morning" : "a grim and awful night") + "\n";
  io::write_file_atomic((dir / "emobank/emobank.csv").string(), csv);
  return dir.string();
}
}  // namespace

TEST(TextEmotionTrain, PretrainThenFineTuneThenTag) {
  const std::string data = tiny_corpus();
  const fs::path out = test_support::temp_path("textemotion_train", "model");
  fs::remove_all(out);
  fs::create_directories(out);
  fs::copy_file(fs::path(EMOSYNC_SOURCE_DIR) / "models/textemotion/tokenizer.model", out / "tokenizer.model");
  textemotion::TrainOptions o;
  o.data_dir = data;
  o.out_dir = out.string();
  o.work_dir = (out / "work_pretrain").string();
  o.model.embed = 16, o.model.hidden = 24, o.model.heads = 2, o.model.ffn = 32, o.model.layers = 2;
  o.batch = 8;
  o.vad_batch = 4;
  o.epochs = 3;
  o.eval_every = 0;
  o.pretrain = true;
  textemotion::train_text_emotion(o);
  ASSERT_TRUE(fs::exists(out / "pretrained.safetensors"));
  auto pre = textemotion::WeightsFile::load((out / "pretrained.safetensors").string());
  EXPECT_EQ(pre.metadata.at("pretrain_steps"), "18");  // 3 epochs of 48 rows in batches of 8
  EXPECT_FALSE(fs::exists(out / "textemotion.safetensors"));

  o.pretrain = false;
  o.mlm_weight = 0.5;
  o.work_dir = (out / "work_finetune").string();
  o.init = (out / "pretrained.safetensors").string();
  o.epochs = 1;
  textemotion::train_text_emotion(o);
  auto tagger = textemotion::Tagger::load((out / "tokenizer.model").string(), (out / "textemotion.safetensors").string());
  auto tagged = tagger.tag("Thank you so much. That is disgusting.", {});
  EXPECT_EQ(tagged.size(), 2u);
}
