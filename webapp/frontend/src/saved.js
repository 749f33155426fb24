// Save, load, share and curate subgraphs through the subgraph REST API.
//
// The page edits a subgraph at a version (`baseVersion`), which travels in the URL with the view,
// so a save based on an old version is refused (409) after a reload of the page too. After a
// refusal, "Reload" loads the server's current version and keeps the page's unsaved changes
// listed, to re-apply onto it or to save as a new subgraph. Nothing unsaved is dropped without
// asking: loading another subgraph over unsaved changes asks first.
import { downloadJsonFile, hideAccessLost, showAccessLost } from "./access.js";
import { api, ApiError, errorMessage } from "./api.js";
import { copyButton } from "./copy.js";
import { el, clear } from "./dom.js";
import { utcTime } from "./timefmt.js";

function authorName(author) {
  if (author && typeof author === "object") return author.username ?? author.name ?? String(author.id ?? "");
  return author === null || author === undefined ? "" : String(author);
}

// The parts of a view a subgraph saves, in a form two views can be compared by.
function content(view) {
  return JSON.stringify({
    pinned: [...(view.pinnedIds || [])].sort(),
    supernodes: (view.supernodes || []).map((sn) => [sn[0], ...sn.slice(1).sort()]).sort(),
    clerps: [...(view.clerps || [])].map((c) => [c[0], c[1]]).sort(),
  });
}

function recordView(sub) {
  return { pinnedIds: sub.pinned_ids || [], supernodes: sub.supernodes || [], clerps: sub.clerps || [], pruningThreshold: sub.pruning_threshold };
}

// `local` applied onto `server`: every pin of either, local labels win, local groups added.
export function mergeViews(server, local) {
  const pinned = [...new Set([...server.pinnedIds, ...local.pinnedIds])];
  const labels = new Map(server.clerps.map((c) => [c[0], c[1]]));
  for (const [id, text] of local.clerps) labels.set(id, text);
  const groups = server.supernodes.map((sn) => [...sn]);
  const known = new Set(groups.map((sn) => content({ supernodes: [sn] })));
  for (const sn of local.supernodes) if (!known.has(content({ supernodes: [sn] }))) groups.push([...sn]);
  return { pinnedIds: pinned, supernodes: groups, clerps: [...labels.entries()], pruningThreshold: local.pruningThreshold };
}

export class SavedPanel {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx; // {graphId, apiBase, username, canCurate, state, onLoaded(view), onSaved(), pagePath}
    this.list = [];
    this.current = null; // the loaded subgraph record
    this.baseVersion = null; // the version the page's edits are based on
    this.baseline = content({}); // the saved content the page started from
    this.conflict = null; // the 409 of the last save: {message, version}
    this.pending = null; // unsaved changes kept aside after "Reload": a view
    this.accessLost = false;
    this.message = "";
    this.shareUrl = "";
    // Someone saved, renamed, curated or deleted a subgraph of this graph (the live feed).
    document.addEventListener("cs:graph-activity", (event) => {
      if (String(event.detail?.verb || "").startsWith("subgraph_")) this.refresh();
    });
    document.addEventListener("cs:graph-role", (event) => {
      this.ctx.canCurate = ["owner", "editor"].includes(event.detail?.role);
      this.refresh();
    });
    document.addEventListener("cs:graph-access-lost", () => {
      this.accessLost = true;
      showAccessLost({ onDownload: () => this.downloadUnsaved() });
      this.render();
    });
    document.addEventListener("cs:graph-access-restored", () => {
      if (!this.accessLost) return;
      this.accessLost = false;
      hideAccessLost();
      this.message = "You have access to this graph again.";
      this.refresh();
    });
  }

  base() {
    return `${this.ctx.apiBase}graphs/${encodeURIComponent(this.ctx.graphId)}/subgraphs/`;
  }

  shareLink(sid) {
    return `${window.location.origin}${this.ctx.pagePath}?subgraph=${encodeURIComponent(sid)}`;
  }

  isMine(sub) {
    return !!this.ctx.username && authorName(sub.author) === this.ctx.username;
  }

  isDirty() {
    return content(this.ctx.state.snapshot()) !== this.baseline;
  }

  // What the URL carries besides the view: the subgraph and the version being edited.
  urlInfo() {
    return { subgraphId: this.current?.id || null, version: this.current ? this.baseVersion : null };
  }

  async refresh() {
    try {
      const data = await api(this.base());
      this.list = Array.isArray(data) ? data : data?.results || [];
    } catch (err) {
      this.list = [];
      if (!this.accessLost) this.message = `Could not list subgraphs: ${err.message}`;
    }
    this.render();
    this.root.dataset.loaded = "true"; // the list has been fetched at least once
  }

  adopt(sub) {
    this.current = sub;
    this.baseVersion = sub.version;
    this.baseline = content(recordView(sub));
    this.conflict = null;
    this.nameInput = null; // show the loaded subgraph's name, not what was typed before
    this.shareUrl = this.shareLink(sub.id);
  }

  // The page opened with ?subgraph=<id>: `version` and `local` (the view in the URL) are the
  // edits of a page that was reloaded; they stay, still based on their version.
  async restore(sid, version, local) {
    const sub = await this.fetch(sid);
    if (!sub) {
      if (local) this.ctx.onLoaded(local); // the link's view still shows
      return;
    }
    this.adopt(sub);
    if (local && Number.isInteger(version)) {
      this.baseVersion = version;
      this.ctx.onLoaded({ ...recordView(sub), ...local });
      if (version !== sub.version) this.message = `You are editing version ${version}; the current version is ${sub.version}.`;
    } else {
      this.ctx.onLoaded(local ? { ...recordView(sub), ...local } : recordView(sub));
      this.message = `Loaded "${sub.display_name}".`;
    }
    this.render();
  }

  async fetch(sid) {
    try {
      return await api(`${this.base()}${encodeURIComponent(sid)}/`);
    } catch (err) {
      this.message = err instanceof ApiError && err.status === 404 ? "That subgraph does not exist or you may not see it." : `Could not load: ${err.message}`;
      this.render();
      return null;
    }
  }

  // From the list: asks before unsaved changes are replaced.
  async load(sid) {
    if (this.isDirty() && !window.confirm("Your pins, groups or labels have unsaved changes. Load the other subgraph and discard them?")) return;
    const sub = await this.fetch(sid);
    if (!sub) return;
    this.adopt(sub);
    this.pending = null;
    this.message = `Loaded "${sub.display_name}" (version ${sub.version}, by ${authorName(sub.author)}).`;
    this.ctx.onLoaded(recordView(sub));
    this.render();
  }

  payload(name) {
    const snap = this.ctx.state.snapshot();
    return {
      display_name: name,
      pinned_ids: snap.pinnedIds,
      supernodes: snap.supernodes,
      clerps: snap.clerps,
      pruning_threshold: snap.pruningThreshold,
    };
  }

  saved(sub, message) {
    this.adopt(sub);
    this.pending = null;
    this.message = message;
    this.ctx.onSaved(sub);
    return this.refresh();
  }

  async save(asNew) {
    const name = this.nameInput.value.trim();
    if (!name) {
      this.message = "Give the subgraph a name first.";
      this.render();
      return;
    }
    const current = this.current;
    try {
      if (!asNew && current && this.isMine(current)) {
        const sub = await api(`${this.base()}${encodeURIComponent(current.id)}/`, { method: "PUT", body: { ...this.payload(name), version: this.baseVersion } });
        return await this.saved(sub, `Saved "${sub.display_name}" (version ${sub.version}).`);
      }
      if (!asNew && current) {
        // Someone else's: a copy of one's own, with the page's edits, under a name of its own.
        const { display_name: _, ...body } = this.payload(name);
        const typed = name !== current.display_name ? { display_name: name } : {};
        const sub = await api(`${this.base()}${encodeURIComponent(current.id)}/duplicate/`, { method: "POST", body: { ...body, ...typed } });
        return await this.saved(sub, `Saved as your copy "${sub.display_name}"; ${authorName(current.author)}'s subgraph is unchanged.`);
      }
      const sub = await api(this.base(), { method: "POST", body: this.payload(name) });
      return await this.saved(sub, `Saved "${sub.display_name}".`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        const { current_version: version, saved_by: by, saved_at: at } = err.body || {};
        const message = by && version ? `${by} saved this subgraph last, at ${utcTime(at)} (version ${version})` : err.body?.detail || err.message;
        this.conflict = { message, version };
        this.message = "";
      } else if (err instanceof ApiError && err.status === 401) this.message = "Sign in to save subgraphs.";
      else this.message = `Could not save: ${errorMessage(err)}`;
    }
    this.render();
  }

  // After a refused save: the server's current version replaces the view; the page's own
  // changes are kept aside, listed, to re-apply or save as new.
  async reloadLatest() {
    const local = this.ctx.state.snapshot();
    const sub = await this.fetch(this.current.id);
    if (!sub) return;
    this.adopt(sub);
    this.pending = content(local) === this.baseline ? null : local;
    this.message = `Loaded version ${sub.version} by ${authorName(sub.author)}.`;
    this.ctx.onLoaded(recordView(sub));
    this.render();
  }

  reapply() {
    this.ctx.onLoaded(mergeViews(recordView(this.current), this.pending));
    this.pending = null;
    this.message = `Your changes are applied onto version ${this.baseVersion}: check them, then Save.`;
    this.render();
  }

  async savePendingAsNew() {
    const name = `${this.current.display_name} (my changes)`.slice(0, 200);
    const p = this.pending;
    try {
      const sub = await api(this.base(), { method: "POST", body: { display_name: name, pinned_ids: p.pinnedIds, supernodes: p.supernodes, clerps: p.clerps, pruning_threshold: p.pruningThreshold } });
      this.ctx.onLoaded(p);
      await this.saved(sub, `Saved your changes as "${sub.display_name}".`);
    } catch (err) {
      this.message = `Could not save: ${errorMessage(err)}`;
      this.render();
    }
  }

  downloadUnsaved() {
    const snap = this.ctx.state.snapshot();
    downloadJsonFile(`unsaved-view-${this.ctx.graphId}.json`, {
      graph: this.ctx.graphId,
      page: window.location.href,
      subgraph: this.current ? { id: this.current.id, name: this.current.display_name, version: this.baseVersion } : null,
      name: this.nameInput?.value || "",
      pinnedIds: snap.pinnedIds,
      supernodes: snap.supernodes,
      clerps: snap.clerps,
      pruningThreshold: snap.pruningThreshold,
    });
  }

  async call(url, init, done) {
    try {
      await api(url, init);
      this.message = done;
    } catch (err) {
      this.message = errorMessage(err);
    }
    await this.refresh();
  }

  // Owner and editors curate: featured subgraphs are offered to every viewer first.
  toggleFeatured(sub) {
    return this.call(`${this.base()}${encodeURIComponent(sub.id)}/`, { method: "PATCH", body: { featured: !sub.featured } }, `${sub.featured ? "Unfeatured" : "Featured"} "${sub.display_name}".`);
  }

  // ...and moderate: a hidden subgraph is listed to the graph's members and its author only.
  toggleHidden(sub) {
    return this.call(`${this.base()}${encodeURIComponent(sub.id)}/`, { method: "PATCH", body: { hidden: !sub.hidden } }, `${sub.hidden ? "Showed" : "Hid"} "${sub.display_name}".`);
  }

  async remove(sub) {
    const whose = this.isMine(sub) ? "your subgraph" : `${authorName(sub.author)}'s subgraph`;
    if (!window.confirm(`Delete ${whose} "${sub.display_name}"? This cannot be undone.`)) return;
    if (this.current?.id === sub.id) {
      this.current = null;
      this.baseVersion = null;
      this.shareUrl = "";
      this.ctx.onSaved(null);
    }
    await this.call(`${this.base()}${encodeURIComponent(sub.id)}/`, { method: "DELETE" }, `Deleted "${sub.display_name}".`);
  }

  async rename(sub) {
    const name = window.prompt("New name of the subgraph:", sub.display_name);
    if (name === null || !name.trim() || name.trim() === sub.display_name) return;
    try {
      const renamed = await api(`${this.base()}${encodeURIComponent(sub.id)}/`, { method: "PATCH", body: { display_name: name.trim(), version: sub.version } });
      if (this.current?.id === sub.id) {
        // The page's edits were based on the version before the rename: they still are, content-wise.
        if (this.baseVersion === sub.version) this.baseVersion = renamed.version;
        this.current = renamed;
        this.nameInput = null;
      }
      this.message = `Renamed to "${renamed.display_name}".`;
    } catch (err) {
      this.message = err instanceof ApiError && err.status === 409 ? `Not renamed: ${err.body?.detail || err.message}. The list now shows the current version.` : `Could not rename: ${errorMessage(err)}`;
    }
    await this.refresh();
  }

  row(sub, detailed = false) {
    const mine = this.isMine(sub);
    const loaded = this.current?.id === sub.id;
    const active = !this.accessLost;
    const button = (cls, text, onclick) => el("button", { type: "button", class: cls, text, disabled: !active, onclick });
    return el(
      "li",
      { class: `ex-saved-row${loaded ? " current" : ""}${sub.hidden ? " hidden-sub" : ""}`, "data-subgraph-id": sub.id },
      el("button", { type: "button", class: "ex-load", text: sub.display_name || "(untitled)", title: "Load this subgraph", onclick: () => this.load(sub.id) }),
      el("span", { class: "ex-muted ex-author", text: ` by ${mine ? "you" : authorName(sub.author)}` }),
      el("span", { class: "ex-muted ex-version", text: ` · v${sub.version}` }),
      sub.featured ? el("span", { class: "ex-muted ex-featured-mark", text: " · featured" }) : null,
      sub.hidden ? el("span", { class: "ex-muted ex-hidden-mark", text: " · hidden" }) : null,
      detailed && sub.updated_at ? el("time", { class: "ex-muted ex-updated", datetime: sub.updated_at, text: ` · ${utcTime(sub.updated_at)}` }) : null,
      detailed && this.ctx.username && !mine ? button("ex-duplicate", "Copy to mine", () => this.copy(sub)) : null,
      detailed && this.ctx.canCurate ? button("ex-feature", sub.featured ? "Unfeature" : "Feature", () => this.toggleFeatured(sub)) : null,
      detailed && this.ctx.canCurate && !mine ? button("ex-hide", sub.hidden ? "Show" : "Hide", () => this.toggleHidden(sub)) : null,
      mine ? button("ex-rename", "Rename", () => this.rename(sub)) : null,
      mine || (detailed && this.ctx.canCurate) ? button("ex-delete", "Delete", () => this.remove(sub)) : null,
    );
  }

  // "Copy to mine" from the list: the subgraph as saved, under a name of one's own.
  async copy(sub) {
    try {
      const copy = await api(`${this.base()}${encodeURIComponent(sub.id)}/duplicate/`, { method: "POST", body: {} });
      this.message = `Saved a copy as "${copy.display_name}".`;
      await this.refresh();
      await this.load(copy.id);
      return;
    } catch (err) {
      this.message = `Could not copy: ${errorMessage(err)}`;
    }
    this.render();
  }

  conflictBox() {
    const { conflict } = this;
    return el(
      "div",
      { class: "ex-conflict", role: "alert" },
      el("p", { text: `Not saved: ${conflict.message}.` }),
      el("p", { text: `Your changes are still on this page, based on version ${this.baseVersion}.` }),
      el(
        "div",
        { class: "ex-save-row" },
        conflict.version ? el("button", { type: "button", class: "ex-reload", text: `Reload version ${conflict.version}`, onclick: () => this.reloadLatest() }) : null,
        el("button", { type: "button", class: "ex-save-new", text: "Save mine as new", onclick: () => this.save(true) }),
      ),
    );
  }

  pendingBox() {
    const { pending } = this;
    const server = JSON.parse(this.baseline);
    const added = pending.pinnedIds.filter((id) => !server.pinned.includes(id));
    const removed = server.pinned.filter((id) => !pending.pinnedIds.includes(id));
    const label = (id) => this.ctx.state.label(id);
    const lines = [];
    if (added.length) lines.push(`pinned: ${added.map(label).join(", ")}`);
    if (removed.length) lines.push(`not pinned in yours: ${removed.map(label).join(", ")} (re-applying keeps them)`);
    lines.push(`${pending.supernodes.length} group(s), ${pending.clerps.length} label(s)`);
    return el(
      "div",
      { class: "ex-pending", role: "region", "aria-label": "Your unsaved changes" },
      el("p", { text: `Your unsaved changes (not in version ${this.baseVersion}):` }),
      el("ul", {}, ...lines.map((text) => el("li", { text }))),
      el(
        "div",
        { class: "ex-save-row" },
        el("button", { type: "button", class: "ex-reapply", text: "Re-apply my changes", onclick: () => this.reapply() }),
        el("button", { type: "button", class: "ex-pending-new", text: "Save mine as new", disabled: this.accessLost, onclick: () => this.savePendingAsNew() }),
        el("button", { type: "button", class: "ex-discard", text: "Discard mine", onclick: () => ((this.pending = null), this.render()) }),
      ),
    );
  }

  saveControls(typing) {
    const current = this.current;
    const mine = current && this.isMine(current);
    const suggested = current && !mine ? `${current.display_name} (${this.ctx.username}'s copy)` : current?.display_name;
    this.nameInput = el("input", { type: "text", class: "ex-save-name", "aria-label": "Subgraph name", placeholder: "Subgraph name", value: typing ?? suggested ?? "" });
    this.nameInput.addEventListener("keydown", (e) => e.stopPropagation());
    this.nameInput.addEventListener("keyup", (e) => e.stopPropagation());
    const off = this.accessLost;
    const label = !current ? "Save subgraph" : mine ? "Save" : "Save as my copy";
    const title = current && !mine ? `${authorName(current.author)}'s subgraph stays as it is; a copy of yours is saved with your changes.` : "";
    return el(
      "div",
      { class: "ex-save-row" },
      this.nameInput,
      el("button", { type: "button", class: "ex-save", text: label, title, disabled: off, onclick: () => this.save(false) }),
      mine ? el("button", { type: "button", class: "ex-save-new", text: "Save as new", disabled: off, onclick: () => this.save(true) }) : null,
    );
  }

  render() {
    // A re-render (the list refreshed, maybe live) keeps what the user is typing.
    const typing = this.nameInput?.isConnected ? this.nameInput.value : null;
    clear(this.root);
    this.root.append(el("h3", { text: "Saved subgraphs" }));
    if (this.current) {
      const whose = this.isMine(this.current) ? "yours" : `by ${authorName(this.current.author)}`;
      this.root.append(el("p", { class: "ex-muted ex-editing", text: `Editing "${this.current.display_name}" (${whose}), version ${this.baseVersion}${this.isDirty() ? ", unsaved changes" : ""}.` }));
    }
    if (this.ctx.username) this.root.append(this.saveControls(typing));
    else this.root.append(el("p", { class: "ex-muted", text: "Sign in to save subgraphs." }));
    if (this.accessLost) this.root.append(el("p", { class: "ex-msg ex-access-note", text: "Saving is off: you no longer have access to this graph." }));
    if (this.conflict) this.root.append(this.conflictBox());
    if (this.pending) this.root.append(this.pendingBox());
    if (this.shareUrl) {
      const link = el("input", { type: "text", readonly: true, class: "ex-share-url", "aria-label": "Share link", value: this.shareUrl });
      this.root.append(el("div", { class: "ex-share" }, el("span", { text: "Share link: " }), link, copyButton(this.shareUrl, { cls: "ex-copy" })));
    }
    if (this.message) this.root.append(el("p", { class: "ex-msg", role: "status", text: this.message }));
    const featured = this.list.filter((s) => s.featured);
    const sections = [];
    if (this.ctx.username) sections.push(["Mine", this.list.filter((s) => this.isMine(s)), "ex-mine", false]);
    sections.push(["Featured", featured, "ex-featured", false], ["Everyone's", this.list, "ex-all", true]);
    for (const [title, items, cls, detailed] of sections) {
      const ul = el("ul", { class: cls });
      items.forEach((s) => ul.append(this.row(s, detailed)));
      this.root.append(el("h4", { text: `${title} (${items.length})` }), ul);
    }
  }
}
