// Entry of the graph page's collaboration parts: the activity feed (everyone who sees the graph)
// and the Share dialog (the owner only). Mounts on #cs-collab, configured by its data attributes.
import { ActivityFeed } from "./activity.js";
import { onReady } from "./dom.js";
import { ShareDialog } from "./share.js";

function main() {
  const root = document.getElementById("cs-collab");
  if (!root) return;
  const cfg = { graphId: root.dataset.graphId, apiBase: root.dataset.apiBase || "/api/", visibility: root.dataset.visibility };
  const feed = new ActivityFeed(root.querySelector("#cs-activity"), cfg);
  feed.start();
  const button = document.getElementById("cs-share-open");
  const dialog = document.getElementById("cs-share");
  if (button && dialog) {
    const share = new ShareDialog(dialog, cfg);
    button.addEventListener("click", () => share.open());
  }
}

onReady(main);
