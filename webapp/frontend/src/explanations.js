// Feature explanations for the graph's nodes, from GET /api/graphs/{id}/explanations/ (see
// docs/explanations.md): each feature's default explanation, keyed "{layer}_{index}" so every
// position of a feature shares it, and the rule for which label wins: "explanations" (graphs
// generated here: the live explanation, the clerp being a snapshot of it) or "clerp" (uploaded
// graphs: their own non-empty clerp, ours as the fallback).
import { api } from "./api.js";

export function featureKey(node) {
  return `${node.layer}_${node.index}`;
}

export class Explanations {
  constructor(body) {
    this.priority = body?.label_priority === "explanations" ? "explanations" : "clerp";
    this.byFeature = new Map(Object.entries(body?.explanations || {}));
    this.source = body?.source || null;
  }

  of(node) {
    return node.kind === "feature" ? this.byFeature.get(featureKey(node)) || null : null;
  }

  // After an explanation of the node's feature was added, edited or deleted: what now wins.
  setDefault(node, explanation) {
    if (explanation) this.byFeature.set(featureKey(node), explanation);
    else this.byFeature.delete(featureKey(node));
  }

  // The label a node shows before any label the user gives it.
  label(node) {
    const explanation = this.of(node)?.description || "";
    if (this.priority === "explanations") return explanation || node.clerp || node.defaultLabel;
    return node.clerp || explanation || node.defaultLabel;
  }

  // The feature's page on this site (its explanations; signed-in users add their own there).
  pageUrl(node) {
    if (!this.source || node.kind !== "feature") return null;
    const seg = encodeURIComponent;
    return `/features/${seg(this.source.model)}/${seg(this.source.source_set)}/${seg(node.layer)}/${seg(node.index)}/`;
  }
}

// Null when the graph has none or the request fails: the graph's own labels stay.
export async function loadExplanations(apiBase, graphId) {
  try {
    return new Explanations(await api(`${apiBase}graphs/${encodeURIComponent(graphId)}/explanations/`));
  } catch {
    return null;
  }
}
