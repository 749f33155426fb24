// The generate form (home, graph and job pages): model registry -> form fields with bounds, token
// preview, submission, then the job's live progress. With data-job-id the box only follows that
// job. Text from the server is only ever set with textContent.
import { api, errorMessage } from "../api.js";
import { el, onReady } from "../dom.js";
import { FINAL, Progress } from "./job-progress.js";

function settingInputs(container, entry) {
  container.replaceChildren();
  for (const [name, spec] of Object.entries(entry.settings)) {
    const step = spec.type === "integer" ? "1" : "any";
    const input = el("input", { type: "number", name, min: spec.min, max: spec.max, step, value: spec.default });
    container.append(el("label", { text: name.replace(/_/g, " ") }, input, el("span", { class: "help", text: ` ${spec.min}–${spec.max}` })));
  }
}

function showPreview(form, answer) {
  const box = form.querySelector("[data-role=tokens]");
  form.querySelector("[data-role=token-count]").textContent = `${answer.n_tokens} / ${answer.max_prompt_tokens} tokens`;
  const unknown = answer.unknown_tokens ?? 0;
  if (unknown > 0) {
    const which = unknown === 1 ? "1 token is" : `${unknown} tokens are`;
    box.append(el("p", { class: "warning", "data-role": "unknown-tokens", text: `${which} unknown to this model's vocabulary (shown as <unk>): the model sees only a placeholder there, and so will the graph.` }));
  }
  for (const token of answer.tokens) box.append(el("span", { class: "tok", text: token }));
  const next = answer.top_next.map((t) => `${JSON.stringify(t.token)} ${(100 * t.prob).toFixed(1)}%`).join("  ");
  box.append(el("span", { class: "next", text: `next: ${next}` }));
  box.hidden = false;
}

async function setUp(root) {
  const progress = new Progress(root);
  const { jobsUrl, modelsUrl } = root.dataset;
  if (root.dataset.jobId) {
    progress.follow(jobsUrl, root.dataset.jobId);
    return;
  }
  const form = root.querySelector("form.generate-form");
  if (!form) return;
  const select = form.elements.model;
  const errors = form.querySelector("[data-role=errors]");
  const models = await api(modelsUrl).catch(() => null);
  const entries = new Map((models?.results ?? []).map((entry) => [entry.id, entry]));
  // Models that cannot run now stay listed, disabled, with the reason: a user sees what exists
  // and why it is off, and the first model that can run is the one selected.
  for (const entry of entries.values()) {
    const unavailable = entry.available === false;
    const label = unavailable ? `${entry.display_name} (unavailable)` : entry.display_name;
    const option = new Option(label, entry.id);
    option.disabled = unavailable;
    if (unavailable) option.title = entry.reason;
    select.appendChild(option);
  }
  const firstAvailable = [...entries.values()].find((entry) => entry.available !== false);
  if (firstAvailable) select.value = firstAvailable.id;
  const unavailableNote = form.querySelector("[data-role=unavailable]");
  const down = [...entries.values()].filter((entry) => entry.available === false);
  unavailableNote.replaceChildren(
    ...down.map((entry) => el("li", { text: `${entry.display_name}: ${entry.reason}` })),
  );
  unavailableNote.hidden = down.length === 0;
  form.querySelector("button[type=submit]").disabled = !firstAvailable;
  const refresh = () => {
    const entry = entries.get(select.value);
    if (!entry) return;
    settingInputs(form.querySelector("[data-role=settings]"), entry);
    form.querySelector("[data-role=model-help]").textContent = `At most ${entry.max_prompt_tokens} prompt tokens · ${entry.weights_source}`;
  };
  select.addEventListener("change", refresh);
  refresh();

  form.querySelector("[data-role=preview]").addEventListener("click", async () => {
    const box = form.querySelector("[data-role=tokens]");
    const url = `${modelsUrl}${encodeURIComponent(select.value)}/tokenize/`;
    try {
      const answer = await api(url, { method: "POST", body: { prompt: form.elements.prompt.value } });
      box.replaceChildren();
      showPreview(form, answer);
    } catch (error) {
      box.replaceChildren();
      box.hidden = true;
      form.querySelector("[data-role=token-count]").textContent = errorMessage(error);
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.textContent = "";
    const body = {
      model: select.value,
      prompt: form.elements.prompt.value,
      visibility: form.elements.visibility.value,
      fresh: form.elements.fresh.checked,
    };
    for (const input of form.querySelectorAll("[data-role=settings] input")) body[input.name] = Number(input.value);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const job = await api(jobsUrl, { method: "POST", body });
      progress.show(job);
      if (!FINAL.has(job.state)) progress.follow(jobsUrl, job.id);
    } catch (error) {
      errors.textContent = errorMessage(error);
    } finally {
      button.disabled = false;
    }
  });
}

onReady(() => document.querySelectorAll("[data-generate]").forEach((root) => setUp(root)));
