// A Copy button that says what happened: "Copied" (or why not) for a moment, then "Copy" again.
import { el } from "./dom.js";

export function copyButton(value, { label = "Copy", cls = "cs-copy" } = {}) {
  const button = el("button", { type: "button", class: cls, text: label });
  let timer = 0;
  const say = (text) => {
    button.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(() => (button.textContent = label), 1500);
  };
  button.addEventListener("click", async () => {
    const text = typeof value === "function" ? value() : value;
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      say("Copied");
    } catch {
      say("Copy failed: select the link and copy it");
    }
  });
  return button;
}
