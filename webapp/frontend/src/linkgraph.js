// The link graph, drawn on canvas so that thousands of nodes and tens of thousands of edges stay
// fast: a base layer (all visible edges, faint, batched by colour/width/dash bucket; nodes;
// labels) and an overlay (hovered/selected node's edges and rings) that is cheap to redraw.
import { quadtree } from "d3";
import { binColor, NODE_FILL, SHARE_BINS, shareBin, shareColor, widthScale } from "./colors.js";
import { computeLayout } from "./layout.js";
import { FONT as LABEL_FONT } from "./logit-labels.js";
import { visibleMask } from "./model.js";

const WIDTH_BINS = 6;
const TOKEN_CHARS = 12;

const NODE_LABEL_FONT = "9px system-ui, sans-serif";
const MIN_LABEL_ROOM = 30;
const SEARCH_RING = "#e6a800"; // amber: apart from the hover (orange), click (black) and group (pink) rings

// The longest prefix of `text` (with an ellipsis when cut) no wider than `room`.
function fitText(c, text, room) {
  if (c.measureText(text).width <= room) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (c.measureText(`${text.slice(0, mid)}…`).width <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo >= 3 ? `${text.slice(0, lo).trimEnd()}…` : "";
}

function tokenText(tok) {
  const text = JSON.stringify(tok ?? "").slice(1, -1);
  return text.length > TOKEN_CHARS ? `${text.slice(0, TOKEN_CHARS - 1)}…` : text;
}
export const EDGE_BUDGET = 4000;

export class LinkGraph {
  constructor(container, model, state, callbacks) {
    this.model = model;
    this.state = state;
    this.cb = callbacks;
    this.searchRinged = [];
    this.scroller = container;
    this.stage = document.createElement("div");
    this.stage.className = "ex-stage";
    this.edges = document.createElement("canvas");
    this.edges.className = "ex-canvas";
    this.base = document.createElement("canvas");
    this.overlay = document.createElement("canvas");
    this.base.className = "ex-canvas";
    this.overlay.className = "ex-canvas ex-overlay";
    this.overlay.setAttribute("role", "img");
    this.overlay.setAttribute("aria-label", "Attribution graph: token columns by layer bands");
    this.stage.append(this.edges, this.base, this.overlay);
    container.append(this.stage);
    this.width = widthScale(model.maxAbsWeight);
    this.layout = null;
    this.overlay.addEventListener("mousemove", (e) => this.onMove(e));
    this.overlay.addEventListener("mouseleave", () => this.state.hover(null));
    this.overlay.addEventListener("click", (e) => this.onClick(e));
    this.scroller.addEventListener("scroll", () => this.layout && this.syncOverlay(), { passive: true });
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
    // A new width (the window resized, a page scrollbar came or went) is a new box to fit: lay
    // out again once resizing pauses. Height changes are our own doing and are ignored.
    let resizing = 0;
    this.lastWidth = 0;
    new ResizeObserver(() => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        if (this.layout && this.scroller.clientWidth !== this.lastWidth) this.relayout();
      }, 100);
    }).observe(this.scroller);
  }

  // The box the drawing fits: the scroller's width, and the window's height below the
  // scroller's top (so the whole graph is on the first screen), within sane bounds.
  fitBox() {
    const top = this.scroller.getBoundingClientRect().top + window.scrollY;
    const height = Math.max(360, Math.min(1100, window.innerHeight - top - 12));
    return { width: this.scroller.clientWidth || 1000, height };
  }

  relayout() {
    const s = this.state;
    const mask = visibleMask(this.model, s.threshold, s.pinned, s.clickedId);
    const measurer = this.base.getContext("2d");
    measurer.font = LABEL_FONT;
    this.layout = computeLayout(this.model, mask, this.fitBox(), (text) => measurer.measureText(text).width);
    const { width: w, height: h } = this.layout;
    // A horizontal scrollbar only appears when the drawing is wider than the box.
    const scrollbar = w > this.scroller.clientWidth + 0.5 ? 16 : 0;
    this.scroller.style.height = `${h + scrollbar + 2}px`;
    const dpr = window.devicePixelRatio || 1;
    for (const c of [this.edges, this.base]) {
      c.width = Math.ceil(w * dpr);
      c.height = Math.ceil(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    // The overlay, redrawn on every hover, only covers the visible part of the scroller: a
    // drawing-wide canvas would be re-uploaded whole for each frame.
    this.ow = Math.min(w, this.scroller.clientWidth || w);
    this.overlay.width = Math.ceil(this.ow * dpr);
    this.overlay.height = Math.ceil(h * dpr);
    this.overlay.style.width = `${this.ow}px`;
    this.overlay.style.height = `${h}px`;
    this.stage.style.width = `${w}px`;
    this.stage.style.height = `${h}px`;
    this.dpr = dpr;
    const pts = [];
    for (const n of this.model.nodes) if (mask[n.i]) pts.push(n.i);
    const { px, py } = this.layout;
    this.tree = quadtree(pts, (i) => px[i], (i) => py[i]);
    this.visibleIndices = pts;
    this.lastWidth = this.scroller.clientWidth;
    this.drawBase();
    this.syncOverlay();
  }

  // Moves the overlay to the scroller's visible window and redraws it.
  syncOverlay() {
    this.ox = Math.min(this.scroller.scrollLeft, Math.max(0, this.layout.width - this.ow));
    this.overlay.style.left = `${this.ox}px`;
    this.drawOverlay();
  }

  ctx(canvas) {
    const c = canvas.getContext("2d");
    c.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    return c;
  }

  // Grid and nodes paint at once; the background edges follow just after that first paint (the
  // heavier raster), on their own canvas beneath the nodes. `edgesPainted` resolves once they are.
  drawBase() {
    const c = this.ctx(this.base);
    const { layout } = this;
    c.clearRect(0, 0, layout.width, layout.height);
    this.drawGrid(c);
    this.drawNodes(c);
    this.edgeTicket = (this.edgeTicket || 0) + 1;
    const ticket = this.edgeTicket;
    let painted;
    this.basePainted = new Promise((resolve) => (painted = resolve));
    this.edgesPainted = new Promise((resolve) => {
      requestAnimationFrame(() => {
        setTimeout(painted, 0); // runs after the frame with the nodes was painted
        setTimeout(() => {
          if (ticket === this.edgeTicket) this.drawEdges();
          requestAnimationFrame(() => setTimeout(resolve, 0));
        }, 0);
      });
    });
  }

  drawEdges() {
    const c = this.ctx(this.edges);
    const { model, layout } = this;
    const { px, py, mask } = layout;
    c.clearRect(0, 0, layout.width, layout.height);
    // Bucket edges so each bucket shares one style: sign x share bin x width bin.
    const buckets = new Map();
    const { src, tgt, w, share } = model.links;
    const maxW = model.maxAbsWeight;
    const floor = this.edgeFloor(mask);
    for (let e = 0; e < src.length; e++) {
      if (!mask[src[e]] || !mask[tgt[e]] || Math.abs(w[e]) < floor) continue;
      const sign = w[e] < 0 ? -1 : 1;
      const wb = Math.min(WIDTH_BINS, Math.max(1, Math.ceil(Math.sqrt(Math.abs(w[e]) / maxW) * WIDTH_BINS)));
      const key = (sign < 0 ? 1000 : 0) + shareBin(share[e]) * 10 + wb;
      let list = buckets.get(key);
      if (!list) buckets.set(key, (list = []));
      list.push(e);
    }
    c.globalAlpha = this.state.clickedId ? 0.06 : 0.16;
    const keys = [...buckets.keys()].sort((a, b) => (a % 1000) - (b % 1000));
    for (const key of keys) {
      const sign = key >= 1000 ? -1 : 1;
      const sb = Math.floor((key % 1000) / 10);
      const wb = key % 10;
      c.strokeStyle = binColor(sign, Math.min(sb, SHARE_BINS));
      // Background edges are hairlines (wide software-rastered strokes cost seconds); the
      // overlay draws the selected node's edges at their full width.
      c.lineWidth = Math.min(1.25, 0.5 * this.width(maxW * (wb / WIDTH_BINS) ** 2));
      c.setLineDash(sign < 0 ? [8, 5] : []);
      // One stroke per edge: a single path of thousands of lines meeting at shared nodes makes
      // the rasteriser resolve their overlaps, which costs seconds.
      for (const e of buckets.get(key)) {
        c.beginPath();
        c.moveTo(px[src[e]], py[src[e]]);
        c.lineTo(px[tgt[e]], py[tgt[e]]);
        c.stroke();
      }
    }
    c.setLineDash([]);
    c.globalAlpha = 1;
  }

  // Background edges are capped at EDGE_BUDGET (the strongest by |weight|): past a few thousand
  // lines the picture is a hairball and rasterising it costs seconds. A clicked or hovered node
  // always draws all of its edges on the overlay.
  edgeFloor(mask) {
    const { src, tgt, w } = this.model.links;
    const abs = [];
    for (let e = 0; e < src.length; e++) if (mask[src[e]] && mask[tgt[e]]) abs.push(Math.abs(w[e]));
    this.visibleEdges = abs.length;
    if (abs.length <= EDGE_BUDGET) {
      this.drawnEdges = abs.length;
      return 0;
    }
    const sorted = Float64Array.from(abs).sort();
    const floor = sorted[sorted.length - EDGE_BUDGET];
    this.drawnEdges = EDGE_BUDGET;
    return floor;
  }

  drawGrid(c) {
    const { model, layout } = this;
    c.font = "10px system-ui, sans-serif";
    c.textBaseline = "middle";
    layout.bands.forEach((b, k) => {
      if (k % 2 === 0) {
        c.fillStyle = "#f6f7f9";
        c.fillRect(layout.columns[0].x0, b.y0, layout.width, b.y1 - b.y0);
      }
      c.fillStyle = "#888";
      const name = b.band === 0 ? "Emb" : b.band === model.nBands - 1 ? "Logit" : `L${b.band - 1}`;
      c.fillText(name, 4, (b.y0 + b.y1) / 2);
    });
    c.strokeStyle = "#e3e5e8";
    c.lineWidth = 1;
    c.beginPath();
    for (const col of layout.columns) {
      c.moveTo(col.x0 + 0.5, layout.bands[layout.bands.length - 1].y0);
      c.lineTo(col.x0 + 0.5, layout.bands[0].y1);
    }
    c.stroke();
    // Prompt tokens under their columns (canvas text: never parsed as HTML): level when every
    // token fits its column, else slanted down to the right, so narrow columns stay readable.
    c.fillStyle = "#222";
    c.font = "12px ui-monospace, monospace";
    const yTok = layout.bands[0].y1 + 12;
    for (const col of layout.columns) {
      const text = tokenText(model.tokens[col.ctx]);
      const mid = (col.x0 + col.x1) / 2;
      if (layout.tokensFlat) {
        const fits = Math.max(3, Math.floor((col.x1 - col.x0 - 4) / 7));
        c.textAlign = "center";
        c.fillText(text.length > fits ? `${text.slice(0, fits - 1)}…` : text, mid, yTok);
        c.fillStyle = "#999";
        c.font = "9px system-ui";
        c.fillText(String(col.ctx), mid, yTok + 14);
        c.fillStyle = "#222";
        c.font = "12px ui-monospace, monospace";
      } else {
        c.save();
        c.translate(mid - 3, yTok - 6);
        c.rotate(Math.PI / 3);
        c.textAlign = "left";
        c.fillText(text, 0, 0);
        c.restore();
      }
    }
    c.textAlign = "start";
  }

  drawNodes(c) {
    const { model, layout, state } = this;
    const { px, py, radius: r } = layout;
    for (const i of this.visibleIndices) {
      const n = model.nodes[i];
      const x = px[i];
      const y = py[i];
      c.fillStyle = this.cb.fill?.(n) || NODE_FILL[n.kind];
      c.strokeStyle = n.kind === "error" ? "rgba(120,120,120,0.5)" : "#555";
      c.lineWidth = 0.6;
      c.beginPath();
      if (n.kind === "feature") c.arc(x, y, r, 0, 2 * Math.PI);
      else if (n.kind === "error") {
        c.moveTo(x, y - r);
        c.lineTo(x + r, y);
        c.lineTo(x, y + r);
        c.lineTo(x - r, y);
        c.closePath();
      } else c.rect(x - r, y - r, 2 * r, 2 * r);
      c.fill();
      c.stroke();
      if (state.pinned.has(n.id)) {
        c.strokeStyle = "#6a1b9a";
        c.lineWidth = 2;
        c.beginPath();
        c.arc(x, y, r + 2.5, 0, 2 * Math.PI);
        c.stroke();
      }
    }
    this.drawNodeLabels(c);
    // Output tokens above the logit nodes, slanted, never overlapping (logit-labels.js); a
    // label pushed away from its node gets a leader line.
    c.font = LABEL_FONT;
    c.textBaseline = "middle";
    c.textAlign = "left";
    for (const label of layout.logitLabels) {
      if (Math.abs(label.ax - label.nodeX) > 0.5) {
        c.strokeStyle = "#9cc49b";
        c.lineWidth = 0.8;
        c.beginPath();
        c.moveTo(label.nodeX, py[label.i] - r);
        c.lineTo(label.ax, label.ay + 2);
        c.stroke();
      }
      c.fillStyle = "#2e6b2d";
      c.save();
      c.translate(label.ax, label.ay);
      c.rotate(label.angle);
      c.fillText(label.text, 0, 0);
      c.restore();
    }
    c.textAlign = "start";
  }

  // Feature labels beside their nodes where the layout left room (the last node of a one-row
  // cell), cut to fit with an ellipsis; layer/index defaults say nothing and are not written.
  drawNodeLabels(c) {
    const { model, layout, state } = this;
    const { px, py, radius: r, labelRoom } = layout;
    this.nodeLabels = [];
    c.font = NODE_LABEL_FONT;
    c.textBaseline = "middle";
    c.textAlign = "left";
    c.fillStyle = "#4a4a4a";
    for (const i of this.visibleIndices) {
      const room = labelRoom[i];
      if (room < MIN_LABEL_ROOM) continue;
      const n = model.nodes[i];
      if (n.kind !== "feature") continue;
      const full = state.label(n.id);
      if (!full || full === n.defaultLabel) continue;
      const text = fitText(c, full, room);
      if (!text) continue;
      const x = px[i] + r + 3;
      c.fillText(text, x, py[i]);
      this.nodeLabels.push({ id: n.id, text, x, y: py[i], w: c.measureText(text).width });
    }
  }

  drawEdgesOf(c, i, alpha, highlightOnly) {
    const { model, layout } = this;
    const { px, py, mask } = layout;
    const { src, tgt, w, share } = model.links;
    c.globalAlpha = alpha;
    for (const list of [model.inLinks[i], model.outLinks[i]]) {
      for (const e of list) {
        if (!mask[src[e]] || !mask[tgt[e]]) continue;
        c.strokeStyle = shareColor(share[e]);
        c.lineWidth = this.width(Math.abs(w[e])) + (highlightOnly ? 0 : 0.5);
        c.setLineDash(w[e] < 0 ? [5, 3] : []);
        c.beginPath();
        c.moveTo(px[src[e]], py[src[e]]);
        c.lineTo(px[tgt[e]], py[tgt[e]]);
        c.stroke();
      }
    }
    c.setLineDash([]);
    c.globalAlpha = 1;
  }

  ring(c, i, color, extra) {
    const { px, py, radius } = this.layout;
    c.strokeStyle = color;
    c.lineWidth = 2;
    c.beginPath();
    c.arc(px[i], py[i], radius + extra, 0, 2 * Math.PI);
    c.stroke();
  }

  drawOverlay() {
    const c = this.overlay.getContext("2d");
    c.setTransform(this.dpr, 0, 0, this.dpr, -this.ox * this.dpr, 0);
    const { layout, state, model } = this;
    c.clearRect(this.ox, 0, this.ow, layout.height);
    const clicked = state.clickedId ? model.byId.get(state.clickedId) : null;
    const hovered = state.hoveredId ? model.byId.get(state.hoveredId) : null;
    this.searchRinged = [];
    for (const id of state.searchMatches) {
      const n = model.byId.get(id);
      if (!n || !layout.mask[n.i]) continue;
      this.ring(c, n.i, SEARCH_RING, 4);
      this.searchRinged.push(id);
    }
    if (clicked && layout.mask[clicked.i]) {
      this.drawEdgesOf(c, clicked.i, 0.9, false);
      this.ring(c, clicked.i, "#111", 3);
    }
    if (hovered && layout.mask[hovered.i] && hovered !== clicked) {
      this.drawEdgesOf(c, hovered.i, clicked ? 0.45 : 0.85, true);
      this.ring(c, hovered.i, "#d35400", 2);
    }
    for (const key of state.groupSelection) {
      if (key.startsWith("sn:")) continue;
      const n = model.byId.get(key);
      if (n && layout.mask[n.i]) this.ring(c, n.i, "#e91e63", 5);
    }
    if (this.ox > 0) this.stickyBandLabels(c);
  }

  // Once scrolled, the band names stay readable at the left edge of the visible window.
  stickyBandLabels(c) {
    const { layout, model } = this;
    c.fillStyle = "rgba(255,255,255,0.8)";
    c.fillRect(this.ox, layout.bands[layout.bands.length - 1].y0, 34, layout.bands[0].y1 - layout.bands[layout.bands.length - 1].y0);
    c.fillStyle = "#666";
    c.font = "10px system-ui, sans-serif";
    c.textBaseline = "middle";
    for (const b of layout.bands) {
      const name = b.band === 0 ? "Emb" : b.band === model.nBands - 1 ? "Logit" : `L${b.band - 1}`;
      c.fillText(name, this.ox + 3, (b.y0 + b.y1) / 2);
    }
  }

  pick(event) {
    const rect = this.overlay.getBoundingClientRect();
    const x = event.clientX - rect.left + this.ox;
    const y = event.clientY - rect.top;
    const found = this.tree.find(x, y, Math.max(7, this.layout.radius + 3));
    return found === undefined ? null : this.model.nodes[found];
  }

  onMove(event) {
    const node = this.pick(event);
    this.state.hover(node ? node.id : null);
    this.overlay.style.cursor = node ? "pointer" : "default";
    this.cb.tooltip(node, event);
  }

  onClick(event) {
    const node = this.pick(event);
    if (node && (event.ctrlKey || event.metaKey)) this.state.togglePin(node.id);
    else if (node && this.state.grouping && this.state.pinned.has(node.id)) this.state.toggleGroupMember(node.id);
    else this.state.click(node ? node.id : null);
  }

  // Keyboard: arrows move the hover cursor (left/right along a band, up/down to the nearest node
  // of the next band), Enter selects, "p" pins; the tooltip follows the cursor.
  onKey(event) {
    const { model, layout, state } = this;
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 0], ArrowDown: [-1, 0] };
    const current = state.hoveredId ? model.byId.get(state.hoveredId) : null;
    if ((event.key === "Enter" || event.key === "p") && current) {
      event.preventDefault();
      if (event.key === "p") state.togglePin(current.id);
      else state.click(current.id);
      return;
    }
    if (!(event.key in moves)) return;
    event.preventDefault();
    const { px, py } = layout;
    const [db, dx] = moves[event.key];
    let best = null;
    if (!current) best = this.visibleIndices.reduce((a, i) => (a === null || px[i] < px[a] ? i : a), null);
    else {
      let bestScore = Infinity;
      for (const i of this.visibleIndices) {
        const n = model.nodes[i];
        if (n === current) continue;
        const ddx = px[i] - px[current.i];
        const band = n.band - current.band;
        let score;
        if (db === 0) score = band === 0 && Math.sign(ddx) === dx ? Math.abs(ddx) : Infinity;
        else score = Math.sign(band) === db ? Math.abs(band) * 1e5 + Math.abs(ddx) : Infinity;
        if (score < bestScore) (bestScore = score), (best = i);
      }
    }
    if (best === null) return;
    const node = model.nodes[best];
    const point = this.clientPoint(node.id);
    state.hover(node.id);
    this.cb.tooltip(node, { clientX: point.x, clientY: point.y });
  }

  // Client coordinates of a node (scrolling it into view), for tests and keyboard helpers.
  clientPoint(id) {
    const n = this.model.byId.get(id);
    if (!n || !this.layout.mask[n.i]) return null;
    const x = this.layout.px[n.i];
    if (x < this.scroller.scrollLeft || x > this.scroller.scrollLeft + this.scroller.clientWidth) {
      this.scroller.scrollLeft = Math.max(0, x - this.scroller.clientWidth / 2);
      this.syncOverlay();
    }
    let rect = this.overlay.getBoundingClientRect();
    const y = rect.top + this.layout.py[n.i];
    if (y < 0 || y > window.innerHeight) {
      window.scrollBy(0, y - window.innerHeight / 2);
      rect = this.overlay.getBoundingClientRect();
    }
    return { x: rect.left + x - this.ox, y: rect.top + this.layout.py[n.i] };
  }
}
