// The comparison page: two graphs side by side, each drawn by the explorer's link graph. Nodes are
// coloured by what the comparison API says of their feature (in both graphs, or in one only) or,
// in the difference view, by what changed; hovering a node hovers its counterpart in the other
// graph (the node pairs come from the API, which owns the matching rules).
import { api } from "./api.js";
import { clear, el, fmt, onReady } from "./dom.js";
import { LinkGraph } from "./linkgraph.js";
import { buildModel, defaultThreshold } from "./model.js";
import { ExplorerState } from "./state.js";
import { Tooltip } from "./tooltip.js";

const PAGE_SIZE = 50;
const SAME = 0.05; // a change of cumulative influence smaller than this counts as unchanged
const COLOURS = {
  shared: { both: "#5b8def", only_a: "#e8a33d", only_b: "#e8a33d" },
  difference: { only_a: "#d64545", only_b: "#2f9e44", gained: "#8fd19e", lost: "#f0a3a3", same: "#c9ced6" },
};
const LEGENDS = {
  shared: "blue: feature in both graphs · orange: in this graph only",
  difference: "red: only in A (lost) · green: only in B (gained) · light green/red: more/less central in B · grey: about the same",
};

function viewFromUrl() {
  return new URLSearchParams(window.location.search).get("view") === "difference" ? "difference" : "shared";
}

class Side {
  constructor(root, key, graph, status) {
    this.key = key;
    this.model = buildModel(graph);
    this.state = new ExplorerState(this.model, defaultThreshold(this.model.meta));
    this.status = new Map(Object.entries(status));
    const main = root.querySelector(".ex-main");
    this.tooltip = new Tooltip(main, this.state);
    this.colour = () => null;
    this.graph = new LinkGraph(root.querySelector(".cmp-graph"), this.model, this.state, {
      tooltip: (node, event) => this.tooltip.show(node, event),
      fill: (node) => this.colour(node),
    });
  }

  redraw() {
    this.graph.drawBase();
    this.graph.drawOverlay();
  }
}

function influenceChange(a, b, pairs) {
  // Per node id of either side: B's cumulative influence minus A's, for nodes that face each other.
  const change = new Map();
  for (const [idA, idB] of pairs) {
    const na = a.model.byId.get(idA);
    const nb = b.model.byId.get(idB);
    if (!na || !nb || na.influence === null || nb.influence === null) continue;
    change.set(`a:${idA}`, nb.influence - na.influence);
    change.set(`b:${idB}`, nb.influence - na.influence);
  }
  return change;
}

function colourer(side, view, change) {
  return (node) => {
    const status = side.status.get(node.id);
    if (!status) return null; // tokens, errors and logits keep the explorer's colours
    if (view === "shared") return COLOURS.shared[status];
    if (status !== "both") return COLOURS.difference[status];
    const delta = change.get(`${side.key}:${node.id}`);
    if (delta === undefined || Math.abs(delta) < SAME) return COLOURS.difference.same;
    return delta < 0 ? COLOURS.difference.gained : COLOURS.difference.lost;
  };
}

function featureName(f) {
  return f.label || `L${f.layer} #${f.index}`;
}

function featureRow(f, hoverBoth) {
  const cell = (side, what) => (f[side] ? fmt(f[side][what]) : "–");
  const ids = [...(f.a?.positions || []).map((p) => ["a", p.node_id]), ...(f.b?.positions || []).map((p) => ["b", p.node_id])];
  return el(
    "tr",
    { class: "cmp-row", "data-layer": f.layer, "data-index": f.index, onmouseenter: () => hoverBoth(ids), onmouseleave: () => hoverBoth([]) },
    el("td", { text: featureName(f) }),
    el("td", { text: `L${f.layer}` }),
    el("td", { text: cell("a", "influence") }),
    el("td", { text: cell("b", "influence") }),
    el("td", { text: cell("a", "activation") }),
    el("td", { text: cell("b", "activation") }),
  );
}

const TITLES = { only_a: "Only in A", both: "In both", only_b: "Only in B" };

async function featureList(box, baseUrl, status, count, hoverBoth) {
  clear(box);
  box.append(el("h3", { text: `${TITLES[status]} (${count})` }));
  if (!count) {
    box.append(el("p", { class: "muted", text: "none" }));
    return;
  }
  const body = el("tbody");
  box.append(
    el(
      "table",
      { class: "cmp-table" },
      el("thead", {}, el("tr", {}, ...["feature", "layer", "infl. A", "infl. B", "act. A", "act. B"].map((t) => el("th", { text: t })))),
      body,
    ),
  );
  const more = el("button", { type: "button", class: "button", text: "More" });
  let next = `${baseUrl}?status=${status}&page_size=${PAGE_SIZE}&edges=0`;
  const load = async () => {
    more.disabled = true;
    const page = await api(next);
    for (const f of page.features.results) body.append(featureRow(f, hoverBoth));
    next = page.features.next;
    more.hidden = !next;
    more.disabled = false;
  };
  more.addEventListener("click", load);
  box.append(more);
  await load();
}

function edgeList(box, edges) {
  clear(box);
  box.append(el("h3", { text: `Edges that changed most (${edges.length})` }));
  const name = (end) => (end.token === null ? end.label : `${end.label} @ "${end.token}"`);
  const rows = edges.map((e) =>
    el(
      "tr",
      {},
      el("td", { text: `${name(e.source)} → ${name(e.target)}` }),
      el("td", { text: fmt(e.weight_a) }),
      el("td", { text: fmt(e.weight_b) }),
      el("td", { text: fmt(e.change) }),
    ),
  );
  box.append(
    el(
      "table",
      { class: "cmp-table" },
      el("thead", {}, el("tr", {}, ...["edge", "weight A", "weight B", "change"].map((t) => el("th", { text: t })))),
      el("tbody", {}, ...rows),
    ),
  );
}

async function mount(root) {
  const cfg = root.dataset;
  const statusLine = root.querySelector("#cmp-status");
  let comparison;
  let graphs;
  try {
    [comparison, ...graphs] = await Promise.all([api(`${cfg.compareUrl}?edges=50&page_size=1`), api(cfg.aDataUrl), api(cfg.bDataUrl)]);
  } catch (err) {
    statusLine.textContent = `Could not load the comparison: ${err.message}`;
    root.dataset.state = "error";
    return;
  }
  const a = new Side(root.querySelector("#cmp-side-a"), "a", graphs[0], comparison.node_status.a);
  const b = new Side(root.querySelector("#cmp-side-b"), "b", graphs[1], comparison.node_status.b);
  const pairAB = new Map(comparison.node_pairs);
  const pairBA = new Map(comparison.node_pairs.map(([x, y]) => [y, x]));
  const change = influenceChange(a, b, comparison.node_pairs);
  let view = viewFromUrl();

  const paint = () => {
    a.colour = colourer(a, view, change);
    b.colour = colourer(b, view, change);
    root.querySelector("#cmp-legend").textContent = LEGENDS[view];
    root.dataset.view = view;
    a.redraw();
    b.redraw();
  };
  for (const radio of root.querySelectorAll("input[name=cmp-view]")) {
    radio.checked = radio.value === view;
    radio.addEventListener("change", () => {
      view = radio.value;
      const url = new URL(window.location.href);
      url.searchParams.set("view", view);
      window.history.replaceState(null, "", url);
      paint();
    });
  }
  // Hover sync: each side's hover moves the other's to the facing node (or clears it). The
  // other side's own hover event must not echo back, or clearing it would clear this one.
  let syncing = false;
  const follow = (from, to, pairs) => {
    from.state.on((what) => {
      if (what !== "hover") return;
      from.graph.drawOverlay();
      if (syncing) return;
      syncing = true;
      to.state.hover(pairs.get(from.state.hoveredId) ?? null);
      syncing = false;
    });
  };
  follow(a, b, pairAB);
  follow(b, a, pairBA);
  const hoverBoth = (ids) => {
    syncing = true;
    a.state.hover(ids.find(([s]) => s === "a")?.[1] ?? null);
    b.state.hover(ids.find(([s]) => s === "b")?.[1] ?? null);
    syncing = false;
  };

  a.graph.relayout();
  b.graph.relayout();
  paint();
  const counts = comparison.counts;
  statusLine.textContent = `${counts.only_a} features only in A · ${counts.both} in both · ${counts.only_b} only in B`;
  edgeList(root.querySelector("#cmp-edges"), comparison.edges);
  await Promise.all(
    ["only_a", "both", "only_b"].map((s) => featureList(root.querySelector(`#cmp-${s}`), cfg.compareUrl, s, counts[s], hoverBoth)),
  );
  root.dataset.state = "ready";
  window.__compare = {
    view: () => view,
    colourOf: (side, id) => (side === "a" ? a : b).colour((side === "a" ? a : b).model.byId.get(id)),
    hovered: () => ({ a: a.state.hoveredId, b: b.state.hoveredId }),
    hover: (side, id) => (side === "a" ? a : b).state.hover(id),
    visibleNodeIds: (side) => (side === "a" ? a : b).graph.visibleIndices.map((i) => (side === "a" ? a : b).model.nodes[i].id),
    clientPoint: (side, id) => (side === "a" ? a : b).graph.clientPoint(id),
  };
}

onReady(() => {
  const root = document.getElementById("cs-compare");
  if (root) mount(root);
});
