// The validator page: send pasted text or a dropped/chosen file to POST /api/validate/ and show
// the answer (validator-results.js). Nothing is stored.
import { api, ApiError } from "../api.js";
import { el, onReady } from "../dom.js";
import { renderResults } from "./validator-results.js";

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// The answer's body when it is JSON; otherwise a note of what came back instead.
function jsonBody(data, status) {
  return data !== null && typeof data === "object" ? data : { detail: `HTTP ${status}: not a JSON answer` };
}

function setUp() {
  const form = document.getElementById("validator-form");
  if (!form) return;
  const textarea = document.getElementById("graph-text");
  const fileInput = document.getElementById("graph-file");
  const dropzone = document.getElementById("dropzone");
  const fileLabel = document.getElementById("file-name");
  const submit = document.getElementById("validate-button");
  const results = document.getElementById("results");
  let chosenFile = null;

  const chooseFile = (file) => {
    chosenFile = file || null;
    fileLabel.textContent = chosenFile ? `${chosenFile.name} (${formatBytes(chosenFile.size)})` : "";
    if (chosenFile) textarea.value = "";
  };

  const validate = async (event) => {
    event.preventDefault();
    const payload = chosenFile || textarea.value;
    if (!chosenFile && !payload.trim()) {
      results.replaceChildren(el("p", { class: "status-bad", text: "Paste a graph JSON or choose a file first." }));
      return;
    }
    submit.disabled = true;
    results.replaceChildren(el("p", { class: "muted", text: "Validating…" }));
    try {
      renderResults(results, 200, jsonBody(await api(form.dataset.endpoint, { method: "POST", raw: payload }), 200));
    } catch (error) {
      if (error instanceof ApiError) renderResults(results, error.status, jsonBody(error.body, error.status));
      else results.replaceChildren(el("p", { class: "status-bad", text: `Could not reach the server: ${error.message}` }));
    } finally {
      submit.disabled = false;
    }
  };

  fileInput.addEventListener("change", () => chooseFile(fileInput.files[0]));
  textarea.addEventListener("input", () => {
    if (!textarea.value) return;
    chosenFile = null;
    fileInput.value = "";
    fileLabel.textContent = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    dropzone.addEventListener(type, (e) => {
      e.preventDefault();
      dropzone.classList.add("over");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    dropzone.addEventListener(type, (e) => {
      e.preventDefault();
      dropzone.classList.remove("over");
    });
  }
  dropzone.addEventListener("drop", (e) => {
    if (e.dataTransfer.files.length) chooseFile(e.dataTransfer.files[0]);
  });
  form.addEventListener("submit", validate);
}

onReady(setUp);
