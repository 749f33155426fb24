// The Steer panel: pinned features and supernodes become sliders (−5× … +5× of the activation,
// 0 = ablate, 1 = unchanged), labelled with their features' labels; pinned error nodes become
// ablate boxes. Steer posts to /api/graphs/{id}/steer/; steer-results.js shows the answer.
// All text goes in through textContent (dom.js `el`).
import { api } from "./api.js";
import { clear, el } from "./dom.js";
import { showResults } from "./steer-results.js";

const POSITIONS = [
  ["active", "where active"],
  ["prompt", "all prompt tokens"],
  ["generated", "new tokens"],
];

export class SteerPanel {
  constructor(root, model, state, { apiBase, graphId, signedIn }) {
    this.root = root;
    this.model = model;
    this.state = state;
    this.url = `${apiBase}graphs/${encodeURIComponent(graphId)}/steer/`;
    this.signedIn = signedIn;
    this.factors = new Map(); // control key -> multiplier
    this.errorsOff = new Set(); // pinned error node ids to ablate
    this.last = null; // {request, response} of the last answered steer
  }

  // Where a node sits, for telling apart one feature pinned at several positions.
  position(node) {
    return `@${node.ctx} ${JSON.stringify(this.model.tokens[node.ctx] ?? "")}`;
  }

  // Controls: one per supernode (moves all its members), one per other pinned feature. A control
  // reads as its feature's label (the user's label, else the graph's clerp, else layer/index); a
  // feature pinned at several positions gets the position in each of its controls' labels.
  controls() {
    const grouped = new Set();
    const out = [];
    this.state.supernodes.forEach((sn) => {
      const members = sn.slice(1).map((id) => this.model.byId.get(id)).filter((n) => n && n.kind === "feature");
      members.forEach((n) => grouped.add(n.id));
      if (!members.length) return;
      const names = members.map((n) => `${this.state.baseLabel(n.id)} ${this.position(n)}`);
      out.push({ key: `sn:${sn[0]}`, label: `[${sn[0]}] ${members.length} feature${members.length > 1 ? "s" : ""}`, title: names.join("\n"), members });
    });
    const singles = [...this.state.pinned].map((id) => this.model.byId.get(id)).filter((n) => n && n.kind === "feature" && !grouped.has(n.id));
    const seen = new Map();
    for (const n of singles) seen.set(`${n.layer}/${n.index}`, (seen.get(`${n.layer}/${n.index}`) || 0) + 1);
    for (const n of singles) {
      const label = this.state.label(n.id);
      const at = seen.get(`${n.layer}/${n.index}`) > 1 ? ` ${this.position(n)}` : "";
      out.push({ key: n.id, label: `${label}${at}`, title: `${label} · layer ${n.layer} · feature ${n.index} ${this.position(n)}`, members: [n] });
    }
    return out;
  }

  pinnedErrors() {
    return [...this.state.pinned].map((id) => this.model.byId.get(id)).filter((n) => n && n.kind === "error");
  }

  interventions(where) {
    const nPrompt = (this.model.meta.prompt_tokens || []).length;
    const out = [];
    for (const n of this.pinnedErrors()) {
      if (this.errorsOff.has(n.id)) out.push({ node: "error", layer: Number.parseInt(n.layer, 10), position: n.ctx, mode: "ablate" });
    }
    for (const control of this.controls()) {
      const factor = this.factors.get(control.key) ?? 1;
      if (factor === 1) continue;
      for (const n of control.members) {
        const base = { layer: Number.parseInt(n.layer, 10), feature: n.index };
        const act = n.activation ?? 0;
        if (where === "active") {
          out.push({ ...base, position: n.ctx, ...(factor === 0 ? { mode: "ablate" } : { mode: "scale", value: factor }) });
        } else if (where === "prompt") {
          for (let p = 1; p < nPrompt; p++) out.push({ ...base, position: p, mode: "set", value: factor * act });
        } else out.push({ ...base, position: "generated", mode: "set", value: factor * act });
      }
    }
    return out;
  }

  render() {
    clear(this.root);
    this.root.append(el("h3", { text: "Steer" }));
    if (!this.signedIn) {
      this.root.append(el("p", { class: "ex-muted", text: "Sign in to steer the model." }));
      return;
    }
    const controls = this.controls();
    if (!controls.length && !this.pinnedErrors().length) this.root.append(el("p", { class: "ex-muted", text: "Pin features (or group them) to steer them." }));
    const list = el("div", { class: "ex-steer-controls" });
    for (const control of controls) {
      const value = this.factors.get(control.key) ?? 1;
      const out = el("output", { class: "ex-steer-factor", text: describe(value) });
      const slider = el("input", {
        type: "range", min: "-5", max: "5", step: "0.5", value: String(value),
        "aria-label": `Steer ${control.label}`, "data-key": control.key, class: "ex-steer-slider",
      });
      slider.addEventListener("input", () => {
        this.factors.set(control.key, Number.parseFloat(slider.value));
        out.textContent = describe(Number.parseFloat(slider.value));
      });
      list.append(el("label", { class: "ex-steer-control", title: control.title }, el("span", { class: "ex-steer-name", text: control.label }), slider, out));
    }
    for (const n of this.pinnedErrors()) {
      const box = el("input", { type: "checkbox", class: "ex-steer-error", "data-key": n.id, checked: this.errorsOff.has(n.id) });
      box.addEventListener("change", () => (box.checked ? this.errorsOff.add(n.id) : this.errorsOff.delete(n.id)));
      list.append(el("label", { class: "ex-steer-control" }, box, el("span", { text: `ablate ${this.state.label(n.id)}` })));
    }
    this.root.append(list);
    const where = el("select", { id: "ex-steer-where", "aria-label": "Where to steer" },
      ...POSITIONS.map(([v, t]) => el("option", { value: v, text: t })));
    const tokens = el("input", { id: "ex-steer-tokens", type: "number", min: "0", max: "64", value: "8", "aria-label": "New tokens" });
    const temperature = el("input", { id: "ex-steer-temperature", type: "number", min: "0", max: "2", step: "0.1", value: "0", "aria-label": "Temperature" });
    const seed = el("input", { id: "ex-steer-seed", type: "number", min: "0", value: "0", "aria-label": "Seed" });
    const freeze = el("input", { id: "ex-steer-freeze", type: "checkbox", checked: true });
    const button = el("button", { type: "button", id: "ex-steer-run", text: "Steer" });
    const status = el("span", { id: "ex-steer-status", role: "status" });
    this.root.append(el("div", { class: "ex-steer-settings" },
      el("label", {}, "Position ", where), el("label", {}, "Tokens ", tokens),
      el("label", {}, "Temperature ", temperature), el("label", {}, "Seed ", seed),
      el("label", {}, freeze, " freeze attention"), button, status));
    const results = el("div", { id: "ex-steer-results", class: "ex-steer-results" });
    this.root.append(results);
    button.addEventListener("click", async () => {
      const request = {
        interventions: this.interventions(where.value),
        max_new_tokens: Number.parseInt(tokens.value, 10) || 0,
        temperature: Number.parseFloat(temperature.value) || 0,
        seed: Number.parseInt(seed.value, 10) || 0,
        freeze_attention: freeze.checked,
        top_k: 5,
      };
      status.textContent = "Steering…";
      button.disabled = true;
      try {
        const response = await api(this.url, { method: "POST", body: request });
        this.last = { request, response };
        status.textContent = "";
        showResults(results, response);
      } catch (err) {
        status.textContent = `Could not steer: ${err.message}`;
      } finally {
        button.disabled = false;
      }
    });
    if (this.last) showResults(results, this.last.response);
  }
}

function describe(factor) {
  if (factor === 0) return "ablate";
  if (factor === 1) return "1× (unchanged)";
  return `${factor}×`;
}
