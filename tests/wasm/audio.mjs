// Test audio without files: a speech-like signal (voiced syllables with moving formants,
// pauses between words) and a WAV encoder for it. Shared by the wasm tests, the browser
// test's Live panel and bench/wasm_bench.mjs.

// Mono Float32Array of `seconds` at `rate`: about 4 syllables per second, a pause every
// third syllable, a 100-140 Hz voice through two formant-like resonances. Deterministic.
export function speechLike(seconds, rate = 16000) {
  const n = Math.round(seconds * rate);
  const out = new Float32Array(n);
  const syll = 0.25;                       // seconds per syllable slot
  const formants = [[700, 1200], [300, 2300], [500, 900], [400, 1900], [650, 1700]];
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const k = Math.floor(t / syll), u = t / syll - k;
    const voiced = k % 3 !== 2 && t > 0.2 && t < seconds - 0.2;  // silence at both ends
    const env = voiced ? Math.sin(Math.PI * Math.min(1, u / 0.8)) ** 2 : 0;
    const f0 = 100 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    const [f1, f2] = formants[k % formants.length];
    let s = 0;
    for (let h = 1; h * f0 < 4000; h++) {
      const f = h * f0;
      const w = 1 / (1 + ((f - f1) / 120) ** 2) + 0.5 / (1 + ((f - f2) / 180) ** 2);
      s += w * Math.sin(h * phase);
    }
    out[i] = 0.25 * env * s;
  }
  return out;
}

// RIFF/WAVE bytes (Uint8Array) of channel data: format 'pcm16' or 'float32'. `channels`
// is an array of Float32Arrays of equal length.
export function encodeWav(channels, rate, format = 'pcm16') {
  const n = channels[0].length, c = channels.length;
  const width = format === 'pcm16' ? 2 : 4;
  const bytes = new Uint8Array(44 + n * c * width);
  const v = new DataView(bytes.buffer);
  const str = (at, s) => { for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i); };
  str(0, 'RIFF'); v.setUint32(4, 36 + n * c * width, true); str(8, 'WAVE'); str(12, 'fmt ');
  v.setUint32(16, 16, true); v.setUint16(20, format === 'pcm16' ? 1 : 3, true); v.setUint16(22, c, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * c * width, true); v.setUint16(32, c * width, true);
  v.setUint16(34, width * 8, true); str(36, 'data'); v.setUint32(40, n * c * width, true);
  let at = 44;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++, at += width) {
      const x = channels[ch][i];
      if (format === 'pcm16') v.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(x * 32768))), true);
      else v.setFloat32(at, x, true);
    }
  return bytes;
}

// What a PCM16 WAV of x decodes to (the same rounding as encodeWav).
export function quantise16(x) {
  return Float32Array.from(x, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32768))) / 32768);
}
