// emosync tag "<text>": plain multi-sentence text -> emotion-tagged text, one tag per
// sentence ("[joy:70] I got the job! [sadness:40] But I have to move away."), and
// optionally a JSON file with class probabilities and VAD per sentence.
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "textemotion/tagger.h"

namespace {
using namespace emosync;

// "--context" turns: "[SELF] text" / "[OTHER] text"; unmarked turns are [OTHER].
textemotion::Turn parse_turn(const std::string& s) {
  textemotion::Turn t;
  if (s.rfind("[SELF]", 0) == 0) {
    t.self = true;
    t.text = s.substr(6);
  } else if (s.rfind("[OTHER]", 0) == 0) {
    t.text = s.substr(7);
  } else {
    t.text = s;
  }
  return t;
}

void setup(CLI::App& app) {
  auto text = std::make_shared<std::string>();
  auto context = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<std::string>();
  auto model_dir = std::make_shared<std::string>();
  app.add_option("text", *text, "plain text, one or more sentences")->required();
  app.add_option("--context", *context,
                 "a previous turn, oldest first; may repeat; prefix [SELF] or [OTHER] (default [OTHER]); the last 2 are used");
  app.add_option("--json", *json, "write class probabilities and VAD per sentence to this JSON file");
  app.add_option("--model", *model_dir, "folder with tokenizer.model and textemotion.safetensors (default: the embedded model)");
  app.callback([=] {
    std::vector<textemotion::Turn> ctx;
    for (const auto& c : *context) ctx.push_back(parse_turn(c));
    std::unique_ptr<textemotion::Tagger> owned;
    const textemotion::Tagger* t = &textemotion::Tagger::embedded();
    if (!model_dir->empty()) {
      owned = std::make_unique<textemotion::Tagger>(
          textemotion::Tagger::load(*model_dir + "/tokenizer.model", *model_dir + "/textemotion.safetensors"));
      t = owned.get();
    }
    auto result = t->tag(*text, ctx);
    if (result.empty()) throw Error("tag: the text has no sentences");
    std::printf("%s\n", textemotion::to_tagged_text(result).c_str());
    if (!json->empty()) io::write_file_atomic(*json, textemotion::to_json(result).dump(2) + "\n");
  });
}

const bool registered = cli::register_command({"tag", "Tag plain text with an emotion and intensity per sentence", setup});
}  // namespace
