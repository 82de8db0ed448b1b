// A 2D SVG face driven by the 52 ARKit blendshapes. Every channel moves something:
// brows, lids, gaze, cheeks, nose, jaw, lips and tongue. The face is drawn as the viewer
// sees a person: the subject's left (…Left channels) is on the right of the picture.
import { CHANNELS } from './vocab.js';

const NS = 'http://www.w3.org/2000/svg';
const IDX = Object.fromEntries(CHANNELS.map((n, i) => [n, i]));

function el(tag, attrs, parent) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// Smooth path through points (Catmull-Rom turned into cubic Béziers).
function smooth(pts, closed) {
  const n = pts.length;
  const p = (i) => (closed ? pts[(i + n) % n] : pts[Math.max(0, Math.min(n - 1, i))]);
  let d = `M${pts[0][0].toFixed(2)},${pts[0][1].toFixed(2)}`;
  const last = closed ? n : n - 1;
  for (let i = 0; i < last; i++) {
    const p0 = p(i - 1), p1 = p(i), p2 = p(i + 1), p3 = p(i + 2);
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += `C${c1[0].toFixed(2)},${c1[1].toFixed(2)} ${c2[0].toFixed(2)},${c2[1].toFixed(2)} ${p2[0].toFixed(2)},${p2[1].toFixed(2)}`;
  }
  return closed ? d + 'Z' : d;
}

const clamp01 = (x) => Math.max(0, Math.min(1, Number.isFinite(x) ? x : 0));

export class Face {
  constructor(parent, { id = 'face' } = {}) {
    this.values = new Float32Array(52);
    const svg = el('svg', { viewBox: '0 0 400 480', class: 'face-svg', role: 'img', 'aria-label': 'face' }, parent);
    this.svg = svg;
    const defs = el('defs', {}, svg);
    const skin = el('radialGradient', { id: `${id}-skin`, gradientUnits: 'userSpaceOnUse', cx: 200, cy: 210, r: 250 }, defs);
    el('stop', { offset: '0%', 'stop-color': '#f7d9c1' }, skin);
    el('stop', { offset: '100%', 'stop-color': '#e9b995' }, skin);
    const blush = el('radialGradient', { id: `${id}-blush` }, defs);
    el('stop', { offset: '0%', 'stop-color': '#e8837a', 'stop-opacity': '0.55' }, blush);
    el('stop', { offset: '100%', 'stop-color': '#e8837a', 'stop-opacity': '0' }, blush);
    this.clipL = el('path', {}, el('clipPath', { id: `${id}-clipL` }, defs));
    this.clipR = el('path', {}, el('clipPath', { id: `${id}-clipR` }, defs));
    this.clipM = el('path', {}, el('clipPath', { id: `${id}-clipM` }, defs));

    el('rect', { x: 0, y: 0, width: 400, height: 480, fill: '#20242c' }, svg);
    this.hairBack = el('path', { fill: '#3b2a20' }, svg);
    this.neck = el('path', { fill: '#e3b08d' }, svg);
    this.ears = [el('ellipse', { fill: '#eab994', rx: 16, ry: 30 }, svg), el('ellipse', { fill: '#eab994', rx: 16, ry: 30 }, svg)];
    this.head = el('path', { fill: `url(#${id}-skin)`, stroke: '#b98462', 'stroke-width': 2 }, svg);
    this.hair = el('path', { fill: '#4a3426' }, svg);
    this.cheeks = [el('ellipse', { fill: `url(#${id}-blush)` }, svg), el('ellipse', { fill: `url(#${id}-blush)` }, svg)];
    this.foreheadLines = el('path', { fill: 'none', stroke: '#b98462', 'stroke-width': 1.6, 'stroke-linecap': 'round' }, svg);
    this.frownLines = el('path', { fill: 'none', stroke: '#a8745a', 'stroke-width': 1.6, 'stroke-linecap': 'round' }, svg);
    this.eyes = {};
    for (const side of ['R', 'L']) {
      const g = el('g', {}, svg);
      const white = el('path', { fill: '#fbfbf8', stroke: 'none' }, g);
      const irisG = el('g', { 'clip-path': `url(#${id}-clip${side})` }, g);
      const iris = el('circle', { r: 11.5, fill: '#4f7a8a', stroke: '#2d4650', 'stroke-width': 1.2 }, irisG);
      const pupil = el('circle', { r: 5, fill: '#111' }, irisG);
      const glint = el('circle', { r: 2, fill: '#fff', opacity: 0.85 }, irisG);
      const lidUpper = el('path', { fill: `url(#${id}-skin)`, stroke: 'none' }, g);
      const lidLower = el('path', { fill: `url(#${id}-skin)`, stroke: 'none' }, g);
      const lash = el('path', { fill: 'none', stroke: '#2a1c14', 'stroke-width': 2.6, 'stroke-linecap': 'round' }, g);
      const lower = el('path', { fill: 'none', stroke: '#9b6a50', 'stroke-width': 1.2, 'stroke-linecap': 'round' }, g);
      const crease = el('path', { fill: 'none', stroke: '#b07b5d', 'stroke-width': 1.3, 'stroke-linecap': 'round' }, g);
      this.eyes[side] = { white, iris, pupil, glint, lidUpper, lidLower, lash, lower, crease };
    }
    this.brows = { R: el('path', { fill: '#3a281c' }, svg), L: el('path', { fill: '#3a281c' }, svg) };
    this.nose = el('path', { fill: 'none', stroke: '#b07b5d', 'stroke-width': 2, 'stroke-linecap': 'round' }, svg);
    this.nostrils = { R: el('path', { fill: 'none', stroke: '#8d5d45', 'stroke-width': 2.2, 'stroke-linecap': 'round' }, svg),
                      L: el('path', { fill: 'none', stroke: '#8d5d45', 'stroke-width': 2.2, 'stroke-linecap': 'round' }, svg) };
    this.sneerLines = el('path', { fill: 'none', stroke: '#a8745a', 'stroke-width': 1.5, 'stroke-linecap': 'round' }, svg);
    this.nasolabial = el('path', { fill: 'none', stroke: '#c48e6d', 'stroke-width': 1.6, 'stroke-linecap': 'round' }, svg);
    this.mouthInside = el('path', { fill: '#5a1f22' }, svg);
    const mg = el('g', { 'clip-path': `url(#${id}-clipM)` }, svg);
    this.teethUpper = el('rect', { fill: '#f4f1ea', rx: 3 }, mg);
    this.teethLower = el('rect', { fill: '#ebe6dc', rx: 3 }, mg);
    this.tongueIn = el('ellipse', { fill: '#c9575e' }, mg);
    this.lipUpper = el('path', { fill: '#c46a67', stroke: '#9a4a48', 'stroke-width': 1 }, svg);
    this.lipLower = el('path', { fill: '#cf7671', stroke: '#9a4a48', 'stroke-width': 1 }, svg);
    this.tongueOut = el('path', { fill: '#d0606a', stroke: '#9c3e46', 'stroke-width': 1.2 }, svg);
    this.dimples = el('path', { fill: 'none', stroke: '#a8745a', 'stroke-width': 1.8, 'stroke-linecap': 'round' }, svg);
    this.chinBump = el('path', { fill: 'none', stroke: '#c08a69', 'stroke-width': 1.6, 'stroke-linecap': 'round' }, svg);
    this.set(this.values);
  }

  // values: 52 numbers in canonical ARKit order, or {name: value}.
  set(values) {
    if (Array.isArray(values) || ArrayBuffer.isView(values)) {
      for (let i = 0; i < 52; i++) this.values[i] = clamp01(values[i]);
    } else {
      this.values.fill(0);
      for (const [k, v] of Object.entries(values || {})) if (k in IDX) this.values[IDX[k]] = clamp01(v);
    }
    this.draw();
  }

  v(name) { return this.values[IDX[name]]; }

  draw() {
    const v = (n) => this.v(n);
    const side = (s) => (s === 'L' ? 1 : -1);  // subject's left is the picture's right
    const jawOpen = v('jawOpen'), jawShift = (v('jawLeft') - v('jawRight')) * 16, jawFwd = v('jawForward');
    const chinY = 432 + jawOpen * 34 + jawFwd * 6 - v('mouthShrugLower') * 4;
    const puff = v('cheekPuff') * 20;

    // Head: outline through temples, cheekbones, cheeks, jaw and chin.
    const head = [
      [200, 58], [268, 70], [312, 120], [326, 200], [322 + puff * 0.4, 262], [312 + puff, 318],
      [290 + puff * 0.6 + jawShift * 0.5, 372 + jawOpen * 14], [250 + jawShift, 414 + jawOpen * 28 + jawFwd * 4],
      [200 + jawShift, chinY], [150 + jawShift, 414 + jawOpen * 28 + jawFwd * 4], [110 - puff * 0.6 + jawShift * 0.5, 372 + jawOpen * 14],
      [88 - puff, 318], [78 - puff * 0.4, 262], [74, 200], [88, 120], [132, 70],
    ];
    this.head.setAttribute('d', smooth(head, true));
    this.neck.setAttribute('d', `M150,380 L148,480 L252,480 L250,380 Z`);
    this.hairBack.setAttribute('d', smooth([[200, 40], [300, 60], [346, 150], [340, 250], [60, 250], [54, 150], [100, 60]], true));
    this.hair.setAttribute('d', 'M76,196 C70,110 120,52 200,50 C282,52 332,110 324,196 C318,150 300,118 262,104 C230,126 170,128 130,106 C98,122 82,150 76,196 Z');
    this.ears[0].setAttribute('cx', 74); this.ears[0].setAttribute('cy', 236);
    this.ears[1].setAttribute('cx', 326); this.ears[1].setAttribute('cy', 236);

    // Cheeks: raised by cheekSquint, rounder with cheekPuff, pink with both.
    for (const s of ['R', 'L']) {
      const sq = v(`cheekSquint${s === 'L' ? 'Left' : 'Right'}`), smile = v(`mouthSmile${s === 'L' ? 'Left' : 'Right'}`);
      const c = this.cheeks[s === 'L' ? 1 : 0];
      c.setAttribute('cx', 200 + side(s) * (78 + puff * 0.8));
      c.setAttribute('cy', 292 - sq * 16 - smile * 5);
      c.setAttribute('rx', 32 + puff * 0.9);
      c.setAttribute('ry', 22 + puff * 0.6 - sq * 3);
      c.setAttribute('opacity', (0.35 + 0.65 * Math.max(sq, v('cheekPuff'), smile * 0.5)).toFixed(3));
    }

    // Eyes.
    for (const s of ['R', 'L']) {
      const S = s === 'L' ? 'Left' : 'Right', sg = side(s);
      const cx = 200 + sg * 58, cy = 222;
      const blink = v(`eyeBlink${S}`), wide = v(`eyeWide${S}`), squint = v(`eyeSquint${S}`);
      const up = v(`eyeLookUp${S}`), down = v(`eyeLookDown${S}`), lin = v(`eyeLookIn${S}`), lout = v(`eyeLookOut${S}`);
      const cheekSq = v(`cheekSquint${S}`);
      const hw = 30;
      const openU = 15 * (1 + 0.55 * wide - 0.3 * squint + 0.25 * up - 0.3 * down);
      const openL = 11 * (1 - 0.55 * squint - 0.35 * cheekSq + 0.2 * wide + 0.2 * down - 0.1 * up);
      const yU = cy - openU * (1 - blink) + blink * 3, yL = cy + Math.max(1.5, openL * (1 - 0.85 * blink));
      const inner = [cx - sg * hw, cy + 2], outer = [cx + sg * hw, cy - 1];
      const upperPts = [inner, [cx - sg * hw * 0.45, yU + 2], [cx + sg * 2, yU], [cx + sg * hw * 0.5, yU + 3], outer];
      const lowerPts = [outer, [cx + sg * hw * 0.45, yL - 1], [cx, yL], [cx - sg * hw * 0.5, yL - 1], inner];
      const shape = smooth(upperPts, false) + smooth(lowerPts, false).replace(/^M[^C]*/, '') + 'Z';
      const e = this.eyes[s];
      e.white.setAttribute('d', shape);
      (s === 'L' ? this.clipL : this.clipR).setAttribute('d', shape);
      const gx = cx + sg * (lout - lin) * 13, gy = cy + (down - up) * 9 - 1;
      for (const [node, dx, dy] of [[e.iris, 0, 0], [e.pupil, 0, 0], [e.glint, 3.5, -3.5]]) {
        node.setAttribute('cx', (gx + dx).toFixed(2)); node.setAttribute('cy', (gy + dy).toFixed(2));
      }
      e.pupil.setAttribute('r', (5 + wide * 0.8 - squint * 0.6).toFixed(2));
      // Lid skin above the upper contour and below the lower one (hides the eyeball as lids close).
      const top = cy - 34, bottom = cy + 26;
      e.lidUpper.setAttribute('d', smooth(upperPts, false) + `L${outer[0] + sg * 4},${top} L${inner[0] - sg * 4},${top} Z`);
      e.lidLower.setAttribute('d', smooth(lowerPts, false) + `L${inner[0] - sg * 4},${bottom} L${outer[0] + sg * 4},${bottom} Z`);
      e.lash.setAttribute('d', smooth(upperPts, false));
      e.lower.setAttribute('d', smooth(lowerPts.slice(0, 4), false));
      e.crease.setAttribute('d', smooth([[cx - sg * 22, yU - 9 - wide * 5], [cx, yU - 12 - wide * 7], [cx + sg * 24, yU - 8 - wide * 4]], false));
      e.crease.setAttribute('opacity', (0.85 * (1 - blink * 0.6)).toFixed(3));
    }

    // Brows: browDown lowers and pulls in, browInnerUp lifts the inner ends, browOuterUp the outer.
    const innerUp = v('browInnerUp');
    let frown = 0;
    for (const s of ['R', 'L']) {
      const S = s === 'L' ? 'Left' : 'Right', sg = side(s);
      const down = v(`browDown${S}`), outerUp = v(`browOuterUp${S}`);
      frown = Math.max(frown, down);
      const base = 176;
      const ix = 200 + sg * (26 - down * 6), iy = base + down * 13 - innerUp * 18 + 2;
      const mx = 200 + sg * 58, my = base - 10 + down * 9 - innerUp * 6 - outerUp * 10;
      const ox = 200 + sg * 92, oy = base + 4 + down * 6 - outerUp * 18 - innerUp * 2;
      const topEdge = [[ix, iy - 7], [mx, my - 6], [ox, oy - 1]];
      const botEdge = [[ox, oy + 3], [mx, my + 5], [ix, iy + 5]];
      this.brows[s].setAttribute('d', smooth(topEdge, false) + smooth(botEdge, false).replace(/^M/, 'L') + 'Z');
    }
    this.foreheadLines.setAttribute('d', 'M160,128 Q200,' + (120 - innerUp * 4) + ' 240,128 M170,142 Q200,' + (136 - innerUp * 4) + ' 230,142');
    this.foreheadLines.setAttribute('opacity', Math.max(innerUp, (v('browOuterUpLeft') + v('browOuterUpRight')) / 2).toFixed(3));
    this.frownLines.setAttribute('d', 'M192,182 L189,200 M208,182 L211,200');
    this.frownLines.setAttribute('opacity', frown.toFixed(3));

    // Nose: noseSneer lifts the wing of the nostril and wrinkles the bridge.
    const sneerL = v('noseSneerLeft'), sneerR = v('noseSneerRight');
    this.nose.setAttribute('d', 'M194,232 C190,262 184,282 182,296 M206,232 C210,262 216,282 218,296');
    this.nose.setAttribute('opacity', 0.55);
    for (const s of ['R', 'L']) {
      const sg = side(s), sn = s === 'L' ? sneerL : sneerR;
      const y = 304 - sn * 8;
      this.nostrils[s].setAttribute('d', smooth([[200 + sg * 6, y + 2], [200 + sg * 16, y - 2 - sn * 2], [200 + sg * 26, y - 8 - sn * 4], [200 + sg * 22, y - 16 - sn * 4]], false));
    }
    this.sneerLines.setAttribute('d', `M186,${248 - sneerR * 2} L178,${252 - sneerR * 4} M187,256 L178,262 M214,${248 - sneerL * 2} L222,${252 - sneerL * 4} M213,256 L222,262`);
    this.sneerLines.setAttribute('opacity', Math.max(sneerL, sneerR).toFixed(3));

    // Mouth.
    const mShift = (v('mouthLeft') - v('mouthRight')) * 22 + jawShift * 0.6;
    const cx = 200 + mShift, my = 350 + jawOpen * 8;
    const pucker = v('mouthPucker'), funnel = v('mouthFunnel'), close = v('mouthClose');
    const corner = {};
    for (const s of ['R', 'L']) {
      const S = s === 'L' ? 'Left' : 'Right', sg = side(s);
      const smile = v(`mouthSmile${S}`), fr = v(`mouthFrown${S}`), dimple = v(`mouthDimple${S}`), stretch = v(`mouthStretch${S}`);
      const press = v(`mouthPress${S}`);
      const w = 46 * (1 + 0.22 * stretch + 0.16 * dimple + 0.14 * smile + 0.05 * press) * (1 - 0.4 * pucker - 0.3 * funnel);
      const x = cx + sg * w;
      const y = my - 15 * smile + 13 * fr + 7 * stretch - 1 * dimple + jawOpen * 8;
      corner[s] = { x, y, smile, fr, dimple, stretch, press,
        upperUp: v(`mouthUpperUp${S}`), lowerDown: v(`mouthLowerDown${S}`) };
    }
    const rollU = v('mouthRollUpper'), rollL = v('mouthRollLower');
    const shrugU = v('mouthShrugUpper'), shrugL = v('mouthShrugLower');
    const open = jawOpen * 44 * (1 - close) + funnel * 12 * (1 - close);
    // Per side: inner gap top/bottom and lip thickness.
    const lipTop = (s) => {
      const c = corner[s];
      const gapUp = open * 0.28 + c.upperUp * 9 + funnel * 4;
      const thick = (9 + funnel * 5 + pucker * 5 + shrugU * 3) * (1 - 0.75 * rollU) * (1 - 0.5 * c.press) * (1 - 0.3 * close);
      return { inner: my - gapUp - shrugU * 3 + close * 2, outer: my - gapUp - shrugU * 3 - thick - c.upperUp * 3 };
    };
    const lipBot = (s) => {
      const c = corner[s];
      const gapDown = open * 0.72 + c.lowerDown * 11 + funnel * 4;
      const thick = (11 + funnel * 5 + pucker * 6 + shrugL * 3) * (1 - 0.75 * rollL) * (1 - 0.5 * c.press) * (1 - 0.3 * close);
      return { inner: my + gapDown - shrugL * 5 - close * 3, outer: my + gapDown - shrugL * 5 + thick + c.lowerDown * 2 };
    };
    const tR = lipTop('R'), tL = lipTop('L'), bR = lipBot('R'), bL = lipBot('L');
    const mid = (a, b) => (a + b) / 2;
    const cR = corner.R, cL = corner.L;
    const xAt = (f) => cR.x + (cL.x - cR.x) * f;
    const round = funnel * 0.5 + pucker * 0.3;  // rounder opening: middle points spread out
    const innerTop = [[cR.x, cR.y], [xAt(0.22 - round * 0.1), tR.inner + (cR.y - my) * 0.35 - round * 4], [cx, mid(tR.inner, tL.inner) - round * 2],
      [xAt(0.78 + round * 0.1), tL.inner + (cL.y - my) * 0.35 - round * 4], [cL.x, cL.y]];
    const innerBot = [[cL.x, cL.y], [xAt(0.78 + round * 0.1), bL.inner + (cL.y - my) * 0.3 + round * 4], [cx, mid(bR.inner, bL.inner) + round * 2],
      [xAt(0.22 - round * 0.1), bR.inner + (cR.y - my) * 0.3 + round * 4], [cR.x, cR.y]];
    const outerTop = [[cR.x - 2, cR.y], [xAt(0.2), tR.outer + (cR.y - my) * 0.3], [xAt(0.4), mid(tR.outer, tL.outer) - 1],
      [cx, mid(tR.outer, tL.outer) + 2.5 * (1 - funnel)], [xAt(0.6), mid(tR.outer, tL.outer) - 1], [xAt(0.8), tL.outer + (cL.y - my) * 0.3], [cL.x + 2, cL.y]];
    const outerBot = [[cL.x + 2, cL.y], [xAt(0.78), bL.outer + (cL.y - my) * 0.25], [cx, mid(bR.outer, bL.outer)],
      [xAt(0.22), bR.outer + (cR.y - my) * 0.25], [cR.x - 2, cR.y]];
    const inside = smooth(innerTop, false) + smooth(innerBot, false).replace(/^M[^C]*/, '') + 'Z';
    this.mouthInside.setAttribute('d', inside);
    this.clipM.setAttribute('d', inside);
    const topInnerY = mid(tR.inner, tL.inner), botInnerY = mid(bR.inner, bL.inner);
    this.teethUpper.setAttribute('x', cx - 30); this.teethUpper.setAttribute('width', 60);
    this.teethUpper.setAttribute('y', topInnerY - 6 + rollU * 2); this.teethUpper.setAttribute('height', 11);
    this.teethLower.setAttribute('x', cx - 26 + jawShift * 0.3); this.teethLower.setAttribute('width', 52);
    this.teethLower.setAttribute('y', botInnerY - 6 - jawFwd * 5); this.teethLower.setAttribute('height', 10);
    this.tongueIn.setAttribute('cx', cx); this.tongueIn.setAttribute('cy', botInnerY - 2);
    this.tongueIn.setAttribute('rx', 22); this.tongueIn.setAttribute('ry', 8 + jawOpen * 4);
    this.lipUpper.setAttribute('d', smooth(outerTop, false) + smooth([...innerTop].reverse(), false).replace(/^M/, 'L') + 'Z');
    this.lipLower.setAttribute('d', smooth(innerBot, false) + smooth([...outerBot].reverse(), false).replace(/^M/, 'L') + 'Z');
    const to = v('tongueOut');
    const ty = botInnerY - 4, tl = to * 34;
    this.tongueOut.setAttribute('d', to > 0.01
      ? `M${cx - 16},${ty} C${cx - 18},${ty + tl * 0.7} ${cx - 12},${ty + tl + 8} ${cx},${ty + tl + 8} C${cx + 12},${ty + tl + 8} ${cx + 18},${ty + tl * 0.7} ${cx + 16},${ty} Z`
      : 'M0,0');
    this.tongueOut.setAttribute('opacity', to > 0.01 ? 1 : 0);

    // Dimples and smile folds; a chin bump with mouthShrugLower; jawForward shades the chin.
    const dR = cR.dimple, dL = cL.dimple;
    this.dimples.setAttribute('d', `M${cR.x - 8},${cR.y - 6} q-4,6 0,12 M${cL.x + 8},${cL.y - 6} q4,6 0,12`);
    this.dimples.setAttribute('opacity', Math.max(dR, dL, cR.press * 0.6, cL.press * 0.6).toFixed(3));
    const fold = Math.max(cR.smile, cL.smile, cR.stretch * 0.6, cL.stretch * 0.6, v('cheekSquintLeft') * 0.5, v('cheekSquintRight') * 0.5);
    this.nasolabial.setAttribute('d', `M${176},${300} Q${cR.x - 16},${(300 + cR.y) / 2} ${cR.x - 10},${cR.y + 10} M${224},${300} Q${cL.x + 16},${(300 + cL.y) / 2} ${cL.x + 10},${cL.y + 10}`);
    this.nasolabial.setAttribute('opacity', (0.25 + 0.75 * fold).toFixed(3));
    const chinTop = mid(bR.outer, bL.outer) + 14;
    this.chinBump.setAttribute('d', `M${cx - 18 + jawShift * 0.4},${chinTop + 8 - shrugL * 6} Q${cx + jawShift * 0.4},${chinTop - shrugL * 8 - jawFwd * 4} ${cx + 18 + jawShift * 0.4},${chinTop + 8 - shrugL * 6}`);
    this.chinBump.setAttribute('opacity', (0.2 + 0.8 * Math.max(shrugL, jawFwd, close * 0.7)).toFixed(3));
  }
}
