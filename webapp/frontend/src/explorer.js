// Entry point of the graph explorer. Mounts on #cs-explorer (graphs/templates/graphs/explorer.html):
// loads the graph JSON, wires the link graph and the panels to one ExplorerState, keeps the URL in
// step with the view, and exposes the view for tests as window.__explorer.
import { api } from "./api.js";
import { ConnectionsPanel } from "./connections.js";
import { el, onReady } from "./dom.js";
import { FeatureStore, renderDetails } from "./features.js";
import { ExplanationEditors } from "./explain-editor.js";
import { loadExplanations } from "./explanations.js";
import { downloadJson, renderInfo, ScoresClient } from "./info.js";
import { LabelEditor } from "./labels.js";
import { LinkGraph } from "./linkgraph.js";
import { FONT as LABEL_FONT, TEXT_H as LABEL_HEIGHT } from "./logit-labels.js";
import { buildModel, defaultThreshold, visibleMask } from "./model.js";
import { SavedPanel } from "./saved.js";
import { GraphSearch } from "./search.js";
import { SteerPanel } from "./steer.js";
import { ExplorerState } from "./state.js";
import { SubgraphPanel } from "./subgraph.js";
import { Tooltip } from "./tooltip.js";
import { readUrlState, writeUrlState } from "./urlstate.js";

const timings = { start: performance.now() };

function $(root, sel) {
  return root.querySelector(sel);
}

function sameMask(a, b) {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function mount(root) {
  const cfg = root.dataset;
  const url = readUrlState();
  if (url.embed) {
    // Embedded: only the explorer shows; everything beside it on the way up to <body> is hidden.
    document.body.classList.add("ex-embed");
    for (let node = root; node && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement?.children || []) {
        if (sibling !== node && sibling.tagName !== "SCRIPT" && sibling.tagName !== "LINK") sibling.classList.add("ex-embed-hidden");
      }
    }
  }
  const status = $(root, "#ex-status");
  status.textContent = "Loading graph…";
  let graph;
  try {
    graph = await api(cfg.dataUrl);
  } catch (err) {
    status.textContent = `Could not load the graph: ${err.message}`;
    root.dataset.state = "error";
    return;
  }
  timings.dataLoaded = performance.now();
  // Feature explanations load beside the first render and relabel the graph when they arrive.
  const explanationsLoaded = loadExplanations(cfg.apiBase, cfg.graphId);
  const model = buildModel(graph);
  timings.modelBuilt = performance.now();
  const state = new ExplorerState(model, defaultThreshold(model.meta));
  let scores = {};

  const graphBox = $(root, "#ex-graph");
  const tooltip = new Tooltip(root.querySelector(".ex-main"), state);
  const linkGraph = new LinkGraph(graphBox, model, state, { tooltip: (node, event) => tooltip.show(node, event) });
  const connections = new ConnectionsPanel($(root, "#ex-connections"), model, state, () => linkGraph.layout.mask);
  const labels = new LabelEditor($(root, "#ex-selected"), state);
  const subgraph = new SubgraphPanel($(root, "#ex-subgraph"), model, state);
  const search = new GraphSearch($(root, "#ex-search"), model, state, { visible: () => linkGraph.layout?.mask });
  const steer = new SteerPanel($(root, "#ex-steer"), model, state, { apiBase: cfg.apiBase, graphId: cfg.graphId, signedIn: Boolean(cfg.username) });
  const features = new FeatureStore(model.meta, cfg.apiBase, cfg.graphId, (cfg.featureJsonHosts || "").split(",").filter(Boolean));
  const detailsRoot = $(root, "#ex-details");
  const editors = new ExplanationEditors({ apiBase: cfg.apiBase, username: cfg.username || "", state });
  const infoRoot = $(root, "#ex-info");
  const slider = $(root, "#ex-threshold");
  const sliderOut = $(root, "#ex-threshold-value");

  // Scores: the view (the nodes drawn) whenever it changes, the pinned subgraph whenever the
  // pins do. Requests are coalesced while the slider moves; stale answers are dropped.
  const totalFeatures = model.nodes.filter((n) => n.kind === "feature").length;
  const viewFacts = () => {
    const mask = linkGraph.layout?.mask;
    let features = 0;
    if (mask) for (const n of model.nodes) if (n.kind === "feature" && mask[n.i]) features++;
    return { threshold: state.threshold, features, totalFeatures, pinned: state.pinned.size };
  };
  const showInfo = () => renderInfo(infoRoot, model, scores, viewFacts());
  const startScores = () =>
    cfg.workerUrl
      ? new ScoresClient(cfg.workerUrl, model, (r) => {
          scores = { view: r.view, subgraph: r.subgraph };
          showInfo();
        })
      : null;

  const pinnedIndices = () => [...state.pinned].map((id) => model.byId.get(id).i);
  let scoresClient = null;
  let scoresTimer = 0;
  const requestScores = () => {
    if (!scoresClient) return;
    scores = {};
    showInfo();
    clearTimeout(scoresTimer);
    scoresTimer = setTimeout(() => {
      const sets = { view: linkGraph.visibleIndices };
      if (state.pinned.size) sets.subgraph = pinnedIndices();
      scoresClient.request(sets);
    }, 80);
  };

  let detailsFor = null;
  const showDetails = () => {
    // While the user types an explanation, the panel stays on that feature.
    if (document.activeElement?.classList.contains("ex-explain-text") && detailsRoot.contains(document.activeElement)) return;
    const id = state.hoveredId || state.clickedId;
    const node = id ? model.byId.get(id) : null;
    detailsFor = node;
    const editor = editors.forNode(node);
    renderDetails(detailsRoot, node, null, state, model.meta, editor);
    if (!node || node.kind !== "feature") return;
    detailsRoot.dataset.loading = "true";
    features.get(node).then((details) => {
      if (detailsFor !== node) return;
      delete detailsRoot.dataset.loading;
      renderDetails(detailsRoot, node, details, state, model.meta, editor);
    });
  };

  let saved = null;
  const updateUrl = () => writeUrlState(state, { ...(saved?.urlInfo() || {}), embed: url.embed });

  saved = new SavedPanel($(root, "#ex-saved"), {
    graphId: cfg.graphId,
    apiBase: cfg.apiBase,
    username: cfg.username || "",
    canCurate: cfg.canCurate === "true",
    state,
    pagePath: cfg.pagePath || window.location.pathname,
    onLoaded: (view) => state.apply(view),
    onSaved: () => updateUrl(),
  });

  // Returns whether the set of drawn nodes changed.
  const refreshGraph = () => {
    const old = linkGraph.layout?.mask;
    const mask = visibleMask(model, state.threshold, state.pinned, state.clickedId);
    if (!sameMask(old, mask)) {
      linkGraph.relayout();
      return true;
    }
    linkGraph.drawBase();
    linkGraph.drawOverlay();
    return false;
  };

  let hoverPanels = 0;
  const edgeNote = () => {
    const { drawnEdges, visibleEdges } = linkGraph;
    status.textContent = drawnEdges < visibleEdges ? `Showing the ${drawnEdges.toLocaleString()} strongest of ${visibleEdges.toLocaleString()} edges; click a node to see all of its edges.` : "";
  };
  state.on((what) => {
    if (what === "hover") {
      // The highlight paints at once; the panels follow once the pointer rests (25 ms), so
      // sweeping across many nodes does not rebuild them for each.
      linkGraph.drawOverlay();
      clearTimeout(hoverPanels);
      hoverPanels = setTimeout(() => {
        if (!state.clickedId) connections.render();
        showDetails();
      }, 25);
      return;
    }
    if (what === "search") {
      linkGraph.drawOverlay();
      search.render();
      return;
    }
    if (what === "grouping") {
      linkGraph.drawOverlay();
      subgraph.render();
      return;
    }
    if (what === "threshold" || what === "all") {
      slider.value = String(state.threshold);
      sliderOut.textContent = state.threshold.toFixed(2);
    }
    const viewChanged = refreshGraph();
    edgeNote();
    tooltip.refresh();
    connections.render();
    labels.render();
    subgraph.render();
    showDetails();
    if (viewChanged || what === "pins" || what === "supernodes" || what === "all") requestScores();
    else if (what === "threshold") showInfo();
    if (what === "pins" || what === "supernodes" || what === "labels" || what === "all") {
      steer.render();
      saved.render();
    }
    if (what === "labels" || what === "supernodes" || what === "all") search.refresh();
    else search.render();
    updateUrl();
  });

  // Controls
  slider.value = String(state.threshold);
  sliderOut.textContent = state.threshold.toFixed(2);
  slider.addEventListener("input", () => state.setThreshold(Number.parseFloat(slider.value)));
  $(root, "#ex-download").addEventListener("click", () => downloadJson(model, state));
  const typing = (e) => e.target instanceof HTMLElement && (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA" || e.target.isContentEditable);
  document.addEventListener("keydown", (e) => {
    if (e.key === "g" && !e.repeat && !typing(e) && !e.ctrlKey && !e.metaKey) state.setGrouping(true);
    if (e.key === "Escape" && !typing(e)) state.click(null);
  });
  document.addEventListener("keyup", (e) => {
    if (e.key === "g" && !typing(e)) state.setGrouping(false);
  });

  // First render, then the saved subgraph / URL state, then the slower extras.
  linkGraph.relayout();
  timings.drawCalls = performance.now();
  edgeNote();
  // Timed after the frame that paints it (rAF runs before paint, the timeout after it).
  await linkGraph.basePainted;
  timings.firstRender = performance.now();
  connections.render();
  labels.render();
  subgraph.render();
  renderDetails(detailsRoot, null, null, state, model.meta);
  showInfo();
  saved.render();
  steer.render();
  scoresClient = startScores();
  if (url.subgraph) await saved.restore(url.subgraph, url.version, url.hasViewState ? url.state : null);
  else if (url.hasViewState) state.apply(url.state);
  if (url.state.clickedId && model.byId.has(url.state.clickedId)) state.click(url.state.clickedId);
  requestScores();
  await linkGraph.edgesPainted;
  timings.interactive = performance.now();
  root.dataset.state = "ready";
  saved.refresh();
  features.prefetch(linkGraph.visibleIndices.map((i) => model.nodes[i]));
  let explanationsState = "loading";
  explanationsLoaded.then((explanations) => {
    explanationsState = explanations ? "loaded" : "none";
    if (explanations) state.setExplanations(explanations);
  });

  window.__explorer = {
    ready: true,
    timings,
    model: { nBands: model.nBands, nCols: model.nCols, nLayers: model.nLayers },
    visibleNodeIds: () => linkGraph.visibleIndices.map((i) => model.nodes[i].id),
    positions: () => Object.fromEntries(linkGraph.visibleIndices.map((i) => [model.nodes[i].id, { x: linkGraph.layout.px[i], y: linkGraph.layout.py[i] }])),
    nodeCells: () => Object.fromEntries(linkGraph.visibleIndices.map((i) => [model.nodes[i].id, { band: model.nodes[i].band, ctx: model.nodes[i].ctx }])),
    layout: () => ({ bands: linkGraph.layout.bands, columns: linkGraph.layout.columns, width: linkGraph.layout.width, height: linkGraph.layout.height, radius: linkGraph.layout.radius }),
    // The logit labels as drawn: anchor, angle and box size in drawing coordinates.
    logitLabels: () => linkGraph.layout.logitLabels.map(({ id, text, w, ax, ay, angle }) => ({ id, text, w, h: LABEL_HEIGHT, ax, ay, angle, font: LABEL_FONT })),
    selection: () => ({ clickedId: state.clickedId, hoveredId: state.hoveredId }),
    pinned: () => [...state.pinned],
    supernodes: () => state.supernodes.map((sn) => [...sn]),
    clerps: () => [...state.clerps.entries()],
    label: (id) => state.label(id),
    searchQuery: () => state.searchQuery,
    searchMatches: () => [...state.searchMatches],
    // Nodes the overlay ringed as search matches in its last paint.
    searchRinged: () => [...linkGraph.searchRinged],
    threshold: () => state.threshold,
    scores: () => JSON.parse(JSON.stringify(scores)),
    subgraphPositions: () => ({ ...subgraph.positions }),
    subgraphId: () => saved.urlInfo().subgraphId,
    subgraphVersion: () => saved.urlInfo().version,
    clientPoint: (id) => linkGraph.clientPoint(id),
    grouping: () => state.grouping,
    steerLast: () => (steer.last ? JSON.parse(JSON.stringify(steer.last)) : null),
    explanations: () => explanationsState,
    // Labels written beside nodes: text and box (drawing coordinates, text vertically centred on y).
    nodeLabels: () => (linkGraph.nodeLabels || []).map((l) => ({ ...l })),
  };
}

function boot() {
  const root = document.getElementById("cs-explorer");
  if (!root) return;
  mount(root).catch((err) => {
    const status = root.querySelector("#ex-status");
    if (status) status.textContent = `Explorer error: ${err.message}`;
    root.dataset.state = "error";
    root.append(el("pre", { class: "ex-error", text: String(err.stack || err) }));
  });
}

onReady(boot);
