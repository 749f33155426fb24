// Fetch helpers for the REST API (session auth + CSRF token from the page).

export class ApiError extends Error {
  constructor(status, body, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter; // Retry-After (seconds), where a 429 or 503 said how long to wait
  }
}

// The token Django rendered into the page (a root's data-csrf, else a form's hidden input),
// falling back to the cookie.
function csrfToken() {
  const root = document.getElementById("cs-explorer") || document.getElementById("upload-root");
  if (root?.dataset.csrf) return root.dataset.csrf;
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input?.value) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function describeError(body, status) {
  if (!body) return `HTTP ${status}`;
  if (typeof body === "string") return body.trimStart().startsWith("<") ? `HTTP ${status}` : body.slice(0, 300);
  if (body.detail) return String(body.detail);
  const parts = [];
  for (const [key, value] of Object.entries(body)) {
    parts.push(`${key}: ${Array.isArray(value) ? value.join(" ") : JSON.stringify(value)}`);
  }
  return parts.join("; ") || `HTTP ${status}`;
}

// `body` is sent as JSON (or as multipart when a FormData); `raw` (a File, Blob or text that is
// already JSON) is sent as it is, so a large graph file is never parsed in the page.
export async function api(url, { method = "GET", body, raw, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (raw !== undefined) {
    init.body = raw;
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    if (body instanceof FormData) init.body = body;
    else {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
  }
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const retryAfter = response.headers.get("Retry-After");
    throw new ApiError(response.status, data, describeError(data, response.status), retryAfter);
  }
  return data;
}

// What to show for a failed call: the server's reason with how long to wait, or the network's.
export function errorMessage(error) {
  if (error instanceof ApiError && error.retryAfter) return `${error.message} (retry in ${error.retryAfter} s)`;
  return error.message;
}
