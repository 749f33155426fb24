#!/usr/bin/env bash
# Audit the installed dependencies (the project's .venv) for known vulnerabilities with pip-audit.
#
#   scripts/audit_dependencies.sh                 # PyPI's advisory data (needs https://pypi.org)
#   AUDIT_SERVICE=osv scripts/audit_dependencies.sh   # OSV's (needs https://api.osv.dev)
#
# Exit status: 0 clean; 1 vulnerabilities found (pip-audit's own status); 3 INCOMPLETE, when some
# packages could not be audited (e.g. a version built locally or absent from PyPI), so that a
# skipped package is never reported as clean. Needs the network: it is a script, not a test.
# docs/security.md explains each finding that is accepted rather than fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT="${PIP_AUDIT:-.venv/bin/pip-audit}"
SERVICE="${AUDIT_SERVICE:-pypi}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT

set +e
"$PIP_AUDIT" --local --vulnerability-service "$SERVICE" --progress-spinner off --desc on "$@" \
    >"$report" 2>&1
status=$?
set -e
cat "$report"

if [ "$status" -ne 0 ]; then
    echo "audit: pip-audit exited with $status (vulnerabilities found, or the service failed)" >&2
    exit "$status"
fi
skipped="$(grep -c "could not be audited" "$report" || true)"
if [ "$skipped" -gt 0 ]; then
    echo "audit: INCOMPLETE: $skipped package(s) could not be audited (listed above)" >&2
    exit 3
fi
echo "audit: clean (service: $SERVICE)"
