// Labels of the logit nodes: each output token written at a slant above the logit band. All
// labels share one baseline and one angle, so two of them are disjoint exactly when their
// anchors are at least SPACING apart along the baseline (their perpendicular distance is then at
// least the text height); anchors start at their node's x and are pushed apart, and back inside
// the drawing, where needed, with a leader line from the node to a displaced label.

export const ANGLE = -Math.PI / 3;
export const FONT = "10px ui-monospace, monospace";
export const TEXT_H = 11; // the label box's height, across the text
const SPACING = Math.ceil(TEXT_H / Math.sin(-ANGLE)) + 1;
// Room for a logit difference's two tokens ("Washington − Sacramento"); longer text is cut with
// an ellipsis (the hover card has it whole).
const MAX_CHARS = 24;
const GAP = 6; // baseline above the logit band

export function logitText(node) {
  const m = /"(.*)"/s.exec(node.clerp || "");
  const tok = m ? m[1] : String(node.feature ?? "");
  return tok.length > MAX_CHARS ? `${tok.slice(0, MAX_CHARS - 1)}…` : tok;
}

// The box of a label anchored at (ax, ay): u along the text (0..w), v across it (±TEXT_H/2).
export function labelCorners(label) {
  const c = Math.cos(label.angle);
  const s = Math.sin(label.angle);
  const h = TEXT_H / 2;
  return [
    [0, -h],
    [label.w, -h],
    [label.w, h],
    [0, h],
  ].map(([u, v]) => [label.ax + u * c - v * s, label.ay + u * s + v * c]);
}

function extent(w) {
  const corners = labelCorners({ ax: 0, ay: 0, w, angle: ANGLE });
  return {
    right: Math.max(...corners.map((p) => p[0])),
    up: -Math.min(...corners.map((p) => p[1])),
  };
}

// What the layout needs before placing: the room above the bands and to the right.
export function prepareLogitLabels(logits, measure) {
  const items = logits.map((n) => ({ node: n, text: logitText(n) })).map((it) => ({ ...it, w: Math.ceil(measure(it.text)) + 2 }));
  const maxW = Math.max(0, ...items.map((it) => it.w));
  const ext = extent(maxW);
  return {
    items,
    spacing: SPACING,
    height: items.length ? Math.ceil(ext.up) + GAP + 6 : 14,
    overhang: items.length ? Math.ceil(ext.right) + 4 : 0,
  };
}

// Anchors on the baseline above `bandTop`, in node order, SPACING apart, inside [minX, maxX].
export function placeLogitLabels(prepared, px, bandTop, minX, maxX) {
  const ay = bandTop - GAP;
  const items = prepared.items.map((it) => ({ ...it, x: px[it.node.i] })).sort((a, b) => a.x - b.x || a.node.i - b.node.i);
  const anchors = items.map((it) => it.x);
  const limit = items.map((it) => maxX - extent(it.w).right);
  for (let k = 0; k < anchors.length; k++) anchors[k] = Math.max(anchors[k], minX, k ? anchors[k - 1] + SPACING : -Infinity);
  for (let k = anchors.length - 1; k >= 0; k--) anchors[k] = Math.min(anchors[k], limit[k], k < anchors.length - 1 ? anchors[k + 1] - SPACING : Infinity);
  return items.map((it, k) => ({ i: it.node.i, id: it.node.id, text: it.text, w: it.w, ax: anchors[k], ay, angle: ANGLE, nodeX: it.x }));
}
