#include <torch/script.h>

#include "io/error.h"
#include "teacher/torchscript.h"

namespace emosync::teacher {

void TorchScriptConfig::validate() const {
  if (path.empty()) throw Error("torchscript config: path: no model file given");
  if (model_fps < 0) throw Error("torchscript config: model_fps: must be >= 0 (0 = the module's fps attribute)");
  if (!channel_names.empty() && channel_names.size() != arkit::kCount)
    throw Error("torchscript config: channel_names: " + std::to_string(channel_names.size()) + " names, expected 52");
}

namespace {

class TorchScriptTeacher : public Teacher {
 public:
  explicit TorchScriptTeacher(const TorchScriptConfig& c) : config_(c), order_(arkit::ChannelOrder::canonical()) {
    try {
      module_ = torch::jit::load(c.path);
    } catch (const c10::Error& e) {
      throw Error(c.path + ": cannot load TorchScript module: " + e.what_without_backtrace());
    }
    module_.eval();
    fps_ = c.model_fps;
    if (fps_ <= 0) {
      if (!module_.hasattr("fps"))
        throw Error(c.path + ": the module has no 'fps' attribute; state the model's fps (--model-fps)");
      auto v = module_.attr("fps");
      fps_ = v.isDouble() ? v.toDouble() : static_cast<double>(v.toInt());
      if (!(fps_ > 0)) throw Error(c.path + ": attribute fps must be positive");
    }
    std::vector<std::string> names = c.channel_names;
    if (names.empty()) {
      if (!module_.hasattr("channel_names"))
        throw Error(c.path + ": the module has no 'channel_names' attribute; state the channel order (--model-order)");
      for (const auto& n : module_.attr("channel_names").toListRef()) names.push_back(n.toStringRef());
    }
    try {
      order_ = arkit::ChannelOrder(names);
    } catch (const Error& e) {
      throw Error(c.path + ": channel order: " + e.what());
    }
  }
  std::string name() const override { return "torchscript:" + config_.path; }

  Animation animate(const TeacherInput& in, double fps) override {
    if (!in.audio) throw Error("torchscript teacher: needs audio");
    audio::Audio a = audio::resample(*in.audio, audio::kModelRate);
    torch::NoGradGuard no_grad;
    auto x = torch::from_blob(a.samples.data(), {1, static_cast<int64_t>(a.samples.size())}, torch::kFloat32).clone();
    torch::Tensor y;
    try {
      y = module_.forward({x}).toTensor();
    } catch (const c10::Error& e) {
      throw Error(config_.path + ": forward failed: " + e.what_without_backtrace());
    }
    if (y.dim() == 3 && y.size(0) == 1) y = y.squeeze(0);
    if (y.dim() != 2 || y.size(1) != static_cast<int64_t>(arkit::kCount))
      throw Error(config_.path + ": forward returned shape " + shape_string(y) + ", expected [T, 52]");
    y = y.to(torch::kFloat32).contiguous();
    Animation model;
    model.fps = fps_;
    model.frames = static_cast<std::size_t>(y.size(0));
    model.data.resize(model.frames * arkit::kCount);
    const float* p = y.data_ptr<float>();
    for (std::size_t f = 0; f < model.frames; ++f) order_.to_canonical(p + f * arkit::kCount, &model.at(f, 0));
    for (auto& v : model.data) v = std::clamp(v, 0.f, 1.f);
    return resample_time(model, fps, frame_count(in.audio->duration_s(), fps));
  }

 private:
  static std::string shape_string(const torch::Tensor& t) {
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
  }
  TorchScriptConfig config_;
  torch::jit::Module module_;
  double fps_ = 0;
  arkit::ChannelOrder order_;
};

}  // namespace

std::unique_ptr<Teacher> make_torchscript_teacher(const TorchScriptConfig& config) {
  config.validate();
  return std::make_unique<TorchScriptTeacher>(config);
}

}  // namespace emosync::teacher
