#include "audio/audio.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "features/resample.h"
#include "io/atomic_file.h"
#include "io/error.h"
#include "support/test_support.h"

using namespace emosync;
namespace fs = std::filesystem;

namespace {
constexpr double kPi = 3.14159265358979323846;

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() /
               ("emosync_audio_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::create_directories(d);
  return d;
}

// Writes interleaved frames with libsndfile; `format` is SF_FORMAT_* major|minor.
void write_file(const fs::path& p, int format, int rate, int channels,
                const std::vector<float>& interleaved) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  ASSERT_TRUE(sf_format_check(&info)) << p;
  SNDFILE* f = sf_open(p.string().c_str(), SFM_WRITE, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  sf_count_t frames = static_cast<sf_count_t>(interleaved.size() / channels);
  EXPECT_EQ(sf_writef_float(f, interleaved.data(), frames), frames);
  sf_close(f);
}

std::vector<float> tone(double freq, int rate, double seconds, double amp) {
  std::vector<float> v(static_cast<std::size_t>(std::lround(seconds * rate)));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(amp * std::sin(2 * kPi * freq * i / rate));
  return v;
}

// Frequency from interpolated upward zero crossings, ignoring the first and last 10 %.
double estimate_frequency(const std::vector<float>& x, int rate) {
  std::size_t lo = x.size() / 10, hi = x.size() - x.size() / 10;
  double first = -1, last = -1;
  int crossings = 0;
  for (std::size_t i = lo; i + 1 < hi; ++i) {
    if (x[i] < 0 && x[i + 1] >= 0) {
      double t = i + x[i] / (x[i] - x[i + 1]);
      if (first < 0) first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 2) return 0;
  return (crossings - 1) / ((last - first) / rate);
}

double rms(const std::vector<float>& x, std::size_t lo, std::size_t hi) {
  double s = 0;
  for (std::size_t i = lo; i < hi; ++i) s += static_cast<double>(x[i]) * x[i];
  return std::sqrt(s / static_cast<double>(hi - lo));
}

struct Case {
  const char* name;
  int format;
  int rate;
  double tolerance;  // per-sample quantisation of the format
};

const Case kCases[] = {
    {"8k_pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1.0 / 32767},
    {"22k_pcm24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 22050, 1.0 / 8388607},
    {"44k_float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1e-7},
    {"48k_pcm16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 1.0 / 32767},
    {"48k_pcm24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 48000, 1.0 / 8388607},
};
}  // namespace

TEST(ReadAudio, StereoIsMixedToMonoAtEveryRateAndDepth) {
  fs::path dir = temp_dir();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const double seconds = 0.75;
    std::vector<float> left = tone(300, c.rate, seconds, 0.5), right = tone(500, c.rate, seconds, 0.25);
    std::vector<float> inter(left.size() * 2);
    for (std::size_t i = 0; i < left.size(); ++i) {
      inter[2 * i] = left[i];
      inter[2 * i + 1] = right[i];
    }
    fs::path p = dir / c.name;
    write_file(p, c.format, c.rate, 2, inter);
    audio::Audio a = audio::read_audio(p.string());
    EXPECT_EQ(a.sample_rate, c.rate);
    ASSERT_EQ(a.samples.size(), left.size());
    EXPECT_NEAR(a.duration_s(), seconds, 1.0 / c.rate);
    double worst = 0;
    for (std::size_t i = 0; i < left.size(); ++i)
      worst = std::max(worst, std::fabs(a.samples[i] - 0.5 * (left[i] + right[i])));
    EXPECT_LE(worst, 2 * c.tolerance + 1e-7);
  }
}

TEST(ReadAudio, OggVorbisAndMonoFiles) {
  fs::path dir = temp_dir();
  fs::path p = dir / "tone.ogg";
  std::vector<float> x = tone(440, 44100, 1.0, 0.5);
  write_file(p, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, 1, x);
  audio::Audio a = audio::read_audio(p.string());
  EXPECT_EQ(a.sample_rate, 44100);
  EXPECT_NEAR(a.duration_s(), 1.0, 0.01);
  EXPECT_NEAR(estimate_frequency(a.samples, a.sample_rate), 440.0, 0.5);
  EXPECT_NEAR(rms(a.samples, 4410, 39690), 0.5 / std::sqrt(2.0), 0.02);
}

// Debian 12's libsndfile 1.2 (the one .ci/apt-packages.txt installs) reads and writes MP3.
TEST(ReadAudio, Mp3) {
  SF_INFO probe{};
  probe.samplerate = 44100;
  probe.channels = 2;
  probe.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  ASSERT_TRUE(sf_format_check(&probe)) << "this libsndfile has no MP3 support (emosync expects libsndfile >= 1.1)";
  fs::path p = temp_dir() / "tone.mp3";
  std::vector<float> t = tone(440, 44100, 1.0, 0.5), inter;
  for (float v : t) {
    inter.push_back(v);
    inter.push_back(v);
  }
  write_file(p, probe.format, 44100, 2, inter);
  audio::Audio a = audio::load_mono_16k(p.string());
  EXPECT_EQ(a.sample_rate, 16000);
  EXPECT_NEAR(a.duration_s(), 1.0, 0.1);  // MP3 adds encoder delay and padding
  EXPECT_NEAR(estimate_frequency(a.samples, a.sample_rate), 440.0, 1.0);
}

TEST(Resample, ToneFrequencyDurationAndLevelSurvive) {
  for (int rate : {8000, 22050, 44100, 48000}) {
    SCOPED_TRACE(rate);
    audio::Audio in;
    in.sample_rate = rate;
    in.samples = tone(1000, rate, 1.0, 0.5);
    audio::Audio out = audio::resample(in, audio::kModelRate);
    EXPECT_EQ(out.sample_rate, audio::kModelRate);
    EXPECT_EQ(out.samples.size(), 16000u);
    EXPECT_NEAR(estimate_frequency(out.samples, out.sample_rate), 1000.0, 0.2);
    EXPECT_NEAR(rms(out.samples, 1600, 14400), 0.5 / std::sqrt(2.0), 0.005);
  }
}

TEST(Resample, AgreesWithThePureCppResamplerOfTheWasmBuild) {
  // Speech-band mixture; the two band-limited resamplers must agree away from the edges.
  for (int rate : {22050, 44100, 48000}) {
    SCOPED_TRACE(rate);
    audio::Audio in;
    in.sample_rate = rate;
    in.samples.resize(static_cast<std::size_t>(rate / 2));
    for (std::size_t i = 0; i < in.samples.size(); ++i) {
      double t = static_cast<double>(i) / rate;
      in.samples[i] =
          static_cast<float>(0.3 * std::sin(2 * kPi * 180 * t) + 0.2 * std::sin(2 * kPi * 1100 * t) +
                             0.1 * std::sin(2 * kPi * 3300 * t));
    }
    std::vector<float> a = audio::resample(in, 16000).samples;
    std::vector<float> b = features::resample_sinc(in.samples, rate, 16000);
    ASSERT_EQ(a.size(), b.size());
    double worst = 0;
    for (std::size_t i = a.size() / 10; i < a.size() - a.size() / 10; ++i)
      worst = std::max(worst, static_cast<double>(std::fabs(a[i] - b[i])));
    EXPECT_LT(worst, 2e-3);
  }
}

TEST(Resample, RemovesWhatCannotBeRepresented) {
  // A 7 kHz tone at 48 kHz lies above the 4 kHz Nyquist of 8 kHz: it must be filtered
  // out, not folded down to 1 kHz.
  audio::Audio in;
  in.sample_rate = 48000;
  in.samples = tone(7000, 48000, 1.0, 0.5);
  audio::Audio out = audio::resample(in, 8000);
  EXPECT_EQ(out.samples.size(), 8000u);
  EXPECT_LT(rms(out.samples, 800, 7200), 0.005);
}

TEST(Resample, SameRateIsACopyAndBadRatesAreErrors) {
  audio::Audio in;
  in.sample_rate = 16000;
  in.samples = {0.1f, -0.2f, 0.3f};
  EXPECT_EQ(audio::resample(in, 16000).samples, in.samples);
  EXPECT_THROW(audio::resample(in, 0), Error);
  in.sample_rate = 1;
  EXPECT_THROW(audio::resample(in, 16000), Error);  // ratio 16000 is beyond libsamplerate's 256
}

TEST(LoadMono16k, AnyFileEndsAt16kMono) {
  fs::path dir = temp_dir();
  fs::path p = dir / "stereo_22k.wav";
  std::vector<float> t = tone(440, 22050, 2.0, 0.4);
  std::vector<float> inter;
  for (float v : t) {
    inter.push_back(v);
    inter.push_back(v);
  }
  write_file(p, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 2, inter);
  audio::Audio a = audio::load_mono_16k(p.string());
  EXPECT_EQ(a.sample_rate, 16000);
  EXPECT_EQ(a.samples.size(), 32000u);
  EXPECT_NEAR(estimate_frequency(a.samples, 16000), 440.0, 0.2);
}

TEST(WriteWav16, RoundTripsThroughLibsndfileAndClips) {
  fs::path p = temp_dir() / "sub" / "out.wav";
  audio::Audio a;
  a.sample_rate = 16000;
  a.samples = tone(250, 16000, 0.5, 0.8);
  a.samples.push_back(1.7f);  // clipped to +1
  a.samples.push_back(-3.f);  // clipped to -1
  audio::write_wav16(p.string(), a);
  EXPECT_EQ(fs::file_size(p), 44 + 2 * a.samples.size());
  SF_INFO info{};
  SNDFILE* f = sf_open(p.string().c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  EXPECT_EQ(info.channels, 1);
  EXPECT_EQ(info.samplerate, 16000);
  sf_close(f);
  audio::Audio b = audio::read_audio(p.string());
  ASSERT_EQ(b.samples.size(), a.samples.size());
  for (std::size_t i = 0; i + 2 < a.samples.size(); ++i)
    ASSERT_NEAR(b.samples[i], a.samples[i], 2.0 / 32767);  // write scales by 32767, libsndfile reads by 32768
  EXPECT_NEAR(b.samples[b.samples.size() - 2], 32767.0 / 32768.0, 1e-6);
  EXPECT_NEAR(b.samples.back(), -32767.0 / 32768.0, 1e-6);
  // Nothing but the target is left in the directory (the write was atomic).
  int entries = 0;
  for (auto& e : fs::directory_iterator(p.parent_path())) entries += e.is_regular_file();
  EXPECT_EQ(entries, 1);
}

TEST(ReadAudio, MissingAndCorruptFilesNameTheFile) {
  fs::path dir = temp_dir();
  std::string missing = (dir / "nope.wav").string();
  try {
    audio::read_audio(missing);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  std::string corrupt = (dir / "corrupt.wav").string();
  io::write_file_atomic(corrupt, "RIFF\x10\x00\x00\x00WAVEjunkjunkjunk not audio at all");
  try {
    audio::load_mono_16k(corrupt);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(corrupt), std::string::npos) << e.what();
  }
}

// decode_audio reads the same bytes read_audio reads from a file (an upload, say), and
// stops a too-long input with an error naming the source.
TEST(DecodeAudio, BytesInMemoryReadLikeTheFile) {
  fs::path dir = temp_dir();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    fs::path p = dir / c.name;
    write_file(p, c.format, c.rate, 1, tone(300, c.rate, 0.5, 0.5));
    audio::Audio from_file = audio::read_audio(p.string());
    audio::Audio from_bytes = audio::decode_audio(io::read_file(p.string()), "upload");
    EXPECT_EQ(from_bytes.sample_rate, from_file.sample_rate);
    EXPECT_EQ(from_bytes.samples, from_file.samples);
  }
  fs::path ogg = dir / "tone.ogg";
  write_file(ogg, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, 2, std::vector<float>(2 * 44100, 0.1f));
  EXPECT_NEAR(audio::decode_audio(io::read_file(ogg.string()), "upload").duration_s(), 1.0, 0.01);

  const std::string wav = audio::wav16_bytes({tone(200, 16000, 3.0, 0.3), 16000});
  EXPECT_NEAR(audio::decode_audio(wav, "upload", 3.5).duration_s(), 3.0, 1e-9);
  try {
    audio::decode_audio(wav, "upload", 2.0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("upload: longer than 2 s"), std::string::npos) << e.what();
  }
  for (const std::string& junk : {std::string(), std::string("RIFF\x10\x00\x00\x00WAVEjunk", 16), std::string(500, 'x')}) {
    try {
      audio::decode_audio(junk, "upload");
      FAIL() << "expected an error for " << junk.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("upload: ", 0), 0u) << e.what();
    }
  }
}

// ---- Hardening (issue 18): bad inputs are errors naming the file, never silent or unbounded.

namespace {
using test_support::error_of;

// Feeds `bytes` into the FIFO at `path` from a thread, as a producer piping audio would.
// It gives up (instead of hanging) when no reader opens the FIFO within a few seconds,
// and stops quietly when the reader goes away early (EPIPE, with SIGPIPE ignored).
std::thread feed_fifo(const std::string& path, std::string bytes) {
  std::signal(SIGPIPE, SIG_IGN);
  return std::thread([path, bytes = std::move(bytes)] {
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 500; ++tries) {
      fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    for (std::size_t at = 0; at < bytes.size();) {
      const ssize_t n = ::write(fd, bytes.data() + at, bytes.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
}

// A 16 kHz mono 16-bit WAV whose header claims 0xFFFFFFFF data bytes (~2^31 frames),
// as a streaming writer that does not know the length puts into a pipe.
std::string wav_claiming_forever(double seconds) {
  std::string w = audio::wav16_bytes({tone(200, 16000, seconds, 0.3), 16000});
  for (std::size_t at : {std::size_t{4}, std::size_t{40}}) w.replace(at, 4, std::string(4, '\xff'));
  return w;
}

fs::path fifo(const std::string& name) {
  fs::path p = temp_dir() / name;
  fs::remove(p);
  EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0) << p;
  return p;
}
}  // namespace

TEST(ReadAudio, NonFiniteSamplesAreRejectedWithTheFileAndTheirTime) {
  fs::path dir = temp_dir();
  std::vector<float> stereo(2 * 16000, 0.25f);
  stereo[2 * 8000 + 1] = std::nanf("");
  fs::path nan_wav = dir / "nan.wav";
  write_file(nan_wav, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 2, stereo);
  for (const std::string& msg :
       {error_of([&] { audio::load_mono_16k(nan_wav.string()); }),
        error_of([&] { audio::decode_audio(io::read_file(nan_wav.string()), "upload"); })}) {
    EXPECT_NE(msg.find("0.500 s (frame 8000, channel 2) is NaN"), std::string::npos) << msg;
  }
  EXPECT_EQ(error_of([&] { audio::read_audio(nan_wav.string()); }).rfind(nan_wav.string() + ": ", 0), 0u);

  std::vector<float> mono(16000, 0.25f);
  mono[4000] = -INFINITY;
  fs::path inf_wav = dir / "inf.wav";
  write_file(inf_wav, SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 16000, 1, mono);
  const std::string msg = error_of([&] { audio::read_audio(inf_wav.string()); });
  EXPECT_NE(msg.find(inf_wav.string() + ": sample at 0.250 s (frame 4000) is infinite"), std::string::npos) << msg;
}

TEST(ReadAudio, HeaderOnlyFilesAndDirectoriesAreClearErrors) {
  fs::path dir = temp_dir();
  fs::path empty = dir / "header_only.wav";
  write_file(empty, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, {});
  std::string msg = error_of([&] { audio::read_audio(empty.string()); });
  EXPECT_NE(msg.find(empty.string() + ": no audio samples"), std::string::npos) << msg;
  msg = error_of([&] { audio::decode_audio(io::read_file(empty.string()), "upload"); });
  EXPECT_NE(msg.find("upload: no audio samples"), std::string::npos) << msg;

  fs::path zero = dir / "zero_bytes.wav";
  io::write_file_atomic(zero.string(), "");
  msg = error_of([&] { audio::read_audio(zero.string()); });
  EXPECT_EQ(msg, zero.string() + ": empty file (0 bytes), not audio");

  fs::path folder = dir / "a_folder.wav";
  fs::create_directories(folder);
  msg = error_of([&] { audio::load_mono_16k(folder.string()); });
  EXPECT_NE(msg.find(folder.string() + ": is a directory"), std::string::npos) << msg;
}

TEST(ReadAudio, TruncatedMp3IsAnErrorNotAShortClip) {
  fs::path p = temp_dir() / "truncated.mp3";
  write_file(p, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100, 1, tone(300, 44100, 3.24, 0.5));
  const std::string whole = io::read_file(p.string());
  EXPECT_NEAR(audio::decode_audio(whole, "whole").duration_s(), 3.24, 0.1);  // the intact file reads
  fs::resize_file(p, 3000);  // 0.4 s of 3.24 s is left
  std::string msg = error_of([&] { audio::load_mono_16k(p.string()); });
  EXPECT_EQ(msg.rfind(p.string() + ": truncated or corrupt audio: decoded 0.", 0), 0u) << msg;
  EXPECT_NE(msg.find("of the 3.24"), std::string::npos) << msg;
  msg = error_of([&] { audio::decode_audio(whole.substr(0, 3000), "upload"); });
  EXPECT_EQ(msg.rfind("upload: truncated or corrupt audio", 0), 0u) << msg;
}

TEST(ReadAudio, LongerThanTheLimitFailsBeforeReadingAFile) {
  fs::path p = temp_dir() / "long.wav";
  write_file(p, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, tone(300, 8000, 3.0, 0.5));
  EXPECT_NEAR(audio::read_audio(p.string(), 3.0).duration_s(), 3.0, 1e-9);
  const std::string msg = error_of([&] { audio::read_audio(p.string(), 2.5); });
  EXPECT_EQ(msg, p.string() + ": longer than 2.5 s, the limit on audio inputs (3.000 s in its header)");
  EXPECT_EQ(audio::kMaxInputSeconds, 3600);
  // Above 48 kHz the limit counts samples: 2 s at 48 kHz is 1 s at 96 kHz.
  fs::path fast = temp_dir() / "96k.flac";
  write_file(fast, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 96000, 1, tone(300, 96000, 1.5, 0.5));
  EXPECT_EQ(error_of([&] { audio::read_audio(fast.string(), 2.0); }),
            fast.string() + ": longer than 1 s, the limit on audio inputs at 96000 Hz (1.500 s in its header)");
  EXPECT_NEAR(audio::read_audio(fast.string(), 3.0).duration_s(), 1.5, 1e-9);
}

// A pipe's header may claim any length: nothing is reserved from it, the audio that does
// arrive is read, and a pipe that goes on past the limit stops with an error.
TEST(ReadAudio, PipeClaimingTwoBillionFramesIsReadWithinTheLimit) {
  fs::path short_pipe = fifo("short.wav");
  std::thread writer = feed_fifo(short_pipe.string(), wav_claiming_forever(1.0));
  audio::Audio a;
  const std::string msg = error_of([&] { a = audio::read_audio(short_pipe.string()); });
  writer.join();
  EXPECT_EQ(msg, "(no error)");
  EXPECT_EQ(a.samples.size(), 16000u);
  EXPECT_LT(a.samples.capacity(), std::size_t{1} << 20);  // not the header's 2^31 floats

  fs::path long_pipe = fifo("long.wav");
  writer = feed_fifo(long_pipe.string(), wav_claiming_forever(3.0));
  const std::string too_long = error_of([&] { audio::read_audio(long_pipe.string(), 2.0); });
  writer.join();
  EXPECT_EQ(too_long.rfind(long_pipe.string() + ": longer than 2 s, the limit on audio inputs (", 0), 0u) << too_long;
  EXPECT_NE(too_long.find("read so far)"), std::string::npos) << too_long;
}
