// Viewer: plays an animation {fps, names, frames} on the 2D face (and a loaded .glb) in
// sync with audio, with play/pause/scrub, channel curves and the emotion timeline.
import { Face } from './face.js';
import { CHANNELS, getVocab, postJson } from './vocab.js';

const $ = (id) => document.getElementById(id);
const face = new Face($('face'), { id: 'fv' });
const audio = $('audio');
const player = { anim: null, playing: false, t: 0, startWall: 0, startT: 0, hasAudio: false, vocab: null, glb: null, glbReport: null, framesDrawn: 0 };
const COLORS = ['#6cb2ff', '#ffb74d', '#81c784', '#e57373', '#ba68c8', '#4dd0e1', '#fff176', '#f06292', '#a1887f', '#90a4ae'];
const EMO_COLORS = {
  neutral: '#78838f', joy: '#ffd54f', amusement: '#ffb74d', excitement: '#ff8a65', gratitude: '#aed581', affection: '#f48fb1',
  surprise: '#4dd0e1', curiosity: '#81d4fa', confusion: '#b39ddb', sadness: '#5c7cfa', sulk: '#7986cb', apology: '#9fa8da',
  fear: '#9575cd', anger: '#e53935', disgust: '#689f38', embarrassment: '#f06292',
};

function status(msg, error = false) {
  $('status').textContent = msg;
  $('status').className = error ? 'status error' : 'status';
}

function duration() {
  const a = player.anim;
  const animDur = a ? a.frames.length / a.fps : 0;
  return player.hasAudio && Number.isFinite(audio.duration) ? Math.max(audio.duration, animDur) : animDur;
}

// Takes {fps, names, frames} with any channel order (mapped by name) into canonical order.
export function loadAnimation(obj, source = 'animation') {
  if (!obj || !Array.isArray(obj.frames) || !obj.frames.length) throw new Error(`${source}: frames: must be a non-empty array`);
  const fps = Number(obj.fps);
  if (!(fps > 0 && fps <= 1000)) throw new Error(`${source}: fps: must be a positive number`);
  const names = Array.isArray(obj.names) ? obj.names : CHANNELS;
  const map = names.map((n) => CHANNELS.findIndex((c) => c.toLowerCase() === String(n).toLowerCase()));
  const frames = obj.frames.map((row, f) => {
    if (!Array.isArray(row) || row.length !== names.length) throw new Error(`${source}: frames[${f}]: must hold ${names.length} values`);
    const out = new Float32Array(52);
    row.forEach((x, i) => { if (map[i] >= 0) out[map[i]] = Number(x) || 0; });
    return out;
  });
  player.anim = { fps, frames, segments: Array.isArray(obj.segments) ? obj.segments : [], conditioning: obj.conditioning || null };
  seek(0);
  drawCurves();
  drawTimeline();
  status(`${source}: ${frames.length} frames at ${fps} fps (${(frames.length / fps).toFixed(2)} s)`);
  document.body.dataset.loaded = String(frames.length);
}

function frameAt(t) {
  const a = player.anim;
  if (!a) return null;
  const f = Math.max(0, Math.min(a.frames.length - 1, Math.floor(t * a.fps + 1e-6)));
  return a.frames[f];
}

function show(t) {
  player.t = t;
  const fr = frameAt(t);
  if (fr) {
    face.set(fr);
    if (player.glb) player.glb.set(fr);
    player.framesDrawn++;
  }
  const d = duration();
  $('scrub').value = d > 0 ? t / d : 0;
  $('time').textContent = `${t.toFixed(2)} s`;
  drawCursor();
}

export function seek(t) {
  t = Math.max(0, Math.min(duration(), t));
  if (player.hasAudio) audio.currentTime = t;
  player.startT = t;
  player.startWall = performance.now();
  show(t);
}

function play() {
  if (!player.anim && !player.hasAudio) return;
  if (player.t >= duration() - 1e-3) seek(0);
  player.playing = true;
  player.startT = player.t;
  player.startWall = performance.now();
  if (player.hasAudio) audio.play().catch(() => {});
  $('play').textContent = 'Pause';
  requestAnimationFrame(tick);
}

function pause() {
  player.playing = false;
  if (player.hasAudio) audio.pause();
  $('play').textContent = 'Play';
}

function tick() {
  if (!player.playing) return;
  // The audio clock leads when there is audio; otherwise the wall clock.
  let t = player.hasAudio && !audio.paused ? audio.currentTime : player.startT + (performance.now() - player.startWall) / 1000;
  if (t >= duration()) { t = duration(); show(t); pause(); return; }
  show(t);
  requestAnimationFrame(tick);
}

// Channel curves: the most active channels of the animation, plus a time cursor.
let curveImage = null;
function drawCurves() {
  const c = $('curves'), g = c.getContext('2d');
  const W = c.width, H = c.height;
  g.fillStyle = '#111419'; g.fillRect(0, 0, W, H);
  const a = player.anim;
  if (!a) return;
  const n = a.frames.length;
  const range = CHANNELS.map((_, ch) => {
    let lo = 1, hi = 0;
    for (const f of a.frames) { lo = Math.min(lo, f[ch]); hi = Math.max(hi, f[ch]); }
    return { ch, span: hi - lo, hi };
  }).filter((r) => r.hi > 0.02).sort((x, y) => (y.span + y.hi * 0.3) - (x.span + x.hi * 0.3)).slice(0, COLORS.length);
  g.strokeStyle = '#2e3440';
  for (let k = 0; k <= 4; k++) { g.beginPath(); g.moveTo(0, 10 + (H - 20) * k / 4); g.lineTo(W, 10 + (H - 20) * k / 4); g.stroke(); }
  range.forEach((r, k) => {
    g.strokeStyle = COLORS[k]; g.lineWidth = 1.6; g.beginPath();
    for (let f = 0; f < n; f++) {
      const x = (f / Math.max(1, n - 1)) * W, y = H - 10 - a.frames[f][r.ch] * (H - 20);
      if (f === 0) g.moveTo(x, y); else g.lineTo(x, y);
    }
    g.stroke();
    g.fillStyle = COLORS[k]; g.font = '11px sans-serif';
    g.fillText(CHANNELS[r.ch], 8 + (k % 5) * 150, 14 + Math.floor(k / 5) * 14);
  });
  g.lineWidth = 1;
  curveImage = g.getImageData(0, 0, W, H);
}

function drawCursor() {
  const c = $('curves'), g = c.getContext('2d');
  if (!curveImage || !player.anim) return;
  g.putImageData(curveImage, 0, 0);
  const d = duration(), x = d > 0 ? (player.t / d) * c.width : 0;
  g.strokeStyle = '#ffffff'; g.beginPath(); g.moveTo(x, 0); g.lineTo(x, c.height); g.stroke();
  const tl = $('timeline'), gt = tl.getContext('2d');
  if (timelineImage) gt.putImageData(timelineImage, 0, 0);
  gt.strokeStyle = '#ffffff'; gt.beginPath(); gt.moveTo(x, 0); gt.lineTo(x, tl.height); gt.stroke();
}

// Emotion timeline: per-frame blend of the classes (conditioning) as stacked colours,
// segment labels on top; without conditioning, the segments alone.
let timelineImage = null;
function drawTimeline() {
  const c = $('timeline'), g = c.getContext('2d');
  const W = c.width, H = c.height;
  g.fillStyle = '#111419'; g.fillRect(0, 0, W, H);
  const a = player.anim;
  if (!a) return;
  const d = a.frames.length / a.fps, emos = player.vocab ? player.vocab.emotions : Object.keys(EMO_COLORS);
  if (a.conditioning && a.conditioning.length) {
    const n = a.conditioning.length;
    for (let f = 0; f < n; f++) {
      const x0 = (f / n) * W, x1 = ((f + 1) / n) * W + 0.5;
      let y = H;
      a.conditioning[f].slice(0, 16).forEach((w, k) => {
        if (w <= 0) return;
        const h = w * (H - 16);
        g.fillStyle = EMO_COLORS[emos[k]] || '#888';
        g.fillRect(x0, y - h, x1 - x0, h);
        y -= h;
      });
    }
  }
  g.font = '12px sans-serif';
  for (const s of a.segments) {
    const x0 = (s.start / d) * W, x1 = (s.end / d) * W;
    if (!a.conditioning) { g.fillStyle = EMO_COLORS[s.emotion] || '#888'; g.fillRect(x0, 16, x1 - x0, H - 16); }
    g.fillStyle = '#e6e8eb';
    g.fillText(`${s.emotion}${s.emotion === 'neutral' ? '' : ' ' + Math.round(s.intensity)}`, x0 + 4, 12);
    g.strokeStyle = '#14171c'; g.beginPath(); g.moveTo(x0, 0); g.lineTo(x0, H); g.stroke();
  }
  timelineImage = g.getImageData(0, 0, W, H);
}

async function generate() {
  const text = $('text').value;
  const body = { text };
  const dur = Number($('duration').value);
  if (dur > 0) body.duration = dur;
  else if (player.hasAudio && Number.isFinite(audio.duration)) body.duration = audio.duration;
  status('generating…');
  try {
    loadAnimation(await postJson('/api/expression', body), 'expression');
  } catch (e) {
    status(e.message, true);
  }
}

// Sets the audio the face plays in sync with; with `generate` and text in the box the
// server's expression for it follows (the Live panel computes its own: generate false).
export async function loadWav(file, { generate: withExpression = true } = {}) {
  audio.src = URL.createObjectURL(file);
  await new Promise((resolve, reject) => {
    audio.onloadedmetadata = resolve;
    audio.onerror = () => reject(new Error(`${file.name}: the browser cannot decode this audio`));
  });
  player.hasAudio = true;
  status(`${file.name}: ${audio.duration.toFixed(2)} s of audio`);
  if (withExpression && $('text').value.trim()) await generate();
}

async function loadGlb(file) {
  const buf = await file.arrayBuffer();
  try {
    if (!player.glb) {
      const { GlbView } = await import('./glb.js');
      $('glb-canvas').hidden = false;
      player.glb = new GlbView($('glb-canvas'));
    }
    const r = await player.glb.load(buf);
    player.glbReport = r;
    const fr = frameAt(player.t);
    if (fr) player.glb.set(fr);
    $('glb-report').textContent = `${file.name}: ${r.meshes} mesh(es), ${r.found.length}/52 ARKit morph targets` +
      (r.missing.length ? `; missing: ${r.missing.join(', ')}` : '; none missing') +
      (r.extra.length ? `; not ARKit: ${r.extra.join(', ')}` : '') +
      (player.glb.renderError ? ` (no WebGL here: ${player.glb.renderError})` : '');
    document.body.dataset.glb = String(r.found.length);
  } catch (e) {
    $('glb-report').textContent = `${file.name}: ${e.message || e}`;
    document.body.dataset.glb = 'error';
  }
}

async function loadAny(file) {
  const name = file.name.toLowerCase();
  try {
    if (name.endsWith('.glb')) return await loadGlb(file);
    if (name.endsWith('.json')) return loadAnimation(JSON.parse(await file.text()), file.name);
    return await loadWav(file);
  } catch (e) {
    status(e.message, true);
  }
}

$('play').addEventListener('click', () => (player.playing ? pause() : play()));
$('scrub').addEventListener('input', () => { pause(); seek(Number($('scrub').value) * duration()); });
$('generate').addEventListener('click', generate);
$('anim-file').addEventListener('change', () => $('anim-file').files[0] && loadAny($('anim-file').files[0]));
$('wav-file').addEventListener('change', () => $('wav-file').files[0] && loadAny($('wav-file').files[0]));
$('glb-file').addEventListener('change', () => $('glb-file').files[0] && loadAny($('glb-file').files[0]));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  for (const f of e.dataTransfer.files) loadAny(f);
});

// For tests and the console.
window.emosync = { player, face, loadAnimation, seek, play, pause, generate, values: () => Array.from(face.values) };

getVocab().then((v) => {
  player.vocab = v;
  if (!v.features.expression) $('generate').disabled = true;
  document.body.dataset.ready = '1';
}).catch((e) => status(e.message, true));
