// The viewer's Live panel: the emosync runtime compiled to WebAssembly runs in this page
// (no server round trip). A WAV/MP3/OGG becomes lips + blinks, with the emotion from the
// text box (tagged, or plain text tagged here by the text emotion model); text alone
// becomes the expression over its estimated speaking time with the lips at rest. The
// result plays on the viewer's face in sync with the audio. "Animate on the server" sends
// the same speech and text to POST /api/animate instead (the native runtime in emosync
// serve, with the model it was started with; no WebAssembly download).
import { LipSyncWasmWrapper } from './lipsync-wasm.js';
import { loadAnimation, loadWav, seek } from './viewer.js';
import { getVocab } from './vocab.js';

const $ = (id) => document.getElementById(id);
const WORDS_PER_SECOND = 2.6;  // conversational English, for text without audio
const TAG = /\[\s*([A-Za-z_]+)\s*(?::\s*(\d+(?:\.\d+)?))?\s*\]/g;

let lipsync = null, loading = null;

function say(msg, error = false) {
  $('live-status').textContent = msg;
  $('live-status').className = error ? 'status error' : 'status';
}

// The runtime, loaded on first use (a 4 MB download).
async function runtime() {
  if (lipsync) return lipsync;
  if (!loading) {
    const w = new LipSyncWasmWrapper({ wasmPath: new URL('../wasm/emosync.mjs', import.meta.url).href });
    loading = w.init({ onProgress: (stage, pct) => say(`loading the WebAssembly runtime: ${stage} ${pct}%`) })
      .then(() => (lipsync = w))
      .finally(() => { loading = null; });
  }
  return loading;
}

// The words of tagged text with the emotion each is spoken in (for drawing only; the
// runtime parses the text itself).
function taggedWords(tagged) {
  const words = [], re = new RegExp(TAG.source, 'g');
  let emotion = 'neutral', intensity = 0, at = 0, m;
  const push = (text) => { for (const word of text.split(/\s+/).filter(Boolean)) words.push({ word, emotion, intensity }); };
  while ((m = re.exec(tagged))) {
    push(tagged.slice(at, m.index));
    emotion = m[1].toLowerCase();
    intensity = m[2] ? Number(m[2]) : 60;
    at = re.lastIndex;
  }
  push(tagged.slice(at));
  return words;
}

// Even word timings over `seconds` (from 0.3 s) and the emotion segments to draw.
function spreadWords(tagged, seconds) {
  const words = taggedWords(tagged), segments = [];
  const step = Math.max(0.1, seconds - 0.6) / Math.max(1, words.length);
  const timed = words.map((w, i) => ({ word: w.word, start: 0.3 + i * step, end: 0.3 + (i + 0.9) * step }));
  words.forEach((w, i) => {
    const prev = segments[segments.length - 1];
    if (prev && prev.emotion === w.emotion && prev.intensity === w.intensity) prev.end = timed[i].end;
    else segments.push({ emotion: w.emotion, intensity: w.intensity, start: i ? timed[i].start : 0, end: timed[i].end });
  });
  if (segments.length) segments[segments.length - 1].end = seconds;
  return { words: timed, segments };
}

// Tagged text as it is; plain text through the text emotion model.
function taggedOf(text, w) {
  text = text.trim();
  if (!text) return '';
  if (/\[\s*[A-Za-z_]+\s*(:\s*\d+(\.\d+)?)?\s*\]/.test(text)) return text;
  return w.tagText(text).tagged;
}

function show(result, source, ms, audioSeconds, segments = []) {
  const frames = [];
  for (let f = 0; f < result.frame_count; f++) frames.push(Array.from(lipsync.getFrame(result, f)));
  loadAnimation({ fps: result.fps, names: result.names, frames, segments }, source);
  const speed = audioSeconds > 0 && ms > 0 ? `, ${Math.round((audioSeconds * 1000) / ms)}x real time` : '';
  say(`${source}: ${result.frame_count} frames computed in this page by the WebAssembly runtime in ${ms.toFixed(0)} ms${speed}`);
  document.body.dataset.live = String(result.frame_count);
}

async function run() {
  delete document.body.dataset.live;
  try {
    const w = await runtime();
    const file = $('live-wav').files[0];
    const useText = $('live-use-text').checked;
    const tagged = useText ? taggedOf($('text').value, w) : '';
    if (tagged && tagged !== $('text').value.trim()) $('text').value = tagged;
    if (file) {
      say(`animating ${file.name}…`);
      const t0 = performance.now();
      const r = tagged ? await w.processFileWithTimeline(file, tagged) : await w.processFile(file);
      const ms = performance.now() - t0;
      await loadWav(file, { generate: false });
      show(r, file.name, ms, r.frame_count / r.fps);
    } else if (tagged) {
      const seconds = Math.min(600, 0.6 + taggedWords(tagged).length / WORDS_PER_SECOND);
      const { words, segments } = spreadWords(tagged, seconds);
      const t0 = performance.now();
      const r = await w.processAudioWithTimeline(new Float32Array(Math.round(seconds * 16000)), { text: tagged, words });
      show(r, 'text', performance.now() - t0, seconds, segments);
    } else {
      say('choose or drop a WAV, or type text (tagged or plain)', true);
      return;
    }
    seek(0);
  } catch (e) {
    say(e.message || String(e), true);
    document.body.dataset.live = 'error';
  }
}

async function runOnServer() {
  delete document.body.dataset.live;
  const file = $('live-wav').files[0];
  if (!file) return say('the server animates speech: choose or drop an audio file first', true);
  const text = $('live-use-text').checked ? $('text').value.trim() : '';
  const form = new FormData();
  form.append('audio', file, file.name);
  if (text) form.append('text', text);
  if (text && $('live-lips-text').checked) form.append('lips', 'text');
  say(`animating ${file.name} on the server…`);
  try {
    const t0 = performance.now();
    const res = await fetch('/api/animate', { method: 'POST', body: form });
    const j = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
    if (!res.ok) throw new Error(`${file.name}: ${j.error || `HTTP ${res.status}`}`);
    const ms = performance.now() - t0;
    if (text && j.tagged !== text) $('text').value = j.tagged;
    await loadWav(file, { generate: false });
    loadAnimation({ fps: j.fps, names: j.names, frames: j.frames }, file.name);
    const lips = j.lips && j.lips.requested === 'text'
      ? `; lips from the ${j.lips.used}${j.lips.reason ? ` (${j.lips.reason})` : ''}` : '';
    say(`${file.name}: ${j.frames.length} frames computed by the server (POST /api/animate, ${j.how}) in ${ms.toFixed(0)} ms${lips}`);
    document.body.dataset.live = String(j.frames.length);
    seek(0);
  } catch (e) {
    say(e.message || String(e), true);
    document.body.dataset.live = 'error';
  }
}

async function tag() {
  try {
    const w = await runtime();
    const text = $('text').value.replace(TAG, ' ').replace(/\s+/g, ' ').trim();
    if (!text) return say('type some text to tag', true);
    const t = w.tagText(text);
    $('text').value = t.tagged;
    say(t.sentences.map((s) => `${s.emotion} ${s.intensity} (V ${s.vad[0].toFixed(2)} A ${s.vad[1].toFixed(2)} D ${s.vad[2].toFixed(2)})`).join(' · '));
    document.body.dataset.tagged = String(t.sentences.length);
  } catch (e) {
    say(e.message || String(e), true);
  }
}

$('live-run').addEventListener('click', run);
$('live-tag').addEventListener('click', tag);
$('live-server').addEventListener('click', runOnServer);
const drop = $('live-drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer.files[0];
  if (!f) return;
  const dt = new DataTransfer();
  dt.items.add(f);
  $('live-wav').files = dt.files;
  run();
});

getVocab().then((v) => {
  if (!(v.features && v.features.animate)) $('live-server').disabled = true;
  if (v.features && v.features.wasm) return;
  for (const id of ['live-run', 'live-tag']) $(id).disabled = true;
  say('this server has no WebAssembly runtime: run scripts/build-wasm, then rebuild emosync (or use "Animate on the server")', true);
}).catch(() => {});

// For tests and the console.
window.emosyncLive = { run, runOnServer, tag, runtime, spreadWords };
