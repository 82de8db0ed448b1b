#pragma once
// Audio in and out: read any file libsndfile knows (WAV, FLAC, OGG, MP3), mix to
// mono, resample (libsamplerate), write 16-bit WAV atomically.
#include <string>
#include <vector>

namespace emosync::audio {

constexpr int kModelRate = 16000;

struct Audio {
  std::vector<float> samples;  // mono, nominally in [-1, 1]
  int sample_rate = kModelRate;
  double duration_s() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

// The longest audio an input may hold unless a caller says otherwise: an hour is far more
// speech than one animation needs and already ~0.7 GB of samples at 48 kHz. A pipe can
// claim any length in its header, so the limit is enforced on what has been read. Above
// kFullLengthRate it shrinks in proportion (max_seconds * 48000 samples at most).
constexpr double kMaxInputSeconds = 3600;
constexpr int kFullLengthRate = 48000;

// Reads a file (or a pipe) at its own rate, mixed down to mono. Errors name the file and
// reject: a directory; a header with no samples; a NaN or infinite sample (with its
// time); a seekable file decoding clearly shorter than its header says (a truncated
// MP3 or FLAC); more than max_seconds (> 0) of audio, "<path>: longer than N s, ...".
Audio read_audio(const std::string& path, double max_seconds = kMaxInputSeconds);
// Decodes a file held in memory (any format read_audio takes, e.g. an uploaded WAV),
// mixed to mono, with read_audio's checks; `what` names the source in errors
// ("audio: cannot read as audio (...)").
Audio decode_audio(const std::string& bytes, const std::string& what, double max_seconds = kMaxInputSeconds);
// Resamples to `rate` (band-limited, libsamplerate); returns a copy if rates match.
Audio resample(const Audio& in, int rate);
// `a` as it is when its rate lies in [lo_hz, hi_hz], else resampled to `to_hz`: a
// consumer that takes a range of rates (the engine: 8..48 kHz) gets any recording.
// Errors name `what`.
Audio within_rates(Audio a, int lo_hz, int hi_hz, int to_hz, const std::string& what);
// read_audio + resample to 16 kHz: what features and the model take.
Audio load_mono_16k(const std::string& path, double max_seconds = kMaxInputSeconds);
// 16-bit PCM WAV, written atomically; samples are clipped to [-1, 1].
void write_wav16(const std::string& path, const Audio& a);

// The bytes write_wav16 writes (RIFF/WAVE, PCM 16-bit mono, little-endian): for
// callers that send a WAV somewhere other than a file. Sample x becomes
// round(clamp(x, -1, 1) * 32767).
std::string wav16_bytes(const Audio& a);

// libsamplerate converter used by resample(): SRC_SINC_MEDIUM_QUALITY (97 dB SNR,
// 90 % bandwidth), a speed/quality balance that keeps the speech chain fast.
int resampler_quality();

}  // namespace emosync::audio
