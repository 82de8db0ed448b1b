#pragma once
// A 15-viseme track derived from the 52 blendshapes, for rigs that only have viseme
// morphs. The set and order are the Oculus/Meta visemes, spelled as OVRLipSync's
// Viseme enum (sil, PP, FF, TH, DD, kk, CH, SS, nn, RR, aa, E, ih, oh, ou) and the
// OpenXR XrFaceTrackingVisemeMETA enum orders them (SIL ... OU, indices 0-14).
// Ready Player Me rigs name the same morphs viseme_sil ... viseme_I, viseme_O,
// viseme_U (docs.readyplayer.me, "Oculus OVR LipSync").
//
// How the weights are made, per frame:
//   1. y = the frame's lip channels: those the lipsync teacher drives (jaw, lips,
//      rounding, tongue groups of data/viseme/viseme_targets.json).
//   2. A = the 14 non-silent viseme targets of that same table (one column each).
//   3. w = argmin |A w - y|^2 subject to w >= 0 (non-negative least squares,
//      Lawson-Hanson active set): the mix of mouth shapes that best rebuilds the lips.
//   4. If the weights sum to more than 1 they are scaled to sum 1; sil takes the
//      rest (1 - sum), so a closed, relaxed mouth is sil = 1 and every frame's 15
//      weights sum to 1.
// A frame equal to one viseme's target gives that viseme weight 1, and frames the
// lipsync teacher (or a model trained on it) blends from those targets come apart
// into their shapes. Least squares spreads what no single target explains: a jaw
// dropped with the lips still (surprise) splits over the open shapes (nn, kk, aa, oh)
// rather than reading as aa alone. Emotion that shows on the lips (a smile) is
// explained by the shapes that carry it (E, ih, SS); brows, eyes and cheeks do not
// enter.
//
// Files:
//   JSON  {"fps": 30, "names": [15 names], "frames": [[15 floats], ...]}
//   CSV   header = the 15 names, one row per frame
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "export/animation.h"
#include "viseme/viseme.h"

namespace emosync::exporter {

constexpr std::size_t kVisemeCount = 15;
const std::array<std::string_view, kVisemeCount>& viseme_track_names();

struct VisemeTrack {
  double fps = 30;
  std::size_t frames = 0;
  std::vector<float> data;  // frames x 15, in viseme_track_names() order
};

// Projects 52-channel frames onto viseme targets (see above); built once per table.
class VisemeProjector {
 public:
  explicit VisemeProjector(const viseme::VisemeTargets& targets = viseme::VisemeTargets::standard());
  // frame: 52 values in canonical ARKit order; out: 15 weights.
  void project(const float* frame, float* out) const;
  VisemeTrack track(const Animation& a) const;

 private:
  std::vector<std::size_t> lip_channels_;
  std::vector<std::array<float, kVisemeCount - 1>> columns_;  // per lip channel: the 14 targets' values
  std::vector<double> gram_;                                   // 14 x 14, A^T A
};

VisemeTrack viseme_track(const Animation& a);

std::string viseme_json(const VisemeTrack& t);
std::string viseme_csv(const VisemeTrack& t);
void write_viseme_json(const std::string& path, const VisemeTrack& t);
void write_viseme_csv(const std::string& path, const VisemeTrack& t);

}  // namespace emosync::exporter
