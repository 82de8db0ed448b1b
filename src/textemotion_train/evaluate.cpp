#include "textemotion_train/evaluate.h"

#include <algorithm>
#include <cstdio>

#include "textemotion_train/baseline.h"
#include "textemotion_train/corpus.h"

namespace emosync::textemotion {

std::string Evaluation::text(const std::string& title) const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  EmoBank test Pearson r: V %.4f  A %.4f  D %.4f\n", vad_r[0], vad_r[1], vad_r[2]);
  std::string out = format_report(dev, title + " — GoEmotions dev, 16 classes") + buf;
  if (!std::isnan(vad_r_head[0])) {
    std::snprintf(buf, sizeof buf, "  (VAD head alone, without the lexical blend: V %.4f  A %.4f  D %.4f)\n", vad_r_head[0],
                  vad_r_head[1], vad_r_head[2]);
    out += buf;
  }
  return out;
}

Evaluation evaluate(const std::string& data_dir, const std::function<int(const std::string&)>& classify,
                    const std::function<std::array<float, 3>(const std::string&)>& vad) {
  Evaluation ev;
  std::vector<int> gold, pred;
  for (auto& e : load_goemotions(data_dir + "/goemotions", "dev")) {
    gold.push_back(e.label);
    pred.push_back(classify(e.text));
  }
  ev.dev = evaluate_classes(gold, pred);
  auto test = load_emobank(data_dir + "/emobank", "test");
  std::array<std::vector<float>, 3> gold_vad, pred_vad;
  for (auto& e : test) {
    const auto v = vad(e.text);  // once per row: it is a forward pass
    for (std::size_t d = 0; d < 3; ++d) gold_vad[d].push_back(e.vad[d]), pred_vad[d].push_back(v[d]);
  }
  for (std::size_t d = 0; d < 3; ++d) ev.vad_r[d] = pearson(gold_vad[d], pred_vad[d]);
  return ev;
}

Evaluation evaluate_model(const Tagger& t, const std::string& data_dir) {
  std::array<std::vector<float>, 3> head;  // the VAD head alone, from the same forward passes
  Evaluation ev = evaluate(
      data_dir,
      [&](const std::string& s) {
        auto p = t.predict(s, {});
        return static_cast<int>(std::max_element(p.probs.begin(), p.probs.end()) - p.probs.begin());
      },
      [&](const std::string& s) {
        const Prediction p = t.predict(s, {});
        for (std::size_t d = 0; d < 3; ++d) head[d].push_back(p.vad_head[d]);
        return p.vad;
      });
  if (t.lexical()) {
    const auto test = load_emobank(data_dir + "/emobank", "test");
    for (std::size_t d = 0; d < 3; ++d) {
      std::vector<float> gold;
      for (const auto& e : test) gold.push_back(e.vad[d]);
      ev.vad_r_head[d] = pearson(gold, head[d]);
    }
  }
  return ev;
}

Evaluation evaluate_baseline(const std::string& data_dir) {
  NgramBaseline b;
  b.train(load_goemotions(data_dir + "/goemotions", "train"), load_emobank(data_dir + "/emobank", "train"), {});
  return evaluate(
      data_dir, [&](const std::string& s) { return b.predict_class(s); }, [&](const std::string& s) { return b.predict_vad(s); });
}

}  // namespace emosync::textemotion
