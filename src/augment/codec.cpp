#include "augment/codec.h"

#include <sndfile.h>

#include <algorithm>
#include <cstring>

#include "audio/audio.h"
#include "io/error.h"

namespace emosync::augment {
namespace {

// A growable in-memory file for sf_open_virtual.
struct Memory {
  std::string bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_len(void* u) { return static_cast<sf_count_t>(static_cast<Memory*>(u)->bytes.size()); }
sf_count_t mem_seek(sf_count_t off, int whence, void* u) {
  Memory* m = static_cast<Memory*>(u);
  const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : mem_len(u);
  if (base + off < 0) return -1;
  return m->pos = base + off;
}
sf_count_t mem_read(void* ptr, sf_count_t n, void* u) {
  Memory* m = static_cast<Memory*>(u);
  const sf_count_t left = std::max<sf_count_t>(0, mem_len(u) - m->pos);
  n = std::min(n, left);
  std::memcpy(ptr, m->bytes.data() + m->pos, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void* ptr, sf_count_t n, void* u) {
  Memory* m = static_cast<Memory*>(u);
  const std::size_t end = static_cast<std::size_t>(m->pos + n);
  if (m->bytes.size() < end) m->bytes.resize(end);
  std::memcpy(m->bytes.data() + m->pos, ptr, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t mem_tell(void* u) { return static_cast<Memory*>(u)->pos; }
SF_VIRTUAL_IO kVio{mem_len, mem_seek, mem_read, mem_write, mem_tell};

int format_of(Codec c) {
  return c == Codec::Mp3 ? SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III : SF_FORMAT_OGG | SF_FORMAT_OPUS;
}

// The codec's delay in samples at 16 kHz, measured by libsndfile 1.2.0 on Debian 12
// (tests/augment checks it still holds: the round trip correlates best at lag 0).
std::size_t delay_of(Codec c) { return c == Codec::Mp3 ? 0 : 0; }

}  // namespace

const char* codec_name(Codec c) { return c == Codec::Mp3 ? "mp3" : "opus"; }

std::string encode(const std::vector<float>& x, Codec codec, double level) {
  const std::string what = std::string(codec_name(codec)) + " encoder (libsndfile)";
  if (!(level >= 0 && level <= 1)) throw Error(what + ": compression level must be in [0, 1]");
  Memory m;
  SF_INFO info{};
  info.samplerate = audio::kModelRate;
  info.channels = 1;
  info.format = format_of(codec);
  SNDFILE* f = sf_open_virtual(&kVio, SFM_WRITE, &info, &m);
  if (!f) throw Error(what + ": " + sf_strerror(nullptr));
  sf_command(f, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
  // Full scale is where the encoder clips; keep the take below it.
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::abs(v));
  std::vector<float> scaled = x;
  if (peak > 0.99f)
    for (float& v : scaled) v *= 0.99f / peak;
  const sf_count_t n = static_cast<sf_count_t>(scaled.size());
  const sf_count_t wrote = sf_writef_float(f, scaled.data(), n);
  std::string err = wrote == n ? "" : sf_strerror(f);
  sf_close(f);
  if (!err.empty()) throw Error(what + ": " + err);
  return m.bytes;
}

std::vector<float> codec_round_trip(const std::vector<float>& x, Codec codec, double level) {
  if (x.empty()) return x;
  const std::string what = std::string(codec_name(codec)) + " decoder (libsndfile)";
  Memory m{encode(x, codec, level), 0};
  SF_INFO info{};
  SNDFILE* f = sf_open_virtual(&kVio, SFM_READ, &info, &m);
  if (!f) throw Error(what + ": " + sf_strerror(nullptr));
  if (info.channels != 1 || info.samplerate != audio::kModelRate) {
    sf_close(f);
    throw Error(what + ": decoded " + std::to_string(info.channels) + " channel(s) at " +
                std::to_string(info.samplerate) + " Hz, expected mono 16 kHz");
  }
  std::vector<float> y;
  std::vector<float> buf(4096);
  for (sf_count_t got; (got = sf_readf_float(f, buf.data(), static_cast<sf_count_t>(buf.size()))) > 0;)
    y.insert(y.end(), buf.begin(), buf.begin() + got);
  sf_close(f);
  const std::size_t d = std::min(delay_of(codec), y.size());
  y.erase(y.begin(), y.begin() + static_cast<long>(d));
  y.resize(x.size(), 0.f);
  return y;
}

}  // namespace emosync::augment
