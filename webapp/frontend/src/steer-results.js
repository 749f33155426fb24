// The Steer panel's results: the default and steered continuations side by side (changed tokens
// highlighted, probability, log-probability and alternatives on hover), then the next token at
// the prompt's end: each candidate in either top-k with its probability before and after and the
// change of its logit and log-probability. Probabilities near 1 hide large effects: 99.99% ->
// 99.57% is a log-probability change of only -0.004, while the runner-up's log-probability rises by
// nearly 4 nats and the token's own logit may fall by as much. All text goes in through
// textContent (dom.js `el`).
import { clear, el } from "./dom.js";

const pct = (p) => `${(p * 100).toFixed(2)}%`;
// In the table, tiny probabilities keep their magnitude instead of reading 0.00%.
const prob = (p) => (p > 0 && p < 5e-5 ? `${(p * 100).toExponential(1)}%` : pct(p));

export function signed(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${value > 0 ? "+" : "−"}${text}`;
}

function topText(top) {
  return top.map((t) => `${JSON.stringify(t.text)}: ${pct(t.prob)}${t.logprob !== undefined ? ` (log p ${t.logprob.toFixed(2)})` : ""}`).join("\n");
}

function column(title, side, other) {
  const box = el("div", { class: "ex-steer-col", "data-side": title.toLowerCase() }, el("h4", { text: title }));
  const text = el("p", { class: "ex-steer-text" });
  side.tokens.forEach((t, i) => {
    const changed = !other.tokens[i] || other.tokens[i].token !== t.token;
    const head = `${pct(t.prob)}${t.logprob !== undefined ? ` · log p ${t.logprob.toFixed(3)} · logit ${t.logit.toFixed(3)}` : ""}`;
    text.append(
      el("span", {
        class: changed ? "ex-steer-token ex-steer-changed" : "ex-steer-token",
        title: `${head}\n${topText(t.top)}`,
        "data-prob": String(t.prob),
        text: t.text,
      }),
    );
  });
  box.append(text);
  return box;
}

function changeCell(value, name) {
  const cls = value > 0 ? "ex-up" : value < 0 ? "ex-down" : "";
  return el("td", { class: `ex-num ${cls}`, "data-col": name, "data-value": String(value), text: signed(value) });
}

function changesTable(changes) {
  const table = el("table", { class: "ex-steer-next" });
  table.append(
    el(
      "tr",
      {},
      el("th", { text: "next token" }),
      el("th", { text: "default" }),
      el("th", { text: "steered" }),
      el("th", { text: "Δ logit", title: "steered logit − default logit" }),
      el("th", { text: "Δ log-prob", title: "steered log-probability − default log-probability (nats)" }),
    ),
  );
  for (const c of changes) {
    table.append(
      el(
        "tr",
        { "data-token": String(c.token) },
        el("td", { class: "ex-tok", text: JSON.stringify(c.text) }),
        el("td", { class: "ex-num", "data-col": "before", "data-prob": String(c.before.prob), text: prob(c.before.prob), title: `log p ${c.before.logprob.toFixed(3)}, logit ${c.before.logit.toFixed(3)}` }),
        el("td", { class: "ex-num", "data-col": "after", "data-prob": String(c.after.prob), text: prob(c.after.prob), title: `log p ${c.after.logprob.toFixed(3)}, logit ${c.after.logit.toFixed(3)}` }),
        changeCell(c.delta_logit, "delta-logit"),
        changeCell(c.delta_logprob, "delta-logprob"),
      ),
    );
  }
  return table;
}

export function showResults(root, response) {
  clear(root);
  root.append(el("div", { class: "ex-steer-sides" }, column("Default", response.default, response.steered), column("Steered", response.steered, response.default)));
  root.append(changesTable(response.last_position.changes));
}
