// The validator's answer as a list of problems (by JSON path) and suggested optional fields, or
// the server's refusal. Every server string goes in through textContent (never innerHTML), so a
// graph cannot inject markup into the page.
import { el } from "../dom.js";
import { fieldProblems } from "../problems.js";

// A problem or suggestion may be a string or an object naming a path and a message.
function pathAndMessage(item) {
  if (typeof item === "string") return ["", item];
  if (!item || typeof item !== "object") return ["", String(item)];
  const path = item.path || item.field || item.name || "";
  const message = item.message || item.detail || item.description || item.reason || "";
  return [String(path), String(message)];
}

function renderList(items, className) {
  const list = el("ul", { class: className });
  for (const item of items) {
    const [path, message] = pathAndMessage(item);
    list.append(el("li", {}, path ? el("span", { class: "path", text: path }) : null, el("span", { class: "text", text: message })));
  }
  return list;
}

// Error bodies: {"detail": "..."}, a DRF field dict, or a list.
function errorItems(body) {
  if (!body || typeof body !== "object") return [String(body)];
  if (Array.isArray(body)) return body;
  if (typeof body.detail === "string") return [body.detail];
  return fieldProblems(body);
}

export function renderResults(results, status, body) {
  results.replaceChildren();
  const problems = Array.isArray(body?.problems) ? body.problems : Array.isArray(body?.errors) ? body.errors : null;
  const suggestions = Array.isArray(body?.suggestions) ? body.suggestions : [];
  if (problems === null) {
    results.append(el("p", { class: "status-bad", text: `The server refused the request (HTTP ${status}).` }));
    results.append(renderList(errorItems(body), "problems"));
    return;
  }
  const more = Number.isInteger(body.more_problems) ? body.more_problems : 0;
  const total = problems.length + more;
  const ok = total === 0 && body.valid === true;
  results.append(el("p", { class: ok ? "status-ok" : "status-bad", text: ok ? "The graph is valid." : `${total} problem${total === 1 ? "" : "s"} found.` }));
  if (Number.isInteger(body.node_count) && Number.isInteger(body.link_count)) {
    results.append(el("p", { class: "muted", text: `${body.node_count} nodes, ${body.link_count} links.` }));
  }
  if (problems.length) {
    results.append(el("h3", { text: "Problems" }), renderList(problems, "problems"));
    if (more) results.append(el("p", { class: "muted", text: `… and ${more} more not listed.` }));
  }
  if (suggestions.length) {
    results.append(el("h3", { text: "Suggestions: optional fields the graph could add" }), renderList(suggestions, "suggestions"));
  }
}
