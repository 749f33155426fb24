// The subgraph panel: pinned nodes (supernodes as one unit) in a layered layout (y = layer band,
// x = token; placement in subgraph-layout.js), draggable, with combined edges between units,
// arrows, and weights.
import { drag, select } from "d3";
import { shareColor } from "./colors.js";
import { el, clear, fmt } from "./dom.js";
import { LINE_H, NODE_R, W, labelBox, nodeBox, placeUnits, placeWeights, wrapLabel } from "./subgraph-layout.js";

const LABEL_GAP_Y = 14 + 3.5; // first line's baseline: its middle LABEL_GAP below the node

// Text widths in the panel's fonts (labels 10px, weights 9px), for placing without overlaps.
function textMeasure() {
  const ctx = document.createElement("canvas").getContext("2d");
  return (text, size = 10) => {
    ctx.font = `${size}px system-ui, sans-serif`;
    return ctx.measureText(text).width;
  };
}

// Units: one per supernode, one per pinned node outside every supernode.
export function subgraphUnits(state) {
  const units = [];
  const grouped = new Set();
  state.supernodes.forEach((sn, k) => {
    const members = sn.slice(1).filter((id) => state.pinned.has(id));
    if (!members.length) return;
    members.forEach((id) => grouped.add(id));
    units.push({ key: `sn:${k}`, label: sn[0], members, supernode: k });
  });
  for (const id of state.pinned) {
    if (!grouped.has(id)) units.push({ key: id, label: state.label(id), members: [id], supernode: null });
  }
  return units;
}

// Suggested supernodes: pinned features outside every supernode that share a label (one
// feature at several positions, or features explained alike), biggest first.
export function suggestSupernodes(model, state) {
  const byLabel = new Map();
  for (const id of state.pinned) {
    if (model.byId.get(id)?.kind !== "feature" || state.groupOf(id)) continue;
    const label = String(state.baseLabel(id)).trim();
    const key = label.toLowerCase().replace(/\s+/g, " ");
    if (!key) continue;
    if (!byLabel.has(key)) byLabel.set(key, { label, ids: [] });
    byLabel.get(key).ids.push(id);
  }
  return [...byLabel.values()].filter((s) => s.ids.length > 1).sort((a, b) => b.ids.length - a.ids.length || a.label.localeCompare(b.label));
}

// Edges between units: every link between members is summed (edges into and out of a
// supernode are combined).
export function subgraphEdges(model, units) {
  const unitOf = new Map();
  units.forEach((u, k) => u.members.forEach((id) => unitOf.set(model.byId.get(id).i, k)));
  const sums = new Map();
  const { tgt, w } = model.links;
  for (const [i, a] of unitOf) {
    for (const e of model.outLinks[i]) {
      const b = unitOf.get(tgt[e]);
      if (b === undefined || b === a) continue;
      const key = `${a}>${b}`;
      sums.set(key, (sums.get(key) || 0) + w[e]);
    }
  }
  return [...sums].map(([key, weight]) => {
    const [a, b] = key.split(">").map(Number);
    return { a, b, weight };
  });
}

export class SubgraphPanel {
  constructor(root, model, state) {
    this.root = root;
    this.model = model;
    this.state = state;
    this.positions = {};
  }

  // Each unit's row (layer band) and column (token), from the mean of its members.
  cells(units) {
    const { model } = this;
    return units.map((u) => {
      const nodes = u.members.map((id) => model.byId.get(id));
      return {
        band: Math.round(nodes.reduce((s, n) => s + n.band, 0) / nodes.length),
        ctx: Math.round(nodes.reduce((s, n) => s + n.ctx, 0) / nodes.length),
      };
    });
  }

  render() {
    const { model, state } = this;
    clear(this.root);
    const bar = el("div", { class: "ex-sg-bar" });
    bar.append(el("h3", { text: "Subgraph" }));
    bar.append(
      el("button", {
        type: "button",
        class: `ex-group-btn${state.grouping ? " on" : ""}`,
        "aria-pressed": state.grouping ? "true" : "false",
        text: state.grouping ? "Finish group" : "Group (hold g)",
        onclick: () => state.setGrouping(!state.grouping),
      }),
    );
    if (state.grouping) bar.append(el("span", { class: "ex-muted", text: ` Click pinned nodes to group (${state.groupSelection.size} chosen).` }));
    this.root.append(bar);
    const units = subgraphUnits(state);
    if (!units.length) {
      this.root.append(el("p", { class: "ex-muted", text: "Ctrl/cmd-click nodes to pin them here." }));
      this.positions = {};
      return;
    }
    const measure = textMeasure();
    const texts = units.map((u) => (u.supernode !== null ? `${u.label} (${u.members.length})` : u.label));
    const cells = this.cells(units).map((c, k) => ({ ...c, lines: wrapLabel(texts[k]) }));
    const placed = placeUnits(cells, measure);
    const pos = placed.pos;
    // Where the user dragged a unit, it stays.
    units.forEach((u, k) => {
      if (state.sgPos.has(u.key)) pos[k] = { ...state.sgPos.get(u.key) };
    });
    const edges = subgraphEdges(model, units);
    const maxAbs = Math.max(1e-9, ...edges.map((e) => Math.abs(e.weight)));
    const H = placed.height;
    this.height = H;
    const svg = select(this.root).append("svg").attr("class", "ex-sg-svg").attr("viewBox", `0 0 ${W} ${H}`).attr("width", W).attr("height", H);
    const defs = svg.append("defs");
    for (const [id, color] of [["ex-arrow-pos", shareColor(0.6)], ["ex-arrow-neg", shareColor(-0.6)]]) {
      defs.append("marker").attr("id", id).attr("viewBox", "0 -5 10 10").attr("refX", 22).attr("refY", 0).attr("markerUnits", "userSpaceOnUse").attr("markerWidth", 10).attr("markerHeight", 10).attr("orient", "auto").append("path").attr("d", "M0,-5L10,0L0,5").attr("fill", color);
    }
    const edgeG = svg.append("g");
    const edgeSel = edgeG
      .selectAll("g")
      .data(edges)
      .join("g")
      .attr("class", "ex-sg-edge")
      .attr("data-a", (d) => units[d.a].key)
      .attr("data-b", (d) => units[d.b].key);
    edgeSel
      .append("line")
      .attr("stroke", (d) => shareColor(d.weight / maxAbs))
      .attr("stroke-width", (d) => 1 + 3 * Math.sqrt(Math.abs(d.weight) / maxAbs))
      .attr("stroke-dasharray", (d) => (d.weight < 0 ? "5 3" : null))
      .attr("marker-end", (d) => `url(#${d.weight < 0 ? "ex-arrow-neg" : "ex-arrow-pos"})`);
    edgeSel.append("title").text((d) => `${texts[d.a]} → ${texts[d.b]}: ${fmt(d.weight, 3)}`);
    edgeSel.append("text").attr("class", "ex-sg-w").text((d) => fmt(d.weight, 2));
    const nodeSel = svg
      .append("g")
      .selectAll("g")
      .data(units)
      .join("g")
      .attr("class", (u) => `ex-sg-node${u.supernode !== null ? " super" : ""}${state.groupSelection.has(u.key) ? " chosen" : ""}`)
      .attr("data-key", (u) => u.key);
    nodeSel.each(function (u, k) {
      const g = select(this);
      if (u.supernode !== null) g.append("rect").attr("x", -14).attr("y", -10).attr("width", 28).attr("height", 20).attr("rx", 6);
      else {
        const n = model.byId.get(u.members[0]);
        if (n.kind === "feature") g.append("circle").attr("r", NODE_R);
        else g.append("rect").attr("x", -NODE_R + 1).attr("y", -NODE_R + 1).attr("width", 2 * NODE_R - 2).attr("height", 2 * NODE_R - 2);
      }
      const text = g.append("text").attr("y", LABEL_GAP_Y).attr("text-anchor", "middle");
      cells[k].lines.forEach((line, j) => text.append("tspan").attr("x", 0).attr("dy", j ? LINE_H : 0).text(line));
      g.append("title").text(texts[k]);
    });
    const update = () => {
      nodeSel.attr("transform", (_, k) => `translate(${pos[k].x},${pos[k].y})`);
      edgeSel.select("line").attr("x1", (d) => pos[d.a].x).attr("y1", (d) => pos[d.a].y).attr("x2", (d) => pos[d.b].x).attr("y2", (d) => pos[d.b].y);
      const keepClear = units.flatMap((_, k) => [nodeBox(pos[k]), labelBox(pos[k], placed.labelW[k], cells[k].lines.length)]);
      const spots = placeWeights(edges.map((d) => ({ a: d.a, b: d.b, text: fmt(d.weight, 2) })), pos, keepClear, (t) => measure(t, 9));
      edgeSel
        .select("text")
        .attr("x", (_, j) => spots[j].x)
        .attr("y", (_, j) => spots[j].y)
        .attr("display", (_, j) => (spots[j].shown ? null : "none"));
      this.positions = Object.fromEntries(units.map((u, k) => [u.key, { ...pos[k] }]));
    };
    update();
    nodeSel.call(
      drag()
        .on("drag", (event, u) => {
          const k = units.indexOf(u);
          pos[k] = { x: Math.max(10, Math.min(W - 10, event.x)), y: Math.max(10, Math.min(H - 10, event.y)) };
          state.sgPos.set(u.key, pos[k]);
          update();
        }),
    );
    nodeSel.on("click", (event, u) => {
      if (event.defaultPrevented) return; // end of a drag
      if (state.grouping) state.toggleGroupMember(u.key);
      else state.click(u.members[0]);
    });
    this.root.append(this.supernodeList());
  }

  supernodeList() {
    const { state } = this;
    const box = el("div", { class: "ex-sn-list" });
    state.supernodes.forEach((sn, k) => {
      const input = el("input", { type: "text", class: "ex-sn-label", "aria-label": "Supernode label", value: sn[0] });
      input.addEventListener("change", () => state.renameSupernode(k, input.value));
      input.addEventListener("keydown", (e) => e.stopPropagation());
      input.addEventListener("keyup", (e) => e.stopPropagation());
      box.append(
        el(
          "div",
          { class: "ex-sn-row", "data-supernode": String(k) },
          input,
          el("span", { class: "ex-muted", text: ` ${sn.length - 1} nodes ` }),
          el("button", { type: "button", class: "ex-ungroup", "aria-label": `Ungroup ${sn[0]}`, text: "×", onclick: () => state.ungroup(k) }),
        ),
      );
    });
    const suggestions = suggestSupernodes(this.model, state);
    if (suggestions.length) {
      box.append(el("h4", { class: "ex-sn-suggest-title", text: "Suggested supernodes (pinned features with one label)" }));
      for (const { label, ids } of suggestions) {
        box.append(
          el(
            "div",
            { class: "ex-sn-suggestion" },
            el("span", { class: "ex-sn-suggest-label", text: label }),
            el("span", { class: "ex-muted", text: ` ${ids.length} nodes ` }),
            el("button", { type: "button", class: "ex-chrome small", "aria-label": `Group the ${ids.length} nodes labelled ${label}`, text: "Group", onclick: () => state.groupNodes(ids, label) }),
          ),
        );
      }
    }
    return box;
  }
}
