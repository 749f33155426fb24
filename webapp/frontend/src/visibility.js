// The graph page's visibility badge, written as the server renders it (the model's labels), in
// orange while the graph is private.
const LABELS = {
  private: "Private (owner and collaborators)",
  unlisted: "Unlisted (anyone with the link)",
  public: "Public (listed)",
};

export function showVisibility(value) {
  if (!LABELS[value]) return;
  document.querySelectorAll(".cs-visibility-badge").forEach((badge) => {
    badge.textContent = LABELS[value];
    badge.dataset.visibility = value;
    badge.classList.toggle("warn", value === "private");
    badge.classList.toggle("muted", value !== "private");
  });
}
