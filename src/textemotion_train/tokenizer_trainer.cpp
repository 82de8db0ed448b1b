#include "textemotion_train/tokenizer_trainer.h"

#include <sentencepiece_trainer.h>

#include <cstdio>
#include <filesystem>

#include "io/atomic_file.h"
#include "io/error.h"
#include "textemotion/input.h"

namespace emosync::textemotion {

void train_tokenizer(const std::vector<std::string>& texts, const std::string& out_prefix, int vocab_size) {
  std::string corpus;
  for (const auto& t : texts) {
    std::string c = clean_text(t);
    if (!c.empty()) corpus += c + "\n";
  }
  const std::string input = out_prefix + ".corpus.txt";
  io::write_file_atomic(input, corpus);
  const std::string args = "--input=" + input + " --model_prefix=" + out_prefix + ".tmp" +
                           " --model_type=unigram --vocab_size=" + std::to_string(vocab_size) +
                           " --normalization_rule_name=identity --character_coverage=0.9995"
                           " --unk_id=0 --bos_id=-1 --eos_id=-1 --pad_id=-1 --num_threads=1"
                           " --max_sentence_length=4096 --minloglevel=1";
  auto status = sentencepiece::SentencePieceTrainer::Train(args);
  std::filesystem::remove(input);
  if (!status.ok()) throw Error("SentencePiece training failed: " + status.ToString());
  for (const char* ext : {".model", ".vocab"})
    std::filesystem::rename(out_prefix + ".tmp" + ext, out_prefix + ext);  // rename: atomic
}

}  // namespace emosync::textemotion
