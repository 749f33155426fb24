// Entry of the graph page's collaboration parts: the activity feed (everyone who sees the graph),
// the Share dialog (the owner), the Edit dialog (owner and editors), and what other people's
// changes do to this page while it is open: the visibility badge, the title and description, and
// the Edit button of a user whose role changed. Mounts on #cs-collab (its data attributes).
import { ActivityFeed } from "./activity.js";
import { api } from "./api.js";
import { onReady } from "./dom.js";
import { GraphEditDialog, showGraphText } from "./graphedit.js";
import { ShareDialog } from "./share.js";
import { showVisibility } from "./visibility.js";

function main() {
  const root = document.getElementById("cs-collab");
  if (!root) return;
  const cfg = { graphId: root.dataset.graphId, apiBase: root.dataset.apiBase || "/api/", visibility: root.dataset.visibility };
  const feed = new ActivityFeed(root.querySelector("#cs-activity"), cfg);
  feed.start();
  const button = document.getElementById("cs-share-open");
  const dialog = document.getElementById("cs-share");
  const share = button && dialog ? new ShareDialog(dialog, cfg) : null;
  if (share) button.addEventListener("click", () => share.open());
  const editButton = document.getElementById("cs-edit-open");
  const editDialog = document.getElementById("cs-edit");
  if (editButton && editDialog) {
    const edit = new GraphEditDialog(editDialog, cfg);
    editButton.addEventListener("click", () => edit.open());
  }

  document.addEventListener("cs:graph-activity", (event) => {
    const entry = event.detail || {};
    if (entry.verb === "visibility_changed") {
      showVisibility(entry.subject);
      if (share) share.visibility = entry.subject;
    }
    if (entry.verb === "graph_edited") {
      api(`${cfg.apiBase}graphs/${encodeURIComponent(cfg.graphId)}/`)
        .then(showGraphText)
        .catch(() => showGraphText({ title: entry.subject }));
    }
  });
  document.addEventListener("cs:graph-role", (event) => {
    if (editButton) editButton.hidden = !["owner", "editor"].includes(event.detail?.role);
  });
}

onReady(main);
