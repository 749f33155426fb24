// Where the subgraph panel draws its units, their labels and the edge weights.
//
// Rows are layer bands (logits on top), columns token positions. Units of one column that sit in
// different rows are set on a convex arc across the column rather than on one vertical line, so
// an edge between two of them never runs through a third (a line meets a convex curve at most
// twice). Units sharing a row are spread along it, far enough apart for their labels. Labels wrap
// onto up to LABEL_LINES lines; each edge weight goes at the first point along its edge where it
// covers no node, no label and no other weight (else it is left to the edge's hover title).

export const W = 720;
export const M = 40;
export const ROW_H = 84;
export const NODE_R = 9;
export const LABEL_CHARS = 24;
export const LABEL_LINES = 3;
export const LINE_H = 11;
const LABEL_GAP = 14; // from the node's centre to the first line's middle
const WEIGHT_H = 11;

// Greedy word wrap; a word longer than a line is cut into pieces; past the last line, an ellipsis.
export function wrapLabel(text, chars = LABEL_CHARS, lines = LABEL_LINES) {
  const out = [];
  let line = "";
  const push = (s) => out.push(s);
  for (let word of String(text).split(/\s+/).filter(Boolean)) {
    while (word.length > chars) {
      if (line) push(line), (line = "");
      push(word.slice(0, chars));
      word = word.slice(chars);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= chars) line += ` ${word}`;
    else push(line), (line = word);
  }
  if (line) push(line);
  if (out.length <= lines) return out;
  const kept = out.slice(0, lines);
  const last = kept[lines - 1];
  kept[lines - 1] = `${last.slice(0, chars - 1)}…`;
  return kept;
}

function overlaps(a, b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

// units: [{band, ctx, lines}], measure(text) -> px. Returns positions, label boxes and height.
export function placeUnits(units, measure) {
  const bands = [...new Set(units.map((u) => u.band))].sort((a, b) => b - a);
  const ctxs = [...new Set(units.map((u) => u.ctx))].sort((a, b) => a - b);
  const height = Math.max(160, bands.length * ROW_H + 2 * M);
  const slot = (W - 2 * M) / ctxs.length;
  const colX = (c) => M + (ctxs.indexOf(c) + 0.5) * slot;
  const rowY = (b) => M + bands.indexOf(b) * ROW_H;
  const pos = units.map((u) => ({ x: colX(u.ctx), y: rowY(u.band) }));
  const labelW = units.map((u) => Math.max(...u.lines.map((l) => measure(l)), 2 * NODE_R));

  // Each column's units in different rows: on an arc bulging to the right of the column's
  // centre (x = centre - A/2 + A * (1 - s^2), s in [-1, 1] down the rows they occupy).
  ctxs.forEach((c) => {
    const members = units.map((u, k) => k).filter((k) => units[k].ctx === c);
    const rows = [...new Set(members.map((k) => units[k].band))].sort((a, b) => b - a);
    if (rows.length < 3) return;
    const span = rowY(rows[rows.length - 1]) - rowY(rows[0]);
    const step = Math.min(...rows.slice(1).map((b, j) => rowY(b) - rowY(rows[j]))) / (span / 2);
    const widest = Math.max(...members.map((k) => labelW[k]));
    const amplitude = Math.min(Math.max(0, slot - widest - 10), (5 * NODE_R) / (step * step));
    for (const k of members) {
      const s = (2 * (pos[k].y - rowY(rows[0]))) / span - 1;
      pos[k].x += amplitude * (1 - s * s) - amplitude / 2;
    }
  });

  // Units sharing a row: spread along it, a label's width apart where the panel allows.
  const byRow = new Map();
  units.forEach((u, k) => {
    if (!byRow.has(u.band)) byRow.set(u.band, []);
    byRow.get(u.band).push(k);
  });
  for (const list of byRow.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => pos[a].x - pos[b].x || a - b);
    const want = Math.max(...list.map((k) => labelW[k])) + 10;
    const gap = Math.min(want, (W - 2 * M) / (list.length - 1));
    for (let j = 1; j < list.length; j++) pos[list[j]].x = Math.max(pos[list[j]].x, pos[list[j - 1]].x + gap);
    const overflow = pos[list[list.length - 1]].x - (W - M);
    if (overflow > 0) for (const k of list) pos[k].x -= overflow;
    for (let j = list.length - 2; j >= 0; j--) pos[list[j]].x = Math.min(pos[list[j]].x, pos[list[j + 1]].x - gap);
  }
  for (const p of pos) p.x = Math.max(M / 2, Math.min(W - M / 2, p.x));
  return { pos, labelW, height };
}

export function nodeBox(p) {
  return { x0: p.x - NODE_R - 1, x1: p.x + NODE_R + 1, y0: p.y - NODE_R - 1, y1: p.y + NODE_R + 1 };
}

export function labelBox(p, width, nLines) {
  const top = p.y + LABEL_GAP - LINE_H / 2;
  return { x0: p.x - width / 2 - 1, x1: p.x + width / 2 + 1, y0: top, y1: top + nLines * LINE_H + 1 };
}

// edges: [{a, b, text}] over unit indices; boxes: node and label boxes to keep clear of.
export function placeWeights(edges, pos, boxes, measure) {
  const taken = [...boxes];
  const spots = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];
  return edges.map((e) => {
    const p = pos[e.a];
    const q = pos[e.b];
    const dx = q.x - p.x;
    const dy = q.y - p.y;
    const len = Math.hypot(dx, dy) || 1;
    const nx = -dy / len;
    const ny = dx / len;
    const w = measure(e.text) + 4;
    for (const t of spots) {
      for (const side of [1, -1]) {
        const off = side * (WEIGHT_H / 2 + 2 + Math.abs(nx) * (w / 2));
        const cx = p.x + t * dx + nx * off;
        const cy = p.y + t * dy + ny * off;
        const box = { x0: cx - w / 2, x1: cx + w / 2, y0: cy - WEIGHT_H / 2, y1: cy + WEIGHT_H / 2 };
        if (box.x0 < 0 || box.x1 > W || box.y0 < 0) continue;
        if (taken.some((b) => overlaps(b, box))) continue;
        taken.push(box);
        return { x: cx, y: cy, shown: true };
      }
    }
    return { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2, shown: false };
  });
}
