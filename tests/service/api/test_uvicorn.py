"""A real server: `python -m service.cli serve` in its own process, over TCP, answering a seed article."""

from __future__ import annotations

import signal

import httpx
import pytest

from service.labels import load_schema
from tests.service.api.conftest import SEEDS, check_spans, start_server

pytestmark = pytest.mark.slow


def test_serve_answers_a_seed_article_and_stops_cleanly(tiny_model, tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds, f"no seed articles in {SEEDS}"
    server = start_server(tiny_model, tmp_path / "server.log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert http.get("/healthz").json() == {"status": "ok"}
            assert http.get("/readyz").json()["status"] == "ready"
            for seed in seeds[:2]:
                text = seed.read_text(encoding="utf-8")
                r = http.post("/v1/analyze", json={"text": text}, headers={"X-Request-ID": f"seed-{seed.stem}"})
                assert r.status_code == 200, r.text
                assert r.headers["x-request-id"] == f"seed-{seed.stem}"
                assert float(r.headers["x-inference-time-ms"]) > 0
                data = r.json()
                assert data["claim"] == load_schema().default_claim
                attributed = [s for s in data["sentences"] if s["attributed"]]
                assert attributed, f"{seed.name} has attributed sentences"
                assert all(s["label"] in load_schema().labels for s in attributed)
                assert check_spans(text, data) > len(attributed)
                assert data["speakers"]
            # over the wire, errors are still JSON and bodies over the limit are refused
            bad = http.post("/v1/analyze", content=b'{"text": ', headers={"content-type": "application/json"})
            assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
            big = http.post("/v1/analyze", content=b"x" * 1_000_001, headers={"content-type": "application/json"})
            assert big.status_code == 413 and big.json()["error"]["limit"] == 1_000_000
            metrics = http.get("/metrics").text
            assert 'stancewire_requests_total{method="POST",route="/v1/analyze",status="200"} 2.0' in metrics
    finally:
        rc = server.stop()
    log = server.log.read_text(errors="replace")
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal: exit status 0 or "killed by SIGTERM"
    assert rc in (0, -signal.SIGTERM), f"exit status {rc}:\n{log}"
    assert '"message": "stopped"' in log, "the lifespan shutdown ran (model thread stopped)"
    assert f"serving {tiny_model}" in log
    assert "Traceback" not in log
    request_lines = [line for line in log.splitlines() if '"message": "request"' in line]
    assert any('"request_id": "seed-' in line for line in request_lines), "JSON access lines carry the request id"
