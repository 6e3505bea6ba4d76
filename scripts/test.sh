#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh train,dev
VENV="${STANCEWIRE_VENV:-.venv}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
"$VENV/bin/ruff" check .
exec "$VENV/bin/python" -m pytest "$@"
