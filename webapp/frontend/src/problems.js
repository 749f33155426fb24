// DRF refuses a request with {field: [messages]}; pages list those as {path, message} problems,
// the same shape the validation endpoints answer with. `detail` is DRF's single message, not a
// field.
export function fieldProblems(body) {
  const out = [];
  for (const [path, value] of Object.entries(body)) {
    if (path === "detail") continue;
    for (const m of [].concat(value)) out.push({ path, message: typeof m === "string" ? m : JSON.stringify(m) });
  }
  return out;
}
