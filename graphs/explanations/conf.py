"""Settings of the explanations app, read strictly from the environment (webapp.env)."""

from __future__ import annotations

from webapp.env import env_int, env_str, overridable

# Staff upload of an explanation export through the API (bytes after gzip decoding).
IMPORT_UPLOAD_MAX_BYTES = env_int("EXPLANATIONS_UPLOAD_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
# Rows per INSERT of an import; bounded memory whatever the file's size.
IMPORT_BATCH_SIZE = env_int("EXPLANATIONS_IMPORT_BATCH", 5000, minimum=1)
# Longest description stored; longer ones are refused (import) or rejected (API).
DESCRIPTION_MAX_LENGTH = env_int("EXPLANATIONS_DESCRIPTION_MAX", 1000, minimum=10)

# Auto-interp against any OpenAI-compatible chat-completions endpoint. Nothing is called while
# AUTOINTERP_BASE_URL or AUTOINTERP_MODEL is unset.
AUTOINTERP_BASE_URL = env_str("AUTOINTERP_BASE_URL", "") or ""
AUTOINTERP_MODEL = env_str("AUTOINTERP_MODEL", "") or ""
# Local servers (vLLM, Ollama, llama.cpp) accept any key; the client library insists on one.
AUTOINTERP_API_KEY = env_str("AUTOINTERP_API_KEY", "") or ""
AUTOINTERP_TIMEOUT_S = env_int("AUTOINTERP_TIMEOUT_S", 60, minimum=1)
# Retries of one call on 429, 5xx, timeouts and connection errors, with exponential backoff.
AUTOINTERP_MAX_RETRIES = env_int("AUTOINTERP_MAX_RETRIES", 4, minimum=0)
AUTOINTERP_BACKOFF_MS = env_int("AUTOINTERP_BACKOFF_MS", 1000, minimum=0)
AUTOINTERP_MAX_TOKENS = env_int("AUTOINTERP_MAX_TOKENS", 60, minimum=1)
# Most endpoint calls per source set, over every run (0: no limit).
AUTOINTERP_BUDGET_PER_SET = env_int("AUTOINTERP_BUDGET_PER_SET", 50000, minimum=0)
AUTOINTERP_QUEUE = env_str("AUTOINTERP_QUEUE", "autointerp") or "autointerp"
# A running run without progress for this long lost its worker; its redelivered task resumes it.
AUTOINTERP_STALE_S = env_int("AUTOINTERP_STALE_S", 900, minimum=1)

# Search results per page.
SEARCH_PAGE_SIZE = env_int("EXPLANATIONS_SEARCH_PAGE_SIZE", 20, minimum=1)

get = overridable(globals())
