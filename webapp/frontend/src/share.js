// The owner's Share dialog on the graph page: visibility, collaborators (add by username or
// e-mail with a role, change, remove) and links to the graph or to the current subgraph. Compact:
// one line per collaborator, Close always in view at the top.
// Every operation goes through the REST API; errors are shown as the API words them.
import { api } from "./api.js";
import { copyButton } from "./copy.js";
import { el, clear } from "./dom.js";
import { showVisibility } from "./visibility.js";

const ROLES = [
  ["viewer", "Viewer (sees the graph)"],
  ["editor", "Editor (also title, description, featured)"],
];
const VISIBILITIES = [
  ["private", "Private: you and your collaborators"],
  ["unlisted", "Unlisted: anyone with the link"],
  ["public", "Public: listed for everyone"],
];

function select(options, value, label, cls) {
  const node = el("select", { "aria-label": label, class: cls });
  for (const [v, text] of options) node.append(el("option", { value: v, text, selected: v === value }));
  return node;
}

export class ShareDialog {
  constructor(dialog, { graphId, apiBase, visibility }) {
    this.dialog = dialog;
    this.graphId = graphId;
    this.apiBase = apiBase;
    this.visibility = visibility;
    this.collaborators = [];
    this.message = "";
  }

  base() {
    return `${this.apiBase}graphs/${encodeURIComponent(this.graphId)}/`;
  }

  graphLink() {
    return `${window.location.origin}${window.location.pathname}`;
  }

  subgraphLink() {
    const sid = new URLSearchParams(window.location.search).get("subgraph");
    return sid ? `${this.graphLink()}?subgraph=${encodeURIComponent(sid)}` : "";
  }

  async open() {
    if (!this.dialog.open) this.dialog.showModal();
    await this.reload();
  }

  async reload() {
    try {
      this.collaborators = await api(`${this.base()}collaborators/`);
    } catch (err) {
      this.message = `Could not list collaborators: ${err.message}`;
    }
    this.render();
  }

  async run(action, done) {
    try {
      await action();
      this.message = done;
    } catch (err) {
      this.message = err.message;
    }
    await this.reload();
  }

  setVisibility(value) {
    return this.run(async () => {
      const graph = await api(this.base(), { method: "PATCH", body: { visibility: value } });
      this.visibility = graph.visibility;
      showVisibility(graph.visibility);
    }, `The graph is now ${value}.`);
  }

  add(user, role) {
    return this.run(() => api(`${this.base()}collaborators/`, { method: "POST", body: { user, role } }), `Shared with ${user} as ${role}.`);
  }

  change(c, role) {
    return this.run(() => api(`${this.base()}collaborators/${c.id}/`, { method: "PATCH", body: { role } }), `${c.name} is now ${role}.`);
  }

  remove(c) {
    return this.run(() => api(`${this.base()}collaborators/${c.id}/`, { method: "DELETE" }), `Removed ${c.name}.`);
  }

  linkRow(label, value, cls) {
    if (!value) return null;
    const input = el("input", { type: "text", readonly: true, class: cls, "aria-label": label, value });
    return el("div", { class: "cs-share-link" }, el("span", { text: label }), input, copyButton(value));
  }

  render() {
    const d = clear(this.dialog);
    const close = el("form", { method: "dialog", class: "cs-share-top" }, el("h2", { text: "Share this graph" }), el("button", { type: "submit", class: "cs-share-close", text: "Close" }));
    d.append(close);
    const vis = select(VISIBILITIES, this.visibility, "Visibility", "cs-share-visibility");
    vis.addEventListener("change", () => this.setVisibility(vis.value));
    d.append(el("label", { class: "cs-share-row" }, el("span", { text: "Who can see it" }), vis));

    const user = el("input", { type: "text", class: "cs-share-user", placeholder: "username or e-mail", "aria-label": "Username or e-mail", required: true });
    const role = select(ROLES, "viewer", "Role", "cs-share-role");
    const form = el("form", { class: "cs-share-add" }, user, role, el("button", { type: "submit", text: "Add" }));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (user.value.trim()) this.add(user.value.trim(), role.value);
    });
    d.append(el("h3", { text: "Collaborators" }), form);

    const list = el("ul", { class: "cs-collaborators" });
    for (const c of this.collaborators) {
      const roleSelect = select(ROLES, c.role, `Role of ${c.name}`, "cs-collab-role");
      roleSelect.addEventListener("change", () => this.change(c, roleSelect.value));
      const name = el("span", { class: "cs-collab-name", text: c.name, title: c.invited_by_email ? "added by e-mail address" : "" });
      list.append(el("li", { "data-name": c.name }, name, roleSelect, el("button", { type: "button", class: "cs-collab-remove", text: "Remove", onclick: () => this.remove(c) })));
    }
    if (!this.collaborators.length) list.append(el("li", { class: "muted", text: "Nobody yet." }));
    d.append(list);
    const links = [this.linkRow("Graph", this.graphLink(), "cs-link-graph"), this.linkRow("Current subgraph", this.subgraphLink(), "cs-link-subgraph")];
    d.append(el("h3", { text: "Links" }), ...links.filter(Boolean));
    // A link alone opens nothing while the graph is private: say so where the links are copied.
    if (this.visibility === "private") {
      d.append(el("p", { class: "cs-share-warning", role: "note", text: "This graph is private: only you and your collaborators can open these links. Make it unlisted or public to share it by link." }));
    }
    if (this.message) close.after(el("p", { class: "cs-share-msg", role: "status", text: this.message }));
  }
}
