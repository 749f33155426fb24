#!/usr/bin/env bash
# Fails when a committed bundle (webapp/static/explorer/, webapp/static/pages/) is not what the
# sources in webapp/frontend/ build: builds into a temporary directory and compares byte for byte
# every folder the build writes.
set -euo pipefail
cd "$(dirname "$0")/../webapp/frontend"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --silent
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node build.mjs --outdir "$tmp" >/dev/null
stale=0
for built in "$tmp"/*/; do
  name="$(basename "$built")"
  if ! diff -r "$built" "../static/$name" >/dev/null 2>&1; then
    echo "webapp/static/$name/ is stale: run 'cd webapp/frontend && npm ci && npm run build' and commit the result" >&2
    diff -rq "$built" "../static/$name" >&2 || true
    stale=1
  fi
done
[ "$stale" -eq 0 ] || exit 1
echo "front-end bundles are fresh"
