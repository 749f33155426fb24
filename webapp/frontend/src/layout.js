// Link-graph layout: one column per prompt token (x), one band per layer (y): embeddings at the
// bottom, layers 0..n-1, logits on top. The drawing fits the box it is given: columns share the
// width by need (the widest packed cell of each column), each capped so that a crowded column
// cannot starve the others, and a cell whose nodes do not fit in one row wraps onto more rows of
// its band. Inside a cell nodes are sorted by importance (lowest cumulative influence first;
// logits by probability), row by row. Only when even the narrowest columns do not fit (a long
// prompt on a phone) does the drawing grow wider than the box and scroll.
import { placeLogitLabels, prepareLogitLabels } from "./logit-labels.js";

export const GEOM = {
  left: 40, // room for band labels
  right: 10,
  bandMin: 12,
  bandMax: 34,
  colMin: 12, // narrowest column: 64 tokens fit in the explorer at 1440 px
  colFloor: 56, // every column's width when there is room for it
  colCapShare: 0.3, // no column takes more than this share of the width while others need room
  pad: 3,
  tokenFont: 7, // px per character of the prompt-token labels (12px monospace)
  tokenChars: 12,
  flatChars: 5, // a level token label shows at least this many characters
  labelBand: 14, // bands at least this tall have room for labels beside nodes
};

function importance(a, b) {
  if (a.kind === "logit") return b.tokenProb - a.tokenProb || a.i - b.i;
  const ia = a.influence ?? Number.POSITIVE_INFINITY;
  const ib = b.influence ?? Number.POSITIVE_INFINITY;
  return ia - ib || a.i - b.i;
}

export function nodeRadius(bandH) {
  return Math.max(2.2, Math.min(4.5, bandH / 6));
}

// Widths that sum to `avail` when the columns' needs allow it: every column gets at least
// `min`, a column needing more gets up to its need under a common cap (found by bisection), and
// what is left over is shared in proportion to the widths so the drawing fills the box.
export function shareWidths(needs, avail, min, cap) {
  const n = needs.length;
  if (!n) return [];
  if (n * min >= avail) return needs.map(() => min);
  const at = (level) => needs.map((d) => Math.max(min, Math.min(d, level)));
  const sum = (ws) => ws.reduce((s, w) => s + w, 0);
  let widths = at(cap);
  if (sum(widths) > avail) {
    let lo = min;
    let hi = cap;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (sum(at(mid)) > avail) hi = mid;
      else lo = mid;
    }
    widths = at(lo);
  }
  const scale = avail / sum(widths);
  return widths.map((w) => w * scale);
}

function prettyToken(tok) {
  return JSON.stringify(tok ?? "").slice(1, -1);
}

// box: {width, height} the drawing should fit; measure(text) -> px width of a logit label.
export function computeLayout(model, mask, box, measure = (t) => 6 * t.length) {
  const { nBands, nCols } = model;
  const cells = new Map(); // band * nCols + ctx -> nodes
  for (const n of model.nodes) {
    if (!mask[n.i]) continue;
    const key = n.band * nCols + n.ctx;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(n);
  }
  const logits = model.nodes.filter((n) => n.kind === "logit" && mask[n.i]);
  const labels = prepareLogitLabels(logits, measure);
  const top = labels.height;
  const right = Math.max(GEOM.right, labels.overhang);

  // Band height first (it sets the node size, hence how many rows a band holds).
  const tokenWidths = model.tokens.map((t) => Math.min(GEOM.tokenChars, prettyToken(t).length) * GEOM.tokenFont);
  const maxToken = Math.max(14, ...tokenWidths);
  const bottomRotated = Math.ceil(maxToken * 0.87) + 14;
  const bottomFlat = 34;
  const availH = Math.max(320, box.height || 640);
  const bandFor = (bottom) => Math.max(GEOM.bandMin, Math.min(GEOM.bandMax, Math.floor((availH - top - bottom) / nBands)));
  let bandH = bandFor(bottomFlat);
  const r = nodeRadius(bandH);
  const pitch = 2 * r + 2;
  const rowsPerBand = Math.max(1, Math.floor((bandH - 2) / pitch));

  // Column needs: the busiest cell, wrapped onto the band's rows; the logit cell also needs room
  // for its labels' anchors.
  const needs = new Array(nCols).fill(0);
  for (const [key, list] of cells) {
    const ctx = key % nCols;
    const perRow = Math.ceil(list.length / rowsPerBand);
    needs[ctx] = Math.max(needs[ctx], perRow * pitch + 2 * GEOM.pad);
  }
  const logitsPerCol = new Array(nCols).fill(0);
  for (const n of logits) logitsPerCol[n.ctx] += 1;
  logitsPerCol.forEach((k, ctx) => {
    if (k) needs[ctx] = Math.max(needs[ctx], labels.spacing * k + 2 * GEOM.pad);
  });
  const availW = Math.max(GEOM.colMin * nCols, (box.width || 1000) - GEOM.left - right);
  const cap = Math.max(GEOM.colMin, GEOM.colCapShare * availW);
  // With few tokens every column gets a fair floor (so short prompts keep readable columns).
  const floor = Math.max(GEOM.colMin, Math.min(GEOM.colFloor, (0.5 * availW) / nCols));
  const widths = shareWidths(needs, availW, floor, Math.max(floor, cap));
  const columns = [];
  let x = GEOM.left;
  for (let c = 0; c < nCols; c++) {
    columns.push({ ctx: c, x0: x, x1: x + widths[c] });
    x += widths[c];
  }
  // Scaled widths sum to the box up to rounding: never a hair wider than it (a scrollbar).
  const width = Math.min(x + right, Math.max(box.width || 1000, GEOM.colMin * nCols + GEOM.left + right));

  // Prompt tokens under their columns: level when each fits its column or the column holds at
  // least a few characters of it (the rest elided), else slanted.
  const tokensFlat = columns.every((col) => Math.min(tokenWidths[col.ctx] ?? 0, GEOM.flatChars * GEOM.tokenFont) + 4 <= col.x1 - col.x0);
  const bottom = tokensFlat ? bottomFlat : bottomRotated;
  bandH = Math.min(bandH, bandFor(bottom));
  const height = top + nBands * bandH + bottom;
  const bands = [];
  for (let b = 0; b < nBands; b++) {
    const y1 = top + (nBands - b) * bandH; // band 0 (embeddings) at the bottom
    bands.push({ band: b, y0: y1 - bandH, y1 });
  }

  const labelRoom = new Float64Array(model.nodes.length); // px free right of a node, for its label
  const px = new Float64Array(model.nodes.length).fill(Number.NaN);
  const py = new Float64Array(model.nodes.length).fill(Number.NaN);
  const radius = Math.min(r, nodeRadius(bandH));
  const step = Math.min(pitch, 2 * radius + 2);
  for (const [key, list] of cells) {
    const band = bands[Math.floor(key / nCols)];
    const col = columns[key % nCols];
    list.sort(importance);
    const inner = col.x1 - col.x0 - 2 * GEOM.pad;
    const fitRows = Math.max(1, Math.floor((bandH - 2) / step));
    let perRow = Math.max(1, Math.floor(inner / step));
    let nRows = Math.ceil(list.length / perRow);
    if (nRows > fitRows) {
      nRows = fitRows;
      perRow = Math.ceil(list.length / nRows);
    }
    const stepX = Math.min(step, inner / perRow);
    const stepY = Math.min(step, (bandH - 2) / nRows);
    const yMid = (band.y0 + band.y1) / 2;
    list.forEach((n, k) => {
      const row = Math.floor(k / perRow);
      const inRow = Math.min(perRow, list.length - row * perRow);
      const slot = k - row * perRow;
      px[n.i] = col.x0 + GEOM.pad + (inner - inRow * stepX) / 2 + (slot + 0.5) * stepX;
      py[n.i] = yMid + (row - (nRows - 1) / 2) * stepY;
    });
    // A cell of one row leaves room right of its last node for that node's label.
    if (nRows === 1 && bandH >= GEOM.labelBand) {
      const last = list[list.length - 1];
      labelRoom[last.i] = col.x1 - 2 - (px[last.i] + radius + 3);
    }
  }
  const logitLabels = placeLogitLabels(labels, px, bands[nBands - 1].y0, GEOM.left, width - 2);
  return { columns, bands, bandH, width, height, px, py, radius, mask, top, bottom, tokensFlat, logitLabels, labelRoom };
}
