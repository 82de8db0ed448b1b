// emosync dataset build|verify|stats: training triples from scenarios (issue 5).
#include <cstdio>

#include "cli/command.h"
#include "dataset/card.h"
#include "dataset/item.h"
#include "dataset/shard_store.h"
#include "datagen/build.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "scenarios/scenario.h"
#include "tts/voices.h"

namespace {
using namespace emosync;

void setup(CLI::App& app) {
  app.require_subcommand(1);
  auto opt = std::make_shared<datagen::BuildOptions>();
  auto shard = std::make_shared<std::string>("0/1");
  CLI::App* build = app.add_subcommand("build", "Generate (features, conditioning, targets) items; resumable");
  build->add_option("--scenarios", opt->scenarios,
                    "scenario JSONL (docs/scenarios.md); bad lines are reported (file:line) and skipped, as "
                    "`scenarios validate` reports them. Limits: ids of " + std::string(dataset::kIdRule) + ", at most " +
                        std::to_string(scenarios::kMaxTurns) + " turns of at most " +
                        std::to_string(scenarios::kMaxTextBytes) + " bytes of text each")
      ->required();
  build->add_option("-o,--output", opt->out, "data set folder")->required();
  build->add_option("--shard", *shard, "this process's part, i/N (0-based)");
  build->add_option("--jobs", opt->jobs, "generator threads");
  build->add_flag("--strict", opt->strict, "stop at the first bad line or failed item");
  build->add_option("--limit", opt->limit, "only the first N scenarios");
  build->add_option("--engine", opt->generator.tts.engine, "TTS engine: espeak | flite | festival");
  build->add_option("--voice", opt->generator.tts.voice, "TTS voice");
  auto voices = std::make_shared<std::string>();
  build->add_option("--voices", *voices,
                    "rotate voices: each scenario speaks with one picked from its id; a JSON list of "
                    "{engine, voice, variant, rate, pitch} (docs/tts.md) or a built-in list: all | espeak | flite | "
                    "festival (replaces --engine/--voice)");
  build->add_option("--pause", opt->generator.pause_s, "seconds of silence between turns");
  build->add_option("--crossfade", opt->generator.crossfade_s, "crossfade half-width in seconds");
  build->add_option("--augment", opt->generator.augment,
                    "N augmented variants <id>.aug1..N of every item with real speech (0..100; docs/augment.md)");
  build->add_option("--augment-synthetic", opt->generator.augment_synthetic,
                    "share of all-synthetic items augmented in place (0..1)");
  build->callback([opt, shard, voices] {
    opt->shard = dataset::ShardId::parse(*shard);
    if (!voices->empty()) opt->generator.voices = tts::voices_from(*voices);
    datagen::BuildReport r = datagen::build_dataset(*opt);
    std::printf(
        "%s %s: %zu scenarios (%zu bad lines skipped), %zu in this shard, %zu already done, %zu generated, %zu "
        "failed\n%.1f s of audio in %.1f s wall (%.1fx real time)\n",
        opt->out.c_str(), opt->shard.dir_name().c_str(), r.scenarios, r.bad_lines, r.in_shard, r.already_done,
        r.generated, r.failed, r.audio_s, r.wall_s, r.wall_s > 0 ? r.audio_s / r.wall_s : 0.0);
    if (r.failed) throw Error(std::to_string(r.failed) + " item(s) failed; rerun to retry them");
  });

  auto root = std::make_shared<std::string>();
  CLI::App* verify = app.add_subcommand("verify", "Check every manifest entry against its files (checksums, shapes)");
  verify->add_option("dir", *root, "data set folder")->required();
  verify->callback([root] {
    dataset::VerifyReport r = dataset::verify(*root);
    for (const auto& p : r.problems) std::fprintf(stderr, "problem: %s\n", p.c_str());
    std::printf("%s: %zu items, %zu problems\n", root->c_str(), r.items, r.problems.size());
    if (!r.problems.empty()) throw Error(*root + ": data set does not verify");
  });

  auto card_out = std::make_shared<std::string>();
  auto plot_out = std::make_shared<std::string>();
  CLI::App* stats = app.add_subcommand("stats", "Data set card: counts per class and source, hours, channel statistics");
  stats->add_option("dir", *root, "data set folder")->required();
  stats->add_option("-o,--output", *card_out, "card JSON (default: DIR/card.json)");
  stats->add_option("--plot", *plot_out, "card picture, SVG (default: DIR/card.svg)");
  stats->callback([root, card_out, plot_out] {
    io::Json card = dataset::make_card(*root);
    std::string cj = card_out->empty() ? *root + "/card.json" : *card_out;
    std::string cp = plot_out->empty() ? *root + "/card.svg" : *plot_out;
    io::write_file_atomic(cj, card.dump(1) + "\n");
    io::write_file_atomic(cp, dataset::card_svg(card));
    std::printf("%zu items, %.3f hours, %.0f frames\n", card["items"].get<std::size_t>(), card["hours"].get<double>(),
                card["frames"].get<double>());
    for (auto it = card["classes"].begin(); it != card["classes"].end(); ++it)
      std::printf("  %-14s %8.0f frames\n", it.key().c_str(), it.value()["frames"].get<double>());
    for (auto it = card["sources"].begin(); it != card["sources"].end(); ++it)
      std::printf("  source %-9s %zu items, %.3f h\n", it.key().c_str(), it.value()["items"].get<std::size_t>(),
                  it.value()["hours"].get<double>());
    std::printf("card: %s\nplot: %s\n", cj.c_str(), cp.c_str());
  });
}

const bool registered = cli::register_command({"dataset", "Build, verify and describe training data sets", setup});
}  // namespace
