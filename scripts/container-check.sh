#!/usr/bin/env bash
# Prove the Dockerfile with a real engine on this machine, then clean up.
#
#  1. start a private dockerd (vfs storage, no iptables, no bridge, own data root and socket)
#  2. make a local base image (debootstrap minbase bookworm + python3, docker import): no registry is reachable
#  3. build the image (DOCKER_BUILDKIT=0, --network host, the host's CA bundle for pip)
#  4. run it, wait for /readyz and the HEALTHCHECK, POST a seed article, check labels and spans
#  5. stop the container and the daemon (by its PID), remove everything it made
#
# MODEL_DIR=path uses that model folder; otherwise a quick model is trained for the check.
# Prints how long each step took and the image size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="${STANCEWIRE_VENV:-.venv}"
PORT="${CHECK_PORT:-18731}"
WORK=$(mktemp -d /tmp/stancewire-container.XXXXXX)
SOCK="$WORK/docker.sock"
export DOCKER_HOST="unix://$SOCK" DOCKER_BUILDKIT=0
DOCKERD_PID=""
CONTAINER=""
T0=$(date +%s)
STEP_T=$T0
step() { local now; now=$(date +%s); printf '[container-check] %-44s %4ss\n' "$1" "$((now - STEP_T))"; STEP_T=$now; }

cleanup() {
  set +e
  [ -n "$CONTAINER" ] && docker rm -f "$CONTAINER" >/dev/null 2>&1
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill "$DOCKERD_PID"
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$DOCKERD_PID" 2>/dev/null
  fi
  # dockerd leaves its network namespace mounted; vfs layers may hold read-only files
  for m in $(awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m"; done
  # containerd may still be writing into the data root for a moment after dockerd exits
  pkill -f "containerd.*$WORK" 2>/dev/null
  for _ in 1 2 3 4 5; do
    chmod -R u+w "$WORK" 2>/dev/null
    rm -rf "$WORK" 2>/dev/null && [ ! -e "$WORK" ] && break
    sleep 2
  done
  [ -e "$WORK" ] && echo "[container-check] could not remove $WORK" >&2
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need dockerd || ! need debootstrap; then
  echo "[container-check] installing docker.io and debootstrap from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi
step "tools present"

mkdir -p "$WORK/data" "$WORK/exec"
dockerd --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
  --data-root "$WORK/data" --exec-root "$WORK/exec" --host "$DOCKER_HOST" --pidfile "$WORK/docker.pid" \
  >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 1; done
docker version >/dev/null || { echo "dockerd did not start:"; tail -20 "$WORK/dockerd.log"; exit 1; }
step "dockerd started (pid $DOCKERD_PID)"

# a local base image: Debian bookworm with python3 (3.11) and venv
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log"; exit 1; }
rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
tar -C "$WORK/rootfs" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - stancewire-base:bookworm >/dev/null
rm -rf "$WORK/rootfs"
step "base image made (debootstrap + import)"

# the model that goes into the image
if [ -n "${MODEL_DIR:-}" ]; then
  MODEL="$MODEL_DIR"
else
  MODEL="$WORK/model"
  HF_HUB_OFFLINE=1 "$VENV/bin/stancewire" train --data labels/data --out "$MODEL" --epochs 1 --max-steps 60 --no-evaluate-splits >"$WORK/train.log" 2>&1 \
    || { tail -20 "$WORK/train.log"; exit 1; }
fi
for f in model.int8.onnx model.onnx; do [ -f "$MODEL/$f" ] || { echo "model $MODEL has no $f (the image serves int8 with an fp32 fallback)"; exit 1; }; done
step "model ready ($MODEL)"

# build context: tracked sources, the model, the host CA bundle
CTX="$WORK/context"
mkdir -p "$CTX/models/default" "$CTX/docker"
git ls-files -z | xargs -0 -I{} cp --parents {} "$CTX/"
cp -r "$MODEL"/. "$CTX/models/default/"
cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$CTX/docker/ca-bundle.crt"
docker build --network host --build-arg BASE_IMAGE=stancewire-base:bookworm -t stancewire:check "$CTX" >"$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log"; exit 1; }
SIZE=$(docker image inspect stancewire:check --format '{{.Size}}')
step "image built ($((SIZE / 1024 / 1024)) MB)"

CONTAINER=$(docker run -d --network host -e PORT="$PORT" -e HOST=127.0.0.1 stancewire:check)
ready=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || { echo "container never became ready:"; docker logs "$CONTAINER" 2>&1 | tail -30; exit 1; }
for _ in $(seq 1 60); do
  [ "$(docker inspect --format '{{.State.Health.Status}}' "$CONTAINER")" = healthy ] && break
  sleep 1
done
HEALTH=$(docker inspect --format '{{.State.Health.Status}}' "$CONTAINER")
[ "$HEALTH" = healthy ] || { echo "HEALTHCHECK status: $HEALTH"; exit 1; }
USER_IN=$(docker exec "$CONTAINER" id -un)
[ "$USER_IN" != root ] || { echo "container runs as root"; exit 1; }
step "container ready and healthy (user $USER_IN)"

SEED=$(ls ../shared/seeds/*.txt 2>/dev/null | sed -n 2p)
[ -n "$SEED" ] || { echo "no seed article in ../shared/seeds"; exit 1; }
"$VENV/bin/python" - "$PORT" "$SEED" <<'PY'
import json, sys, urllib.request
port, seed = sys.argv[1], sys.argv[2]
text = open(seed, encoding="utf-8").read()
req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/analyze", json.dumps({"text": text}).encode(), {"Content-Type": "application/json"})
body = json.load(urllib.request.urlopen(req, timeout=60))
labels = set(body["model"]["labels"])
att = [s for s in body["sentences"] if s["attributed"]]
assert len(att) >= 5, f"only {len(att)} attributed sentences"
for s in att:
    assert s["label"] in labels, s["label"]
    assert text[s["start"]:s["end"]] == s["text"]
    for key in ("quote", "speaker"):
        span = s[key]
        if span:
            assert text[span["start"]:span["end"]] == span.get("text", span.get("name")), (key, span)
    for ev in s["evidence"]:
        assert text[ev["start"]:ev["end"]] == ev["text"], ev
speakers = {sp["name"] for sp in body["speakers"]}
assert any("Kirby" in n for n in speakers), speakers
print(f"[container-check] {seed.split('/')[-1]}: {len(att)} attributed sentences, labels {sorted({s['label'] for s in att})}, speakers {len(speakers)}; every span matches the text")
PY
step "seed article analysed through the container"

docker rm -f "$CONTAINER" >/dev/null && CONTAINER=""
kill "$DOCKERD_PID" && wait "$DOCKERD_PID" 2>/dev/null || true
DOCKERD_PID=""
step "container and dockerd stopped"
echo "[container-check] ok: image $((SIZE / 1024 / 1024)) MB, total $(( $(date +%s) - T0 ))s"
