#pragma once
// The spectral machinery the effects share: a complex FFT (features::RealFft is forward
// only, and the warps need the inverse), short-time Fourier processing with
// overlap-add, and FFT convolution.
#include <complex>
#include <cstddef>
#include <functional>
#include <vector>

namespace emosync::augment {

using Spectrum = std::vector<std::complex<double>>;

// In place, radix-2; a.size() a power of two. The inverse is scaled by 1/n.
void fft(Spectrum& a, bool inverse);
std::size_t next_pow2(std::size_t n);

// Short-time Fourier processing: Hann-windowed frames of n samples taken every hop_in
// samples (frame m centred on sample m * hop_in), each full n-bin spectrum passed to
// `edit` (with its frame index), resynthesised with the same window and overlap-added
// every hop_out samples, then divided by the summed squared window. The output has
// round(x.size() * hop_out / hop_in) samples; with hop_out == hop_in and an edit that
// changes nothing it is x. An edit must keep the spectrum Hermitian (only the real part
// of the inverse is kept).
std::vector<float> stft_process(const std::vector<float>& x, std::size_t n, std::size_t hop_in, std::size_t hop_out,
                                const std::function<void(Spectrum&, std::size_t frame)>& edit);

// x convolved with h, keeping x's length (the tail past the end is dropped): FFT
// overlap-add, so a 0.8 s impulse response costs little more than a short one.
std::vector<float> convolve(const std::vector<float>& x, const std::vector<float>& h);

}  // namespace emosync::augment
