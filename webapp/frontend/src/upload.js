// Upload page: drop (or choose) a graph JSON file; POST /api/graphs/ (the body is the file, the
// options are query parameters) validates and stores it. Problems are listed by JSON path; a
// stored graph opens.
import { api, ApiError } from "./api.js";
import { el, clear, onReady } from "./dom.js";
import { fieldProblems } from "./problems.js";

// The API answers 400 with {detail, problems: [{path, message}]}; tolerate a DRF field dict too.
export function problemsOf(body) {
  if (!body || typeof body !== "object") return [];
  if (Array.isArray(body.problems)) return body.problems.map((p) => ({ path: String(p.path ?? ""), message: String(p.message ?? "") }));
  return fieldProblems(body);
}

function boot() {
  const root = document.getElementById("upload-root");
  if (!root) return;
  const cfg = root.dataset;
  const drop = root.querySelector("#upload-drop");
  const input = root.querySelector("#upload-file");
  const result = root.querySelector("#upload-result");
  const visibility = root.querySelector("#upload-visibility");
  const title = root.querySelector("#upload-title");

  const report = (headline, problems = []) => {
    clear(result);
    result.append(el("p", { class: "up-headline", role: "status", text: headline }));
    if (!problems.length) return;
    const ul = el("ul", { class: "up-problems" });
    for (const p of problems.slice(0, 200)) {
      ul.append(el("li", { class: "up-problem" }, el("code", { class: "up-path", text: p.path || "(document)" }), el("span", { text: ` ${p.message}` })));
    }
    result.append(ul);
  };

  const refused = (file, body, status) => {
    const problems = problemsOf(body);
    if (problems.length) report(`${file.name} was not stored: ${problems.length} problem(s), by JSON path:`, problems);
    else report(`${file.name} was not stored: ${body?.detail ? String(body.detail) : `HTTP ${status}`}`);
  };

  const handle = async (file) => {
    if (!file) return;
    report(`Uploading ${file.name}…`);
    const params = new URLSearchParams({ visibility: visibility.value });
    if (title.value.trim()) params.set("title", title.value.trim());
    let body;
    try {
      body = await api(`${cfg.createUrl}?${params}`, { method: "POST", raw: file });
    } catch (err) {
      if (err instanceof ApiError) refused(file, err.body, err.status);
      else report(`Could not upload: ${err.message}`);
      return;
    }
    if (!body?.id) {
      refused(file, body, 200);
      return;
    }
    report("Stored. Opening the graph…");
    window.location.assign(body.url || `/graphs/${encodeURIComponent(body.id)}/`);
  };

  input.addEventListener("change", () => handle(input.files[0]));
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    handle(e.dataTransfer.files[0]);
  });
}

onReady(boot);
