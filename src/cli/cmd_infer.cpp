// emosync infer: run a model on log-mel features (+ conditioning) -> blendshapes NPY.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "emotion/classes.h"
#include "emotion/conditioning.h"
#include "io/error.h"
#include "io/npy.h"
#include "model/architecture.h"
#include "runtime/model.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto model_path = std::make_shared<std::string>(), features = std::make_shared<std::string>();
  auto cond_path = std::make_shared<std::string>(), emotion = std::make_shared<std::string>("neutral");
  auto intensity = std::make_shared<float>(60.0f);
  auto out = std::make_shared<std::string>("blendshapes.npy");
  auto chunk = std::make_shared<int>(0);
  app.add_option("--model", *model_path, "safetensors model")->required();
  app.add_option("--features", *features,
                 "features.npy [T_f, n_mels] at 100 fps (log-mel: finite, within -1000..1000)")
      ->required();
  app.add_option("--cond", *cond_path,
                 "cond.npy [T, 19]: 16 class weights in 0..1, then valence, arousal, dominance in -1..1 "
                 "(default: --emotion at --intensity for every frame)");
  app.add_option("--emotion", *emotion, "emotion name or alias when no --cond");
  app.add_option("--intensity", *intensity, "0..100")->check(CLI::Range(0.0f, 100.0f));
  app.add_option("--stream-chunk", *chunk, "run the streaming path with chunks of this many feature frames");
  app.add_option("-o,--output", *out, "blendshapes.npy [T, 52] to write");
  app.callback([=] {
    runtime::Model m = runtime::Model::load(*model_path);
    io::NpyArray f = io::read_npy(*features);
    if (f.shape.size() != 2 || f.cols() != static_cast<std::size_t>(m.arch().n_mels) || f.rows() == 0)
      throw Error(*features + ": expected shape [T_f, " + std::to_string(m.arch().n_mels) + "]");
    runtime::check_features(f.data.data(), f.rows(), m.arch().n_mels, *features);
    std::vector<float> cond;
    std::size_t frames = model::output_frames_for(f.rows());
    if (!cond_path->empty()) {
      io::NpyArray c = io::read_npy(*cond_path);
      if (c.shape.size() != 2 || c.cols() != emotion::kConditioningDim || c.rows() == 0)
        throw Error(*cond_path + ": expected shape [T, 19]");
      runtime::check_conditioning(c.data.data(), c.rows(), *cond_path);
      frames = c.rows();
      cond = c.data;
    } else {
      auto row = emotion::make_conditioning(emotion::parse(*emotion), *intensity);
      for (std::size_t k = 0; k < frames; ++k) cond.insert(cond.end(), row.begin(), row.end());
    }
    std::vector<float> y;
    if (*chunk > 0) {
      runtime::Stream s(m);
      y.resize(frames * 52);
      std::size_t done = 0;
      for (std::size_t i = 0; i < f.rows(); i += static_cast<std::size_t>(*chunk)) {
        s.push(&f.data[i * f.cols()], std::min<std::size_t>(static_cast<std::size_t>(*chunk), f.rows() - i));
        done += s.pull(&cond[done * 19], std::min(s.available(), frames - done), &y[done * 52]);
      }
      s.finish();
      done += s.pull(&cond[done * 19], std::min(s.available(), frames - done), &y[done * 52]);
      y.resize(done * 52);
      frames = done;
    } else {
      y = m.forward(f.data.data(), f.rows(), cond.data(), frames);
    }
    io::write_npy(*out, y.data(), {frames, 52});
    std::printf("wrote %s: %zu frames at 30 fps (model stage %s, lookahead %.0f ms)\n", out->c_str(), frames,
                m.stage().c_str(), m.arch().lookahead_ms());
  });
}

const bool registered = cli::register_command({"infer", "Run a model on features + conditioning -> blendshapes NPY", setup});
}  // namespace
