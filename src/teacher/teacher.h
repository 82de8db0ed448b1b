#pragma once
// Lipsync teachers: whatever makes the LIPSYNC (and SHARED) training targets.
// One interface, three kinds: rule-based (phoneme timeline + audio energy),
// TorchScript (a user-exported audio→blendshape model, e.g. LAM; teacher/torchscript.h)
// and recorded (a Live Link Face capture). All return frames × 52 in canonical ARKit
// order (arkit::names()) at the fps asked for.
#include <memory>
#include <string>
#include <vector>

#include "arkit/blendshapes.h"
#include "audio/audio.h"
#include "tts/tts.h"
#include "viseme/viseme.h"

namespace emosync::teacher {

// frames × 52 in canonical order, row-major.
struct Animation {
  double fps = 30;
  std::size_t frames = 0;
  std::vector<float> data;
  float at(std::size_t f, std::size_t c) const { return data[f * arkit::kCount + c]; }
  float& at(std::size_t f, std::size_t c) { return data[f * arkit::kCount + c]; }
  double duration_s() const { return frames / fps; }
};

struct TimedPhone {
  std::string symbol;
  double start_s = 0, end_s = 0;
};

struct PhoneTimeline {
  viseme::PhoneSet phone_set = viseme::PhoneSet::Arpabet;
  std::vector<TimedPhone> phones;
  double end_s() const { return phones.empty() ? 0.0 : phones.back().end_s; }
};

// From TTS phoneme events (their phone set).
PhoneTimeline timeline_from_events(const tts::TtsResult& r);
// A forced alignment TSV: optional header, then `start_s<TAB>end_s<TAB>label` (ARPAbet
// with stress digits, sp/sil/spn). Errors name file and line.
PhoneTimeline read_alignment_tsv(const std::string& path);

struct TeacherInput {
  const audio::Audio* audio = nullptr;        // speech, any rate (needed by some kinds)
  const PhoneTimeline* phones = nullptr;      // needed by the rule-based teacher
};

class Teacher {
 public:
  virtual ~Teacher() = default;
  virtual Animation animate(const TeacherInput& in, double fps) = 0;
  virtual std::string name() const = 0;
};

// Frame count for `duration_s` at `fps`: every frame time i/fps lies inside [0, duration).
std::size_t frame_count(double duration_s, double fps);

// RMS envelope sampled at frame times i/fps over a centred window of `window_s`.
std::vector<float> rms_envelope(const audio::Audio& a, double fps, std::size_t frames, double window_s);

// Linear resampling in time: frame i of the result is the source at time i/fps
// (source frame j lies at j/src.fps; held at the ends).
Animation resample_time(const Animation& src, double fps, std::size_t frames);

// ---------------------------------------------------------------- rule-based

struct RuleTeacherConfig {
  std::string targets = "data/viseme/viseme_targets.json";  // file or table key
  bool energy_shaping = true;                               // needs audio in the input
  void validate() const;
};

std::unique_ptr<Teacher> make_rule_teacher(const RuleTeacherConfig& config = {});

// ------------------------------------------------------------------ recorded

struct LiveLinkConfig {
  std::string path;          // Live Link Face CSV
  double capture_fps = 0;    // the app's frame rate behind the timecode's FF field; 0 = infer
  void validate() const;
};

// Parsed capture: frames at capture_fps from the first row's timecode.
Animation read_livelink_csv(const std::string& path, double capture_fps = 0);
std::unique_ptr<Teacher> make_livelink_teacher(const LiveLinkConfig& config);

}  // namespace emosync::teacher
