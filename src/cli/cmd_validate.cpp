// emosync validate: the seed's validations and how the lips follow real speech, as one
// report (report.json + report.html) with pass/fail rules; prints the lip measures per
// corpus and the rules, and exits non-zero when a rule fails.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/command.h"
#include "engine/animator.h"
#include "features/log_mel.h"
#include "model/architecture.h"
#include "io/error.h"
#include "runtime/model.h"
#include "validate/validate.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  auto model_path = std::make_shared<std::string>();
  auto opt = std::make_shared<validate::Options>();
  opt->out_dir = "report";
  app.add_option("--model", *model_path, "safetensors model (default: the embedded default model)");
  app.add_option("--data", opt->data_dir,
                 "shared data folder holding speech/ (the lips are measured on every dev speaker of "
                 "speech/splits.tsv and the held-out LJ Speech clips)");
  app.add_option("--holdout", opt->holdout, "held-out clips at the end of the LJ Speech list (as in training)");
  app.add_option("-o,--output", opt->out_dir, "report folder (report.json, report.html, plots)");
  app.add_option("--heldout", opt->heldout_dir,
                 "training-format items the model never saw (emosync dataset build): per-channel-type MAE");
  app.callback([=] {
    std::unique_ptr<runtime::Model> owned;
    const runtime::Model* m = nullptr;
    if (model_path->empty()) {
      m = &runtime::Model::embedded_default();
      opt->model_label = std::string("embedded ") + runtime::Model::kDefaultModelKey;
    } else {
      owned = std::make_unique<runtime::Model>(runtime::Model::load(*model_path));
      m = owned.get();
      opt->model_label = std::filesystem::path(*model_path).filename().string();
    }
    // Model alone: log-mel at 16 kHz -> network. Runtime: the engine users get
    // (loudness normalisation, speech-gated fades), blinks off so eyelids stay comparable.
    std::shared_ptr<const runtime::Model> shared(m, [](const runtime::Model*) {});
    engine::Options eo;
    eo.post.blinks = false;
    validate::Animate animate = [m, shared, eo](const std::vector<float>& pcm, const validate::EmotionInput& emo,
                                                bool use_runtime) {
      if (use_runtime) {
        engine::Animator a(shared, eo);
        if (emo.tagged_text.empty())
          a.set_conditioning(emo.constant);
        else
          a.set_timeline(emo.tagged_text, emo.words);
        return a.process(pcm.data(), pcm.size(), features::kSampleRate);
      }
      if (!emo.tagged_text.empty()) throw Error("validate: a timeline needs the runtime path");
      std::vector<float> f = features::log_mel(pcm);
      const std::size_t tf = f.size() / features::kMelBands, frames = model::output_frames_for(tf);
      std::vector<float> cond;
      for (std::size_t k = 0; k < frames; ++k) cond.insert(cond.end(), emo.constant.begin(), emo.constant.end());
      return m->forward(f.data(), tf, cond.data(), frames);
    };
    opt->forward = [m](const std::vector<float>& f, const std::vector<float>& c, std::size_t frames) {
      return m->forward(f.data(), f.size() / features::kMelBands, c.data(), frames);
    };
    validate::Report r = validate::run(animate, *opt);
    if (r.json.contains("heldout"))
      std::printf("held-out items: MAE LIPSYNC %.4f, EXPRESSION %.4f, SHARED %.4f\n",
                  r.json["heldout"]["mae_LIPSYNC"].get<double>(), r.json["heldout"]["mae_EXPRESSION"].get<double>(),
                  r.json["heldout"]["mae_SHARED"].get<double>());
    std::printf("%s\n%s", r.lipsync_table().c_str(), r.table().c_str());
    std::printf("%s: %s (report.json, report.html)\n", opt->out_dir.c_str(), r.pass() ? "PASS" : "FAIL");
    std::size_t failed = 0;
    for (const auto& x : r.rules) failed += !x.pass;
    if (failed)
      throw Error(opt->out_dir + "/report.json: validation failed, " + std::to_string(failed) + " of " +
                  std::to_string(r.rules.size()) + " rules");
  });
}

const bool registered =
    cli::register_command({"validate", "Check a model: reproducibility, distinctness, smoothness, lipsync -> report", setup});
}  // namespace
