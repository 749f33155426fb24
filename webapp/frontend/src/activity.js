// Live activity of a graph: the list on the graph page (from /api/graphs/{id}/activity/) and the
// websocket /ws/graphs/{id}/ that adds entries as they happen. Each entry is also re-dispatched as
// a "cs:graph-activity" DOM event, so the explorer's subgraph list refreshes without a reload; a
// change of this user's role as "cs:graph-role"; losing access (the socket closed with 4403) as
// "cs:graph-access-lost", and getting it back (a later connection is accepted) as
// "cs:graph-access-restored". All user text goes in through textContent (el's `text`).
import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { socketUrl } from "./sockets.js";
import { utcTime } from "./timefmt.js";

const REFUSED = 4403;
// While access is gone, how often the page asks again (a refused handshake costs one query).
const REFUSED_RETRY_MS = [2000, 3000, 5000, 10000, 20000];

export function activityRow(entry) {
  const subject = entry.subject ? ` “${entry.subject}”` : "";
  const detail = entry.detail ? ` (${entry.detail})` : "";
  return el(
    "li",
    { class: "cs-activity-row", "data-verb": entry.verb },
    el("strong", { class: "cs-activity-actor", text: entry.actor || "someone" }),
    el("span", { text: ` ${entry.verb_display}${subject}${detail} · ` }),
    el("time", { datetime: entry.created_at, text: utcTime(entry.created_at) }),
  );
}

function announce(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
}

export class ActivityFeed {
  constructor(root, { graphId, apiBase }) {
    this.root = root;
    this.graphId = graphId;
    this.apiBase = apiBase;
    this.list = el("ol", { class: "cs-activity-list", "aria-live": "polite" });
    this.status = el("p", { class: "muted cs-activity-status", role: "status" });
    this.retry = 1000;
    this.refusals = 0; // refused connections in a row: access is gone while > 0
    this.role = undefined;
  }

  async start() {
    clear(this.root);
    this.root.append(el("h2", { text: "Activity" }), this.status, this.list);
    await this.loadHistory();
    this.connect();
  }

  async loadHistory() {
    try {
      const data = await api(`${this.apiBase}graphs/${encodeURIComponent(this.graphId)}/activity/`);
      clear(this.list);
      data.results.forEach((entry) => this.list.append(activityRow(entry)));
      this.status.textContent = data.results.length ? "" : "Nothing yet.";
    } catch (err) {
      this.status.textContent = `Could not load the activity: ${err.message}`;
    }
  }

  connect() {
    if (typeof WebSocket === "undefined") return;
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
      if (data.type === "hello") return this.hello(data);
      if (data.type === "access") return this.roleChanged(data.role);
      if (data.type !== "activity") return;
      this.status.textContent = "";
      this.list.prepend(activityRow(data.activity));
      announce("cs:graph-activity", data.activity);
    };
    socket.onclose = (event) => {
      delete this.root.dataset.live;
      if (event.code === REFUSED) {
        if (this.refusals === 0) {
          this.role = null;
          this.status.textContent = "You no longer have access to this graph.";
          announce("cs:graph-access-lost");
        }
        // Ask again now and then: when the owner adds this user back, the page comes back.
        const wait = REFUSED_RETRY_MS[Math.min(this.refusals, REFUSED_RETRY_MS.length - 1)];
        this.refusals += 1;
        setTimeout(() => this.connect(), wait);
        return;
      }
      // Lost connection (server restart, network): try again, backing off to 30 s.
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 30000);
    };
  }

  hello(data) {
    if (this.refusals > 0) {
      this.refusals = 0;
      this.loadHistory();
      announce("cs:graph-access-restored");
    }
    this.roleChanged(data.role ?? null);
  }

  roleChanged(role) {
    if (this.role === role) return;
    const first = this.role === undefined;
    this.role = role;
    this.root.dataset.role = role || "";
    if (!first) announce("cs:graph-role", { role });
  }
}
