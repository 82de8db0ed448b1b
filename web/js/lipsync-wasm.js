// LipSyncWasmWrapper: the emosync runtime compiled to WebAssembly (web/wasm/emosync.mjs,
// built by scripts/build-wasm), behind the public surface of the V2 browser wrapper so
// pages written for V2 keep working, plus the V3 additions (19-dim emotion, tagged-text
// timelines) and the text emotion tagger. Runs in browsers (audio decoded with Web Audio)
// and under node (WAV decoded here; other formats need Web Audio).
//
//   const lipsync = new LipSyncWasmWrapper({ wasmPath: '/wasm/emosync.mjs' });
//   await lipsync.init({ onProgress: (stage, percent) => ... });
//   lipsync.setEmotion('joy', 80);
//   const r = await lipsync.processFile(file);   // {blendshapes, frame_count, fps: 30, mode, names}
//   lipsync.getFrame(r, 10);                     // Float32Array(52), ARKit order (r.names)
//
// Every method checks its arguments and throws (or rejects with) a LipSyncError whose
// message names the argument or carries the runtime's own message; nothing is retried
// silently.

const BLENDSHAPES = 52;
const CONDITIONING_DIM = 19;
const FPS = 30;
const MODEL_RATE = 16000;  // the rate of processAudio / processAudioChunk input (V2's contract)
const PULL_BLOCK = 256;    // frames fetched per emosync_stream_pull call

const STATUS = ['ok', 'argument', 'model', 'audio', 'timeline', 'state', 'internal'];

export class LipSyncError extends Error {
  constructor(message, code = 'argument') {
    super(message);
    this.name = 'LipSyncError';
    this.code = code;  // 'argument' | 'model' | 'audio' | 'timeline' | 'state' | 'internal' | 'format'
  }
}

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

// Bytes of a URL or path, reporting download progress where the size is known.
async function loadBytes(where, onPercent) {
  if (isNode && !/^(https?|data|blob):/i.test(String(where))) {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const s = String(where);
    const bytes = new Uint8Array(await readFile(s.startsWith('file:') ? fileURLToPath(s) : s));
    onPercent(100);
    return bytes;
  }
  const res = await fetch(where);
  if (!res.ok) throw new LipSyncError(`${where}: HTTP ${res.status}`, 'model');
  const total = Number(res.headers.get('content-length')) || 0;
  if (!res.body || !total) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    onPercent(100);
    return bytes;
  }
  const parts = [];
  let got = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    onPercent(Math.min(99, Math.floor((100 * got) / total)));
  }
  const bytes = new Uint8Array(got);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  onPercent(100);
  return bytes;
}

async function bytesOf(input, what) {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  throw new LipSyncError(`${what}: expected a File, Blob, ArrayBuffer or typed array, got ${describe(input)}`);
}

function describe(x) {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === 'object') return (x.constructor && x.constructor.name) || 'an object';
  return typeof x;
}

function fourcc(b, at) { return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]); }

// The container of encoded audio, from its first bytes (for messages).
function sniffFormat(b) {
  if (b.length >= 12 && fourcc(b, 0) === 'RIFF' && fourcc(b, 8) === 'WAVE') return 'wav';
  if (b.length >= 4 && fourcc(b, 0) === 'OggS') return 'ogg';
  if (b.length >= 4 && fourcc(b, 0) === 'fLaC') return 'flac';
  if (b.length >= 3 && fourcc(b, 0).startsWith('ID3')) return 'mp3';
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) return 'mp3';
  return 'unknown';
}

// RIFF/WAVE with integer PCM (8, 16, 24, 32 bit) or IEEE float (32, 64 bit), plain or
// WAVE_FORMAT_EXTENSIBLE; channels are averaged to mono. Returns {pcm, sampleRate}.
export function decodeWav(input, name = 'audio') {
  const b = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (b.length < 12 || fourcc(b, 0) !== 'RIFF' || fourcc(b, 8) !== 'WAVE')
    throw new LipSyncError(`${name}: not a RIFF/WAVE file`, 'format');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt = null, data = null;
  for (let at = 12; at + 8 <= b.length;) {
    const id = fourcc(b, at), size = v.getUint32(at + 4, true), body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > b.length) throw new LipSyncError(`${name}: fmt chunk: truncated`, 'format');
      fmt = { code: v.getUint16(body, true), channels: v.getUint16(body + 2, true), rate: v.getUint32(body + 4, true),
        align: v.getUint16(body + 12, true), bits: v.getUint16(body + 14, true) };
      if (fmt.code === 0xfffe && size >= 26) fmt.code = v.getUint16(body + 24, true);  // sub-format GUID's first field
    } else if (id === 'data') {
      // Streamed WAVs may carry a placeholder size: use the bytes that are there.
      data = { at: body, size: Math.min(size, b.length - body) };
      if (fmt) break;
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw new LipSyncError(`${name}: no fmt chunk`, 'format');
  if (!data) throw new LipSyncError(`${name}: no data chunk`, 'format');
  const { code, channels, rate, bits } = fmt;
  const width = bits / 8;
  const ok = (code === 1 && [8, 16, 24, 32].includes(bits)) || (code === 3 && (bits === 32 || bits === 64));
  if (!ok) throw new LipSyncError(`${name}: fmt: format ${code} with ${bits} bits per sample is not supported (PCM 8/16/24/32 or float 32/64)`, 'format');
  if (channels < 1) throw new LipSyncError(`${name}: fmt: ${channels} channels`, 'format');
  if (!(rate > 0)) throw new LipSyncError(`${name}: fmt: sample rate ${rate}`, 'format');
  const frameBytes = width * channels;
  const n = Math.floor(data.size / frameBytes);
  if (n === 0 && data.size > 0) throw new LipSyncError(`${name}: data chunk: truncated (${data.size} bytes, one frame is ${frameBytes})`, 'format');
  const pcm = new Float32Array(n);
  const read = (p) => {
    if (code === 3) return bits === 32 ? v.getFloat32(p, true) : v.getFloat64(p, true);
    switch (bits) {
      case 8: return (b[p] - 128) / 128;
      case 16: return v.getInt16(p, true) / 32768;
      case 24: return (((b[p + 2] << 24) | (b[p + 1] << 16) | (b[p] << 8)) >> 8) / 8388608;
      default: return v.getInt32(p, true) / 2147483648;
    }
  };
  for (let i = 0, p = data.at; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++, p += width) s += read(p);
    pcm[i] = s / channels;
  }
  return { pcm, sampleRate: rate };
}

// Mono samples of an AudioBuffer (or anything with its shape): channels averaged.
function monoOf(buffer) {
  if (!buffer || typeof buffer.getChannelData !== 'function' || !(buffer.numberOfChannels >= 1) || !(buffer.sampleRate > 0))
    throw new LipSyncError(`processAudioBuffer: expected an AudioBuffer, got ${describe(buffer)}`);
  const n = buffer.length;
  if (buffer.numberOfChannels === 1) return Float32Array.from(buffer.getChannelData(0));
  const out = new Float32Array(n);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let i = 0; i < n; i++) out[i] += ch[i];
  }
  for (let i = 0; i < n; i++) out[i] /= buffer.numberOfChannels;
  return out;
}

function checkPcm(pcm, what) {
  if (!(pcm instanceof Float32Array)) throw new LipSyncError(`${what}: expected a Float32Array of samples, got ${describe(pcm)}`);
  return pcm;
}

export class LipSyncWasmWrapper {
  // wasmPath: URL or path of emosync.mjs (emosync.wasm sits beside it); default: the copy
  // built into web/wasm next to this file.
  constructor({ wasmPath } = {}) {
    this.wasmPath = wasmPath ? String(wasmPath) : new URL('../wasm/emosync.mjs', import.meta.url).href;
    this.ready = false;
    this.modelVersion = 'v3';
    this.blendshapeDim = BLENDSHAPES;
    this.names = [];
    this._m = null;        // the emscripten module
    this._ctx = 0;         // emosync_context*
    this._scratch = 0;     // 16 bytes for out-parameters
    this._emotion = null;  // the last constant emotion set: restored after a timeline call
  }

  // model: undefined (the model built into the module), a URL/path, or the bytes of an
  // emosync .safetensors model. onProgress(stage, percent): 'wasm' (download), 'compile',
  // 'model', 'ready'.
  async init({ model, onProgress, blinks = true, fades = true, smoothing = false, normalizeLoudness = true, seed = 1 } = {}) {
    if (this.ready) throw new LipSyncError('init: already initialised (dispose() first)', 'state');
    const progress = typeof onProgress === 'function' ? onProgress : () => {};
    const base = new URL(this.wasmPath, isNode ? `file://${process.cwd()}/` : globalThis.location?.href);
    const wasmUrl = new URL(base.pathname.replace(/\.m?js$/, '') + '.wasm', base).href;
    progress('wasm', 0);
    let factory, wasmBinary;
    try {
      [factory, wasmBinary] = await Promise.all([
        import(base.href).then((mod) => mod.default),
        loadBytes(wasmUrl, (p) => progress('wasm', p)),
      ]);
    } catch (e) {
      throw new LipSyncError(`init: cannot load the WebAssembly runtime from ${base.href}: ${e.message}` +
        ' (build it with scripts/build-wasm)', 'state');
    }
    progress('compile', 0);
    const m = await factory({ wasmBinary, print: () => {}, printErr: () => {} });
    progress('compile', 100);
    let modelBytes = null;
    // Errors about the model's contents name where it came from.
    const modelName = typeof model === 'string' || model instanceof URL ? `model ${model}` : 'model';
    if (model !== undefined && model !== null) {
      progress('model', 0);
      if (typeof model === 'string' || model instanceof URL) {
        try {
          modelBytes = await loadBytes(String(model), (p) => progress('model', p));
        } catch (e) {
          throw new LipSyncError(`init: model ${model}: ${e.message}`, 'model');
        }
      } else {
        modelBytes = await bytesOf(model, 'init: model');
      }
      progress('model', 100);
    }
    let modelPtr = 0;
    try {
      if (modelBytes) {
        modelPtr = m._malloc(modelBytes.length);
        m.HEAPU8.set(modelBytes, modelPtr);
      }
      // The runtime copies what it needs from the model bytes while creating the context.
      const ctx = m._emosync_wasm_create(modelPtr, modelBytes ? modelBytes.length : 0, blinks ? 1 : 0, fades ? 1 : 0,
        smoothing ? 1 : 0, normalizeLoudness ? 1 : 0, seed >>> 0);
      if (!ctx) throw new LipSyncError(`init: ${modelName}: ${m.UTF8ToString(m._emosync_wasm_last_error())}`, 'model');
      this._ctx = ctx;
    } finally {
      if (modelPtr) m._free(modelPtr);
    }
    this._m = m;
    this._scratch = m._malloc(16);
    this.names = Object.freeze(Array.from({ length: BLENDSHAPES }, (_, i) => m.UTF8ToString(m._emosync_blendshape_name(i))));
    this.modelVersion = m.UTF8ToString(m._emosync_model_version(this._ctx));
    this.version = m.UTF8ToString(m._emosync_version());
    this.ready = true;
    progress('ready', 100);
    return this;
  }

  _need(what) {
    if (!this.ready) throw new LipSyncError(`${what}: not initialised (call init() first${this._m === null ? '' : ', or it was disposed'})`, 'state');
  }

  _check(status, what) {
    if (status === 0) return;
    const m = this._m;
    throw new LipSyncError(`${what}: ${m.UTF8ToString(m._emosync_last_error(this._ctx))}`, STATUS[status] || 'internal');
  }

  // Copies a Float32Array into wasm memory; free with _m._free.
  _put(pcm) {
    const m = this._m;
    const ptr = m._malloc(Math.max(4, pcm.length * 4));
    m.HEAPF32.set(pcm, ptr >> 2);
    return ptr;
  }

  _cstr(s) {
    const m = this._m;
    const n = m.lengthBytesUTF8(s) + 1;
    const ptr = m._malloc(n);
    m.stringToUTF8(s, ptr, n);
    return ptr;
  }

  _result(blendshapes, mode) {
    return { blendshapes, frame_count: blendshapes.length / BLENDSHAPES, fps: FPS, mode, names: this.names };
  }

  // Whole buffer at any rate 8..48 kHz (the runtime resamples). Independent of a chunked
  // stream in progress.
  _process(pcm, sampleRate, what) {
    this._need(what);
    const m = this._m;
    const ptr = this._put(pcm);
    try {
      this._check(m._emosync_process(this._ctx, ptr, pcm.length, sampleRate, this._scratch, this._scratch + 4), what);
      const frames = m.HEAPU32[this._scratch >> 2], n = m.HEAPU32[(this._scratch + 4) >> 2];
      const out = m.HEAPF32.slice(frames >> 2, (frames >> 2) + n * BLENDSHAPES);
      m._emosync_frames_free(frames);
      return this._result(out, 'offline');
    } finally {
      m._free(ptr);
    }
  }

  // pcm16k: mono Float32Array at 16 kHz.
  processAudio(pcm16k) {
    return this._process(checkPcm(pcm16k, 'processAudio'), MODEL_RATE, 'processAudio');
  }

  // A Web Audio AudioBuffer (any rate 8..48 kHz, channels averaged).
  processAudioBuffer(buffer) {
    return this._process(monoOf(buffer), buffer.sampleRate, 'processAudioBuffer');
  }

  // A wav/mp3/ogg File, Blob, ArrayBuffer or typed array. Browsers decode with Web Audio;
  // under node only WAV is read (decode other formats first, or use processAudio).
  async processFile(file) {
    this._need('processFile');
    const name = (file && file.name) || 'processFile';
    const bytes = await bytesOf(file, 'processFile');
    if (bytes.length === 0) throw new LipSyncError(`${name}: empty file`, 'format');
    const format = sniffFormat(bytes);
    if (typeof OfflineAudioContext === 'function') {
      // Decoding at 16 kHz lets the browser resample too; the runtime takes it as it is.
      const ctx = new OfflineAudioContext(1, 1, MODEL_RATE);
      let buffer;
      try {
        buffer = await ctx.decodeAudioData(bytes.slice().buffer);
      } catch (e) {
        throw new LipSyncError(`${name}: the browser cannot decode this audio (${format}): ${e.message || e}`, 'format');
      }
      return this._process(monoOf(buffer), buffer.sampleRate, 'processFile');
    }
    if (format !== 'wav')
      throw new LipSyncError(`${name}: ${format === 'unknown' ? 'not WAV' : format.toUpperCase()} data: without Web Audio ` +
        '(here: node) only WAV files are decoded; convert it to WAV or pass 16 kHz samples to processAudio()', 'format');
    const { pcm, sampleRate } = decodeWav(bytes, name);
    return this._process(pcm, sampleRate, 'processFile');
  }

  // Streaming: 16 kHz chunks of any size. Returns the frames that became ready, or null
  // while too little audio arrived for the next frame; with isLast the rest comes out
  // and the next chunk starts a new stream.
  processAudioChunk(chunk, isLast = false) {
    this._need('processAudioChunk');
    checkPcm(chunk, 'processAudioChunk');
    const m = this._m;
    if (chunk.length) {
      const ptr = this._put(chunk);
      try {
        this._check(m._emosync_stream_push(this._ctx, ptr, chunk.length, MODEL_RATE), 'processAudioChunk');
      } finally {
        m._free(ptr);
      }
    }
    if (isLast) this._check(m._emosync_stream_finish(this._ctx), 'processAudioChunk');
    const parts = [];
    let total = 0;
    const out = m._malloc(PULL_BLOCK * BLENDSHAPES * 4);
    try {
      for (;;) {
        this._check(m._emosync_stream_pull(this._ctx, out, PULL_BLOCK, this._scratch), 'processAudioChunk');
        const n = m.HEAPU32[this._scratch >> 2];
        if (n) parts.push(m.HEAPF32.slice(out >> 2, (out >> 2) + n * BLENDSHAPES));
        total += n;
        if (n < PULL_BLOCK) break;
      }
    } finally {
      m._free(out);
    }
    if (isLast) this.reset();
    if (!total && !isLast) return null;
    const all = new Float32Array(total * BLENDSHAPES);
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    return this._result(all, 'streaming');
  }

  // The 52 values of frame `index` (a copy).
  getFrame(result, index) {
    if (!result || !(result.blendshapes instanceof Float32Array) || !Number.isInteger(result.frame_count))
      throw new LipSyncError(`getFrame: expected a result of this wrapper, got ${describe(result)}`);
    if (!Number.isInteger(index) || index < 0 || index >= result.frame_count)
      throw new LipSyncError(`getFrame: index ${index} outside 0..${result.frame_count - 1}`);
    return result.blendshapes.slice(index * BLENDSHAPES, (index + 1) * BLENDSHAPES);
  }

  // Drops the chunked stream (the emotion setting is kept).
  reset() {
    this._need('reset');
    this._check(this._m._emosync_reset(this._ctx), 'reset');
  }

  // Face to rest within fadeMs of stream time (barge-in); the stream goes on.
  interrupt(fadeMs = 150) {
    this._need('interrupt');
    this._check(this._m._emosync_interrupt(this._ctx, Number(fadeMs)), 'interrupt');
  }

  dispose() {
    if (this._m) {
      if (this._ctx) this._m._emosync_free(this._ctx);
      if (this._scratch) this._m._free(this._scratch);
    }
    this._ctx = 0;
    this._scratch = 0;
    this._m = undefined;
    this.ready = false;
  }

  // setEmotion(vec19): the 19-dim conditioning (16 class weights + valence, arousal,
  // dominance); setEmotion(name, intensity 0..100): a class by name or alias.
  setEmotion(nameOrVector, intensity = 100) {
    this._need('setEmotion');
    this._applyEmotion(nameOrVector, intensity);
    this._emotion = [nameOrVector, intensity];
  }

  _applyEmotion(nameOrVector, intensity) {
    const m = this._m;
    if (typeof nameOrVector === 'string') {
      if (typeof intensity !== 'number' || !Number.isFinite(intensity))
        throw new LipSyncError(`setEmotion: intensity must be a number 0..100, got ${describe(intensity)}`);
      const s = this._cstr(nameOrVector);
      try {
        this._check(m._emosync_set_emotion(this._ctx, s, intensity), 'setEmotion');
      } finally {
        m._free(s);
      }
      return;
    }
    if (!nameOrVector || typeof nameOrVector.length !== 'number' || typeof nameOrVector === 'function')
      throw new LipSyncError(`setEmotion: expected an emotion name or ${CONDITIONING_DIM} numbers, got ${describe(nameOrVector)}`);
    if (nameOrVector.length !== CONDITIONING_DIM)
      throw new LipSyncError(`setEmotion: the conditioning vector must hold ${CONDITIONING_DIM} numbers, got ${nameOrVector.length}`);
    const v = Float32Array.from(nameOrVector, Number);
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new LipSyncError(`setEmotion: value [${bad}] is not a finite number`);
    const ptr = this._put(v);
    try {
      this._check(m._emosync_set_conditioning(this._ctx, ptr), 'setEmotion');
    } finally {
      m._free(ptr);
    }
  }

  // The emotion of one call given by tagged text ("[joy:80] I got it! [sad:40] But...")
  // or {text, words: [{word, start, end}]} with word timings in seconds; without timings
  // the words run at 5 syllables a second of the speech found in the audio (the emotion
  // holds through silence), chunked or not. Afterwards the constant
  // emotion of setEmotion (neutral if none) applies again.
  async processFileWithTimeline(file, timeline) {
    return this._withTimeline(timeline, 'processFileWithTimeline', () => this.processFile(file));
  }

  // The same for 16 kHz samples (not in V2; what the viewer uses for text without audio).
  async processAudioWithTimeline(pcm16k, timeline) {
    checkPcm(pcm16k, 'processAudioWithTimeline');
    return this._withTimeline(timeline, 'processAudioWithTimeline', () => this._process(pcm16k, MODEL_RATE, 'processAudioWithTimeline'));
  }

  async _withTimeline(timeline, what, run) {
    this._need(what);
    let text, words = null;
    if (typeof timeline === 'string') text = timeline;
    else if (timeline && typeof timeline === 'object' && typeof timeline.text === 'string') {
      text = timeline.text;
      if (timeline.words !== undefined) words = wordsTsv(timeline.words, what);
    } else {
      throw new LipSyncError(`${what}: timeline must be tagged text or {text, words}, got ${describe(timeline)}`);
    }
    const m = this._m;
    const t = this._cstr(text), w = words === null ? 0 : this._cstr(words);
    try {
      this._check(m._emosync_set_timeline(this._ctx, t, w), what);
    } finally {
      m._free(t);
      if (w) m._free(w);
    }
    try {
      return await run();
    } finally {
      if (this._emotion) this._applyEmotion(...this._emotion);
      else this._applyEmotion(new Float32Array(CONDITIONING_DIM), 0);  // the runtime's default: neutral
    }
  }

  // Plain text -> {tagged: "[joy:70] ...", sentences: [{text, emotion, intensity, vad, probs}]}
  // with the text emotion model built into the module. context: previous turns, oldest
  // first, as [{self: bool, text}].
  tagText(text, { context = [] } = {}) {
    this._need('tagText');
    if (typeof text !== 'string') throw new LipSyncError(`tagText: text must be a string, got ${describe(text)}`);
    if (!Array.isArray(context)) throw new LipSyncError(`tagText: context must be an array of {self, text}, got ${describe(context)}`);
    const m = this._m;
    const t = this._cstr(text), c = this._cstr(JSON.stringify(context));
    try {
      const out = m._emosync_wasm_tag(t, c);
      if (!out) throw new LipSyncError(`tagText: ${m.UTF8ToString(m._emosync_wasm_last_error())}`);
      const j = JSON.parse(m.UTF8ToString(out));
      return { tagged: j.tagged, emotions: j.emotions, sentences: j.sentences };
    } finally {
      m._free(t);
      m._free(c);
    }
  }
}

// [{word, start, end}] -> the runtime's words TSV ("start<TAB>end<TAB>word" lines).
function wordsTsv(words, what) {
  if (!Array.isArray(words)) throw new LipSyncError(`${what}: timeline.words must be an array, got ${describe(words)}`);
  return words.map((w, i) => {
    const where = `${what}: timeline.words[${i}]`;
    if (!w || typeof w.word !== 'string' || /[\t\n\r]/.test(w.word) || !w.word)
      throw new LipSyncError(`${where}.word: must be a non-empty string without tabs or newlines`);
    for (const k of ['start', 'end'])
      if (typeof w[k] !== 'number' || !Number.isFinite(w[k]) || w[k] < 0) throw new LipSyncError(`${where}.${k}: must be a number of seconds >= 0`);
    if (w.end < w.start) throw new LipSyncError(`${where}: end ${w.end} is before start ${w.start}`);
    return `${w.start}\t${w.end}\t${w.word}`;
  }).join('\n') + '\n';
}

export default LipSyncWasmWrapper;
