// Unsaved view state in the URL, with Neuronpedia's parameter names: pinnedIds (comma-separated),
// supernodes and clerps (JSON), pruningThreshold, clickedId; plus ours: subgraph, version (the
// version of the subgraph the view's edits are based on: a reloaded page saves against it), embed.

export function readUrlState(search = window.location.search) {
  const params = new URLSearchParams(search);
  const out = {};
  const json = (name) => {
    try {
      const value = JSON.parse(params.get(name));
      return Array.isArray(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  if (params.has("pinnedIds")) out.pinnedIds = params.get("pinnedIds").split(",").filter(Boolean);
  if (params.has("supernodes")) out.supernodes = json("supernodes");
  if (params.has("clerps")) out.clerps = json("clerps");
  if (params.has("pruningThreshold")) {
    const t = Number.parseFloat(params.get("pruningThreshold"));
    if (Number.isFinite(t)) out.pruningThreshold = t;
  }
  if (params.has("clickedId")) out.clickedId = params.get("clickedId");
  const version = Number.parseInt(params.get("version") ?? "", 10);
  return {
    state: out,
    subgraph: params.get("subgraph"),
    version: Number.isInteger(version) && version > 0 ? version : null,
    embed: params.get("embed") === "true",
    hasViewState: ["pinnedIds", "supernodes", "clerps", "pruningThreshold"].some((k) => params.has(k)),
  };
}

export function writeUrlState(state, { subgraphId, version, embed }) {
  const params = new URLSearchParams();
  if (subgraphId) params.set("subgraph", subgraphId);
  if (subgraphId && version) params.set("version", String(version));
  if (embed) params.set("embed", "true");
  const snap = state.snapshot();
  if (snap.pinnedIds.length) params.set("pinnedIds", snap.pinnedIds.join(","));
  if (snap.supernodes.length) params.set("supernodes", JSON.stringify(snap.supernodes));
  if (snap.clerps.length) params.set("clerps", JSON.stringify(snap.clerps));
  params.set("pruningThreshold", String(snap.pruningThreshold));
  if (state.clickedId) params.set("clickedId", state.clickedId);
  const url = `${window.location.pathname}?${params.toString()}`;
  window.history.replaceState(null, "", url);
}
