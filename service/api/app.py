"""FastAPI application: routes translate HTTP to the core (service.analysis) and back.

    uvicorn --factory service.api.app:create_app
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.analysis import InputError, assemble, plan
from service.api.batcher import MicroBatcher, QueueFull, Timing
from service.api.metrics import Metrics
from service.api.schemas import (
    AnalyzeRequest,
    AnalyzeResponse,
    ClassifyRequest,
    ClassifyResponse,
    ErrorResponse,
    ModelDetails,
    model_info,
)
from service.api.settings import Settings
from service.labels import load_schema
from service.model.predictor import PairInput, Predictor, load_predictor

STATIC = Path(__file__).parent / "static"
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
WARMUP_CLAIM = "The ministry supplied the equipment."
WARMUP_SENTENCE = '"We never supplied any equipment," the ministry said.'
ERRORS = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_request", 500: "internal_error", 503: "unavailable"}
log = logging.getLogger("stancewire.api")


class JsonFormatter(logging.Formatter):
    """One JSON object per log line, carrying the request id and any `extra` fields."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms", "queue_ms", "inference_ms", "client")

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": round(record.created, 3), "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        out.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("stancewire")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def error(status: int, message: str, field: str | None = None, limit: int | None = None, headers: dict | None = None) -> JSONResponse:
    body = ErrorResponse(error={"code": ERRORS.get(status, "error"), "message": message, "field": field, "limit": limit})
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None, limit: int | None = None):
        super().__init__(message)
        self.status, self.message, self.field, self.limit = status, message, field, limit


def check_length(value: str, limit: int, field: str) -> None:
    if not value.strip():
        raise ApiError(422, f"{field} must not be empty", field)
    if len(value) > limit:
        raise ApiError(413, f"{field} has {len(value)} characters; the limit is {limit}", field, limit)


class EdgeMiddleware:
    """Request id, API key, body limits and UTF-8 check, metrics and one JSON log line per request.

    Plain ASGI rather than BaseHTTPMiddleware: the body is read once, checked,
    and replayed to the app.
    """

    def __init__(self, app, settings: Settings, metrics: Metrics, routes=None):
        self.app, self.settings, self.metrics = app, settings, metrics
        self.routes = routes if routes is not None else []
        self._known: frozenset[str] | None = None

    def known_paths(self) -> frozenset[str]:
        if self._known is None:
            self._known = frozenset(getattr(r, "path", "") for r in self.routes if "{" not in getattr(r, "path", "{"))
        return self._known

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        rid = headers.get("x-request-id", "")
        rid = rid if REQUEST_ID.match(rid) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        path, method = scope.get("path", ""), scope.get("method", "GET")
        status = {"code": 500}

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        rejection, body = None, None
        s = self.settings
        if path.startswith("/v1/") and s.api_key and method != "OPTIONS":
            scheme, _, token = headers.get("authorization", "").strip().partition(" ")
            given = headers.get("x-api-key") or (token.strip() if scheme.lower() == "bearer" else "")  # the scheme is case-insensitive (RFC 9110)
            if not hmac.compare_digest(given.encode(), s.api_key.encode()):
                rejection = error(401, "missing or wrong API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`", "authorization")
        if rejection is None and method == "POST":
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > s.max_body_bytes:
                rejection = error(413, f"request body is {declared} bytes; the limit is {s.max_body_bytes}", "body", s.max_body_bytes)
            else:
                chunks, size, more = [], 0, True
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > s.max_body_bytes:
                        rejection = error(413, f"request body exceeds {s.max_body_bytes} bytes", "body", s.max_body_bytes)
                        break
                    chunks.append(chunk)
                    more = message.get("more_body", False)
                if rejection is None:
                    body = b"".join(chunks)
                    try:
                        body.decode("utf-8")
                    except UnicodeDecodeError as err:
                        rejection = error(400, f"request body is not valid UTF-8 (byte {err.start})", "body")
        try:
            if rejection is not None:
                await rejection(scope, receive, send_with_id)
            elif body is not None:
                sent = {"done": False}

                async def replay():
                    if not sent["done"]:
                        sent["done"] = True
                        return {"type": "http.request", "body": body, "more_body": False}
                    return await receive()

                await self.app(scope, replay, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            # requests refused here (401, 413, bad UTF-8) never reach the router: label them by their path when it is a route
            template = getattr(route, "path", None) or (path if path in self.known_paths() else "unmatched")
            self.metrics.observe_request(template, method, status["code"], elapsed)
            log.info("request", extra={"request_id": rid, "method": method, "path": path, "status": status["code"], "duration_ms": round(elapsed * 1000, 2)})


def create_app(settings: Settings | None = None, predictor: Predictor | None = None) -> FastAPI:
    """Build the app. A predictor may be injected (tests); otherwise it is loaded from settings.model_path."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    schema = load_schema()
    if predictor is None:
        # load now, not lazily: a missing or broken model must stop the server at start, naming the path
        predictor = load_predictor(
            settings.model_path, settings.backend, settings.inference_threads, expected_labels=schema.labels, verify=settings.verify_model
        )
    folder = predictor.folder
    metrics_file = folder.path / "metrics.json" if folder else None
    card_metrics = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file and metrics_file.is_file() else {}
    metrics = Metrics()
    info = model_info(predictor, schema.default_claim)
    batcher = MicroBatcher(
        predictor.predict, settings.batch_wait_ms, settings.max_batch_tokens, settings.max_queue, on_batch=metrics.observe_batch, full_batch_pairs=predictor.max_batch_size
    )

    async def warm_up() -> None:
        await batcher.submit([PairInput(WARMUP_CLAIM, WARMUP_SENTENCE)])
        app.state.ready = True
        log.info("model ready", extra={"path": str(folder.path) if folder else None})

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.ready = False
        batcher.start()
        warm = asyncio.create_task(warm_up())
        yield
        warm.cancel()
        await batcher.stop()
        log.info("stopped")

    app = FastAPI(
        title="StanceWire",
        version="0.1.0",
        summary="Who asserts a claim, who denies it and who turns the accusation around, with the words that show it.",
        lifespan=lifespan,
        responses={400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    )
    app.state.ready = False
    app.state.settings = settings
    app.state.batcher = batcher
    app.add_middleware(EdgeMiddleware, settings=settings, metrics=metrics, routes=app.router.routes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"], allow_headers=["*"])

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        rid = request.scope.get("state", {}).get("request_id", "")
        log.error("unhandled error", exc_info=exc, extra={"request_id": rid, "path": request.url.path})
        return error(500, f"internal error (request id {rid})")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return error(exc.status, exc.message, exc.field, exc.limit)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errs = exc.errors()
        first = errs[0] if errs else {}
        loc = [str(p) for p in first.get("loc", []) if p != "body"]
        field = ".".join(loc) or "body"
        if first.get("type") == "json_invalid":
            return error(400, f"invalid JSON: {first.get('ctx', {}).get('error', first.get('msg', ''))}", "body")
        return error(422, f"{field}: {first.get('msg', 'invalid value')}", field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        # every HTTPException (404, 405 with its Allow header, FastAPI's 400 for a body it cannot parse) in the error format
        if exc.status_code == 404:
            message = f"no route {request.url.path}; see /docs"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}; see /docs"
        else:
            message = str(exc.detail)
        return error(exc.status_code, message, "body" if exc.status_code == 400 else None, headers=getattr(exc, "headers", None))

    async def run_model(pairs: list[PairInput]) -> tuple[list, Timing]:
        try:
            return await batcher.submit(pairs)
        except QueueFull as err:
            raise ApiError(503, f"{err}; retry shortly") from err

    def timing_headers(response: Response, timing: Timing) -> None:
        response.headers["Server-Timing"] = f"queue;dur={timing.queue_seconds * 1000:.2f}, inference;dur={timing.inference_seconds * 1000:.2f}"
        response.headers["X-Queue-Time-Ms"] = f"{timing.queue_seconds * 1000:.2f}"
        response.headers["X-Inference-Time-Ms"] = f"{timing.inference_seconds * 1000:.2f}"

    @app.post("/v1/analyze", response_model=AnalyzeResponse, tags=["stance"], summary="Find attributed sentences in an article and label their stance toward a claim")
    async def analyze(req: AnalyzeRequest, response: Response) -> AnalyzeResponse:
        claim = schema.default_claim if req.claim is None else req.claim
        check_length(req.text, settings.max_text_chars, "text")
        check_length(claim, settings.max_claim_chars, "claim")
        try:
            p = await run_in_threadpool(plan, req.text, claim)
        except InputError as err:
            raise ApiError(422, err.message, err.field) from err
        predictions, timing = await run_model(p.pairs)
        analysis = assemble(p, predictions, req.include_unattributed, predictor.config.neutral_label)
        timing_headers(response, timing)
        return AnalyzeResponse(model=info, **asdict(analysis))

    @app.post("/v1/classify", response_model=ClassifyResponse, tags=["stance"], summary="Label sentences you already have")
    async def classify(req: ClassifyRequest, response: Response) -> ClassifyResponse:
        check_length(req.claim, settings.max_claim_chars, "claim")
        if not req.items:
            raise ApiError(422, "items must hold at least one sentence", "items")
        if len(req.items) > settings.max_items:
            raise ApiError(413, f"{len(req.items)} items; the limit is {settings.max_items} per call", "items", settings.max_items)
        for i, item in enumerate(req.items):
            check_length(item.text, settings.max_item_chars, f"items.{i}.text")
            if len(item.context) > settings.max_item_chars:
                raise ApiError(413, f"items.{i}.context has {len(item.context)} characters; the limit is {settings.max_item_chars}", f"items.{i}.context", settings.max_item_chars)
        predictions, timing = await run_model([PairInput(req.claim.strip(), it.text, it.context, it.speaker) for it in req.items])
        results = []
        for item, pred in zip(req.items, predictions):
            evidence = [{"start": e.start, "end": e.end, "text": item.text[e.start : e.end], "score": round(e.score, 4)} for e in pred.evidence]
            results.append({"label": pred.label, "scores": pred.scores, "evidence": evidence})
        timing_headers(response, timing)
        return ClassifyResponse(model=info, results=results)

    @app.get("/v1/model", response_model=ModelDetails, tags=["service"], summary="The model being served and its measured metrics")
    async def model() -> ModelDetails:
        keep = ("evaluation", "onnx", "training_seconds", "train_pairs", "dev_pairs", "data_files", "training")
        return ModelDetails(
            **info.model_dump(),
            temperature=predictor.config.temperature,
            evidence_threshold=predictor.config.evidence_threshold,
            metrics={k: card_metrics[k] for k in keep if k in card_metrics},
        )

    @app.get("/healthz", tags=["service"], summary="The process is alive")
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], summary="The model is loaded and has answered a warm-up prediction", responses={503: {"model": ErrorResponse}})
    async def readyz():
        if not app.state.ready:
            return error(503, "model is warming up", headers={"Retry-After": "1"})
        return {"status": "ready", "model": info.name, "backend": info.backend}

    @app.get("/metrics", tags=["service"], summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
