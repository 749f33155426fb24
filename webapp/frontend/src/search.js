// Search inside the graph: a box in the toolbar that finds the nodes whose label (explanation,
// clerp, token or the user's own label) holds every word typed, rings them in the link graph,
// and pins or groups them. Enter walks through the matches, selecting each in turn.
import { el, clear } from "./dom.js";

// Lower-cased words of the query; a query of spaces finds nothing.
export function queryTerms(query) {
  return String(query || "")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

// Ids of the nodes whose label holds every term, strongest influence first (tokens and logits,
// which have none, after the features in graph order).
export function matchNodes(model, labelOf, query) {
  const terms = queryTerms(query);
  if (!terms.length) return [];
  const found = model.nodes.filter((n) => {
    const text = String(labelOf(n.id)).toLowerCase();
    return terms.every((t) => text.includes(t));
  });
  const rank = (n) => (n.influence === null || n.influence === undefined ? Infinity : n.influence);
  return found.sort((a, b) => rank(a) - rank(b) || a.i - b.i).map((n) => n.id);
}

export class GraphSearch {
  constructor(root, model, state, { visible }) {
    this.root = root;
    this.model = model;
    this.state = state;
    this.visible = visible; // () => mask of drawn nodes
    this.cursor = -1;
    this.input = el("input", {
      type: "search",
      id: "ex-search-input",
      class: "ex-search-input",
      placeholder: "Find nodes by label",
      "aria-label": "Find nodes in this graph by label",
      autocomplete: "off",
    });
    this.count = el("span", { class: "ex-search-count ex-muted", role: "status", "aria-live": "polite" });
    this.pinButton = el("button", { type: "button", class: "ex-chrome small", id: "ex-search-pin", text: "Pin matches", onclick: () => this.pinAll() });
    this.groupButton = el("button", { type: "button", class: "ex-chrome small", id: "ex-search-group", text: "Group matches", onclick: () => this.groupAll() });
    clear(root);
    root.append(this.input, this.count, this.pinButton, this.groupButton);
    let timer = 0;
    this.input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.run(), 120);
    });
    this.input.addEventListener("keydown", (e) => {
      e.stopPropagation(); // the graph's own keys (g, p, Esc) stay out of the box
      if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(timer);
        if (this.input.value !== this.state.searchQuery) this.run();
        this.step(e.shiftKey ? -1 : 1);
      } else if (e.key === "Escape") {
        this.input.value = "";
        this.run();
      }
    });
    this.input.addEventListener("keyup", (e) => e.stopPropagation());
    this.render();
  }

  run() {
    this.cursor = -1;
    this.state.setSearch(this.input.value, matchNodes(this.model, (id) => this.state.label(id), this.input.value));
  }

  // Labels change (explanations arrive, the user renames a node): the matches follow.
  refresh() {
    if (this.state.searchQuery) this.state.setSearch(this.state.searchQuery, matchNodes(this.model, (id) => this.state.label(id), this.state.searchQuery));
  }

  step(direction) {
    const ids = this.state.searchMatches;
    if (!ids.length) return;
    this.cursor = (this.cursor + direction + ids.length) % ids.length;
    this.state.click(ids[this.cursor]);
  }

  pinAll() {
    this.state.pinMany(this.state.searchMatches);
  }

  groupAll() {
    this.state.groupNodes(this.state.searchMatches, this.input.value.trim());
  }

  render() {
    const ids = this.state.searchMatches;
    const query = this.state.searchQuery;
    if (this.input.value !== query && document.activeElement !== this.input) this.input.value = query;
    const mask = this.visible();
    const hidden = mask ? ids.filter((id) => !mask[this.model.byId.get(id).i]).length : 0;
    if (!queryTerms(query).length) this.count.textContent = "";
    else if (!ids.length) this.count.textContent = "no matches";
    else this.count.textContent = `${ids.length} match${ids.length === 1 ? "" : "es"}${hidden ? `, ${hidden} hidden by the threshold (pin to show)` : ""}`;
    this.pinButton.disabled = !ids.length || ids.every((id) => this.state.pinned.has(id));
    this.groupButton.disabled = ids.length < 2;
  }
}
