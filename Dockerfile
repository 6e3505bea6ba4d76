# StanceWire serving image: ONNX Runtime on the CPU, the trained model inside, no torch.
#   docker build -t stancewire .                        (official slim Python base)
#   docker build --build-arg BASE_IMAGE=stancewire-base:bookworm -t stancewire .   (a local base; see scripts/container-check.sh)
# Set EXTRAS=train to add the torch-fp32 reference backend (CPU-only torch 2.13.0, installed first so no CUDA wheels come in).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ARG EXTRAS=""
# CPU-only torch for EXTRAS=train: a wheel in docker/wheels wins, else PyTorch's CPU index (never PyPI's CUDA build)
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
# docker/ may hold ca-bundle.crt (a CA bundle pip must trust) and wheels/ (local wheels, e.g. the CPU torch wheel)
COPY docker/ /tmp/docker/
RUN if [ -f /tmp/docker/ca-bundle.crt ]; then export PIP_CERT=/tmp/docker/ca-bundle.crt; fi; \
    python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --upgrade pip && \
    if [ -n "$EXTRAS" ]; then /opt/venv/bin/pip install -q --find-links /tmp/docker/wheels --index-url "$TORCH_INDEX_URL" "torch==2.13.0"; fi
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY training ./training
RUN if [ -f /tmp/docker/ca-bundle.crt ]; then export PIP_CERT=/tmp/docker/ca-bundle.crt; fi; \
    /opt/venv/bin/pip install -q --find-links /tmp/docker/wheels ".${EXTRAS:+[$EXTRAS]}" && \
    find /opt/venv -name '__pycache__' -prune -exec rm -rf {} +

FROM ${BASE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="stancewire" org.opencontainers.image.description="Claim stance of attributed sentences in news, with supporting spans"
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    STANCEWIRE_MODEL_PATH=/app/models/default STANCEWIRE_BACKEND=onnx-int8 STANCEWIRE_SCHEMA=/app/labels/schema.json \
    HOST=0.0.0.0 PORT=8000
RUN (getent group stancewire || groupadd --system stancewire) && \
    (id -u stancewire >/dev/null 2>&1 || useradd --system --gid stancewire --home-dir /app --shell /usr/sbin/nologin stancewire)
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY labels/schema.json /app/labels/schema.json
# Only what the default backend needs; the manifest still vouches for every file that is present.
COPY models/default/config.json models/default/tokenizer.json models/default/stance.json models/default/model.int8.onnx models/default/model.onnx \
     models/default/manifest.json models/default/metrics.json models/default/model_card.md /app/models/default/
USER stancewire
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python3 -c "import os,sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ['PORT'], timeout=2).status == 200 else 1)"
# uvicorn is the process (exec); HOST and PORT come from the environment
ENTRYPOINT ["/bin/sh", "-c", "exec uvicorn --factory service.api.app:create_app --host \"$HOST\" --port \"$PORT\" --no-access-log"]
