// The explorer's mutable view state (threshold, selection, pins, supernodes, labels) with change
// notification, plus the label rules: "[group] label" for supernode members.

export class ExplorerState {
  constructor(model, threshold) {
    this.model = model;
    this.threshold = threshold;
    this.clickedId = null;
    this.hoveredId = null;
    this.pinned = new Set(); // insertion order = pin order
    this.supernodes = []; // [[label, id, id, ...], ...] as Neuronpedia stores them
    this.clerps = new Map(); // node id -> label override
    this.grouping = false;
    this.groupSelection = new Set(); // pinned ids / "sn:<index>" chosen while grouping
    this.sgPos = new Map(); // subgraph panel node key -> {x, y} after dragging
    this.explanations = null; // explanations.js: feature explanations and which label wins
    this.searchQuery = ""; // search.js: the in-graph search and the ids it matched
    this.searchMatches = [];
    this.listeners = new Set();
  }

  on(fn) {
    this.listeners.add(fn);
  }

  emit(what) {
    for (const fn of this.listeners) fn(what, this);
  }

  setThreshold(t) {
    this.threshold = t;
    this.emit("threshold");
  }

  click(id) {
    this.clickedId = id;
    this.emit("click");
  }

  hover(id) {
    if (this.hoveredId === id) return;
    this.hoveredId = id;
    this.emit("hover");
  }

  togglePin(id) {
    if (!this.model.byId.has(id)) return;
    if (this.pinned.has(id)) {
      this.pinned.delete(id);
      this.supernodes = this.supernodes
        .map((sn) => sn.filter((x, k) => k === 0 || x !== id))
        .filter((sn) => sn.length > 2);
    } else this.pinned.add(id);
    this.emit("pins");
  }

  pinMany(ids) {
    const before = this.pinned.size;
    for (const id of ids) if (this.model.byId.has(id)) this.pinned.add(id);
    if (this.pinned.size !== before) this.emit("pins");
  }

  setSearch(query, ids) {
    this.searchQuery = query;
    this.searchMatches = ids;
    this.emit("search");
  }

  groupOf(id) {
    return this.supernodes.find((sn) => sn.indexOf(id) > 0) || null;
  }

  // A node's label before the user's own: its feature explanation or its clerp, by the graph's
  // rule (explanations.js), else the layer/index default.
  originalLabel(id) {
    const n = this.model.byId.get(id);
    if (!n) return id;
    return this.explanations ? this.explanations.label(n) : n.clerp || n.defaultLabel;
  }

  setExplanations(explanations) {
    this.explanations = explanations;
    this.emit("labels");
  }

  baseLabel(id) {
    return this.clerps.has(id) ? this.clerps.get(id) : this.originalLabel(id);
  }

  // The label shown everywhere: members of a supernode read "[group] label".
  label(id) {
    const group = this.groupOf(id);
    const base = this.baseLabel(id);
    return group ? `[${group[0]}] ${base}` : base;
  }

  setLabel(id, text) {
    if (text === this.originalLabel(id)) this.clerps.delete(id);
    else this.clerps.set(id, text);
    this.emit("labels");
  }

  revertLabel(id) {
    this.clerps.delete(id);
    this.emit("labels");
  }

  setGrouping(on) {
    if (this.grouping === on) return;
    this.grouping = on;
    if (!on) this.commitGroup();
    this.groupSelection.clear();
    this.emit("grouping");
  }

  toggleGroupMember(key) {
    if (this.groupSelection.has(key)) this.groupSelection.delete(key);
    else this.groupSelection.add(key);
    this.emit("grouping");
  }

  // Merges the chosen pinned nodes (and whole supernodes) into one new supernode.
  commitGroup() {
    const members = [];
    const absorbed = new Set();
    for (const key of this.groupSelection) {
      if (key.startsWith("sn:")) {
        const index = Number(key.slice(3));
        absorbed.add(index);
        members.push(...this.supernodes[index].slice(1));
      } else members.push(key);
    }
    this.groupNodes(members, "", absorbed);
  }

  // One supernode of `ids` (pinned if they were not), named `label` or "group N"; they leave
  // the supernodes they were in, and the supernodes at the indices in `absorbed` go.
  groupNodes(ids, label, absorbed = new Set()) {
    const unique = [...new Set(ids)].filter((id) => this.model.byId.has(id));
    if (unique.length < 2) return;
    for (const id of unique) this.pinned.add(id);
    const kept = this.supernodes.filter((sn, k) => !absorbed.has(k));
    const cleaned = kept.map((sn) => sn.filter((x, k) => k === 0 || !unique.includes(x))).filter((sn) => sn.length > 2);
    let name = label;
    if (!name) {
      let n = cleaned.length + 1;
      const names = new Set(cleaned.map((sn) => sn[0]));
      while (names.has(`group ${n}`)) n++;
      name = `group ${n}`;
    }
    cleaned.push([name, ...unique]);
    this.supernodes = cleaned;
    this.emit("supernodes");
  }

  ungroup(index) {
    this.supernodes = this.supernodes.filter((_, k) => k !== index);
    this.emit("supernodes");
  }

  renameSupernode(index, label) {
    if (!this.supernodes[index]) return;
    this.supernodes[index] = [label, ...this.supernodes[index].slice(1)];
    this.emit("supernodes");
  }

  // Applies a saved subgraph or URL state; ids that are not in this graph are dropped.
  apply({ pinnedIds, supernodes, clerps, pruningThreshold }) {
    const known = (id) => this.model.byId.has(id);
    if (Array.isArray(pinnedIds)) this.pinned = new Set(pinnedIds.filter(known));
    if (Array.isArray(supernodes)) {
      this.supernodes = supernodes
        .filter((sn) => Array.isArray(sn) && sn.length > 1)
        .map((sn) => [String(sn[0]), ...sn.slice(1).filter(known)])
        .filter((sn) => sn.length > 1);
      for (const sn of this.supernodes) for (const id of sn.slice(1)) this.pinned.add(id);
    }
    if (Array.isArray(clerps)) {
      this.clerps = new Map(clerps.filter((c) => Array.isArray(c) && known(c[0])).map((c) => [c[0], String(c[1])]));
    }
    if (typeof pruningThreshold === "number" && pruningThreshold > 0 && pruningThreshold <= 1) {
      this.threshold = pruningThreshold;
    }
    this.emit("all");
  }

  snapshot() {
    return {
      pinnedIds: [...this.pinned],
      supernodes: this.supernodes.map((sn) => [...sn]),
      clerps: [...this.clerps.entries()],
      pruningThreshold: this.threshold,
    };
  }
}
