// Live activity of a graph: the list on the graph page (from /api/graphs/{id}/activity/) and the
// websocket /ws/graphs/{id}/ that adds entries as they happen. Each entry is also re-dispatched as
// a "cs:graph-activity" DOM event, so the explorer's subgraph list refreshes without a reload.
// All user text goes in through textContent (el's `text`).
import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { socketUrl } from "./sockets.js";

const REFUSED = 4403;

function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function activityRow(entry) {
  const subject = entry.subject ? ` “${entry.subject}”` : "";
  const detail = entry.detail ? ` (${entry.detail})` : "";
  return el(
    "li",
    { class: "cs-activity-row", "data-verb": entry.verb },
    el("strong", { class: "cs-activity-actor", text: entry.actor || "someone" }),
    el("span", { text: ` ${entry.verb_display}${subject}${detail} · ` }),
    el("time", { datetime: entry.created_at, text: when(entry.created_at) }),
  );
}

export class ActivityFeed {
  constructor(root, { graphId, apiBase }) {
    this.root = root;
    this.graphId = graphId;
    this.apiBase = apiBase;
    this.list = el("ol", { class: "cs-activity-list", "aria-live": "polite" });
    this.status = el("p", { class: "muted cs-activity-status", role: "status" });
    this.retry = 1000;
    this.closed = false;
  }

  async start() {
    clear(this.root);
    this.root.append(el("h2", { text: "Activity" }), this.status, this.list);
    try {
      const data = await api(`${this.apiBase}graphs/${encodeURIComponent(this.graphId)}/activity/`);
      data.results.forEach((entry) => this.list.append(activityRow(entry)));
      if (!data.results.length) this.status.textContent = "Nothing yet.";
    } catch (err) {
      this.status.textContent = `Could not load the activity: ${err.message}`;
    }
    this.connect();
  }

  connect() {
    if (this.closed || typeof WebSocket === "undefined") return;
    const socket = new WebSocket(socketUrl(`/ws/graphs/${encodeURIComponent(this.graphId)}/`));
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 1000;
      this.root.dataset.live = "true";
    };
    socket.onmessage = (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data.type !== "activity") return;
      this.status.textContent = "";
      this.list.prepend(activityRow(data.activity));
      document.dispatchEvent(new CustomEvent("cs:graph-activity", { detail: data.activity }));
    };
    socket.onclose = (event) => {
      delete this.root.dataset.live;
      if (event.code === REFUSED) {
        this.closed = true;
        this.status.textContent = "You no longer have access to this graph.";
        document.dispatchEvent(new CustomEvent("cs:graph-access-lost"));
        return;
      }
      // Lost connection (server restart, network): try again, backing off to 30 s.
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 30000);
    };
  }
}
