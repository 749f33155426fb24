// Feature details for the hovered or clicked feature: label, top/bottom logits and top
// activating examples with per-token highlighting. Sources, in order:
//   1. the graph's metadata.feature_details.feature_json_base_url: {base}/{feature}.json
//      (Anthropic feature format; our demo graphs point it at our own /api/features/... route);
//   2. dashboards uploaded for this graph: GET /api/graphs/{id}/features/{layer}/{index}/,
//      prefetched with POST /api/graphs/{id}/features/batch/ {features: [[layer, index], ...]};
//   3. a public set of ours named by the metadata: GET /api/features/{model}/{set}/{layer}/{index}/.
// Neuronpedia source sets also get a link to the feature's Neuronpedia page; otherwise, and when
// nothing answers, the panel says there are no details.
import { el, clear, fmt } from "./dom.js";

const MAX_EXAMPLES = 6;
const BATCH = 500;

export function featureSource(meta) {
  const details = meta.feature_details || {};
  return {
    model: meta.scan || "",
    set: details.source_set || meta.source_set || "",
    jsonBase: details.feature_json_base_url || null,
    npSet: details.neuronpedia_source_set || null,
  };
}

export function neuronpediaUrl(meta, node) {
  const src = featureSource(meta);
  if (!src.npSet || node.kind !== "feature") return null;
  return `https://www.neuronpedia.org/${encodeURIComponent(src.model)}/${node.layer}-${encodeURIComponent(src.npSet)}/${node.index}`;
}

async function getJson(url, init = {}) {
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, ...init });
    return response.ok ? await response.json() : null;
  } catch {
    return null; // offline, CORS: no details
  }
}

// Whether the explorer may fetch feature JSON from `url`: this site, or https on a host of the
// site's FEATURE_JSON_HOSTS (the page's Content-Security-Policy allows no other).
export function jsonHostAllowed(url, allowedHosts, here = window.location) {
  let parsed;
  try {
    parsed = new URL(url, here.href);
  } catch {
    return false;
  }
  if (parsed.origin === here.origin) return true;
  return parsed.protocol === "https:" && allowedHosts.includes(parsed.hostname.toLowerCase());
}

export class FeatureStore {
  constructor(meta, apiBase, graphId, allowedHosts = []) {
    this.allowedHosts = allowedHosts;
    this.src = featureSource(meta);
    this.apiBase = apiBase;
    this.graphBase = `${apiBase}graphs/${encodeURIComponent(graphId)}/features/`;
    this.cache = new Map(); // "layer/index" -> Promise<details | null>
  }

  key(node) {
    return `${node.layer}/${node.index}`;
  }

  async fetchOne(node) {
    if (this.src.jsonBase) {
      const url = `${this.src.jsonBase.replace(/\/$/, "")}/${node.feature}.json`;
      if (!jsonHostAllowed(url, this.allowedHosts)) return { notAllowedFrom: url };
      return getJson(url);
    }
    const own = await getJson(`${this.graphBase}${node.layer}/${node.index}/`);
    if (own || !this.src.model || !this.src.set) return own;
    const seg = encodeURIComponent;
    return getJson(`${this.apiBase}features/${seg(this.src.model)}/${seg(this.src.set)}/${node.layer}/${node.index}/`);
  }

  get(node) {
    if (node.kind !== "feature") return Promise.resolve(null);
    const key = this.key(node);
    if (!this.cache.has(key)) this.cache.set(key, this.fetchOne(node));
    return this.cache.get(key);
  }

  // Prefetches the graph's own dashboards of many features in a few requests; features the answer
  // lists as missing are cached as "no details" only when no other source could have them.
  async prefetch(nodes) {
    if (this.src.jsonBase) return;
    const wanted = nodes.filter((n) => n.kind === "feature" && !this.cache.has(this.key(n)));
    const csrf = document.getElementById("cs-explorer")?.dataset.csrf || "";
    for (let k = 0; k < wanted.length; k += BATCH) {
      const chunk = wanted.slice(k, k + BATCH);
      const body = await getJson(`${this.graphBase}batch/`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ features: chunk.map((n) => [Number(n.layer), n.index]) }),
      });
      if (!body) return;
      for (const item of body.results || []) this.cache.set(`${item.layer}/${item.index}`, Promise.resolve(item));
      if (!this.src.set) for (const [layer, index] of body.missing || []) this.cache.set(`${layer}/${index}`, Promise.resolve(null));
    }
  }
}

// `editor`: the "Your explanation" box of the feature (explain-editor.js), or null.
export function renderDetails(root, node, details, state, meta, editor = null) {
  clear(root);
  root.append(el("h3", { text: "Feature details" }));
  if (!node) {
    root.append(el("p", { class: "ex-muted", text: "Hover or click a feature." }));
    return;
  }
  root.append(el("p", { class: "ex-fd-label", text: state.label(node.id) }));
  root.append(el("p", { class: "ex-muted", text: `${node.kind} · layer ${node.layer} · token ${node.ctx} · activation ${fmt(node.activation)}` }));
  const explanation = state.explanations?.of(node);
  if (explanation) {
    const by = [explanation.method, explanation.explainer_model, explanation.score !== null && explanation.score !== undefined ? `score ${fmt(explanation.score, 2)}` : null].filter(Boolean).join(" · ");
    root.append(el("p", { class: "ex-fd-explanation" }, el("span", { text: "Explanation: " }), el("q", { text: explanation.description }), el("span", { class: "ex-muted", text: ` (${by})` })));
  }
  const page = state.explanations?.pageUrl(node);
  const np = neuronpediaUrl(meta, node) || (node.kind === "feature" && state.explanations?.source?.neuronpedia_url_template?.replace("{layer}", node.layer).replace("{index}", String(node.index))) || null;
  if (page || np) {
    const links = el("p", { class: "ex-fd-links" });
    if (np) links.append(el("a", { href: np, target: "_blank", rel: "noopener noreferrer", text: "Open on Neuronpedia" }));
    if (page && np) links.append(" · ");
    if (page) links.append(el("a", { href: page, text: "All explanations" }));
    root.append(links);
  }
  if (editor) root.append(editor);
  if (details && details.notAllowedFrom) {
    root.append(el("p", { class: "ex-nodetails", text: `The graph takes feature details from ${details.notAllowedFrom}, a host this site does not fetch from (its FEATURE_JSON_HOSTS).` }));
    return;
  }
  if (!details) {
    root.append(el("p", { class: "ex-nodetails", text: node.kind === "feature" ? "No details available for this feature." : `No details for ${node.kind} nodes.` }));
    return;
  }
  if (details.label || details.description) root.append(el("p", { class: "ex-fd-desc", text: details.label || details.description }));
  const logits = el("div", { class: "ex-logits" });
  for (const [title, list, cls] of [["Top logits", details.top_logits, "pos"], ["Bottom logits", details.bottom_logits, "neg"]]) {
    if (!Array.isArray(list)) continue;
    const box = el("div", {}, el("h4", { text: title }));
    for (const tok of list.slice(0, 10)) box.append(el("span", { class: `ex-chip ${cls}`, text: tok }));
    logits.append(box);
  }
  root.append(logits);
  const quantiles = details.examples_quantiles || [];
  let maxAct = details.act_max || 0;
  for (const q of quantiles) for (const ex of q.examples || []) for (const a of ex.tokens_acts_list || []) maxAct = Math.max(maxAct, a);
  let shown = 0;
  for (const q of quantiles) {
    if (shown >= MAX_EXAMPLES) break;
    const section = el("div", { class: "ex-quantile" }, el("h4", { text: q.quantile_name || "Examples" }));
    for (const ex of q.examples || []) {
      if (shown >= MAX_EXAMPLES) break;
      const line = el("div", { class: "ex-example" });
      (ex.tokens || []).forEach((tok, k) => {
        const act = (ex.tokens_acts_list || [])[k] || 0;
        const span = el("span", { text: tok, title: fmt(act) });
        if (act > 0 && maxAct > 0) span.style.backgroundColor = `rgba(240,130,30,${Math.min(1, act / maxAct).toFixed(3)})`;
        line.append(span);
      });
      section.append(line);
      shown++;
    }
    root.append(section);
  }
}
