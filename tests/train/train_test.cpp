#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "arkit/blendshapes.h"
#include "dataset/speed_limit.h"
#include "features/normalise.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "io/npy.h"
#include "model/model_file.h"
#include "runtime/model.h"
#include "train/config.h"
#include "train/dataset.h"
#include "train/network.h"
#include "train/plot.h"
#include "train/trainer.h"
#include "validate/lip_measures.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("emosync_train_test_" + std::to_string(getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Shared tiny data set and presets file, written once per process.
const fs::path& toy_root() {
  static fs::path root = [] {
    fs::path r = scratch("toy");
    train::write_toy_dataset((r / "data").string(), 8, 2.0, 3);
    io::Json presets = {{"version", "test"}, {"channel_order", io::Json::array()}, {"presets", io::Json::array()}};
    for (auto n : arkit::names()) presets["channel_order"].push_back(std::string(n));
    presets["presets"].push_back(
        {{"emotion", "joy"}, {"level", "L3"}, {"vad", {0.7, 0.4, 0.3}}, {"weights", {{"cheekSquintLeft", 0.6}, {"eyeSquintLeft", 0.4}}}});
    presets["presets"].push_back(
        {{"emotion", "sadness"}, {"level", "L3"}, {"vad", {-0.6, -0.3, -0.3}}, {"weights", {{"browInnerUp", 0.7}}}});
    presets["presets"].push_back({{"emotion", "neutral"}, {"vad", {0, 0, 0}}, {"weights", io::Json::object()}});
    io::write_file_atomic((r / "presets.json").string(), presets.dump());
    io::write_file_atomic((r / "curriculum.json").string(), R"({"points": [[1, 0.5], [3, 0.25]]})");
    return r;
  }();
  return root;
}

io::Json tiny_config(const std::string& out_dir, const std::string& stage = "base") {
  return {{"stage", stage},
          {"data", {(toy_root() / "data").string()}},
          {"out_dir", out_dir},
          {"architecture", {{"encoder", {{{"out_channels", 16}, {"kernel", 3}, {"dilation", 1}, {"lookahead", 1}},
                                         {{"out_channels", 16}, {"kernel", 3}, {"dilation", 2}, {"lookahead", 0}}}},
                            {"embed_dim", 8},
                            {"blocks", 1}}},
          {"epochs", 4},
          {"batch_size", 4},
          {"window_frames", 30},
          {"lr", 0.003},
          {"seed", 5},
          {"threads", 1},
          {"curriculum", (toy_root() / "curriculum.json").string()},
          {"presets", (toy_root() / "presets.json").string()},
          {"loss", {{"anchor_batch", 2}}}};
}

train::TrainConfig parse(const io::Json& j) { return train::TrainConfig::parse(j, "test.json"); }

float max_weight_diff(const std::string& a, const std::string& b) {
  auto na = train::load_checkpoint_network(a), nb = train::load_checkpoint_network(b);
  auto pa = na->named_parameters(), pb = nb->named_parameters();
  float d = 0;
  for (const auto& p : pa) d = std::max(d, (p.value() - pb[p.key()]).abs().max().item<float>());
  return d;
}
}  // namespace

TEST(TrainConfig, ErrorsNameTheField) {
  auto expect_error = [](io::Json j, const std::string& field) {
    try {
      parse(j);
      FAIL() << "accepted " << j.dump();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("test.json"), std::string::npos) << e.what();
    }
  };
  io::Json j = tiny_config("x");
  j["stage"] = "v2";
  expect_error(j, "stage");
  j = tiny_config("x");
  j["window_frames"] = 31;
  expect_error(j, "window_frames");
  j = tiny_config("x");
  j["batch_sise"] = 4;
  expect_error(j, "batch_sise");
  j = tiny_config("x", "v3");
  expect_error(j, "init_from");
  j = tiny_config("x");
  j["backbone"] = {{"mode", "thaw"}};
  expect_error(j, "backbone.mode");
  j = tiny_config("x");
  j["loss"]["channel_weights"] = {{"mouthClosed", 3}};
  expect_error(j, "loss.channel_weights.mouthClosed");
  j = tiny_config("x");
  j["gain_db"] = -3;
  expect_error(j, "gain_db");
  j = tiny_config("x");
  j["augment"] = {{"warp", 0.9}};
  expect_error(j, "augment.warp");
  j = tiny_config("x");
  j["augment"] = {{"snr_db_min", 30}, {"snr_db_max", 10}};
  expect_error(j, "augment");
  j = tiny_config("x");
  j["loss"]["closure"] = -1;
  expect_error(j, "loss.closure");
  j = tiny_config("x");
  j["loss"]["phone"] = -0.1;
  expect_error(j, "loss.phone");
  j = tiny_config("x");
  j["lr_final"] = 1.5;
  expect_error(j, "lr_final");
  j = tiny_config("x");
  j["loss"]["viseme"] = 0.1;  // the prototype's name: an error, not a silently missing term
  expect_error(j, "loss.viseme");
}

// The configs the shipped model and its documented experiments were trained with all parse.
TEST(TrainConfig, RepositoryConfigsParse) {
  std::vector<fs::path> files = {fs::path(EMOSYNC_SOURCE_DIR) / "data/train/base.json",
                                 fs::path(EMOSYNC_SOURCE_DIR) / "data/train/v3.json"};
  for (const auto& e : fs::directory_iterator(fs::path(EMOSYNC_SOURCE_DIR) / "models/default/experiments"))
    if (e.path().extension() == ".json" && e.path().filename().string().rfind("curriculum_", 0) != 0)
      files.push_back(e.path());  // every training config there (curriculum_* are curricula)
  EXPECT_GE(files.size(), 15u);
  for (const auto& f : files) EXPECT_NO_THROW(train::TrainConfig::load(f.string())) << f;
}

TEST(Dataset, GainMovesLogMelButNotSilenceOrPadding) {
  train::Window w;
  const float floor = std::log(1e-10f);
  w.features = {-2.0f, floor, 0.0f, 1.5f};
  train::apply_gain(w, 10.0f);  // power x10: ln power + ln 10
  EXPECT_NEAR(w.features[0], -2.0f + std::log(10.0f), 1e-5f);
  EXPECT_EQ(w.features[1], floor);
  EXPECT_EQ(w.features[2], 0.0f);
  EXPECT_NEAR(w.features[3], 1.5f + std::log(10.0f), 1e-5f);
  train::apply_gain(w, -400.0f);  // far below the floor: clamped there
  EXPECT_EQ(w.features[0], floor);
}

TEST(Dataset, SpectralAugmentMovesSpeechButNotPadding) {
  const int m = 80;
  const float floor = std::log(1e-10f);
  train::Window clean;
  // Frames: 3 of speech (a ramp over the bands), 1 of silence at the floor, 1 of padding.
  for (int f = 0; f < 3; ++f)
    for (int b = 0; b < m; ++b) clean.features.push_back(-4.0f + 0.05f * static_cast<float>(b) + static_cast<float>(f));
  clean.features.insert(clean.features.end(), m, floor);
  clean.features.insert(clean.features.end(), m, 0.0f);
  auto run = [&](const train::SpectralAugment& a, unsigned seed) {
    train::Window w = clean;
    std::mt19937_64 rng(seed);
    train::apply_spectral_augment(w, m, a, rng);
    return w.features;
  };
  auto at = [&](const std::vector<float>& x, int f, int b) { return x[static_cast<std::size_t>(f * m + b)]; };
  train::SpectralAugment tilt;
  tilt.tilt_db = 10;
  auto t = run(tilt, 1);
  // Low and high bands move opposite ways by the same amount; the silence stays at the floor.
  const float lo = at(t, 0, 0) - at(clean.features, 0, 0), hi = at(t, 0, m - 1) - at(clean.features, 0, m - 1);
  EXPECT_GT(std::abs(lo), 0.0f);
  EXPECT_NEAR(lo, -hi, 1e-4f);
  EXPECT_LE(std::abs(lo), 10 * std::log(10.0f) / 10 + 1e-4f);
  EXPECT_EQ(at(t, 3, 10), floor);
  train::SpectralAugment warp;
  warp.warp = 0.2f;
  auto w = run(warp, 2);
  EXPECT_NE(w, clean.features);
  EXPECT_EQ(at(w, 0, 0), at(clean.features, 0, 0));  // band 0 maps to itself
  EXPECT_EQ(at(w, 3, 40), floor);                     // a flat row stays flat
  train::SpectralAugment noise;
  noise.noise = 1;
  noise.snr_db_min = noise.snr_db_max = 20;
  auto n = run(noise, 3);
  EXPECT_GT(at(n, 3, 40), floor + 10);  // the silence is filled...
  for (int f = 0; f < 3; ++f)
    for (int b = 0; b < m; ++b) EXPECT_GE(at(n, f, b), at(clean.features, f, b));  // noise only adds power
  train::SpectralAugment mask;
  mask.freq_mask = 8;
  auto k = run(mask, 4);
  int changed = 0;
  for (int b = 0; b < m; ++b) changed += at(k, 1, b) != at(clean.features, 1, b);
  EXPECT_LE(changed, 8);
  train::SpectralAugment all = tilt;
  all.warp = 0.1f, all.noise = 1, all.freq_mask = 8;
  EXPECT_EQ(run(all, 7), run(all, 7));  // reproducible from the seed
  for (auto* x : {&t, &w, &n, &k})
    for (int b = 0; b < m; ++b) EXPECT_EQ(at(*x, 4, b), 0.0f);  // padding untouched
}

TEST(Curriculum, DefaultScheduleIs5050ThenRampThen2080) {
  auto c = train::Curriculum::load((fs::path(EMOSYNC_SOURCE_DIR) / "data/train/curriculum.json").string());
  EXPECT_FLOAT_EQ(c.real_fraction(1), 0.5f);
  EXPECT_FLOAT_EQ(c.real_fraction(20), 0.5f);
  EXPECT_GT(c.real_fraction(30), 0.2f);
  EXPECT_LT(c.real_fraction(30), 0.5f);
  EXPECT_FLOAT_EQ(c.real_fraction(41), 0.2f);
  EXPECT_FLOAT_EQ(c.real_fraction(100), 0.2f);
  const auto data = train::Dataset::load({(toy_root() / "data").string()});
  std::mt19937_64 rng(1);
  auto items = data.epoch_items(100, 0.2f, rng);
  int real = 0;
  for (auto i : items) real += data.items()[i].real;
  EXPECT_EQ(real, 20);
}

// phones.npy is optional (data sets built before it load, their frames train no phone
// loss) and checked when present.
TEST(Dataset, PhonesAreOptionalAndCheckedNamingTheFile) {
  fs::path d = scratch("phones");
  train::write_toy_dataset(d.string(), 2, 1.0, 1);
  fs::remove(d / "item0000/phones.npy");
  auto data = train::Dataset::load({d.string()});
  ASSERT_EQ(data.items().size(), 2u);
  EXPECT_TRUE(data.items()[0].phones.empty());
  EXPECT_EQ(data.items()[1].phones.size(), data.items()[1].frames);
  std::mt19937_64 rng(1);
  for (float v : train::make_window(data.items()[0], 30, 3, 80, rng).phones) EXPECT_EQ(v, -1.0f);
  // 1 s at 30 fps: 30 frames, a 36-frame window runs past the end, where it has no label.
  const auto w = train::make_window(data.items()[1], 36, 3, 80, rng);
  EXPECT_EQ(w.phones[29], data.items()[1].phones[29]);
  for (std::size_t k = 30; k < 36; ++k) EXPECT_EQ(w.phones[k], -1.0f);
  // A run with the phone loss on a data set without any phones.npy still trains.
  fs::remove(d / "item0001/phones.npy");
  io::Json j = tiny_config(scratch("phones_none").string());
  j["data"] = {d.string()};
  j["epochs"] = 1;
  j["batch_size"] = 2;
  j["loss"]["phone"] = 1.0;
  EXPECT_EQ(train::run_training(parse(j)).epochs_done, 1);
  for (auto [values, what] : {std::pair{std::vector<float>(30, 40.0f), "frame 0"}, {std::vector<float>(29, 0.0f), "[30]"}}) {
    io::write_npy((d / "item0001/phones.npy").string(), values.data(), {values.size()});
    try {
      train::Dataset::load({d.string()});
      FAIL() << what;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("item0001/phones.npy"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  }
}

TEST(Dataset, RejectsMismatchedTriplesNamingTheFile) {
  fs::path d = scratch("bad");
  train::write_toy_dataset(d.string(), 1, 1.0, 1);
  std::vector<float> c(5 * 19);
  io::write_npy((d / "item0000/cond.npy").string(), c.data(), {5, 19});
  try {
    train::Dataset::load({d.string()});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cond.npy"), std::string::npos) << e.what();
  }
}

// The libtorch network and the Eigen runtime compute the same function.
TEST(Parity, EigenRuntimeMatchesLibtorch) {
  torch::set_num_threads(1);
  model::Architecture v3_emotion_lips = model::Architecture::v3_default();
  v3_emotion_lips.lips = model::Lips::SpeechAndEmotion;
  model::Architecture v3_triangle = model::Architecture::v3_default();
  v3_triangle.resample = model::Resample::Triangle;
  for (auto& l : v3_triangle.encoder) l.lookahead = 1;
  for (auto arch : {model::Architecture::base_default(), model::Architecture::v3_default(), v3_emotion_lips, v3_triangle}) {
    torch::manual_seed(3);
    train::FilmNet net(arch);
    const int64_t tf = 437, t = static_cast<int64_t>(model::output_frames_for(tf));
    torch::Tensor feats = torch::randn({1, tf, arch.n_mels});
    torch::Tensor cond = torch::zeros({1, t, 19});
    for (int64_t k = 0; k < t; ++k) {
      cond[0][k][(k / 20) % 16] = 1.0f;
      cond[0][k][16] = std::sin(0.1f * k);
      cond[0][k][17] = 0.3f;
    }
    torch::Tensor ref;
    {
      torch::NoGradGuard g;
      ref = net->infer(feats, cond).contiguous();
    }
    runtime::Model m(train::to_model_file(net, "test", "test"));
    auto y = m.forward(feats.contiguous().data_ptr<float>(), tf, cond.contiguous().data_ptr<float>(), t);
    float d = 0;
    for (int64_t i = 0; i < t * 52; ++i) d = std::max(d, std::abs(y[i] - ref.data_ptr<float>()[i]));
    EXPECT_LE(d, 1e-4f);
    std::printf("parity (%s, %s resampling, %zu parameters): max abs diff %.2e\n", arch.cond_dim() == 5 ? "base" : "v3",
                arch.resample == model::Resample::Triangle ? "triangle" : "linear", arch.parameter_count(), d);
  }
}

TEST(Train, LossFallsAndExportRunsInTheRuntime) {
  fs::path out = scratch("learn");
  io::Json j = tiny_config(out.string());
  j["epochs"] = 6;
  auto s = train::run_training(parse(j));
  EXPECT_EQ(s.epochs_done, 6);
  std::ifstream in(train::metrics_path(parse(j)));
  std::vector<io::Json> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(io::Json::parse(line));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_LT(rows.back()["supervised_loss"].get<double>(), rows.front()["supervised_loss"].get<double>());
  EXPECT_GT(rows.front()["anchor_loss"].get<double>(), 0.0);
  train::plot_metrics(train::metrics_path(parse(j)), (out / "curves.svg").string());
  EXPECT_NE(io::read_file((out / "curves.svg").string()).find("<polyline"), std::string::npos);
  // Export, then the runtime reproduces the checkpoint's network.
  const std::string model_path = (out / "model.safetensors").string();
  train::export_checkpoint(s.checkpoint, model_path);
  runtime::Model m = runtime::Model::load(model_path);
  auto net = train::load_checkpoint_network(s.checkpoint);
  const auto& item = train::Dataset::load_item((toy_root() / "data/item0000").string());
  torch::NoGradGuard g;
  auto ref = net->forward(torch::from_blob(const_cast<float*>(item.features.data()),
                                           {1, static_cast<int64_t>(item.feature_frames), 80}),
                          torch::from_blob(const_cast<float*>(item.cond.data()), {1, static_cast<int64_t>(item.frames), 19}))
                 .contiguous();
  auto y = m.forward(item.features.data(), item.feature_frames, item.cond.data(), item.frames);
  float d = 0;
  for (std::size_t i = 0; i < y.size(); ++i) d = std::max(d, std::abs(y[i] - ref.data_ptr<float>()[i]));
  EXPECT_LE(d, 1e-4f);
}

TEST(Train, StoppedAndResumedRunEqualsUninterruptedRun) {
  fs::path a = scratch("straight"), b = scratch("resumed");
  io::Json ja = tiny_config(a.string());
  ja["loss"]["phone"] = 0.5;  // the phone head and its Adam state resume too
  ja["lr_final"] = 0.1;       // and the decay follows the global step
  train::run_training(parse(ja));
  io::Json jb = tiny_config(b.string());
  jb["loss"]["phone"] = 0.5;
  jb["lr_final"] = 0.1;
  jb["stop_after_epoch"] = 2;
  EXPECT_EQ(train::run_training(parse(jb)).epochs_done, 2);
  jb["stop_after_epoch"] = 0;
  EXPECT_EQ(train::run_training(parse(jb)).epochs_done, 4);
  const float d = max_weight_diff((a / "checkpoint.pt").string(), (b / "checkpoint.pt").string());
  std::printf("resume parity: max abs weight diff %.2e\n", d);
  EXPECT_EQ(d, 0.0f);
  EXPECT_EQ(io::read_file(train::metrics_path(parse(jb))).find("\"epoch\":3") != std::string::npos, true);
  EXPECT_TRUE(train::load_checkpoint_network((b / "checkpoint.pt").string())->has_phone_head());
}

namespace {
std::vector<io::Json> metric_rows(const train::TrainConfig& c) {
  std::ifstream in(train::metrics_path(c));
  std::vector<io::Json> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(io::Json::parse(line));
  return rows;
}
}  // namespace

// lr_final: a half cosine from lr to lr x lr_final over the run's steps; 1 keeps lr constant
// (the default, so older configs train as before).
TEST(TrainConfig, LrFinalFallsAlongAHalfCosine) {
  train::TrainConfig c = parse(tiny_config("x"));
  EXPECT_EQ(c.lr_final, 1.0f);
  for (std::size_t s : {0u, 50u, 99u}) EXPECT_EQ(c.lr_factor(s, 100), 1.0f);
  io::Json j = tiny_config("x");
  j["lr_final"] = 0.1;
  c = parse(j);
  EXPECT_FLOAT_EQ(parse(c.to_json()).lr_final, 0.1f);  // the run's record reads back
  EXPECT_FLOAT_EQ(c.lr_factor(0, 101), 1.0f);
  EXPECT_FLOAT_EQ(c.lr_factor(50, 101), 0.55f);  // halfway: the mean of the ends
  EXPECT_FLOAT_EQ(c.lr_factor(100, 101), 0.1f);
  for (std::size_t s = 1; s < 101; ++s) EXPECT_LT(c.lr_factor(s, 101), c.lr_factor(s - 1, 101)) << s;

  // The trainer applies it: each epoch's metrics row carries the rate of its last step.
  fs::path out = scratch("lr_final");
  j = tiny_config(out.string());
  j["lr_final"] = 0.1;
  c = parse(j);
  train::run_training(c);
  const auto rows = metric_rows(c);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_FLOAT_EQ(rows.back()["lr_last"].get<float>(), 0.003f * 0.1f);
  for (std::size_t e = 1; e < rows.size(); ++e)
    EXPECT_LT(rows[e]["lr_last"].get<double>(), rows[e - 1]["lr_last"].get<double>());
}

// The phone head learns the toy's phone classes from the encoder, stays out of the model
// file (the runtime is unchanged), and costs little per step.
TEST(Train, PhoneHeadLearnsAndStaysOutOfTheModelFile) {
  fs::path off = scratch("phone_off"), on = scratch("phone_on");
  io::Json j = tiny_config(off.string());
  j["epochs"] = 6;
  j["items_per_epoch"] = 32;  // 8 steps an epoch
  const auto s_off = train::run_training(parse(j));
  for (const auto& r : metric_rows(parse(j))) EXPECT_FALSE(r.contains("phone_loss"));
  EXPECT_FALSE(train::load_checkpoint_network(s_off.checkpoint)->has_phone_head());
  j["out_dir"] = on.string();
  j["loss"]["phone"] = 1.0;
  const auto s_on = train::run_training(parse(j));
  const auto rows = metric_rows(parse(j));
  ASSERT_EQ(rows.size(), 6u);
  const double first = rows.front()["phone_loss"].get<double>(), last = rows.back()["phone_loss"].get<double>();
  std::printf("phone loss %.3f -> %.3f, accuracy %.3f -> %.3f over %.0f labelled frames an epoch\n", first, last,
              rows.front()["phone_accuracy"].get<double>(), rows.back()["phone_accuracy"].get<double>(),
              rows.back()["phone_frames"].get<double>());
  EXPECT_LT(last, 0.7 * first);
  EXPECT_GT(rows.back()["phone_accuracy"].get<double>(), rows.front()["phone_accuracy"].get<double>());
  EXPECT_GT(rows.back()["phone_frames"].get<double>(), 0.0);
  EXPECT_LT(rows.back()["supervised_loss"].get<double>(), rows.front()["supervised_loss"].get<double>());
  // Export: the same tensors, the same file size, and the runtime loads it.
  auto net = train::load_checkpoint_network(s_on.checkpoint);
  EXPECT_TRUE(net->has_phone_head());
  const std::string m_off = (off / "m.safetensors").string(), m_on = (on / "m.safetensors").string();
  train::export_checkpoint(s_off.checkpoint, m_off);
  train::export_checkpoint(s_on.checkpoint, m_on);
  EXPECT_EQ(fs::file_size(m_on), fs::file_size(m_off));
  EXPECT_EQ(io::read_file(m_on).find("phone_head"), std::string::npos);
  runtime::Model m = runtime::Model::load(m_on);
  const auto& item = train::Dataset::load_item((toy_root() / "data/item0000").string());
  EXPECT_EQ(m.forward(item.features.data(), item.feature_frames, item.cond.data(), item.frames).size(), item.frames * 52);
  double sec_off = 0, sec_on = 0;
  j["out_dir"] = off.string();
  for (const auto& r : metric_rows(parse(j))) sec_off += r["seconds"].get<double>();
  for (const auto& r : rows) sec_on += r["seconds"].get<double>();
  std::printf("tiny network, 6 epochs: %.3f s without the phone head, %.3f s with it\n", sec_off, sec_on);
}

// A V3 run from a base checkpoint with a phone head carries the head on; from one without,
// it starts afresh.
TEST(Train, V3TakesTheBasePhoneHead) {
  fs::path base = scratch("phone_base"), v3 = scratch("phone_v3");
  io::Json jb = tiny_config(base.string());
  jb["epochs"] = 2;
  jb["loss"]["phone"] = 1.0;
  train::run_training(parse(jb));
  io::Json jv = tiny_config(v3.string(), "v3");
  jv["init_from"] = (base / "checkpoint.pt").string();
  jv["epochs"] = 1;
  jv["loss"]["phone"] = 1.0;
  jv["backbone"] = {{"mode", "freeze"}, {"epochs", 1}};
  train::run_training(parse(jv));
  auto nb = train::load_checkpoint_network((base / "checkpoint.pt").string());
  auto nv = train::load_checkpoint_network((v3 / "checkpoint.pt").string());
  // Frozen backbone (the head trains with it): the head is the base's, untouched.
  EXPECT_TRUE(torch::equal(nv->named_parameters()["phone_head.weight"], nb->named_parameters()["phone_head.weight"]));
}

TEST(Train, V3StartsFromBaseAndFrozenBackboneStaysPut) {
  fs::path base = scratch("base"), v3 = scratch("v3");
  io::Json jb = tiny_config(base.string());
  jb["epochs"] = 2;
  train::run_training(parse(jb));
  io::Json jv = tiny_config(v3.string(), "v3");
  jv["init_from"] = (base / "checkpoint.pt").string();
  jv["epochs"] = 2;
  jv["backbone"] = {{"mode", "freeze"}, {"epochs", 2}};
  train::run_training(parse(jv));
  auto nb = train::load_checkpoint_network((base / "checkpoint.pt").string());
  std::string stage;
  auto nv = train::load_checkpoint_network((v3 / "checkpoint.pt").string(), &stage);
  EXPECT_EQ(stage, "v3");
  EXPECT_EQ(nv->arch().cond_dim(), 19);
  auto pb = nb->named_parameters();
  for (const auto& p : nv->named_parameters()) {
    if (train::is_conditioning_parameter(p.key())) continue;
    EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  }
  // The FiLM projections moved (they are trained), though they started from the base.
  EXPECT_FALSE(torch::equal(nv->named_parameters()["block_film.0.weight"], pb["block_film.0.weight"]));
}

// The V3 terms do what they say on the toy data (whose lip targets ignore emotion): with
// lip invariance the lips differ less between two emotions over the same audio, and with
// rest anchors the face on silence is nearer the preset.
TEST(Train, LipInvarianceAndRestAnchorsPullTheirWay) {
  // The runtime reads such a model's lips as trained ("speech+emotion"); under the default,
  // "speech", they would not move with the emotion at all (runtime/model.h).
  fs::path base = scratch("inv_base");
  io::Json jb = tiny_config(base.string());
  jb["architecture"]["lips"] = "speech+emotion";
  jb["epochs"] = 2;
  train::run_training(parse(jb));
  auto train_v3 = [&](const std::string& name, float weight) {
    io::Json jv = tiny_config(scratch(name).string(), "v3");
    jv["init_from"] = (base / "checkpoint.pt").string();
    jv["architecture"]["lips"] = "speech+emotion";
    jv["epochs"] = 3;
    jv["loss"]["lip_invariance"] = weight;
    jv["loss"]["anchor_rest"] = weight;
    const std::string model = (scratch(name) / "m.safetensors").string();
    train::export_checkpoint(train::run_training(parse(jv)).checkpoint, model);
    return runtime::Model::load(model);
  };
  runtime::Model off = train_v3("inv_off", 0.0f), on = train_v3("inv_on", 30.0f);
  const auto& item = train::Dataset::load_item((toy_root() / "data/item0000").string());
  const auto anchors = train::load_anchor_pairs((toy_root() / "presets.json").string());
  ASSERT_GE(anchors.size(), 2u);
  auto lips_apart = [&](const runtime::Model& m) {
    std::vector<float> ca, cb;
    for (std::size_t k = 0; k < item.frames; ++k) {
      ca.insert(ca.end(), anchors[0].cond.begin(), anchors[0].cond.end());
      cb.insert(cb.end(), anchors[1].cond.begin(), anchors[1].cond.end());
    }
    auto ya = m.forward(item.features.data(), item.feature_frames, ca.data(), item.frames);
    auto yb = m.forward(item.features.data(), item.feature_frames, cb.data(), item.frames);
    double d = 0;
    for (std::size_t k = 0; k < item.frames; ++k)
      for (const char* lip : {"jawOpen", "mouthClose", "mouthFunnel", "mouthPucker"}) {
        const std::size_t c = *arkit::find(lip);
        d += std::abs(ya[k * 52 + c] - yb[k * 52 + c]);
      }
    return d;
  };
  auto rest_error = [&](const runtime::Model& m) {
    std::vector<float> silence(100 * 80, std::log(1e-10f)), cond;
    const std::size_t frames = model::output_frames_for(100);
    double e = 0;
    for (const auto& a : anchors) {
      cond.clear();
      for (std::size_t k = 0; k < frames; ++k) cond.insert(cond.end(), a.cond.begin(), a.cond.end());
      auto y = m.forward(silence.data(), 100, cond.data(), frames);
      for (std::size_t c = 0; c < 52; ++c) e += std::abs(y[(frames / 2) * 52 + c] - a.preset[c]);
    }
    return e;
  };
  std::printf("lips apart: off %.4f on %.4f; rest error: off %.4f on %.4f\n", lips_apart(off), lips_apart(on),
              rest_error(off), rest_error(on));
  EXPECT_LT(lips_apart(on), lips_apart(off));
  EXPECT_LT(rest_error(on), rest_error(off));
}

// The acceleration term (second differences of output - target) takes fast motion out of
// the output: after the same base training, the summed squared second difference of the
// frames is smaller with it than without.
TEST(Train, AccelerationTermCalmsFastMotion) {
  auto train_base = [&](const std::string& name, float weight) {
    io::Json j = tiny_config(scratch(name).string());
    j["epochs"] = 2;
    j["loss"]["acceleration"] = weight;
    const std::string model = (scratch(name) / "m.safetensors").string();
    train::export_checkpoint(train::run_training(parse(j)).checkpoint, model);
    return runtime::Model::load(model);
  };
  runtime::Model off = train_base("accel_off", 0.0f), on = train_base("accel_on", 30.0f);
  const auto& item = train::Dataset::load_item((toy_root() / "data/item0000").string());
  auto roughness = [&](const runtime::Model& m) {
    const auto y = m.forward(item.features.data(), item.feature_frames, item.cond.data(), item.frames);
    double r = 0;
    for (std::size_t k = 2; k < item.frames; ++k)
      for (std::size_t c = 0; c < 52; ++c) {
        const double d2 = y[k * 52 + c] - 2 * y[(k - 1) * 52 + c] + y[(k - 2) * 52 + c];
        r += d2 * d2;
      }
    return r;
  };
  std::printf("summed squared second difference: off %.4f on %.4f\n", roughness(off), roughness(on));
  EXPECT_LT(roughness(on), roughness(off));
  EXPECT_EQ(parse(tiny_config(scratch("accel_off").string())).loss.acceleration, 0.0f);  // off by default
}

// The gap term does what it says: toy data whose lips are never pressed shut (mouthClose 0,
// so the gap is the toy's jawOpen); after the same base training, the error of
// jawOpen - mouthClose above 8 Hz (validate's jitter band) is smaller with the term than
// without, and the metrics record it. (The toy's target, a rectified sine, has fast
// corners of its own, so the output's own share above 8 Hz is not what falls here.)
TEST(Train, GapHighTermCalmsTheLipGapsChatter) {
  const std::size_t close = *arkit::find("mouthClose"), jaw = *arkit::find("jawOpen");
  const fs::path data = scratch("gap_data");
  train::write_toy_dataset(data.string(), 8, 2.0, 13);
  for (const auto& e : fs::directory_iterator(data)) {
    const std::string f = (e.path() / "targets.npy").string();
    auto y = io::read_npy(f);
    for (std::size_t k = 0; k < y.shape[0]; ++k) y.data[k * 52 + close] = 0.0f;
    io::write_npy(f, y.data.data(), y.shape);
  }
  auto train_base = [&](const std::string& name, float weight) {
    io::Json j = tiny_config(scratch(name).string());
    j["data"] = {data.string()};
    j["epochs"] = 3;
    j["loss"]["gap_high"] = weight;
    const std::string model = (scratch(name) / "m.safetensors").string();
    const train::TrainConfig cfg = parse(j);
    train::export_checkpoint(train::run_training(cfg).checkpoint, model);
    const std::string metrics = io::read_file(train::metrics_path(cfg));
    EXPECT_EQ(metrics.find("gap_high_loss") != std::string::npos, weight > 0) << metrics;
    return runtime::Model::load(model);
  };
  runtime::Model off = train_base("gap_high_off", 0.0f), on = train_base("gap_high_on", 1000.0f);
  double high_off = 0, high_on = 0;
  for (const auto& e : fs::directory_iterator(data)) {
    const auto item = train::Dataset::load_item(e.path().string());
    // Energy per frame above 8 Hz of the error: the share of it times its variance.
    auto high_error = [&](const runtime::Model& m) {
      const auto y = m.forward(item.features.data(), item.feature_frames, item.cond.data(), item.frames);
      std::vector<float> err(item.frames);
      double mean = 0, var = 0;
      for (std::size_t k = 0; k < item.frames; ++k) {
        err[k] = (y[k * 52 + jaw] - y[k * 52 + close]) - (item.targets[k * 52 + jaw] - item.targets[k * 52 + close]);
        mean += err[k] / static_cast<double>(item.frames);
      }
      for (float v : err) var += (v - mean) * (v - mean) / static_cast<double>(item.frames);
      return validate::high_frequency_share(err, 30.0) * var;
    };
    high_off += high_error(off);
    high_on += high_error(on);
  }
  std::printf("gap error energy above 8 Hz (8 items, summed): off %.6f on %.6f\n", high_off, high_on);
  EXPECT_LT(high_on, high_off);
  EXPECT_EQ(parse(tiny_config(scratch("gap_high_off").string())).loss.gap_high, 0.0f);  // off by default
}

// The closure term seals the lips where the targets are shut. Toy data again, with the
// lips shut (mouthClose 0.9, jawOpen 0) wherever the toy's mouth is closed, ramped in and
// out at the data set's top speeds: the peak
// mouthClose in those runs comes out higher with the term than without, after the same
// training.
TEST(Train, ClosureLossSealsTheLips) {
  fs::path data = scratch("seal_data");
  train::write_toy_dataset(data.string(), 8, 2.0, 11);
  const std::size_t close = *arkit::find("mouthClose"), jaw = *arkit::find("jawOpen");
  for (const auto& e : fs::directory_iterator(data)) {
    const std::string f = (e.path() / "targets.npy").string();
    auto y = io::read_npy(f);
    for (std::size_t k = 0; k < y.shape[0]; ++k)
      if (y.data[k * 52 + jaw] <= 0.0f) y.data[k * 52 + close] = 0.9f;
    dataset::SpeedLimits::standard().apply(y.data, y.shape[0], 30.0);  // ramps, as the data builder makes
    io::write_npy(f, y.data.data(), y.shape);
  }
  fs::path base = scratch("seal_base");
  io::Json jb = tiny_config(base.string());
  jb["data"] = {data.string()};
  jb["epochs"] = 2;
  train::run_training(parse(jb));
  auto peak = [&](const std::string& name, float weight) {
    io::Json jv = tiny_config(scratch(name).string(), "v3");
    jv["data"] = {data.string()};
    jv["init_from"] = (base / "checkpoint.pt").string();
    jv["epochs"] = 5;
    jv["loss"]["closure"] = weight;
    const std::string model = (scratch(name) / "m.safetensors").string();
    train::export_checkpoint(train::run_training(parse(jv)).checkpoint, model);
    runtime::Model m = runtime::Model::load(model);
    double sum = 0;
    int runs = 0;
    for (const auto& e : fs::directory_iterator(data)) {
      const auto item = train::Dataset::load_item(e.path().string());
      auto y = m.forward(item.features.data(), item.feature_frames, item.cond.data(), item.frames);
      for (std::size_t k = 0; k < item.frames;) {
        if (item.targets[k * 52 + jaw] > 0.0f) {
          ++k;
          continue;
        }
        float best = 0;
        for (; k < item.frames && item.targets[k * 52 + jaw] <= 0.0f; ++k) best = std::max(best, y[k * 52 + close]);
        sum += best;
        ++runs;
      }
    }
    return sum / std::max(1, runs);
  };
  const double off = peak("seal_off", 0.0f), on = peak("seal_on", 20.0f);
  std::printf("mean peak mouthClose in shut runs: closure off %.3f, on %.3f\n", off, on);
  EXPECT_GT(on, off + 0.01);
}

// Run only by the DDP test in child processes (RANK, WORLD_SIZE set); ctest does not
// list it (TEST_FILTER in tests/train/CMakeLists.txt), so it never shows as skipped.
TEST(DdpWorker, Train) {
  const char* cfg = std::getenv("EMOSYNC_DDP_TEST_CONFIG");
  ASSERT_NE(cfg, nullptr) << "run by Ddp.TwoProcessesMatchOneWithTheCombinedBatch with EMOSYNC_DDP_TEST_CONFIG";
  train::run_training(train::TrainConfig::load(cfg), train::DistributedEnv::from_env());
}

TEST(Ddp, TwoProcessesMatchOneWithTheCombinedBatch) {
  fs::path one = scratch("ddp1"), two = scratch("ddp2");
  io::Json j = tiny_config(one.string(), "base");
  j["epochs"] = 2;
  j["loss"]["phone"] = 0.5;  // the phone head's gradients are averaged like the rest
  train::run_training(parse(j));
  j["out_dir"] = two.string();
  const std::string cfg = (two / "cfg.json").string();
  io::write_file_atomic(cfg, j.dump());
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  const int port = 20000 + static_cast<int>(getpid() % 20000);
  auto run_rank = [&](int rank, int* rc) {
    std::string cmd = "OMP_WAIT_POLICY=PASSIVE MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) +
                      " WORLD_SIZE=2 RANK=" + std::to_string(rank) + " EMOSYNC_DDP_TEST_CONFIG='" + cfg + "' '" + exe +
                      "' --gtest_filter=DdpWorker.Train > '" + (two / ("rank" + std::to_string(rank) + ".log")).string() +
                      "' 2>&1";
    *rc = std::system(cmd.c_str());
  };
  int rc0 = -1, rc1 = -1;
  std::thread t0(run_rank, 0, &rc0), t1(run_rank, 1, &rc1);
  t0.join();
  t1.join();
  ASSERT_EQ(rc0, 0) << io::read_file((two / "rank0.log").string());
  ASSERT_EQ(rc1, 0) << io::read_file((two / "rank1.log").string());
  const float d = max_weight_diff((one / "checkpoint.pt").string(), (two / "checkpoint.pt").string());
  std::printf("DDP parity (2 processes vs 1 with the combined batch): max abs weight diff %.2e\n", d);
  EXPECT_LE(d, 1e-5f);
}

// feature_norm running: the prior comes from the data, survives resume and export, and the
// runtime (which normalises raw features itself) reproduces the network on normalised ones.
TEST(Train, RunningFeatureNormTrainsResumesAndExports) {
  fs::path a = scratch("norm_straight"), b = scratch("norm_resumed");
  io::Json ja = tiny_config(a.string());
  ja["architecture"]["feature_norm"] = "running";
  ja["architecture"]["norm_tau_s"] = 0.5;
  ja["epochs"] = 3;
  train::run_training(parse(ja));
  io::Json jb = ja;
  jb["out_dir"] = b.string();
  jb["stop_after_epoch"] = 1;
  train::run_training(parse(jb));
  jb["stop_after_epoch"] = 0;
  EXPECT_EQ(train::run_training(parse(jb)).epochs_done, 3);
  EXPECT_EQ(max_weight_diff((a / "checkpoint.pt").string(), (b / "checkpoint.pt").string()), 0.0f);

  const auto data = train::Dataset::load({(toy_root() / "data").string()});
  const std::vector<float> prior = data.speech_mean(80);
  const std::string model_path = (a / "model.safetensors").string();
  train::export_checkpoint((a / "checkpoint.pt").string(), model_path);
  const model::ModelFile file = model::read_model(model_path);
  EXPECT_EQ(file.arch.feature_norm, model::FeatureNorm::Running);
  EXPECT_EQ(file.weights.at(model::kFeaturePriorTensor, "x").data, prior);

  runtime::Model m(file);
  auto net = train::load_checkpoint_network((a / "checkpoint.pt").string());
  train::Triple item = train::Dataset::load_item((toy_root() / "data/item0000").string());
  const auto y = m.forward(item.features.data(), item.feature_frames, item.cond.data(), item.frames);
  features::RunningNorm(prior, 0.5f).apply(item.features.data(), item.feature_frames);
  const torch::Tensor ref = [&] {
    torch::NoGradGuard g;  // only here: the V3 run below needs gradients
    return net->forward(torch::from_blob(item.features.data(), {1, static_cast<int64_t>(item.feature_frames), 80}),
                        torch::from_blob(item.cond.data(), {1, static_cast<int64_t>(item.frames), 19}))
        .contiguous();
  }();
  float d = 0;
  for (std::size_t i = 0; i < y.size(); ++i) d = std::max(d, std::abs(y[i] - ref.data_ptr<float>()[i]));
  EXPECT_LE(d, 1e-4f);

  // The V3 stage keeps its base's prior and architecture.
  fs::path v = scratch("norm_v3");
  io::Json jv = tiny_config(v.string(), "v3");
  jv["init_from"] = (a / "checkpoint.pt").string();
  jv["epochs"] = 1;
  train::run_training(parse(jv));
  auto nv = train::load_checkpoint_network((v / "checkpoint.pt").string());
  EXPECT_EQ(nv->arch().feature_norm, model::FeatureNorm::Running);
  EXPECT_TRUE(torch::equal(nv->feature_prior(), torch::tensor(prior)));
}
