#pragma once
// Checks of a lipsync animation against the speech it animates: bilabial closure
// (the hard rule: lips shut in at least one frame of every p/b/m of >= 40 ms),
// correlation of jawOpen with the audio's loudness, and the real-speech report over
// LJ Speech clips with forced alignments.
#include <string>
#include <vector>

#include "arkit/lip_seal.h"
#include "teacher/teacher.h"

namespace emosync::teacher {

// "Lips shut" is arkit::lips_sealed; p/b/m shorter than this are not checked.
constexpr double kMinBilabialS = 0.040;

struct ClosureStats {
  std::size_t bilabials = 0;  // p/b/m segments of >= 40 ms
  std::size_t closed = 0;     // ... with at least one closed frame inside
  std::vector<std::string> misses;  // "symbol@start_s" for the ones without
  double rate() const { return bilabials ? double(closed) / bilabials : 1.0; }
};
ClosureStats bilabial_closure(const Animation& a, const PhoneTimeline& t);

double pearson(const std::vector<float>& x, const std::vector<float>& y);
// The envelope the check correlates with: RMS over 2 frames centred on each frame.
std::vector<float> loudness_envelope(const audio::Audio& a, const Animation& anim);
std::vector<float> channel(const Animation& a, const std::string& name);

struct ClipCheck {
  std::string id;
  double duration_s = 0;
  ClosureStats closure;
  double r_jaw_rms = 0;            // with energy shaping (what the teacher outputs)
  double r_jaw_rms_phonetic = 0;   // without energy shaping: the phoneme rules alone
  float max_step = 0;              // largest frame-to-frame change over all channels
};

struct SpeechCheckReport {
  std::vector<ClipCheck> clips;
  ClosureStats closure;  // pooled
  double mean_r = 0, mean_r_phonetic = 0;
  float max_step = 0;
  std::string markdown() const;
};

// Runs the rule-based teacher on every <id> with wav/<id>.wav and phones/<id>.tsv under
// `data_dir` (the shared LJ Speech folder). Writes report.md, report.tsv and
// <first id>.svg into `out_dir` when it is not empty. Throws emosync::Error when the
// folder or its clips are missing.
SpeechCheckReport check_speech_alignments(const std::string& data_dir, const std::string& out_dir, double fps = 30);

// SVG of jawOpen / mouthClose / mouthFunnel and the loudness envelope over a clip, with
// the phones written along the bottom and bilabials shaded.
std::string plot_svg(const Animation& a, const PhoneTimeline& t, const std::vector<float>& envelope,
                     const std::string& title);

}  // namespace emosync::teacher
