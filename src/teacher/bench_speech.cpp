// Speech-in throughput on one thread: espeak-ng TTS, resampling to 16 kHz, the
// rule-based teacher at 30 fps (and log-mel features when built with them), reported
// as x real time (seconds of speech produced per second of compute), each stage and
// the pipeline together, measured in one run. Target: >= 50x.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "teacher/teacher.h"
#include "tts/tts.h"
#ifdef EMOSYNC_BENCH_FEATURES
#include "features/log_mel.h"
#endif

using namespace emosync;

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::stoi(argv[1]) : 5;
  const std::vector<std::string> texts = {
      "The quick brown fox jumps over the lazy dog, and the five boxing wizards jump quickly.",
      "I got the job! But I have to move away, and I'm not sure how I feel about that.",
      "Printing, in the only sense with which we are at present concerned, differs from most if not from all "
      "the arts and crafts represented in the Exhibition.",
      "Would you please bring me a cup of warm milk and some bread before we go to the museum tomorrow morning?"};
  using Clock = std::chrono::steady_clock;
  auto secs = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };

  tts::TtsConfig cfg;
  auto engine = tts::make_tts(cfg);
  auto teacher = teacher::make_rule_teacher();
  double audio_s = 0, t_tts = 0, t_resample = 0, t_teacher = 0, t_features = 0;
  std::size_t frames = 0;
#ifdef EMOSYNC_BENCH_FEATURES
  features::LogMel mel;
#endif
  // Best of `rounds` per text and stage: the machine is shared, and the fastest run is
  // the one least disturbed by other processes.
  for (const auto& text : texts) {
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    double dur = 0;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = Clock::now();
      tts::TtsResult res = engine->synthesize(text);
      auto t1 = Clock::now();
      audio::Audio a16 = audio::resample(res.audio, audio::kModelRate);
      auto t2 = Clock::now();
      teacher::PhoneTimeline tl = teacher::timeline_from_events(res);
      teacher::TeacherInput in{&a16, &tl};
      teacher::Animation anim = teacher->animate(in, 30);
      auto t3 = Clock::now();
#ifdef EMOSYNC_BENCH_FEATURES
      auto f = mel.compute(a16.samples);
      frames += f.size();
#endif
      auto t4 = Clock::now();
      dur = res.audio.duration_s();
      best[0] = std::min(best[0], secs(t0, t1));
      best[1] = std::min(best[1], secs(t1, t2));
      best[2] = std::min(best[2], secs(t2, t3));
      best[3] = std::min(best[3], secs(t3, t4));
      frames += anim.frames;
    }
    audio_s += dur;
    t_tts += best[0];
    t_resample += best[1];
    t_teacher += best[2];
    t_features += best[3];
  }
  double total = t_tts + t_resample + t_teacher + t_features;
  std::printf("speech: %.1f s of audio (%zu texts, best of %d runs each), one thread\n", audio_s, texts.size(), rounds);
  std::printf("  tts (espeak-ng)     %8.1fx real time\n", audio_s / t_tts);
  std::printf("  resample to 16 kHz  %8.1fx real time\n", audio_s / t_resample);
  std::printf("  rule teacher 30fps  %8.1fx real time\n", audio_s / t_teacher);
#ifdef EMOSYNC_BENCH_FEATURES
  std::printf("  log-mel features    %8.1fx real time\n", audio_s / t_features);
#else
  std::printf("  log-mel features    (not built)\n");
#endif
  std::printf("pipeline              %8.1fx real time (target >= 50x)\n", audio_s / total);
  std::printf("(checksum %zu)\n", frames);
  return audio_s / total >= 50 ? 0 : 1;
}
