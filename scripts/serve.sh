#!/usr/bin/env bash
# Install, train models/default from labels/ if it is missing, then serve on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh train,dev
VENV="${STANCEWIRE_VENV:-.venv}"
MODEL="${STANCEWIRE_MODEL_PATH:-models/default}"
if [ ! -f "$MODEL/model_card.md" ]; then
  echo "==> no model at $MODEL: training one from labels/data (about 10 minutes on 2 cores)"
  "$VENV/bin/stancewire" train --data labels/data --out "$MODEL"
fi
exec "$VENV/bin/stancewire" serve --model "$MODEL" --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
