#pragma once
// Lossy codecs through libsndfile (Debian 12's 1.2.0 has both: MP3 by LAME/mpg123,
// Opus in Ogg), encoded to and decoded from memory. 16 kHz mono in and out.
#include <string>
#include <vector>

namespace emosync::augment {

enum class Codec { Mp3, Opus };
const char* codec_name(Codec c);

// Encodes x with libsndfile's compression level `level` (0 = best quality, 1 = smallest),
// decodes it again and returns exactly x.size() samples, shifted back by the codec's
// delay so sample i still lies at time i. Errors name the codec.
std::vector<float> codec_round_trip(const std::vector<float>& x, Codec codec, double level);
// The bytes of the encoded stream (to measure bit rates).
std::string encode(const std::vector<float>& x, Codec codec, double level);

}  // namespace emosync::augment
