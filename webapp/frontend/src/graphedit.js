// The "Edit" dialog of the graph page: the owner and editors change the graph's title and
// description (PATCH /api/graphs/{id}/). Other open pages learn of it from the activity feed.
import { api, errorMessage } from "./api.js";
import { el, clear } from "./dom.js";

export function showGraphText({ title, description }) {
  document.querySelectorAll(".cs-graph-title").forEach((node) => (node.textContent = title));
  if (description === undefined) return;
  document.querySelectorAll(".cs-graph-description").forEach((node) => {
    node.textContent = description;
    node.hidden = !description;
  });
}

export class GraphEditDialog {
  constructor(dialog, { graphId, apiBase }) {
    this.dialog = dialog;
    this.url = `${apiBase}graphs/${encodeURIComponent(graphId)}/`;
    this.message = "";
  }

  async open() {
    let graph;
    try {
      graph = await api(this.url);
    } catch (err) {
      graph = null;
      this.message = `Could not load the graph: ${errorMessage(err)}`;
    }
    this.render(graph);
    if (!this.dialog.open) this.dialog.showModal();
  }

  render(graph) {
    const d = clear(this.dialog);
    d.append(el("h2", { text: "Edit title and description" }));
    const title = el("input", { type: "text", class: "cs-edit-title", "aria-label": "Title", maxlength: "200", required: true, value: graph?.title ?? "" });
    const description = el("textarea", { class: "cs-edit-description", "aria-label": "Description", rows: "4" });
    description.value = graph?.description ?? "";
    const form = el(
      "form",
      { class: "cs-edit-form" },
      el("label", { text: "Title" }, title),
      el("label", { text: "Description" }, description),
      this.message ? el("p", { class: "cs-edit-msg", role: "status", text: this.message }) : null,
      el("div", { class: "cs-dialog-buttons" }, el("button", { type: "submit", class: "cs-edit-save", text: "Save" }), el("button", { type: "button", class: "cs-edit-cancel", text: "Cancel", onclick: () => this.dialog.close() })),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const saved = await api(this.url, { method: "PATCH", body: { title: title.value.trim(), description: description.value } });
        showGraphText(saved);
        this.message = "";
        this.dialog.close();
      } catch (err) {
        this.message = errorMessage(err);
        this.render({ title: title.value, description: description.value });
      }
    });
    d.append(form);
  }
}
