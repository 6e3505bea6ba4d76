"""Every route and every error of the HTTP API, in process (TestClient runs the lifespan)."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from service import cli
from service.labels import load_schema
from tests.service.api.conftest import ARTICLE, SEED_ARTICLE, capture_logs, check_spans, log_lines, running

SCHEMA = load_schema()
HEX32 = re.compile(r"^[0-9a-f]{32}$")
ITEMS = [
    {"text": "“We never sent anything like the drone deliveries,” the foreign minister said.", "context": "Officials met in Geneva on Monday."},
    {"text": "The inspectors said they had found evidence of the shipments."},
]


def assert_error(r: httpx.Response, status: int, field: str | None = None, limit: int | None = None) -> dict:
    """A JSON error body {"error": {"code", "message", "field"?, "limit"?}} with the expected status."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) <= {"code", "message", "field", "limit"}
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    if field is not None:
        assert err.get("field") == field, err
    if limit is not None:
        assert err.get("limit") == limit, err
        assert str(limit) in err["message"]
    return err


def metric(text: str, name: str, **labels) -> float:
    """The value of one Prometheus sample, matched by name and a subset of its labels (0 when absent)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r"^([a-zA-Z_:]+)(?:\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            total += float(m.group(3))
    return total


def gated(predict, gate: threading.Event, entered: threading.Event | None = None):
    """A predict that waits for `gate` before running the model."""

    def run(items):
        if entered is not None:
            entered.set()
        assert gate.wait(30), "test gate never opened"
        return predict(items)

    return run


# ---------------------------------------------------------------- routes


def test_analyze_returns_sentences_speakers_and_valid_spans(client):
    r = client.post("/v1/analyze", json={"text": ARTICLE})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["claim"] == SCHEMA.default_claim
    assert data["model"]["labels"] == list(SCHEMA.labels)
    assert data["model"]["default_claim"] == SCHEMA.default_claim
    attributed = [s for s in data["sentences"] if s["attributed"]]
    assert attributed and len(attributed) == len(data["sentences"]), "only attributed sentences by default"
    for s in attributed:
        assert s["label"] in SCHEMA.labels
        assert set(s["scores"]) == set(SCHEMA.labels)
        assert abs(sum(s["scores"].values()) - 1) < 0.01
        assert s["quote"] is not None
        if s["rule"] is None:  # the model's own first choice
            assert s["scores"][s["label"]] == max(s["scores"].values())
        else:  # the article rule re-labelled a counter-accusation by a source that asserts the claim
            assert s["rule"] == "source-asserts-claim" and s["label"] != "counter-accusation"
    assert check_spans(ARTICLE, data) >= 2 * len(attributed)
    indexes = {s["index"] for s in attributed}
    for sp in data["speakers"]:
        assert sp["label"] in SCHEMA.labels
        assert set(sp["sentences"]) <= indexes and sp["sentences"]
    named = {s["speaker"]["name"] for s in attributed if s["speaker"]}
    assert named and {sp["name"] for sp in data["speakers"]} <= named


def test_analyze_seed_article_with_claim_and_unattributed(client):
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    r = client.post("/v1/analyze", json={"text": text, "claim": "  Iran supplied drones to Russia.  ", "include_unattributed": True})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["claim"] == "Iran supplied drones to Russia."
    flags = {s["attributed"] for s in data["sentences"]}
    assert flags == {True, False}, "the seed has both attributed and unattributed sentences"
    assert [s["index"] for s in data["sentences"]] == sorted(s["index"] for s in data["sentences"])
    check_spans(text, data)
    only = client.post("/v1/analyze", json={"text": text, "claim": "Iran supplied drones to Russia."}).json()
    assert [s["index"] for s in only["sentences"]] == [s["index"] for s in data["sentences"] if s["attributed"]]


def test_analyze_and_classify_send_timing_headers(client):
    for path, body in (("/v1/analyze", {"text": ARTICLE}), ("/v1/classify", {"claim": "Iran supplied drones.", "items": ITEMS})):
        r = client.post(path, json=body)
        assert r.status_code == 200, r.text
        assert re.fullmatch(r"queue;dur=\d+\.\d\d, inference;dur=\d+\.\d\d", r.headers["server-timing"])
        assert float(r.headers["x-queue-time-ms"]) >= 0
        assert float(r.headers["x-inference-time-ms"]) > 0


def test_classify_one_result_per_item(client):
    r = client.post("/v1/classify", json={"claim": "Iran supplied attack drones to Russia.", "items": ITEMS})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["model"]["backend"] == "onnx-int8"
    assert len(data["results"]) == len(ITEMS)
    for item, res in zip(ITEMS, data["results"]):
        assert res["label"] in SCHEMA.labels
        assert abs(sum(res["scores"].values()) - 1) < 0.01
        for e in res["evidence"]:
            assert 0 <= e["start"] < e["end"] <= len(item["text"])
            assert item["text"][e["start"] : e["end"]] == e["text"]


def test_classify_passes_the_speaker_to_the_model(client):
    """The speaker is part of the model input: the same sentence from another mouth may score differently."""
    item = {"text": '"Who is arming Kyiv to the teeth?" the spokeswoman asked.', "context": "Officials met on Monday."}
    body = {"claim": "Iran supplied attack drones to Russia.", "items": [item, {**item, "speaker": "Iran's foreign ministry"}, {**item, "speaker": "the Pentagon"}]}
    r = client.post("/v1/classify", json=body)
    assert r.status_code == 200, r.text
    scores = [res["scores"] for res in r.json()["results"]]
    assert len({tuple(sorted(s.items())) for s in scores}) == 3


def test_model_route(client):
    r = client.get("/v1/model")
    assert r.status_code == 200
    m = r.json()
    assert m["labels"] == list(SCHEMA.labels)
    assert m["default_claim"] == SCHEMA.default_claim
    assert m["backend"] == "onnx-int8"
    assert re.fullmatch(r"[0-9a-f]{64}", m["weights_sha256"])
    assert m["temperature"] > 0 and 0 < m["evidence_threshold"] < 1
    assert isinstance(m["metrics"], dict) and m["name"] and m["version"]


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "model": client.get("/v1/model").json()["name"], "backend": "onnx-int8"}


def test_readyz_is_503_until_the_warm_up_prediction_returns(make_app, predictor):
    gate = threading.Event()
    app = make_app(predict=gated(predictor.predict, gate))
    try:
        with TestClient(app) as c:
            for _ in range(3):
                r = c.get("/readyz")
                err = assert_error(r, 503)
                assert err["code"] == "unavailable" and "warming up" in err["message"]
                assert r.headers["retry-after"] == "1"
            assert c.get("/healthz").status_code == 200, "alive while warming up"
            gate.set()
            deadline = time.monotonic() + 10
            while c.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "never became ready"
                time.sleep(0.02)
    finally:
        gate.set()


def test_metrics_count_requests_latency_batches_and_inference(client):
    assert client.post("/v1/analyze", json={"text": ARTICLE}).status_code == 200
    assert client.post("/v1/classify", json={"claim": "x y", "items": ITEMS}).status_code == 200
    assert client.post("/v1/analyze", json={"text": ""}).status_code == 422
    assert client.post("/v1/analyze", content=b"\xff\xfe", headers={"content-type": "application/json"}).status_code == 400
    assert client.get("/no/such/route/123").status_code == 404
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert metric(text, "stancewire_requests_total", route="/v1/analyze", method="POST", status="200") == 1
    assert metric(text, "stancewire_requests_total", route="/v1/classify", method="POST", status="200") == 1
    assert metric(text, "stancewire_requests_total", route="/v1/analyze", method="POST", status="422") == 1
    # refused by the middleware before routing, still counted under its route, not as unmatched
    assert metric(text, "stancewire_requests_total", route="/v1/analyze", method="POST", status="400") == 1
    assert metric(text, "stancewire_requests_total", route="unmatched", method="GET", status="404") == 1
    assert "/no/such/route/123" not in text, "unknown paths must not become label values"
    assert metric(text, "stancewire_request_seconds_count", route="/v1/analyze", status="200") == 1
    assert metric(text, "stancewire_request_seconds_bucket", route="/v1/analyze", status="200", le="+Inf") == 1
    assert metric(text, "stancewire_request_seconds_count", route="/v1/classify", status="200") == 1
    batches = metric(text, "stancewire_batch_pairs_count")
    assert batches >= 3, "warm-up, analyze and classify batches"
    assert metric(text, "stancewire_batch_pairs_sum") >= 1 + len(ITEMS) + 1
    assert metric(text, "stancewire_inference_seconds_count") == batches
    assert metric(text, "stancewire_inference_seconds_sum") > 0


def test_index_page_and_static_files(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for needle in ('id="claim"', 'id="text"', 'id="analyze"', "/static/app.js", "/static/style.css"):
        assert needle in r.text
    assert "fetch(\"/v1/analyze\"" in client.get("/static/app.js").text
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert_error(client.get("/static/nope.js"), 404)


def test_docs_and_openapi(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "StanceWire"
    for path, method in (("/v1/analyze", "post"), ("/v1/classify", "post"), ("/v1/model", "get"), ("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get")):
        assert method in spec["paths"][path], path
    assert "/" not in spec["paths"]
    props = spec["components"]["schemas"]["AnalyzeRequest"]["properties"]
    assert {"text", "claim", "include_unattributed"} == set(props)


# ---------------------------------------------------------------- errors

LIMITS = {"max_body_bytes": 3000, "max_text_chars": 400, "max_claim_chars": 50, "max_items": 3, "max_item_chars": 100}


@pytest.fixture(scope="module")
def limited(make_app):
    with running(make_app(**LIMITS)) as c:
        yield c


def test_body_over_limit_with_content_length_is_413(limited):
    body = json.dumps({"text": "a" * 5000}).encode()
    r = limited.post("/v1/analyze", content=body, headers={"content-type": "application/json"})
    err = assert_error(r, 413, "body", 3000)
    assert err["code"] == "payload_too_large" and str(len(body)) in err["message"]


def test_body_over_limit_streamed_in_chunks_is_413(limited):
    sent = []

    def chunks():
        for _ in range(100):
            sent.append(1)
            yield b'{"text": "' if len(sent) == 1 else b"a" * 500

    r = limited.post("/v1/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers and r.request.headers["transfer-encoding"] == "chunked"
    assert_error(r, 413, "body", 3000)


def test_streamed_body_is_not_read_past_the_limit(limited):
    """At the ASGI level: the app stops asking for chunks once the limit is passed and answers 413."""
    app, received, sent = limited.app, [], []

    async def receive():
        received.append(1)
        return {"type": "http.request", "body": b"a" * 500, "more_body": len(received) < 100}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http", "path": "/v1/analyze", "raw_path": b"/v1/analyze",
             "root_path": "", "query_string": b"", "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")], "client": ("t", 1), "server": ("t", 80)}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert len(received) == 7, "3000 bytes pass after 6 chunks of 500; the 7th passes the limit"
    assert json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["error"]["limit"] == 3000


@pytest.mark.parametrize(
    ("path", "body", "status", "field", "limit"),
    [
        ("/v1/analyze", {"text": "He said no. " * 40}, 413, "text", 400),
        ("/v1/analyze", {"text": ARTICLE, "claim": "c" * 51}, 413, "claim", 50),
        ("/v1/classify", {"claim": "c" * 51, "items": ITEMS}, 413, "claim", 50),
        ("/v1/classify", {"claim": "c", "items": [{"text": "He said no."}] * 4}, 413, "items", 3),
        ("/v1/classify", {"claim": "c", "items": [{"text": "x" * 101}]}, 413, "items.0.text", 100),
        ("/v1/classify", {"claim": "c", "items": [{"text": "He said no.", "context": "x" * 101}]}, 413, "items.0.context", 100),
        ("/v1/analyze", {"text": ""}, 422, "text", None),
        ("/v1/analyze", {"text": " \n\t "}, 422, "text", None),
        ("/v1/analyze", {"text": ARTICLE, "claim": ""}, 422, "claim", None),
        ("/v1/analyze", {"text": ARTICLE, "claim": "   "}, 422, "claim", None),
        ("/v1/classify", {"claim": "", "items": ITEMS}, 422, "claim", None),
        ("/v1/classify", {"claim": "c", "items": []}, 422, "items", None),
        ("/v1/classify", {"claim": "c", "items": [{"text": " "}]}, 422, "items.0.text", None),
        ("/v1/analyze", {}, 422, "text", None),
        ("/v1/analyze", {"text": 5}, 422, "text", None),
        ("/v1/analyze", {"text": None}, 422, "text", None),
        ("/v1/analyze", {"text": ["a"]}, 422, "text", None),
        ("/v1/analyze", {"text": ARTICLE, "claim": 7}, 422, "claim", None),
        ("/v1/analyze", {"text": ARTICLE, "include_unattributed": "yes"}, 422, "include_unattributed", None),
        ("/v1/analyze", {"text": ARTICLE, "include_unattributed": 1}, 422, "include_unattributed", None),
        ("/v1/analyze", {"text": ARTICLE, "colour": "red"}, 422, "colour", None),
        ("/v1/analyze", ["text"], 422, "body", None),
        ("/v1/analyze", "text", 422, "body", None),
        ("/v1/classify", {"claim": "c", "items": "He said no."}, 422, "items", None),
        ("/v1/classify", {"claim": "c", "items": {"text": "He said no."}}, 422, "items", None),
        ("/v1/classify", {"claim": "c", "items": ["He said no."]}, 422, "items.0", None),
        ("/v1/classify", {"claim": "c", "items": [{"text": "He said no.", "source": "he"}]}, 422, "items.0.source", None),
        ("/v1/classify", {"claim": "c", "items": [{"text": "He said no.", "speaker": 3}]}, 422, "items.0.speaker", None),
        ("/v1/classify", {"claim": "c", "items": [{"text": "He said no.", "context": None}]}, 422, "items.0.context", None),
        ("/v1/classify", {"items": ITEMS}, 422, "claim", None),
    ],
)
def test_invalid_requests_name_the_field(limited, path, body, status, field, limit):
    r = limited.post(path, json=body)
    err = assert_error(r, status, field, limit)
    assert err["code"] == ("payload_too_large" if status == 413 else "invalid_request")
    assert field.split(".")[-1] in err["message"]


@pytest.mark.parametrize(
    ("content", "status", "field"),
    [
        (b'{"text": "He said', 400, "body"),
        (b"{'text': 'single quotes'}", 400, "body"),
        (b'{"text": "He said no."} trailing', 400, "body"),
        (b'{"text": "caf\xe9 said"}', 400, "body"),  # latin-1, not UTF-8
        (b'{"text": "\xed\xa0\x80"}', 400, "body"),  # an encoded surrogate is not UTF-8 either
        (b'{"text": "He said \\ud800 no."}', 422, "text"),  # a lone surrogate escape decodes but is not text
        (b'{"text": "He said no.", "claim": "\\udfff"}', 422, "claim"),
        (b"[" * 20000 + b"]" * 20000, 400, "body"),  # nesting deeper than the JSON parser goes
        (b'{"text": 1' + b"0" * 5000 + b"}", 400, "body"),  # an integer too long to parse
    ],
)
def test_undecodable_bodies(client, content, status, field):
    r = client.post("/v1/analyze", content=content, headers={"content-type": "application/json"})
    assert_error(r, status, field)


def test_classify_refuses_a_lone_surrogate_in_an_item(limited):
    r = limited.post("/v1/classify", content=b'{"claim": "c", "items": [{"text": "ok"}, {"text": "x\\ud83d"}]}', headers={"content-type": "application/json"})
    assert_error(r, 422, "items.1.text")


def test_wrong_method_and_unknown_route(client):
    r = client.get("/v1/analyze")
    err = assert_error(r, 405)
    assert err["code"] == "method_not_allowed" and "GET" in err["message"]
    assert r.headers["allow"] == "POST"
    assert_error(client.put("/v1/classify", json={}), 405)
    assert_error(client.post("/healthz"), 405)
    err = assert_error(client.get("/v2/analyze"), 404)
    assert err["code"] == "not_found" and "/v2/analyze" in err["message"]
    assert_error(client.post("/v1/analyse", json={"text": ARTICLE}), 404)


# ---------------------------------------------------------------- API key, CORS, request ids, logs


def test_api_key_guards_v1_routes_only(make_app):
    with running(make_app(api_key="s3cret-key")) as c:
        for method, path, body in (("POST", "/v1/analyze", {"text": ARTICLE}), ("POST", "/v1/classify", {"claim": "c", "items": ITEMS}), ("GET", "/v1/model", None)):
            err = assert_error(c.request(method, path, json=body), 401, "authorization")
            assert err["code"] == "unauthorized" and "X-API-Key" in err["message"]
            assert_error(c.request(method, path, json=body, headers={"Authorization": "Bearer wrong"}), 401)
            assert_error(c.request(method, path, json=body, headers={"X-API-Key": "s3cret-key-2"}), 401)
            assert_error(c.request(method, path, json=body, headers={"Authorization": "s3cret-key-"}), 401)
            assert c.request(method, path, json=body, headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
            assert c.request(method, path, json=body, headers={"Authorization": "bearer s3cret-key"}).status_code == 200
            assert_error(c.request(method, path, json=body, headers={"Authorization": "Basic s3cret-key"}), 401)
            assert c.request(method, path, json=body, headers={"X-API-Key": "s3cret-key"}).status_code == 200
        # the key is checked before the body is read: no key, no 413 either
        assert_error(c.post("/v1/analyze", content=b"x" * 2_000_000), 401)
        for path in ("/healthz", "/readyz", "/", "/static/app.js", "/metrics"):
            assert c.get(path).status_code == 200, path


def test_no_cors_headers_by_default(client):
    r = client.post("/v1/analyze", json={"text": ARTICLE}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/v1/analyze", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    assert pre.status_code == 405


def test_cors_allows_configured_origins(make_app):
    with running(make_app(cors_origins=["https://news.example"], api_key="k")) as c:
        ok = c.post("/v1/analyze", json={"text": ARTICLE}, headers={"Origin": "https://news.example", "X-API-Key": "k"})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://news.example"
        # preflights carry no key and are answered by CORS
        pre = c.options("/v1/analyze", headers={"Origin": "https://news.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key, content-type"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://news.example"
        assert "POST" in pre.headers["access-control-allow-methods"]
        # errors from the middleware carry the header too, so the browser can read them
        denied = c.post("/v1/analyze", json={"text": ARTICLE}, headers={"Origin": "https://news.example"})
        assert denied.status_code == 401 and denied.headers["access-control-allow-origin"] == "https://news.example"
        other = c.post("/v1/analyze", json={"text": ARTICLE}, headers={"Origin": "https://evil.example", "X-API-Key": "k"})
        assert "access-control-allow-origin" not in other.headers


def test_request_id_echoed_or_generated(client):
    r = client.post("/v1/analyze", json={"text": ARTICLE}, headers={"X-Request-ID": "req-42.a:b_c"})
    assert r.headers["x-request-id"] == "req-42.a:b_c"
    assert HEX32.match(client.get("/healthz").headers["x-request-id"])
    for bad in ("has spaces in it", "x" * 129, "semi;colon", "", "ünïcode"):
        rid = client.get("/healthz", headers={"X-Request-ID": bad.encode("utf-8")}).headers["x-request-id"]
        assert HEX32.match(rid), (bad, rid)
    a, b = client.get("/healthz").headers["x-request-id"], client.get("/healthz").headers["x-request-id"]
    assert a != b
    # errors of every origin carry it: validation, routing, middleware
    assert client.post("/v1/analyze", json={"text": ""}, headers={"X-Request-ID": "e1"}).headers["x-request-id"] == "e1"
    assert client.get("/nope", headers={"X-Request-ID": "e2"}).headers["x-request-id"] == "e2"
    assert client.post("/v1/analyze", content=b"\xff", headers={"X-Request-ID": "e3"}).headers["x-request-id"] == "e3"


def test_logs_are_json_lines_with_the_request_id(make_app):
    app = make_app()
    buf = capture_logs()
    with running(app) as c:
        c.post("/v1/analyze", json={"text": ARTICLE}, headers={"X-Request-ID": "log-test-1"})
        c.post("/v1/analyze", json={"text": 5}, headers={"X-Request-ID": "log-test-2"})
        c.get("/healthz")
    lines = log_lines(buf)  # every line parses as JSON
    assert lines and all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    by_id = {line.get("request_id"): line for line in lines if line["message"] == "request"}
    ok, bad = by_id["log-test-1"], by_id["log-test-2"]
    assert (ok["method"], ok["path"], ok["status"]) == ("POST", "/v1/analyze", 200)
    assert ok["duration_ms"] > 0 and ok["level"] == "INFO" and ok["logger"] == "stancewire.api"
    assert bad["status"] == 422
    assert all("request_id" in line for line in lines if line["message"] == "request")
    assert any(line["message"] == "model ready" for line in lines)


# ---------------------------------------------------------------- concurrency


async def _with_lifespan(app, body):
    """Run `body(client)` against the app through httpx.AsyncClient + ASGITransport with its lifespan running."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as ac:
            deadline = time.monotonic() + 30
            while (await ac.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.01)
            return await body(ac)


def test_concurrent_requests_share_model_batches(make_app, predictor):
    batches: list[int] = []

    def slow(items):
        batches.append(len(items))
        time.sleep(0.15)  # while one batch runs, the next requests queue up together
        return predictor.predict(items)

    app = make_app(predict=slow, batch_wait_ms=20)
    texts = [f"“We never sent anything like delivery number {i},” the foreign minister said." for i in range(8)]

    async def body(ac):
        rs = await asyncio.gather(*(ac.post("/v1/analyze", json={"text": t}) for t in texts))
        return rs, (await ac.get("/metrics")).text

    responses, metrics = asyncio.run(_with_lifespan(app, body))
    for t, r in zip(texts, responses):
        assert r.status_code == 200, r.text
        data = r.json()
        check_spans(t, data)
        assert len(data["sentences"]) == 1 and data["sentences"][0]["attributed"]
    request_batches = batches[1:]  # the first is the warm-up
    assert sum(request_batches) == 8
    assert max(request_batches) > 1, request_batches
    count = metric(metrics, "stancewire_batch_pairs_count")
    assert count == len(batches)
    assert metric(metrics, "stancewire_batch_pairs_bucket", le="1.0") < count, "the histogram shows a batch of more than one pair"


def test_healthz_answers_while_the_model_is_busy(make_app, predictor):
    gate, entered = threading.Event(), threading.Event()
    calls = []

    def busy(items):
        calls.append(len(items))
        if len(calls) == 1:  # warm-up
            return predictor.predict(items)
        return gated(predictor.predict, gate, entered)(items)

    app = make_app(predict=busy)

    async def body(ac):
        task = asyncio.create_task(ac.post("/v1/analyze", json={"text": ARTICLE}))
        while not entered.is_set():
            await asyncio.sleep(0.01)
        started = time.monotonic()
        health = await ac.get("/healthz")
        elapsed = time.monotonic() - started
        model = await ac.get("/v1/model")
        still_busy = not task.done()
        gate.set()
        return health, elapsed, model, still_busy, await task

    try:
        health, elapsed, model, still_busy, analyzed = asyncio.run(_with_lifespan(app, body))
    finally:
        gate.set()
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert elapsed < 1.0
    assert model.status_code == 200
    assert still_busy, "the analyze request was still waiting for the model"
    assert analyzed.status_code == 200


def test_queue_full_is_503(make_app, predictor):
    gate, entered = threading.Event(), threading.Event()
    calls = []

    def busy(items):
        calls.append(len(items))
        return predictor.predict(items) if len(calls) == 1 else gated(predictor.predict, gate, entered)(items)

    app = make_app(predict=busy, max_queue=1)
    one = "“We never sent it,” the minister said."

    async def body(ac):
        first = asyncio.create_task(ac.post("/v1/analyze", json={"text": one}))
        while not entered.is_set():  # the first is with the model, so no longer waiting
            await asyncio.sleep(0.01)
        second = asyncio.create_task(ac.post("/v1/analyze", json={"text": one}))
        await asyncio.sleep(0.2)  # the second waits in the queue
        third = await ac.post("/v1/analyze", json={"text": one})
        gate.set()
        return third, await first, await second

    try:
        third, first, second = asyncio.run(_with_lifespan(app, body))
    finally:
        gate.set()
    err = assert_error(third, 503)
    assert err["code"] == "unavailable" and "retry" in err["message"]
    assert first.status_code == 200 and second.status_code == 200


def test_a_request_larger_than_the_queue_is_served_when_the_queue_is_empty(make_app):
    with running(make_app(max_queue=2)) as c:
        text = " ".join(f"“We never sent shipment {i},” the minister said." for i in range(5))
        r = c.post("/v1/analyze", json={"text": text})
        assert r.status_code == 200, r.text
        assert sum(s["attributed"] for s in r.json()["sentences"]) > 2


def test_a_failing_request_does_not_fail_the_others_in_its_batch(make_app, predictor):
    shared = []

    def fragile(items):
        time.sleep(0.05)
        if any("POISON" in it.sentence for it in items):
            shared.append(len(items))
            raise RuntimeError("model cannot take this input")
        return predictor.predict(items)

    app = make_app(predict=fragile, batch_wait_ms=100)
    good = [f"“We never sent shipment {i},” the minister said." for i in range(4)]
    bad = "“POISON,” the minister said."

    async def body(ac):
        return await asyncio.gather(*(ac.post("/v1/analyze", json={"text": t}) for t in [*good[:2], bad, *good[2:]]))

    responses = asyncio.run(_with_lifespan(app, body))
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 200, 500, 200, 200], statuses
    assert max(shared) > 1, "the bad request did share a batch with good ones"
    err = assert_error(responses[2], 500)
    assert err["code"] == "internal_error" and "request id" in err["message"]
    assert "model cannot take" not in err["message"], "internal details stay in the log"


# ---------------------------------------------------------------- start-up failures


def test_serve_without_a_model_exits_with_a_hint(capsys):
    rc = cli.main(["serve", "--model", "/nonexistent/model", "--port", "0"])
    err = capsys.readouterr().err
    assert rc != 0
    assert "/nonexistent/model" in err
    assert "stancewire train" in err


def test_serve_with_a_broken_model_folder_exits_with_a_hint(tmp_path, tiny_model, capsys):
    broken = tmp_path / "model"
    broken.mkdir()
    for f in tiny_model.iterdir():
        if f.name != "model.int8.onnx":
            (broken / f.name).write_bytes(f.read_bytes())
    (broken / "stance.json").write_text((tiny_model / "stance.json").read_text() + " ")  # no longer matches the manifest
    rc = cli.main(["serve", "--model", str(broken), "--port", "0"])
    err = capsys.readouterr().err
    assert rc != 0
    assert str(broken) in err and "stancewire train" in err


def test_the_same_app_serves_again_after_its_lifespan_restarts(make_app):
    """A second lifespan (a restarted server, a second TestClient) gets a working model thread and queue."""
    app = make_app()
    for _ in range(3):
        with running(app) as c:
            r = c.post("/v1/analyze", json={"text": ARTICLE})
            assert r.status_code == 200, r.text
            assert c.post("/v1/classify", json={"claim": "c", "items": ITEMS}).status_code == 200
