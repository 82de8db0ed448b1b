#pragma once
// Training: base stage (5-dim one-hot FiLM) and V3 fine-tune (19-dim MLP FiLM) with
// supervised + velocity, anchor-snap and VAD-jitter consistency losses, a real/synthetic
// curriculum, backbone freeze or low LR early, atomic checkpoint/resume and data-parallel
// training over c10d Gloo (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE).
#include <cstddef>
#include <string>

#include "train/config.h"

namespace emosync::train {

struct DistributedEnv {
  int rank = 0, world = 1;
  std::string addr = "127.0.0.1";
  int port = 29500;
  std::string file_store;  // EMOSYNC_FILE_STORE: a FileStore path instead of TCPStore
  static DistributedEnv from_env();  // errors name the variable
};

struct TrainSummary {
  int epochs_done = 0;
  std::string checkpoint;
  std::size_t parameters = 0;
  double seconds = 0;
  long steps = 0;
};

TrainSummary run_training(const TrainConfig& cfg, const DistributedEnv& env = {});

std::string checkpoint_path(const TrainConfig& cfg);  // <out_dir>/checkpoint.pt
std::string metrics_path(const TrainConfig& cfg);     // <out_dir>/metrics.jsonl

// emosync export (no libtorch in this header, so the CLI compiles quickly): checkpoint -> safetensors model with metadata, written atomically.
void export_checkpoint(const std::string& checkpoint, const std::string& out);

}  // namespace emosync::train
