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
  // Each next token is a button that makes it a target (the form's own choice of mode).
  const next = el("span", { class: "next", text: "next: " });
  answer.top_next.forEach((t, i) => {
    if (i > 0) next.append("  ");
    const label = `${JSON.stringify(t.token)} ${(100 * t.prob).toFixed(1)}%`;
    next.append(el("button", { type: "button", class: "link", "data-token": t.token, text: label, title: "use as a target", onclick: () => useAsTarget(form, t.token) }));
  });
  box.append(next);
  box.hidden = false;
}

// Attribution targets: the salient logits (the default), chosen tokens or a logit difference.
// With chosen targets the salient-logit settings mean nothing, so they are disabled and unsent.
const SALIENT_SETTINGS = ["max_n_logits", "desired_logit_prob"];

function targetMode(form) {
  return form.elements.target_mode.value || "salient";
}

function showTargetMode(form) {
  const mode = targetMode(form);
  form.querySelector("[data-role=target-tokens]").hidden = mode !== "tokens";
  form.querySelector("[data-role=target-diff]").hidden = mode !== "logit_diff";
  form.querySelector("[data-role=target-help]").hidden = mode === "salient";
  for (const name of SALIENT_SETTINGS) {
    const input = form.querySelector(`[data-role=settings] input[name=${name}]`);
    if (input) input.disabled = mode !== "salient";
  }
}

function useAsTarget(form, token) {
  if (targetMode(form) === "salient") form.elements.target_mode.value = "tokens";
  if (targetMode(form) === "tokens") {
    const area = form.elements.targets;
    const lines = area.value.split("\n").filter((line) => line !== "");
    if (!lines.includes(token)) lines.push(token);
    area.value = lines.join("\n");
  } else {
    const [a, b] = [form.elements.logit_diff_a, form.elements.logit_diff_b];
    (a.value === "" || b.value !== "" ? a : b).value = token;
  }
  showTargetMode(form);
}

// A line is a token's text, kept exactly (spaces count); "#123" is the token id 123.
function tokenOf(text) {
  const id = /^#(\d+)$/.exec(text);
  return id ? Number(id[1]) : text;
}

function targetFields(form) {
  const mode = targetMode(form);
  if (mode === "tokens") {
    const lines = form.elements.targets.value.replace(/\r/g, "").split("\n").filter((line) => line !== "");
    return { targets: lines.map(tokenOf) };
  }
  if (mode === "logit_diff") return { logit_diff: [tokenOf(form.elements.logit_diff_a.value), tokenOf(form.elements.logit_diff_b.value)] };
  return {};
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
  select.addEventListener("change", () => {
    refresh();
    showTargetMode(form);
  });
  refresh();
  for (const radio of form.querySelectorAll("input[name=target_mode]")) radio.addEventListener("change", () => showTargetMode(form));
  showTargetMode(form);

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
    for (const input of form.querySelectorAll("[data-role=settings] input:not(:disabled)")) body[input.name] = Number(input.value);
    Object.assign(body, targetFields(form));
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
