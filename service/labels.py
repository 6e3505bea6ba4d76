"""The label set and default claim, read from labels/schema.json.

Everything that needs the label names asks this module, so the schema file is
the single place they are defined.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA_ENV = "STANCEWIRE_SCHEMA"
DEFAULT_SCHEMA = Path(__file__).resolve().parent.parent / "labels" / "schema.json"


@dataclass(frozen=True)
class LabelSchema:
    labels: tuple[str, ...]
    definitions: dict[str, str]
    default_claim: str
    neutral_label: str
    domains: tuple[str, ...]

    @property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.labels)}


class SchemaError(ValueError):
    """labels/schema.json is missing or malformed."""


def schema_path() -> Path:
    return Path(os.environ.get(SCHEMA_ENV, DEFAULT_SCHEMA))


@lru_cache(maxsize=4)
def load_schema(path: Path | None = None) -> LabelSchema:
    path = Path(path) if path else schema_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        labels = tuple(item["name"] for item in raw["labels"])
        definitions = {item["name"]: item["definition"] for item in raw["labels"]}
        claim = raw["default_claim"]
    except FileNotFoundError as err:
        raise SchemaError(f"label schema not found at {path}; set {SCHEMA_ENV} to the path of labels/schema.json") from err
    except (KeyError, TypeError, json.JSONDecodeError) as err:
        raise SchemaError(f"{path}: malformed label schema ({err}); it needs 'labels' [{{name, definition}}] and 'default_claim'") from err
    if len(set(labels)) != len(labels) or not labels:
        raise SchemaError(f"{path}: label names must be unique and non-empty")
    neutral = raw.get("neutral_label", "")
    if neutral not in labels:
        raise SchemaError(f"{path}: 'neutral_label' must name one of the labels {list(labels)}")
    return LabelSchema(labels, definitions, claim, neutral, tuple(raw.get("domains", ())))
