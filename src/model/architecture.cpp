#include "model/architecture.h"

#include <cstdlib>

#include "emotion/conditioning.h"
#include "io/error.h"

namespace emosync::model {

Architecture Architecture::base_default() {
  Architecture a;
  // 6 frames (60 ms) of encoder lookahead: enough to hear the release of a p/b/m before
  // the closure ends (closure silence alone sounds the same for p, t and k), while the
  // runtime stays under 100 ms (25 ms log-mel window + 60 + 10 ms 30 fps resampling).
  a.encoder = {{128, 3, 1, 1}, {128, 3, 2, 2}, {128, 3, 4, 2}, {128, 3, 8, 1}};
  a.cond_input = ConditioningInput::Base5;
  a.embedding = EmbeddingKind::Linear;
  return a;
}

Architecture Architecture::v3_default() { return base_default().as_v3(); }

Architecture Architecture::as_v3() const {
  Architecture a = *this;
  a.cond_input = ConditioningInput::Full19;
  a.embedding = EmbeddingKind::Mlp;
  return a;
}

int Architecture::lookahead_frames() const {
  int r = 0;
  for (const auto& l : encoder) r += l.lookahead;
  return r;
}

std::vector<std::pair<std::string, std::vector<std::size_t>>> Architecture::parameter_shapes() const {
  std::vector<std::pair<std::string, std::vector<std::size_t>>> p;
  auto z = [](int v) { return static_cast<std::size_t>(v); };
  if (feature_norm == FeatureNorm::Running) p.push_back({kFeaturePriorTensor, {z(n_mels)}});
  int in = n_mels;
  for (std::size_t i = 0; i < encoder.size(); ++i) {
    const auto& l = encoder[i];
    p.push_back({"encoder." + std::to_string(i) + ".weight", {z(l.out_channels), z(in), z(l.kernel)}});
    p.push_back({"encoder." + std::to_string(i) + ".bias", {z(l.out_channels)}});
    in = l.out_channels;
  }
  p.push_back({"embed.0.weight", {z(embed_dim), z(cond_dim())}});
  p.push_back({"embed.0.bias", {z(embed_dim)}});
  if (embedding == EmbeddingKind::Mlp) {
    p.push_back({"embed.2.weight", {z(embed_dim), z(embed_dim)}});
    p.push_back({"embed.2.bias", {z(embed_dim)}});
  }
  const int h = hidden();
  for (int b = 0; b < blocks; ++b) {
    p.push_back({"block_fc." + std::to_string(b) + ".weight", {z(h), z(h)}});
    p.push_back({"block_fc." + std::to_string(b) + ".bias", {z(h)}});
  }
  for (int b = 0; b < blocks; ++b) {
    p.push_back({"block_film." + std::to_string(b) + ".weight", {z(2 * h), z(embed_dim)}});
    p.push_back({"block_film." + std::to_string(b) + ".bias", {z(2 * h)}});
  }
  p.push_back({"head.weight", {z(n_outputs), z(h)}});
  p.push_back({"head.bias", {z(n_outputs)}});
  return p;
}

std::size_t Architecture::parameter_count() const {
  std::size_t n = 0;
  for (const auto& [name, shape] : parameter_shapes()) {
    std::size_t k = 1;
    for (auto s : shape) k *= s;
    n += k;
  }
  return n;
}

io::Json Architecture::to_json() const {
  io::Json enc = io::Json::array();
  for (const auto& l : encoder)
    enc.push_back({{"out_channels", l.out_channels}, {"kernel", l.kernel}, {"dilation", l.dilation},
                   {"lookahead", l.lookahead}});
  io::Json j = {{"type", "conv_film"},
                {"n_mels", n_mels},
                {"encoder", enc},
                {"conditioning", cond_input == ConditioningInput::Base5 ? "base5" : "full19"},
                {"embedding", embedding == EmbeddingKind::Linear ? "linear" : "mlp"},
                {"embed_dim", embed_dim},
                {"blocks", blocks},
                {"n_outputs", n_outputs}};
  if (feature_norm == FeatureNorm::Running) {
    j["feature_norm"] = "running";
    j["norm_tau_s"] = norm_tau_s;
  }
  if (lips == Lips::SpeechAndEmotion) j["lips"] = "speech+emotion";
  if (resample == Resample::Triangle) j["resample"] = "triangle";
  return j;
}

Architecture Architecture::from_json(const io::Json& j, const std::string& what) {
  io::JsonNode n(j, what, "architecture");
  Architecture a;
  if (n["type"].string() != "conv_film") n["type"].fail("unknown architecture type (expected conv_film)");
  a.n_mels = n["n_mels"].integer();
  auto enc = n["encoder"];
  for (std::size_t i = 0; i < enc.size(); ++i) {
    auto l = enc[i];
    a.encoder.push_back({l["out_channels"].integer(), l["kernel"].integer(), l["dilation"].integer(),
                         l["lookahead"].integer()});
  }
  std::string c = n["conditioning"].string();
  if (c == "base5")
    a.cond_input = ConditioningInput::Base5;
  else if (c == "full19")
    a.cond_input = ConditioningInput::Full19;
  else
    n["conditioning"].fail("expected base5 or full19, got '" + c + "'");
  std::string e = n["embedding"].string();
  if (e == "linear")
    a.embedding = EmbeddingKind::Linear;
  else if (e == "mlp")
    a.embedding = EmbeddingKind::Mlp;
  else
    n["embedding"].fail("expected linear or mlp, got '" + e + "'");
  a.embed_dim = n["embed_dim"].integer();
  a.blocks = n["blocks"].integer();
  a.n_outputs = n["n_outputs"].integer();
  // Optional (absent in every file before it): "none" or "running" with norm_tau_s.
  const std::string fn = n.has("feature_norm") ? n["feature_norm"].string() : "none";
  if (fn == "running")
    a.feature_norm = FeatureNorm::Running;
  else if (fn != "none")
    n["feature_norm"].fail("expected none or running, got '" + fn + "'");
  if (n.has("norm_tau_s")) {
    if (a.feature_norm != FeatureNorm::Running) n["norm_tau_s"].fail("only with feature_norm \"running\"");
    a.norm_tau_s = static_cast<float>(n["norm_tau_s"].number());
  }
  // Optional (absent in every file before it, and in files of the default).
  const std::string lips = n.has("lips") ? n["lips"].string() : "speech";
  if (lips == "speech+emotion")
    a.lips = Lips::SpeechAndEmotion;
  else if (lips != "speech")
    n["lips"].fail("expected speech or speech+emotion, got '" + lips + "'");
  const std::string rs = n.has("resample") ? n["resample"].string() : "linear";
  if (rs == "triangle")
    a.resample = Resample::Triangle;
  else if (rs != "linear")
    n["resample"].fail("expected linear or triangle, got '" + rs + "'");
  a.validate(what);
  return a;
}

void Architecture::validate(const std::string& what) const {
  auto bad = [&](const std::string& field, const std::string& msg) {
    throw Error(what + ": architecture." + field + ": " + msg);
  };
  if (n_mels <= 0 || n_mels > 512) bad("n_mels", "must be in 1..512");
  if (encoder.empty() || encoder.size() > 32) bad("encoder", "needs 1..32 layers");
  for (std::size_t i = 0; i < encoder.size(); ++i) {
    const auto& l = encoder[i];
    std::string f = "encoder[" + std::to_string(i) + "]";
    if (l.out_channels <= 0 || l.out_channels > 4096) bad(f + ".out_channels", "must be in 1..4096");
    if (l.kernel <= 0 || l.kernel > 64) bad(f + ".kernel", "must be in 1..64");
    if (l.dilation <= 0 || l.dilation > 256) bad(f + ".dilation", "must be in 1..256");
    if (l.lookahead < 0 || l.lookahead > (l.kernel - 1) * l.dilation)
      bad(f + ".lookahead", "must be in 0..(kernel-1)*dilation");
  }
  if (lookahead_frames() + resample_lookahead_frames() > 10)
    bad("encoder", "total lookahead (encoder + resampling) exceeds 100 ms");
  if (embed_dim <= 0 || embed_dim > 4096) bad("embed_dim", "must be in 1..4096");
  if (blocks < 0 || blocks > 32) bad("blocks", "must be in 0..32");
  if (n_outputs != 52) bad("n_outputs", "must be 52 (ARKit blendshapes)");
  // Below 0.1 s the mean follows the phones themselves; above 60 s it never meets the channel.
  if (feature_norm == FeatureNorm::Running && !(norm_tau_s >= 0.1f && norm_tau_s <= 60.0f))
    bad("norm_tau_s", "must be in 0.1..60 seconds");
}

std::size_t output_frames_for(std::size_t feature_frames) { return (feature_frames * 3 + 9) / 10; }

ResamplePoint resample_point(std::size_t k) {
  return {(10 * k) / 3, static_cast<float>((10 * k) % 3) / 3.0f};
}

std::vector<ResampleTap> resample_taps(Resample kind, std::size_t k) {
  const ResamplePoint p = resample_point(k);
  const long i0 = static_cast<long>(p.i0);
  if (kind == Resample::Linear) {
    if (p.frac == 0.0f) return {{i0, 1.0f}};
    return {{i0, 1.0f - p.frac}, {i0 + 1, p.frac}};
  }
  // Triangle of half-width 10/3 frames around p = i0 + r/3, in exact thirds: the weight of
  // frame i0 + d is max(0, 10 - |3d - r|) / 10 before normalising.
  const long r = static_cast<long>((10 * k) % 3);
  std::vector<ResampleTap> taps;
  float sum = 0;
  for (long d = -3; d <= 4; ++d) {
    const long w = 10 - std::labs(3 * d - r);
    if (w <= 0) continue;
    taps.push_back({i0 + d, static_cast<float>(w)});
    sum += static_cast<float>(w);
  }
  for (auto& t : taps) t.weight /= sum;
  return taps;
}

std::vector<std::size_t> conditioning_columns(ConditioningInput c) {
  if (c == ConditioningInput::Full19) {
    std::vector<std::size_t> all(emotion::kConditioningDim);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
  }
  return {emotion::kBaseClasses.begin(), emotion::kBaseClasses.end()};
}

}  // namespace emosync::model
