// The banner shown when this page's user loses access to the graph while it is open (removed as
// a collaborator, the graph made private or deleted): it says so at the top of the window, and
// offers to download the unsaved view. It goes when access comes back (the socket reconnects).
import { el } from "./dom.js";

let banner = null;

export function showAccessLost({ onDownload }) {
  if (banner) return;
  banner = el(
    "div",
    { class: "cs-access-lost", role: "alert" },
    el("strong", { text: "You no longer have access to this graph." }),
    el("span", { text: " Saving is off. Your view is still here: download it to keep your unsaved work. This page reconnects by itself if you are added back. " }),
    el("button", { type: "button", class: "cs-access-download", text: "Download my unsaved view (JSON)", onclick: onDownload }),
  );
  document.body.prepend(banner);
}

export function hideAccessLost() {
  banner?.remove();
  banner = null;
}

// Saves `data` as a JSON file through a temporary link.
export function downloadJsonFile(name, data) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
