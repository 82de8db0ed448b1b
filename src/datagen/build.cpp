#include "datagen/build.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "io/error.h"
#include "io/progress.h"

namespace emosync::datagen {

BuildReport build_dataset(const BuildOptions& opt) {
  auto t0 = std::chrono::steady_clock::now();
  if (opt.jobs < 1 || opt.jobs > 256) throw Error("--jobs must be in 1..256");
  opt.generator.validate();
  BuildReport rep;
  scenarios::LoadReport loaded = scenarios::load_scenarios(opt.scenarios, opt.strict);
  for (const auto& e : loaded.errors) std::fprintf(stderr, "skipped: %s\n", e.c_str());
  rep.bad_lines = loaded.errors.size();
  std::vector<scenarios::Scenario> all = std::move(loaded.scenarios);
  if (opt.limit && all.size() > opt.limit) all.resize(opt.limit);
  rep.scenarios = all.size();

  dataset::ShardStore store(opt.out, opt.shard);
  rep.recovery = store.recovery_log();
  for (const auto& r : rep.recovery) std::fprintf(stderr, "resume: %s\n", r.c_str());
  std::vector<PlannedItem> todo;  // scenarios and their augmented variants (plan_items)
  for (const auto& scenario : all)
    for (PlannedItem& p : plan_items(scenario, opt.generator)) {
      if (!opt.shard.owns(p.scenario.id)) continue;
      ++rep.in_shard;
      if (store.has(p.scenario.id)) {
        ++rep.already_done;
        continue;
      }
      todo.push_back(std::move(p));
    }
  if (rep.already_done)
    std::fprintf(stderr, "resume: %zu of %zu items of this shard are already done\n", rep.already_done, rep.in_shard);

  std::atomic<std::size_t> next{0};
  std::mutex mu;
  io::Progress progress("dataset " + opt.shard.dir_name(), todo.size());
  std::string first_error;
  auto worker = [&] {
    std::unique_ptr<GeneratorContext> ctx;
    try {
      ctx = std::make_unique<GeneratorContext>(opt.generator);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> l(mu);
      if (first_error.empty()) first_error = e.what();
      return;
    }
    for (std::size_t i; (i = next++) < todo.size();) {
      const scenarios::Scenario& s = todo[i].scenario;
      try {
        dataset::Item item = generate_item(s, *ctx, todo[i].chain);
        double secs = item.meta.value("duration_s", 0.0);
        store.commit(item);
        std::lock_guard<std::mutex> l(mu);
        ++rep.generated;
        rep.audio_s += secs;
        progress.advance();
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> l(mu);
        ++rep.failed;
        rep.failures.push_back(s.id + " (" + opt.scenarios + ":" + std::to_string(s.line) + "): " + e.what());
        std::fprintf(stderr, "failed: %s\n", rep.failures.back().c_str());
        progress.advance();
        if (opt.strict) next = todo.size();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < opt.jobs; ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!first_error.empty()) throw Error(first_error);
  rep.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (opt.strict && rep.failed) throw Error(rep.failures.front());
  return rep;
}

}  // namespace emosync::datagen
