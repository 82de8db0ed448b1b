#include "audio/audio.h"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
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

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

// The frame count of the header when it can be believed, else 0. A pipe's is often a
// placeholder (0xFFFFFFFF bytes for "until the writer stops"). An MP3's is exact only
// from a Xing/Info/VBRI frame, which libsndfile reports as a variable bitrate; without
// one it is guessed from the file size (a large ID3 tag made 11 s of a 3.3 s file).
sf_count_t header_frames(SNDFILE* f, const SF_INFO& info) {
  if (!info.seekable || info.frames <= 0) return 0;
  const bool mpeg = (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
  if (mpeg && sf_command(f, SFC_GET_BITRATE_MODE, nullptr, 0) == SF_BITRATE_MODE_CONSTANT) return 0;
  return info.frames;
}

// How much shorter than its header an input may decode (encoder delay and padding, a
// resync over one damaged MP3 frame); anything more is a truncated or corrupt file,
// which must not pass as a short clip.
bool short_read(sf_count_t got, sf_count_t header, int rate) {
  const sf_count_t slack = std::max<sf_count_t>(header / 20, rate / 10);
  return got + slack < header;
}

// The frames of an open file, mixed to mono. `what` names the source in errors. The
// header's frame count is never trusted for memory: a pipe may claim any length, so
// max_seconds is enforced on what has been read, block by block.
Audio decode(SNDFILE* f, const SF_INFO& info, const std::string& what, double max_seconds) {
  if (!(max_seconds > 0)) throw Error(what + ": the longest audio to read must be positive");
  if (info.channels < 1 || info.samplerate < 1)
    throw Error(what + ": invalid audio header (" + std::to_string(info.channels) + " channels, " +
                std::to_string(info.samplerate) + " Hz)");
  // Memory follows samples, not seconds: above kFullLengthRate the limit shrinks in
  // proportion (FLAC and Vorbis go to 655 kHz, whose hour of silence is a small file
  // but 9 GB of samples).
  const double max_frames = max_seconds * std::min(info.samplerate, kFullLengthRate);
  auto too_long = [&](double frames, const char* counted) {
    if (frames > max_frames) {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", max_frames / info.samplerate);
      throw Error(what + ": longer than " + limit + " s, the limit on audio inputs" +
                  (info.samplerate > kFullLengthRate ? " at " + std::to_string(info.samplerate) + " Hz" : "") + " (" +
                  seconds_text(frames / info.samplerate) + " " + counted + ")");
    }
  };
  const sf_count_t header = header_frames(f, info);
  too_long(static_cast<double>(header), "in its header");
  // Float reads are normalised to [-1, 1] for integer formats; float files pass as they are.
  sf_command(f, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);

  Audio out;
  out.sample_rate = info.samplerate;
  const int ch = info.channels;
  const sf_count_t block = 8192;
  std::vector<float> buf(static_cast<std::size_t>(block * ch));
  const float inv = 1.0f / static_cast<float>(ch);
  for (;;) {
    sf_count_t got = sf_readf_float(f, buf.data(), block);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      const float* frame = buf.data() + i * ch;
      float sum = 0.f;
      for (int c = 0; c < ch; ++c) {
        // A float file can hold NaN or Inf; they would turn every feature and frame
        // after them into NaN, so the first one stops the read.
        if (!std::isfinite(frame[c])) {
          const std::size_t n = out.samples.size();
          throw Error(what + ": sample at " + seconds_text(static_cast<double>(n) / info.samplerate) + " (frame " +
                      std::to_string(n) + (ch > 1 ? ", channel " + std::to_string(c + 1) : std::string()) + ") is " +
                      (std::isnan(frame[c]) ? "NaN" : "infinite") + "; audio samples must be finite");
        }
        sum += frame[c];
      }
      out.samples.push_back(ch == 1 ? sum : sum * inv);
    }
    too_long(static_cast<double>(out.samples.size()), "read so far");
  }
  if (sf_error(f) != SF_ERR_NO_ERROR) throw Error(what + ": error while decoding audio (" + sf_strerror(f) + ")");
  const auto got = static_cast<sf_count_t>(out.samples.size());
  if (short_read(got, header, info.samplerate))
    throw Error(what + ": truncated or corrupt audio: decoded " + seconds_text(out.duration_s()) + " of the " +
                seconds_text(static_cast<double>(header) / info.samplerate) + " its header announces");
  if (got == 0) throw Error(what + ": no audio samples (the file holds a header only)");
  return out;
}

// libsndfile's virtual I/O over a byte buffer (read-only).
struct MemoryFile {
  const std::string* bytes;
  sf_count_t pos = 0;
};
sf_count_t mem_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes->size()); }
sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(m->bytes->size());
  sf_count_t to = whence == SEEK_SET ? offset : whence == SEEK_CUR ? m->pos + offset : size + offset;
  m->pos = std::clamp<sf_count_t>(to, 0, size);
  return m->pos;
}
sf_count_t mem_read(void* dst, sf_count_t count, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(m->bytes->size());
  const sf_count_t n = std::clamp<sf_count_t>(size - m->pos, 0, std::max<sf_count_t>(count, 0));
  if (n > 0) std::memcpy(dst, m->bytes->data() + m->pos, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

}  // namespace

Audio read_audio(const std::string& path, double max_seconds) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw Error(path + ": no such audio file");
  if (std::filesystem::is_directory(status)) throw Error(path + ": is a directory, not an audio file");
  if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(path, ec) == 0)
    throw Error(path + ": empty file (0 bytes), not audio");
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> f(sf_open(path.c_str(), SFM_READ, &info));
  if (!f) throw Error(path + ": cannot read as audio (" + sf_strerror(nullptr) + ")");
  return decode(f.get(), info, path, max_seconds);
}

Audio decode_audio(const std::string& bytes, const std::string& what, double max_seconds) {
  if (bytes.empty()) throw Error(what + ": empty (no audio bytes)");
  MemoryFile mem{&bytes};
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> f(sf_open_virtual(&io, SFM_READ, &info, &mem));
  if (!f) throw Error(what + ": cannot read as audio (" + sf_strerror(nullptr) + ")");
  return decode(f.get(), info, what, max_seconds);
}

int resampler_quality() { return SRC_SINC_MEDIUM_QUALITY; }

Audio within_rates(Audio a, int lo_hz, int hi_hz, int to_hz, const std::string& what) {
  if (a.sample_rate >= lo_hz && a.sample_rate <= hi_hz) return a;
  try {
    return resample(a, to_hz);
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
}

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

Audio load_mono_16k(const std::string& path, double max_seconds) {
  Audio a = read_audio(path, max_seconds);
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
