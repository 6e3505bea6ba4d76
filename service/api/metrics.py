"""Prometheus metrics of the service, in a registry of its own (one per app, so tests stay isolated)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter("stancewire_requests_total", "HTTP requests", ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("stancewire_request_seconds", "HTTP request latency", ["route", "status"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.batch_size = Histogram("stancewire_batch_pairs", "pairs per model batch", buckets=BATCH_BUCKETS, registry=self.registry)
        self.inference = Histogram("stancewire_inference_seconds", "model time per batch", buckets=LATENCY_BUCKETS, registry=self.registry)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, str(status)).observe(seconds)

    def observe_batch(self, pairs: int, seconds: float) -> None:
        self.batch_size.observe(pairs)
        self.inference.observe(seconds)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
