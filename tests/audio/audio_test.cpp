#include "audio/audio.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "features/resample.h"
#include "io/atomic_file.h"
#include "io/error.h"

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
