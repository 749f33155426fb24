// Hover tooltip: label, layer and the node's activation, influence or probability, as text.
import { el, clear, fmt } from "./dom.js";

export class Tooltip {
  constructor(host, state) {
    this.state = state;
    this.box = el("div", { class: "ex-tooltip", role: "tooltip", hidden: true });
    host.append(this.box);
    this.host = host;
  }

  // Re-renders the visible tooltip (after a label or group changed).
  refresh() {
    if (!this.box.hidden && this.node) this.show(this.node, this.at);
  }

  show(node, event) {
    this.node = node;
    this.at = { clientX: event?.clientX ?? 0, clientY: event?.clientY ?? 0 };
    if (!node) {
      this.box.hidden = true;
      return;
    }
    clear(this.box);
    // Only the facts a node has: a logit has a probability, not an activation or an influence.
    const lines = [el("div", { class: "ex-tt-label", text: this.state.label(node.id) }), el("div", { text: `layer ${node.layer} · token ${node.ctx}` })];
    if (node.kind === "logit") lines.push(el("div", { text: `probability ${fmt(node.tokenProb, 4)}` }));
    if (node.activation !== null) lines.push(el("div", { text: `activation ${fmt(node.activation)}` }));
    if (node.influence !== null) lines.push(el("div", { text: `influence ${fmt(node.influence)}` }));
    this.box.append(...lines);
    const rect = this.host.getBoundingClientRect();
    this.box.style.left = `${event.clientX - rect.left + 14}px`;
    this.box.style.top = `${event.clientY - rect.top + 14}px`;
    this.box.hidden = false;
  }
}
