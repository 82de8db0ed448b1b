// The TorchScript teacher with a tiny module defined here from TorchScript source:
// 16 kHz audio [1, N] -> [T, 52] at 50 fps in alphabetical (LAM) order, with one
// ramping channel to check the time resampling and constant channels to check the
// remapping by name.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>

#include "io/error.h"
#include "teacher/torchscript.h"

using namespace emosync;

namespace {
std::string save_module(const std::string& name, bool with_attributes) {
  torch::jit::Module m("TinyTeacher");
  if (with_attributes) {
    m.register_attribute("fps", c10::FloatType::get(), 50.0);
    c10::List<std::string> names;
    for (const auto& n : arkit::alphabetical_order()) names.push_back(n);
    m.register_attribute("channel_names", c10::ListType::ofStrings(), names);
  }
  m.define(R"JIT(
def forward(self, audio: Tensor) -> Tensor:
    t = audio.size(1) * 50 // 16000
    out = (torch.arange(52).float() / 100.0).unsqueeze(0).repeat(t, 1)
    out[:, 0] = torch.arange(t).float() * 0.01
    return out
)JIT");
  auto dir = std::filesystem::path(EMOSYNC_BINARY_DIR) / "test_tmp" / "teacher";
  std::filesystem::create_directories(dir);
  std::string path = (dir / name).string();
  m.save(path);
  return path;
}
}  // namespace

TEST(TorchScriptTeacher, ResamplesInTimeAndRemapsByName) {
  teacher::TorchScriptConfig c;
  c.path = save_module("tiny.pt", true);
  auto t = teacher::make_torchscript_teacher(c);
  audio::Audio a;
  a.sample_rate = 16000;
  a.samples.assign(32000, 0.f);  // 2 s -> 100 model frames
  teacher::Animation out = t->animate({&a, nullptr}, 30);
  EXPECT_EQ(out.frames, 60u);
  auto alpha = arkit::alphabetical_order();
  for (std::size_t k = 1; k < arkit::kCount; ++k)
    EXPECT_NEAR(out.at(10, arkit::index_of(alpha[k])), k / 100.0, 1e-6) << alpha[k];
  // alphabetical 0 = browDownLeft ramps 0.01 per model frame (50 fps)
  for (std::size_t i = 0; i < out.frames; ++i)
    EXPECT_NEAR(out.at(i, arkit::index_of("browDownLeft")), std::min(0.01 * i * 50.0 / 30.0, 0.99), 1e-5);
}

TEST(TorchScriptTeacher, StatedFpsAndOrderOrAClearError) {
  teacher::TorchScriptConfig c;
  c.path = save_module("bare.pt", false);
  try {
    teacher::make_torchscript_teacher(c);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fps"), std::string::npos);
  }
  c.model_fps = 50;
  c.channel_names = arkit::alphabetical_order();
  auto t = teacher::make_torchscript_teacher(c);
  audio::Audio a;
  a.sample_rate = 8000;  // resampled to 16 kHz inside
  a.samples.assign(8000, 0.f);
  EXPECT_EQ(t->animate({&a, nullptr}, 30).frames, 30u);
}
