"""Schemathesis over the app's own OpenAPI schema, in process (ASGI): no operation answers 5xx.

Valid (positive) and schema-violating (negative) requests are generated for
every operation; every 4xx must also use the documented error format.

Cases are drawn from `APIOperation.as_strategy` under a plain hypothesis
`@given` rather than through `schema.parametrize()`: the fixture-based
parametrization of schemathesis 4.x reads `request.node._nodeid`, which
pytest 9.2 no longer has.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi

OPERATIONS = [("POST", "/v1/analyze"), ("POST", "/v1/classify"), ("GET", "/v1/model"), ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")]


@pytest.fixture(scope="module")
def api_schema(make_app):
    # schemathesis starts the app's lifespan itself, once, on its own event loop
    return schemathesis.openapi.from_asgi("/openapi.json", make_app(max_text_chars=2000, max_items=8))


def warm_up(app) -> None:
    """Schemathesis ends the app's lifespan after each test and starts it again on the next call; /readyz
    answers 503 (as documented) until the warm-up prediction is done, so each test waits for it first."""
    with asgi.get_client(app) as client:
        deadline = time.monotonic() + 30
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "not ready within 30 s"
            time.sleep(0.02)


def test_every_operation_is_fuzzed(api_schema):
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


# operations without parameters or body have nothing to violate, so only POSTs get negative cases
CASES = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [(m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS if m == "POST"]


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_no_server_errors(api_schema, method, path, mode):
    operation = api_schema[path][method]
    warm_up(api_schema.app)
    statuses = []
    examples = 100 if method == "POST" else 5

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call()
        statuses.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            err = response.json()["error"]
            assert isinstance(err["code"], str) and isinstance(err["message"], str) and err["message"]
        elif path.startswith("/v1/") and method == "POST":
            assert response.json()["model"]["labels"]

    run()
    assert statuses, "schemathesis generated requests"
    if mode is GenerationMode.NEGATIVE and method == "POST":
        assert any(400 <= s < 500 for s in statuses), "schema-violating bodies are refused"
