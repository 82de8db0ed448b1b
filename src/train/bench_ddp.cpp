// Data-parallel speed-up: the same training (toy triples, base stage) with one process and
// with two Gloo processes on this machine (127.0.0.1), one intra-op thread each. Prints
// steps/s and the ratio measured in this run.
//   bench_train_ddp [items] [epochs]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>

#include "io/atomic_file.h"
#include "train/config.h"
#include "train/dataset.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using namespace emosync;

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--worker") {
    train::run_training(train::TrainConfig::load(argv[2]), train::DistributedEnv::from_env());
    return 0;
  }
  const int items = argc > 1 ? std::atoi(argv[1]) : 64, epochs = argc > 2 ? std::atoi(argv[2]) : 2;
  const fs::path dir = fs::temp_directory_path() / ("emosync_bench_ddp_" + std::to_string(getpid()));
  train::write_toy_dataset((dir / "data").string(), items, 3.0, 1);
  auto config = [&](const std::string& out) {
    io::Json j = {{"stage", "base"}, {"data", {(dir / "data").string()}}, {"out_dir", (dir / out).string()},
                  {"epochs", epochs}, {"batch_size", 16}, {"window_frames", 60}, {"threads", 1},
                  {"curriculum", "data/train/curriculum.json"}, {"presets", "data/presets/presets.json"}};
    const std::string path = (dir / (out + ".json")).string();
    io::write_file_atomic(path, j.dump());
    return path;
  };
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  const long steps = static_cast<long>(items / 16) * epochs;
  auto timed = [&](int world, const std::string& cfg) {
    auto a = std::chrono::steady_clock::now();
    std::vector<std::thread> ts;
    for (int r = 0; r < world; ++r)
      ts.emplace_back([&, r] {
        std::string cmd = "OMP_WAIT_POLICY=PASSIVE MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
                          std::to_string(21000 + getpid() % 20000) + " WORLD_SIZE=" + std::to_string(world) +
                          " RANK=" + std::to_string(r) + " '" + exe + "' --worker '" + cfg + "' > /dev/null";
        if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "rank %d failed\n", r);
      });
    for (auto& t : ts) t.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
  };
  const double t1 = timed(1, config("one")), t2 = timed(2, config("two"));
  std::printf("DDP benchmark: %ld steps of batch 16 (base model, 1 thread per process)\n", steps);
  std::printf("  1 process:   %.2f s, %.2f steps/s\n", t1, steps / t1);
  std::printf("  2 processes: %.2f s, %.2f steps/s\n", t2, steps / t2);
  std::printf("  speed-up: %.2fx (hardware threads: %u)\n", t1 / t2, std::thread::hardware_concurrency());
  fs::remove_all(dir);
  return 0;
}
