"""Fixtures of the HTTP service tests: apps built on the tiny model, clients, a live `stancewire serve` process.

The tiny model (tests/conftest.py) is random, so tests assert on structure,
spans, status codes and headers, never on which label it picks.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.settings import Settings
from service.labels import load_schema
from service.model.predictor import Predictor, load_predictor

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_ARTICLE = SEEDS / "003_d336b4dcf17ef295.txt"

# A small article the text pipeline attributes: a quoted denial, a reported assertion, an unattributed context sentence.
ARTICLE = (
    "Officials met in Geneva on Monday to discuss the drone deliveries. "
    "“We never sent anything like the drone deliveries,” the foreign minister said. "
    "The inspectors said they had found evidence of the shipments."
)


def clean_env() -> dict[str, str]:
    """The environment without STANCEWIRE_* variables, so a developer's shell cannot change what tests see."""
    return {k: v for k, v in os.environ.items() if not k.startswith("STANCEWIRE_")}


def make_settings(model: Path, **over) -> Settings:
    with mock.patch.dict(os.environ, clean_env(), clear=True):
        return Settings(model_path=model, threads=2, **over)


@pytest.fixture(scope="session")
def predictor(tiny_model) -> Predictor:
    return load_predictor(tiny_model, "onnx-int8", 2, expected_labels=load_schema().labels)


@pytest.fixture(scope="session")
def make_app(tiny_model, predictor) -> Callable:
    """make_app(predict=None, **settings) -> FastAPI on the tiny model; `predict` replaces the model's predict."""

    def make(predict: Callable | None = None, **over):
        p = predictor
        if predict is not None:
            p = copy.copy(predictor)
            p.predict = predict
        return create_app(make_settings(tiny_model, **over), predictor=p)

    return make


def wait_ready(client, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.02)
    raise AssertionError(f"/readyz did not answer 200 within {timeout} s")


@contextmanager
def running(app) -> Iterator[TestClient]:
    """A TestClient with the lifespan running and the model warmed up."""
    with TestClient(app) as client:
        wait_ready(client)
        yield client


@pytest.fixture
def client(make_app) -> Iterator[TestClient]:
    with running(make_app()) as c:
        yield c


def capture_logs() -> io.StringIO:
    """Send the service's JSON log lines to a buffer (call after create_app, which installs the handler)."""
    handlers = logging.getLogger("stancewire").handlers
    assert handlers, "create_app installs a handler on the 'stancewire' logger"
    buf = io.StringIO()
    handlers[0].setStream(buf)
    return buf


def log_lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def check_spans(text: str, data: dict) -> int:
    """Every span of an /v1/analyze answer is a slice of `text`; returns how many spans were checked."""
    n = 0
    for s in data["sentences"]:
        assert 0 <= s["start"] <= s["end"] <= len(text)
        assert text[s["start"] : s["end"]] == s["text"]
        n += 1
        if s["quote"] is not None:
            q = s["quote"]
            assert text[q["start"] : q["end"]] == q["text"]
            n += 1
        if s["speaker"] is not None:
            sp = s["speaker"]
            assert 0 <= sp["start"] <= sp["end"] <= len(text)
            assert text[sp["start"] : sp["end"]] == sp["name"]
            n += 1
        for e in s["evidence"]:
            assert s["start"] <= e["start"] < e["end"] <= s["end"], "evidence lies inside its sentence"
            assert text[e["start"] : e["end"]] == e["text"]
            n += 1
        if not s["attributed"]:
            assert s["label"] is None and s["evidence"] == [] and s["quote"] is None
    return n


# ---------------------------------------------------------------- a live `stancewire serve` process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, proc: subprocess.Popen, url: str, log: Path):
        self.proc, self.url, self.log = proc, url, log

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                raise AssertionError("server did not stop within 20 s of SIGTERM") from None
        return self.proc.returncode


def start_server(model: Path, log: Path, timeout: float = 60.0) -> LiveServer:
    """python -m service.cli serve --model <model> on a free port; returns once /readyz answers 200."""
    port = free_port()
    env = clean_env() | {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "service.cli", "serve", "--model", str(model), "--port", str(port), "--host", "127.0.0.1", "--threads", "2"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise AssertionError(f"server not ready within {timeout} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def live_server(tiny_model, tmp_path_factory) -> Iterator[LiveServer]:
    server = start_server(tiny_model, tmp_path_factory.mktemp("serve") / "server.log")
    try:
        yield server
    finally:
        server.stop()
