// "Your explanation" in the Feature details panel: a signed-in user adds, edits or deletes their
// own human explanation of the shown feature (POST /api/explanations/, PATCH or DELETE
// /api/explanations/{id}/); the server decides who may. After each change the feature's default
// explanation is read again, so the node's label, hover card and panels show what now wins.
// One editor per feature, kept while the panel re-renders, so a draft survives hovering elsewhere.
import { api, errorMessage } from "./api.js";
import { el } from "./dom.js";
import { featureKey } from "./explanations.js";

const MAX_CHARS = 1000;

export class ExplanationEditors {
  constructor({ apiBase, username, state }) {
    this.apiBase = apiBase;
    this.username = username;
    this.state = state;
    this.editors = new Map(); // "layer_index" -> element
  }

  // The editor for the feature node, or null where the graph has no explanation source.
  forNode(node) {
    const source = this.state.explanations?.source;
    if (!source || node?.kind !== "feature") return null;
    if (!this.username) return el("p", { class: "ex-muted ex-explain-signin", text: "Sign in to add your own explanation of this feature." });
    const key = featureKey(node);
    if (!this.editors.has(key)) this.editors.set(key, this.build(node, source));
    return this.editors.get(key);
  }

  feature(node, source) {
    return { model: source.model, source_set: source.source_set, layer: Number(node.layer), index: Number(node.index) };
  }

  listUrl(feature) {
    const q = new URLSearchParams(Object.entries(feature).map(([k, v]) => [k, String(v)]));
    return `${this.apiBase}explanations/?${q}`;
  }

  build(node, source) {
    const feature = this.feature(node, source);
    const text = el("textarea", { class: "ex-explain-text", rows: "2", maxlength: String(MAX_CHARS), "aria-label": "Your explanation of this feature", placeholder: "What does this feature do? e.g. say Austin" });
    const save = el("button", { type: "button", class: "ex-chrome small ex-explain-save", text: "Save" });
    const remove = el("button", { type: "button", class: "ex-chrome small ex-explain-delete", text: "Delete", hidden: true });
    const note = el("span", { class: "ex-muted ex-explain-status", role: "status", "aria-live": "polite" });
    const box = el("div", { class: "ex-explain", "data-feature": featureKey(node) }, el("h4", { text: "Your explanation" }), text, el("div", { class: "ex-explain-actions" }, save, remove, note));
    // The graph's keys (g, p, Esc) stay out of the text.
    for (const type of ["keydown", "keyup"]) text.addEventListener(type, (e) => e.stopPropagation());
    let own = null;
    let busy = false;

    const showOwn = (mine) => {
      own = mine;
      remove.hidden = !own;
      save.textContent = own ? "Save changes" : "Add";
    };
    const settle = async () => {
      const body = await api(this.listUrl(feature));
      const mine = (body.results || []).find((e) => e.method === "human" && e.author === this.username) || null;
      this.state.explanations.setDefault(node, body.results?.[0] || null);
      this.state.setExplanations(this.state.explanations);
      return mine;
    };
    const act = async (work, done) => {
      if (busy) return;
      busy = true;
      save.disabled = remove.disabled = true;
      note.textContent = "Saving…";
      try {
        await work();
        showOwn(await settle());
        note.textContent = done;
      } catch (err) {
        note.textContent = `Not saved: ${errorMessage(err)}`;
      } finally {
        busy = false;
        save.disabled = remove.disabled = false;
      }
    };

    save.addEventListener("click", () => {
      const description = text.value.trim();
      if (!description) {
        note.textContent = "Write an explanation first.";
        return;
      }
      act(
        () =>
          own
            ? api(`${this.apiBase}explanations/${encodeURIComponent(own.id)}/`, { method: "PATCH", body: { description } })
            : api(`${this.apiBase}explanations/`, { method: "POST", body: { ...feature, description } }),
        "Saved.",
      );
    });
    remove.addEventListener("click", () => {
      if (!own || !window.confirm("Delete your explanation of this feature?")) return;
      act(() => api(`${this.apiBase}explanations/${encodeURIComponent(own.id)}/`, { method: "DELETE" }), "Deleted.").then(() => {
        if (!own) text.value = "";
      });
    });

    note.textContent = "Loading…";
    api(this.listUrl(feature))
      .then((body) => {
        const mine = (body.results || []).find((e) => e.method === "human" && e.author === this.username) || null;
        showOwn(mine);
        if (mine && !text.value) text.value = mine.description;
        note.textContent = "";
      })
      .catch((err) => {
        note.textContent = `Could not load your explanation: ${errorMessage(err)}`;
      });
    showOwn(null);
    return box;
  }
}
