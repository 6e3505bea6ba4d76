"""Service settings, from environment variables with the STANCEWIRE_ prefix."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.model.predictor import BACKENDS


class Settings(BaseSettings):
    """Every knob of the server; `STANCEWIRE_<NAME>` sets it (e.g. STANCEWIRE_MODEL_PATH)."""

    model_config = SettingsConfigDict(env_prefix="STANCEWIRE_", env_file=None, extra="ignore", protected_namespaces=())

    model_path: Path = Field(Path("models/default"), description="model folder written by `stancewire train`")
    backend: str = Field("onnx-int8", description=f"inference backend: {', '.join(BACKENDS)}")
    threads: int = Field(0, ge=0, description="inference threads (0 = all cores)")
    verify_model: bool = Field(True, description="check model files against manifest.json at start")
    max_body_bytes: int = Field(1_000_000, gt=0, description="largest request body; larger bodies get 413")
    max_text_chars: int = Field(100_000, gt=0, description="longest article text for /v1/analyze")
    max_claim_chars: int = Field(500, gt=0, description="longest claim")
    max_items: int = Field(256, gt=0, description="most items per /v1/classify call")
    max_item_chars: int = Field(5_000, gt=0, description="longest item text or context in /v1/classify")
    batch_wait_ms: float = Field(5.0, ge=0, description="how long the micro-batcher waits for more requests before running a batch")
    max_batch_tokens: int = Field(8192, gt=0, description="token budget of one model batch")
    max_queue: int = Field(1024, gt=0, description="most pairs waiting for the model before requests get 503")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS (none by default)")
    api_key: str | None = Field(None, description="when set, every /v1 route requires `Authorization: Bearer <key>` or `X-API-Key`")
    log_level: str = Field("INFO", description="log level of the JSON logs")

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, v: str) -> str:
        if v not in BACKENDS:
            raise ValueError(f"unknown backend {v!r}; choose one of {', '.join(BACKENDS)}")
        return v

    @property
    def inference_threads(self) -> int:
        return self.threads or os.cpu_count() or 1
