// Preset editor: 52 sliders grouped LIPSYNC / SHARED / EXPRESSION, a live face, the
// compiler's output at the preset's anchor beside it, a VAD pad to explore the compiler,
// and load/save of the presets file {version, channel_order, presets: [{emotion, level, vad, weights}]}.
import { Face } from './face.js';
import { CHANNELS, api, getVocab, postJson } from './vocab.js';

const $ = (id) => document.getElementById(id);
const state = { vocab: null, file: null, original: null, cls: 'joy', level: 'L3', vad: null, exploring: false, reference: null };
const faceEdit = new Face($('face-edit'), { id: 'fe' });
const faceComp = new Face($('face-compiler'), { id: 'fc' });
const sliders = {};

function status(msg, error = false) {
  $('status').textContent = msg;
  $('status').className = error ? 'status error' : 'status';
}

function emptyFile() {
  const presets = [{ emotion: 'neutral', level: 'L3', vad: state.vocab.anchors.neutral, weights: Object.fromEntries(CHANNELS.map((n) => [n, 0])) }];
  return { version: '1.0', channel_order: [...CHANNELS], presets };
}

function anchorOf(cls, level) {
  const a = state.vocab.anchors;
  return cls === 'neutral' ? a.neutral : a.classes[cls][level];
}

function currentPreset(create = false) {
  const ps = state.file.presets;
  let p = ps.find((q) => q.emotion === state.cls && (state.cls === 'neutral' || q.level === state.level));
  if (!p && create) {
    p = { emotion: state.cls, level: state.level, vad: anchorOf(state.cls, state.level), weights: Object.fromEntries(CHANNELS.map((n) => [n, 0])) };
    ps.push(p);
  }
  return p;
}

function weightsArray(p) {
  return CHANNELS.map((n) => (p && typeof p.weights[n] === 'number' ? p.weights[n] : 0));
}

function buildSliders() {
  const root = $('sliders');
  root.textContent = '';
  for (const group of ['LIPSYNC', 'SHARED', 'EXPRESSION']) {
    const fs = document.createElement('fieldset');
    fs.dataset.group = group;
    const lg = document.createElement('legend');
    lg.textContent = `${group} (${state.vocab.split[group].length})`;
    fs.appendChild(lg);
    for (const name of state.vocab.split[group]) {
      const row = document.createElement('div');
      row.className = 'slider';
      const label = document.createElement('label');
      label.textContent = name;
      label.htmlFor = `s-${name}`;
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', min: 0, max: 1, step: 0.001, value: 0, id: `s-${name}` });
      input.dataset.channel = name;
      const out = document.createElement('output');
      out.textContent = '0.00';
      const ref = document.createElement('span');
      ref.className = 'ref';
      ref.title = 'compiler output at the preset\'s anchor';
      input.addEventListener('input', () => {
        const p = currentPreset(true);
        p.weights[name] = Number(input.value);
        out.textContent = Number(input.value).toFixed(2);
        refreshFaces(false);
      });
      row.append(label, input, out, ref);
      fs.appendChild(row);
      sliders[name] = { input, out, ref };
    }
    root.appendChild(fs);
  }
}

function showPreset() {
  const p = currentPreset(false);
  const w = weightsArray(p);
  CHANNELS.forEach((n, i) => {
    sliders[n].input.value = w[i];
    sliders[n].out.textContent = w[i].toFixed(2);
  });
  const vad = anchorOf(state.cls, state.level);
  $('vad-label').textContent = `anchor V ${vad[0].toFixed(2)} A ${vad[1].toFixed(2)} D ${vad[2].toFixed(2)}${p ? '' : ' (no preset in file yet)'}`;
  state.vad = [...vad];
  state.exploring = false;
  $('dom').value = vad[2];
  $('dom-out').textContent = Number(vad[2]).toFixed(2);
  refreshFaces(true);
}

let compileSeq = 0;
async function compileAt(vad) {
  if (!state.vocab.features.compile) return null;
  const seq = ++compileSeq;
  try {
    const r = await postJson('/api/compile', { emotion: state.cls, vad });
    return seq === compileSeq ? r.values : null;
  } catch (e) {
    status(e.message, true);
    return null;
  }
}

async function refreshFaces(recompile) {
  const p = currentPreset(false);
  faceEdit.set(weightsArray(p));
  if (recompile) {
    const vals = await compileAt(state.vad);
    if (vals) {
      faceComp.set(vals);
      if (!state.exploring) state.reference = vals;
      $('compiler-caption').textContent = state.exploring
        ? `compiler at V ${state.vad[0].toFixed(2)} A ${state.vad[1].toFixed(2)} D ${state.vad[2].toFixed(2)}`
        : 'compiler at the preset\'s anchor';
    } else if (!state.vocab.features.compile) {
      $('compiler-caption').textContent = 'compiler not built into this server';
    }
  }
  const w = weightsArray(p);
  CHANNELS.forEach((n, i) => {
    const r = state.reference ? state.reference[i] : null;
    sliders[n].ref.textContent = r === null ? '–' : r.toFixed(2);
    sliders[n].ref.className = r !== null && Math.abs(r - w[i]) > 0.05 ? 'ref far' : 'ref';
  });
  drawPad();
}

// VAD pad: valence left→right, arousal bottom→top; dots at every anchor of the class.
function drawPad() {
  const c = $('vadpad'), g = c.getContext('2d');
  const W = c.width, H = c.height;
  const px = (v) => ((v + 1) / 2) * W, py = (a) => ((1 - a) / 2) * H;
  g.fillStyle = '#111419'; g.fillRect(0, 0, W, H);
  g.strokeStyle = '#2e3440'; g.beginPath(); g.moveTo(W / 2, 0); g.lineTo(W / 2, H); g.moveTo(0, H / 2); g.lineTo(W, H / 2); g.stroke();
  g.fillStyle = '#9aa3ad'; g.font = '10px sans-serif'; g.fillText('valence →', W - 58, H / 2 - 4); g.fillText('arousal ↑', W / 2 + 4, 10);
  const a = state.vocab.anchors;
  for (const [cls, levels] of Object.entries(a.classes)) {
    for (const [lv, vad] of Object.entries(levels)) {
      const mine = cls === state.cls;
      g.fillStyle = mine ? (lv === state.level ? '#6cb2ff' : '#3d6a99') : '#3a4250';
      g.beginPath(); g.arc(px(vad[0]), py(vad[1]), mine ? 4 : 2.5, 0, 7); g.fill();
    }
  }
  g.fillStyle = '#9aa3ad'; g.beginPath(); g.arc(px(a.neutral[0]), py(a.neutral[1]), 3, 0, 7); g.fill();
  if (state.vad) {
    g.strokeStyle = '#ffb74d'; g.lineWidth = 2; g.beginPath(); g.arc(px(state.vad[0]), py(state.vad[1]), 7, 0, 7); g.stroke(); g.lineWidth = 1;
  }
}

function padEvent(e) {
  const c = $('vadpad'), r = c.getBoundingClientRect();
  const v = Math.max(-1, Math.min(1, ((e.clientX - r.left) / r.width) * 2 - 1));
  const a = Math.max(-1, Math.min(1, 1 - ((e.clientY - r.top) / r.height) * 2));
  state.vad = [v, a, Number($('dom').value)];
  state.exploring = true;
  refreshFaces(true);
}

function serialise() {
  return JSON.stringify(state.file, null, 2) + '\n';
}

function loadFile(obj, source) {
  if (!obj || !Array.isArray(obj.presets) || !Array.isArray(obj.channel_order)) throw new Error(`${source}: not a presets file (needs channel_order and presets)`);
  for (const [i, p] of obj.presets.entries()) {
    if (!state.vocab.emotions.includes(p.emotion)) throw new Error(`${source}: presets[${i}].emotion: unknown emotion '${p.emotion}'`);
    if (!p.weights || typeof p.weights !== 'object') throw new Error(`${source}: presets[${i}].weights: missing`);
  }
  state.file = obj;
  state.original = JSON.parse(JSON.stringify(obj));
  showPreset();
  status(`${source}: ${obj.presets.length} presets (version ${obj.version})`);
}

async function init() {
  state.vocab = await getVocab();
  for (const e of state.vocab.emotions) {
    const o = document.createElement('option');
    o.textContent = e;
    $('cls').appendChild(o);
  }
  $('cls').value = state.cls;
  buildSliders();
  $('save-server').hidden = !state.vocab.features.write_presets;
  try {
    loadFile(await api('/api/presets'), 'server presets');
  } catch (e) {
    state.file = emptyFile();
    state.original = JSON.parse(JSON.stringify(state.file));
    showPreset();
    status(`no presets on the server (${e.message}); starting a new file`);
  }
  $('cls').addEventListener('change', () => { state.cls = $('cls').value; $('level').disabled = state.cls === 'neutral'; showPreset(); });
  $('level').addEventListener('change', () => { state.level = $('level').value; showPreset(); });
  let dragging = false;
  $('vadpad').addEventListener('pointerdown', (e) => { dragging = true; padEvent(e); });
  $('vadpad').addEventListener('pointermove', (e) => { if (dragging) padEvent(e); });
  window.addEventListener('pointerup', () => { dragging = false; });
  $('dom').addEventListener('input', () => {
    $('dom-out').textContent = Number($('dom').value).toFixed(2);
    state.vad = [state.vad[0], state.vad[1], Number($('dom').value)];
    state.exploring = true;
    refreshFaces(true);
  });
  $('vad-anchor').addEventListener('click', showPreset);
  $('reset').addEventListener('click', () => {
    const orig = state.original.presets.find((q) => q.emotion === state.cls && (state.cls === 'neutral' || q.level === state.level));
    const p = currentPreset(false);
    if (p && orig) p.weights = { ...orig.weights };
    showPreset();
  });
  $('from-compiler').addEventListener('click', () => {
    if (!state.reference) return;
    const p = currentPreset(true);
    CHANNELS.forEach((n, i) => { p.weights[n] = Math.round(state.reference[i] * 1000) / 1000; });
    showPreset();
  });
  $('save').addEventListener('click', () => {
    const blob = new Blob([serialise()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'presets.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    status('saved presets.json');
  });
  $('save-server').addEventListener('click', async () => {
    try {
      const r = await api('/api/presets', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: serialise() });
      status(`saved ${r.presets} presets to the server`);
    } catch (e) { status(e.message, true); }
  });
  $('load').addEventListener('change', async () => {
    const f = $('load').files[0];
    if (!f) return;
    try { loadFile(JSON.parse(await f.text()), f.name); } catch (e) { status(e.message, true); }
  });
  document.body.dataset.ready = '1';
}

// For tests and the console.
window.emosyncEditor = {
  state,
  serialise,
  select(cls, level) { $('cls').value = cls; state.cls = cls; if (level) { $('level').value = level; state.level = level; } showPreset(); },
  current: () => weightsArray(currentPreset(false)),
  compilerValues: () => state.reference,
};

init().catch((e) => status(e.message, true));
