// textemotion_tokenizer: trains the SentencePiece tokenizer with libsentencepiece.
// A separate executable because libsentencepiece (protobuf-lite) and libtorch (full
// protobuf) crash at load time when linked into one process, so the emosync CLI, which
// carries libtorch, cannot carry libsentencepiece.
//   textemotion_tokenizer [--data DIR] [--out models/textemotion/tokenizer] [--vocab 6000]
#include <cstdio>
#include <cstring>
#include <string>

#include "io/error.h"
#include "textemotion_train/corpus.h"
#include "textemotion_train/tokenizer_trainer.h"

int main(int argc, char** argv) {
  std::string data, out = "models/textemotion/tokenizer";
  int vocab = 6000;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (i + 1 >= argc) throw emosync::Error("option " + a + " needs a value");
      if (a == "--data") data = argv[++i];
      else if (a == "--out") out = argv[++i];
      else if (a == "--vocab") vocab = std::stoi(argv[++i]);
      else throw emosync::Error("unknown option " + a + " (use --data DIR --out PREFIX --vocab N)");
    }
    data = emosync::textemotion::shared_data_dir(data);
    std::vector<std::string> texts;
    for (auto& e : emosync::textemotion::load_goemotions(data + "/goemotions", "train")) texts.push_back(e.text);
    for (auto& e : emosync::textemotion::load_emobank(data + "/emobank", "train")) texts.push_back(e.text);
    std::fprintf(stderr, "training SentencePiece unigram tokenizer, %d pieces, on %zu texts\n", vocab, texts.size());
    emosync::textemotion::train_tokenizer(texts, out, vocab);
    std::fprintf(stderr, "wrote %s.model\n", out.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "textemotion_tokenizer: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
