// Graph info (prompt, model, creator, dates, settings, counts) and the replacement/completeness
// scores of the graph and of the current subgraph, computed in a Web Worker.
import { el, clear, fmt } from "./dom.js";
import { KIND } from "./model.js";

export class ScoresClient {
  constructor(workerUrl, model, onScores) {
    this.onScores = onScores;
    this.requestId = 0;
    this.worker = new Worker(workerUrl);
    const kinds = Uint8Array.from(model.nodes.map((n) => KIND[n.kind]));
    const logitProb = Float64Array.from(model.nodes.map((n) => (n.kind === "logit" ? n.tokenProb : 0)));
    this.worker.postMessage({ type: "graph", graph: { kinds, logitProb, src: model.links.src, tgt: model.links.tgt, w: model.links.w } });
    this.worker.onmessage = (event) => {
      if (event.data.type === "scores" && event.data.requestId === this.requestId) this.onScores(event.data.results);
    };
  }

  // sets: {name: null (all nodes kept) | [indices kept]}
  request(sets) {
    this.requestId += 1;
    this.worker.postMessage({ type: "scores", requestId: this.requestId, sets });
  }
}

function row(dl, term, value) {
  dl.append(el("dt", { text: term }), el("dd", { text: value ?? "–" }));
}

function date(value) {
  if (value === null || value === undefined || value === "") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

// What the graph's target (logit) nodes are: metadata.generation_settings.attribution_targets as
// our engine writes it; graphs without it explain the most likely next tokens.
function targetsText(targets, gs) {
  const quoted = (list) => (list || []).map((t) => JSON.stringify(t)).join(", ");
  if (!targets || typeof targets !== "object") return "max_n_logits" in gs ? "the most likely next tokens" : null;
  if (targets.kind === "logit_diff") return `the logit difference ${quoted(targets.tokens).replace(", ", " \u2212 ")}`;
  if (targets.kind === "tokens") return `the tokens ${quoted(targets.tokens)}`;
  if (targets.kind === "vectors") return `the directions ${quoted(targets.labels)}`;
  return "the most likely next tokens";
}

export function renderInfo(root, model, record, scores, subgraphSize) {
  const meta = model.meta;
  clear(root);
  root.append(el("h3", { text: "Graph info" }));
  const dl = el("dl", { class: "ex-info" });
  if (record?.title) row(dl, "Title", record.title);
  row(dl, "Prompt", meta.prompt ?? (model.tokens || []).join(""));
  row(dl, "Model", meta.scan);
  const owner = record?.owner;
  const creator = owner && typeof owner === "object" ? owner.username : owner;
  row(dl, "Creator", creator || meta.info?.creator_name);
  row(dl, "Created", date(record?.created_at) || date(meta.info?.create_time_ms));
  if (record?.updated_at) row(dl, "Updated", date(record.updated_at));
  if (meta.info?.transcoder_set) row(dl, "Transcoders", meta.info.transcoder_set);
  const { attribution_targets: targets, ...gs } = meta.generation_settings || {};
  row(dl, "Explains", targetsText(targets, gs));
  row(dl, "Generation", Object.entries(gs).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ") || null);
  const ps = meta.pruning_settings || {};
  row(dl, "Pruning", Object.entries(ps).map(([k, v]) => `${k}=${v}`).join(", ") || (meta.node_threshold ? `node_threshold=${meta.node_threshold}` : null));
  row(dl, "Nodes", String(model.nodes.length));
  row(dl, "Links", String(model.links.src.length));
  const g = scores?.graph;
  const s = scores?.subgraph;
  const cell = (name, v) => el("dd", { class: "ex-score", "data-score": name, text: v === undefined ? "computing…" : fmt(v, 4) });
  dl.append(el("dt", { text: "Graph replacement" }), cell("graph-replacement", g?.replacement));
  dl.append(el("dt", { text: "Graph completeness" }), cell("graph-completeness", g?.completeness));
  if (subgraphSize) {
    dl.append(el("dt", { text: `Subgraph replacement (${subgraphSize} pinned)` }), cell("subgraph-replacement", s?.replacement));
    dl.append(el("dt", { text: "Subgraph completeness" }), cell("subgraph-completeness", s?.completeness));
  } else dl.append(el("dt", { text: "Subgraph scores" }), el("dd", { class: "ex-muted", text: "pin nodes to score a subgraph" }));
  root.append(dl);
}

export function downloadJson(model, state) {
  const snap = state.snapshot();
  const data = {
    ...model.graph,
    qParams: {
      ...(model.graph.qParams || {}),
      pinnedIds: snap.pinnedIds,
      supernodes: snap.supernodes,
      clerps: snap.clerps,
      pruningThreshold: snap.pruningThreshold,
      clickedId: state.clickedId || "",
    },
  };
  const blob = new Blob([JSON.stringify(data)], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: `${model.meta.slug || "graph"}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
