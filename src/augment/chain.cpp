#include "augment/chain.h"

#include <algorithm>
#include <cmath>

#include "audio/audio.h"
#include "augment/codec.h"
#include "augment/effects.h"
#include "augment/rng.h"
#include "io/error.h"

namespace emosync::augment {
namespace {

// How often each effect is drawn and the ranges of its parameters (docs/augment.md says why).
struct Range {
  const char* name;
  double lo, hi;
};
struct Kind {
  const char* effect;
  double probability;
  std::vector<Range> params;
};
const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {"pitch", 0.4, {{"semitones", -3, 3}}},
      {"formants", 0.4, {{"alpha", 0.9, 1.1}}},
      {"reverb", 0.4, {{"rt60_s", 0.2, 0.8}, {"drr_db", 0, 10}}},
      {"noise", 0.5, {{"snr_db", 5, 30}, {"slope", 0, 2}}},
      {"babble", 0.3, {{"below_db", 15, 30}, {"shift_fraction", 0.2, 0.8}}},
      {"telephone", 0.2, {}},
      {"mp3", 0.15, {{"level", 0.3, 1}}},
      {"opus", 0.15, {{"level", 0.3, 1}}},
  };
  return k;
}
constexpr double kSpeedProbability = 0.5, kSpeedLo = 0.9, kSpeedHi = 1.1;

Step draw_step(const Kind& k, Rng& rng) {
  Step s{k.effect, {}};
  for (const Range& r : k.params) s.params[r.name] = rng.uniform(r.lo, r.hi);
  return s;
}

}  // namespace

double Step::param(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) throw Error("augmentation step '" + effect + "' has no parameter '" + name + "'");
  return it->second;
}

io::Json Chain::to_json() const {
  io::Json steps_json = io::Json::array();
  for (const Step& s : steps) {
    io::Json j = {{"effect", s.effect}};
    for (const auto& [k, v] : s.params) j[k] = v;
    steps_json.push_back(j);
  }
  return {{"seed", seed}, {"speed", speed}, {"steps", steps_json}};
}

Chain draw_chain(std::uint64_t seed) {
  Chain c;
  c.seed = seed;
  Rng rng(seed);
  if (rng.uniform() < kSpeedProbability)  // whole Hz of a 16 kHz source rate: what change_speed applies
    c.speed = std::round(rng.uniform(kSpeedLo, kSpeedHi) * audio::kModelRate) / audio::kModelRate;
  std::vector<const Kind*> order;
  for (const Kind& k : kinds()) order.push_back(&k);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
  bool codec = false;
  for (const Kind* k : order) {
    if (rng.uniform() >= k->probability) continue;
    const bool is_codec = std::string(k->effect) == "mp3" || std::string(k->effect) == "opus";
    if (is_codec && codec) continue;  // one lossy codec per take is enough
    codec |= is_codec;
    c.steps.push_back(draw_step(*k, rng));
  }
  if (c.empty()) c.steps.push_back(draw_step(*order.front(), rng));
  return c;
}

void apply_steps(const Chain& chain, std::vector<float>& take) {
  if (take.empty()) return;
  const double duration = static_cast<double>(take.size()) / audio::kModelRate;
  for (std::size_t i = 0; i < chain.steps.size(); ++i) {
    const Step& s = chain.steps[i];
    Rng rng(derive(chain.seed, i + 1));
    if (s.effect == "pitch") {
      take = shift_pitch(take, s.param("semitones"));
    } else if (s.effect == "formants") {
      take = warp_formants(take, s.param("alpha"));
    } else if (s.effect == "reverb") {
      take = reverberate(take, room_impulse_response(s.param("rt60_s"), s.param("drr_db"), rng));
    } else if (s.effect == "noise") {
      add_at_snr(take, coloured_noise(take.size(), s.param("slope"), rng), s.param("snr_db"));
    } else if (s.effect == "babble") {
      add_at_snr(take, reversed_speech(take, s.param("shift_fraction") * duration), s.param("below_db"));
    } else if (s.effect == "telephone") {
      take = band_limit_8k(take);
    } else if (s.effect == "mp3" || s.effect == "opus") {
      take = codec_round_trip(take, s.effect == "mp3" ? Codec::Mp3 : Codec::Opus, s.param("level"));
    } else {
      throw Error("unknown augmentation effect '" + s.effect + "'");
    }
  }
}

}  // namespace emosync::augment
