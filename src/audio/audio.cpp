#include "audio/audio.h"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "io/atomic_file.h"
#include "io/error.h"

namespace emosync::audio {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};

void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}

}  // namespace

Audio read_audio(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such audio file");
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> f(sf_open(path.c_str(), SFM_READ, &info));
  if (!f) throw Error(path + ": cannot read as audio (" + sf_strerror(nullptr) + ")");
  if (info.channels < 1 || info.samplerate < 1)
    throw Error(path + ": invalid audio header (" + std::to_string(info.channels) + " channels, " +
                std::to_string(info.samplerate) + " Hz)");
  // Float reads are normalised to [-1, 1] for integer formats; float files pass as they are.
  sf_command(f.get(), SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

  Audio out;
  out.sample_rate = info.samplerate;
  // Streams and some MP3s report an unknown (huge) length: only trust plausible ones.
  if (info.frames > 0 && info.frames < (sf_count_t{1} << 31))
    out.samples.reserve(static_cast<std::size_t>(info.frames));
  const int ch = info.channels;
  const sf_count_t block = 8192;
  std::vector<float> buf(static_cast<std::size_t>(block * ch));
  const float inv = 1.0f / static_cast<float>(ch);
  for (;;) {
    sf_count_t got = sf_readf_float(f.get(), buf.data(), block);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      const float* frame = buf.data() + i * ch;
      float sum = 0.f;
      for (int c = 0; c < ch; ++c) sum += frame[c];
      out.samples.push_back(ch == 1 ? sum : sum * inv);
    }
  }
  if (sf_error(f.get()) != SF_ERR_NO_ERROR)
    throw Error(path + ": error while decoding audio (" + sf_strerror(f.get()) + ")");
  return out;
}

int resampler_quality() { return SRC_SINC_MEDIUM_QUALITY; }

Audio resample(const Audio& in, int rate) {
  if (rate <= 0) throw Error("resample: target rate must be positive, got " + std::to_string(rate));
  if (in.sample_rate <= 0)
    throw Error("resample: source rate must be positive, got " + std::to_string(in.sample_rate));
  if (in.sample_rate == rate || in.samples.empty()) {
    Audio out = in;
    out.sample_rate = rate;
    return out;
  }
  const double ratio = static_cast<double>(rate) / in.sample_rate;
  if (!src_is_valid_ratio(ratio))
    throw Error("resample: ratio " + std::to_string(in.sample_rate) + " -> " + std::to_string(rate) +
                " Hz is outside libsamplerate's range");
  Audio out;
  out.sample_rate = rate;
  // Expected length is round(n * ratio); a little headroom for the converter's flush.
  const long expected = std::lround(static_cast<double>(in.samples.size()) * ratio);
  out.samples.resize(static_cast<std::size_t>(expected) + 16);
  SRC_DATA d{};
  d.data_in = in.samples.data();
  d.input_frames = static_cast<long>(in.samples.size());
  d.data_out = out.samples.data();
  d.output_frames = static_cast<long>(out.samples.size());
  d.end_of_input = 1;
  d.src_ratio = ratio;
  int err = src_simple(&d, resampler_quality(), 1);
  if (err != 0) throw Error(std::string("resample: libsamplerate: ") + src_strerror(err));
  // Keep the length exactly round(n * ratio) so durations survive the conversion.
  out.samples.resize(static_cast<std::size_t>(d.output_frames_gen));
  out.samples.resize(static_cast<std::size_t>(expected), 0.f);
  return out;
}

Audio load_mono_16k(const std::string& path) {
  Audio a = read_audio(path);
  try {
    return resample(a, kModelRate);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

std::string wav16_bytes(const Audio& a) {
  if (a.sample_rate <= 0)
    throw Error("wav16: sample rate must be positive, got " + std::to_string(a.sample_rate));
  const std::uint64_t data_bytes = static_cast<std::uint64_t>(a.samples.size()) * 2;
  if (data_bytes > 0xffffffffull - 36) throw Error("wav16: audio too long for a WAV file");
  std::string s;
  s.reserve(44 + data_bytes);
  s += "RIFF";
  put_u32(s, static_cast<std::uint32_t>(36 + data_bytes));
  s += "WAVEfmt ";
  put_u32(s, 16);
  put_u16(s, 1);  // PCM
  put_u16(s, 1);  // mono
  put_u32(s, static_cast<std::uint32_t>(a.sample_rate));
  put_u32(s, static_cast<std::uint32_t>(a.sample_rate) * 2);
  put_u16(s, 2);
  put_u16(s, 16);
  s += "data";
  put_u32(s, static_cast<std::uint32_t>(data_bytes));
  for (float x : a.samples) {
    float c = std::isnan(x) ? 0.f : std::clamp(x, -1.f, 1.f);
    auto v = static_cast<std::int16_t>(std::lrint(c * 32767.f));
    put_u16(s, static_cast<std::uint16_t>(v));
  }
  return s;
}

void write_wav16(const std::string& path, const Audio& a) {
  std::string bytes;
  try {
    bytes = wav16_bytes(a);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  io::write_file_atomic(path, bytes);
}

}  // namespace emosync::audio
