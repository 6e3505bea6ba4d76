#!/usr/bin/env bash
# Create .venv (or $STANCEWIRE_VENV) and install the project into it.
# torch==2.13.0 goes in first: it resolves to the local CPU wheel, so nothing
# later pulls the multi-gigabyte CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${STANCEWIRE_VENV:-.venv}"
EXTRAS="${1:-train,dev}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating $VENV"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.stancewire-installed-$EXTRAS"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing torch (CPU) and stancewire[$EXTRAS] into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "torch==2.13.0"
  "$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
  touch "$stamp"
fi
