#pragma once
// `emosync dataset build`: generates the items of a scenario file into a sharded,
// resumable data set. A rerun (after a kill, say) skips what the manifest already
// holds; --shard i/N picks a deterministic part, so N processes or machines can
// share the work; --jobs N runs N generator threads.
#include <string>
#include <vector>

#include "dataset/shard_store.h"
#include "datagen/generator.h"

namespace emosync::datagen {

struct BuildOptions {
  std::string scenarios;  // JSONL
  std::string out;        // data set folder
  dataset::ShardId shard;
  int jobs = 1;
  bool strict = false;    // stop at the first bad scenario line instead of skipping it
  std::size_t limit = 0;  // only the first N scenarios of the file (0 = all)
  GeneratorConfig generator;
};

struct BuildReport {
  std::size_t scenarios = 0, bad_lines = 0, in_shard = 0, already_done = 0, generated = 0, failed = 0;
  double audio_s = 0, wall_s = 0;
  std::vector<std::string> failures;  // "id: message"
  std::vector<std::string> recovery;  // what the shard store repaired on open
};

BuildReport build_dataset(const BuildOptions& opt);

}  // namespace emosync::datagen
