// emosync train --config cfg.json | train plot | train toy-data; emosync export.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "io/error.h"
#include "model/model_file.h"
#include "train/config.h"
#include "train/dataset.h"
#include "train/plot.h"
#include "train/trainer.h"

namespace {
using namespace emosync;

void setup_train(CLI::App& app) {
  auto config = std::make_shared<std::string>();
  app.add_option("--config", *config, "training config JSON (see data/train/base.json, v3.json)");
  CLI::App* plot = app.add_subcommand("plot", "Draw the loss curves of a metrics.jsonl as SVG");
  auto metrics = std::make_shared<std::string>(), out = std::make_shared<std::string>("curves.svg");
  plot->add_option("metrics", *metrics, "metrics.jsonl written by training")->required();
  plot->add_option("-o,--output", *out, "SVG to write");
  plot->callback([metrics, out] {
    train::plot_metrics(*metrics, *out);
    std::printf("wrote %s\n", out->c_str());
  });
  CLI::App* toy = app.add_subcommand("toy-data", "Write small synthetic triples (smoke runs, benchmarks)");
  auto dir = std::make_shared<std::string>();
  auto items = std::make_shared<int>(32);
  auto seconds = std::make_shared<double>(3.0);
  toy->add_option("-o,--output", *dir, "dataset folder")->required();
  toy->add_option("--items", *items, "number of items")->check(CLI::PositiveNumber);
  toy->add_option("--seconds", *seconds, "seconds per item")->check(CLI::PositiveNumber);
  toy->callback([dir, items, seconds] {
    train::write_toy_dataset(*dir, *items, *seconds, 7);
    std::printf("wrote %d items to %s\n", *items, dir->c_str());
  });
  app.callback([&app, config] {
    if (!app.get_subcommands().empty()) return;
    if (config->empty()) throw Error("train: --config is required (or a subcommand: plot, toy-data)");
    train::TrainConfig cfg = train::TrainConfig::load(*config);
    train::TrainSummary s = train::run_training(cfg, train::DistributedEnv::from_env());
    std::printf("trained %d epochs (%ld steps) in %.1f s; %zu parameters (%.2f MB float32); checkpoint %s\n",
                s.epochs_done, s.steps, s.seconds, s.parameters, s.parameters * 4.0 / 1e6, s.checkpoint.c_str());
  });
}

void setup_export(CLI::App& app) {
  auto ckpt = std::make_shared<std::string>(), out = std::make_shared<std::string>("model.safetensors");
  app.add_option("checkpoint", *ckpt, "training checkpoint (checkpoint.pt)")->required();
  app.add_option("-o,--output", *out, "safetensors model to write");
  app.callback([ckpt, out] {
    train::export_checkpoint(*ckpt, *out);
    model::ModelFile m = model::read_model(*out);  // read back: the file is valid
    std::printf("wrote %s: stage %s, %zu parameters (%.2f MB float32), lookahead %.0f ms\n", out->c_str(),
                m.stage.c_str(), m.arch.parameter_count(), m.arch.parameter_count() * 4.0 / 1e6, m.arch.lookahead_ms());
  });
}

const bool registered_train =
    cli::register_command({"train", "Train the FiLM model (base or V3) from triples; plot metrics", setup_train});
const bool registered_export =
    cli::register_command({"export", "Export a training checkpoint to a safetensors model", setup_export});
}  // namespace
