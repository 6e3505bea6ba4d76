"""The model folder: what a trained model is on disk, and the checks on loading it.

    config.json          encoder architecture (Hugging Face format)
    model.safetensors    all weights: encoder, stance head, evidence head
    tokenizer.json       the encoder's tokenizer
    stance.json          label map, token budgets, temperature, evidence threshold, base model
    model.onnx           fp32 ONNX graph of the same network (optional)
    model.int8.onnx      the same with int8 weights (optional)
    metrics.json, model_card.md
    manifest.json        sha256 of every file above, written last

A folder is written into a temporary sibling and renamed into place, so a
crash never leaves a half-written model where the service looks for one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from service.model.encoding import EncodingConfig

MANIFEST = "manifest.json"
STANCE_CONFIG = "stance.json"
REQUIRED = ("config.json", "tokenizer.json", STANCE_CONFIG)
WEIGHTS = "model.safetensors"
ONNX_FILES = {"onnx-fp32": "model.onnx", "onnx-int8": "model.int8.onnx"}
HASH_CHUNK = 1 << 20
TRAIN_HINT = "train one with `stancewire train --data labels/data --out {path}` (or run scripts/serve.sh, which trains it when missing)"


class ModelFolderError(RuntimeError):
    """The model folder is missing, incomplete, tampered with or made for other labels."""


@dataclass
class StanceConfig:
    labels: list[str]
    neutral_label: str
    encoding: EncodingConfig = field(default_factory=EncodingConfig)
    temperature: float = 1.0
    evidence_threshold: float = 0.5
    # onnx-int8 re-runs in fp32 the pairs whose two best calibrated scores lie closer than this: the only pairs
    # int8 rounding can flip (fitted on dev by training; 0 = never)
    int8_fallback_margin: float = 0.0
    base_model: str = ""
    name: str = "stancewire"
    version: str = "0"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict) -> StanceConfig:
        raw = dict(raw)
        raw["encoding"] = EncodingConfig(**raw.get("encoding", {}))
        return cls(**raw)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path) -> dict[str, str]:
    files = {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST}
    (folder / MANIFEST).write_text(json.dumps({"files": files}, indent=2) + "\n", encoding="utf-8")
    return files


def atomic_write(dest: Path, fill: Callable[[Path], None]) -> Path:
    """Let `fill` populate a temp dir beside `dest`, seal it with a manifest, then swap it in."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        fill(tmp)
        write_manifest(tmp)
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(dest, old)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    config: StanceConfig
    weights_sha256: str

    def file(self, name: str) -> Path:
        return self.path / name


def backend_file(backend: str) -> str:
    """The weights file a backend runs on."""
    return ONNX_FILES.get(backend, WEIGHTS)


def open_folder(path: Path, expected_labels: tuple[str, ...] | None = None, verify: bool = True, needs: tuple[str, ...] = (WEIGHTS,)) -> ModelFolder:
    """Check a model folder against its manifest and the label schema, then describe it.

    Files listed in the manifest may be left out of a deployment (a serving
    image carries only the graph it runs), but every file that is present must
    match its checksum, and every file in `needs` must be present.
    """
    path = Path(path)
    hint = TRAIN_HINT.format(path=path)
    if not path.is_dir():
        raise ModelFolderError(f"no model folder at {path}; {hint}")
    missing = [n for n in (*REQUIRED, *needs, MANIFEST) if not (path / n).is_file() and (verify or n != MANIFEST)]
    if missing:
        raise ModelFolderError(f"model folder {path} is incomplete (missing {', '.join(missing)}); {hint}")
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))["files"] if verify else {}
        config = StanceConfig.from_json(json.loads((path / STANCE_CONFIG).read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFolderError(f"{path}: cannot read {MANIFEST} or {STANCE_CONFIG} ({err}); {hint}") from err
    if verify:
        unlisted = [n for n in (*REQUIRED, *needs) if n not in manifest]
        if unlisted:
            raise ModelFolderError(f"{path}: {', '.join(unlisted)} not listed in {MANIFEST}; the folder was not written by `stancewire train`. {hint}")
        for name, digest in manifest.items():
            target = path / name
            if not target.is_file():
                continue
            if file_sha256(target) != digest:
                raise ModelFolderError(f"{path}: {name} does not match its checksum in {MANIFEST} (changed or truncated); {hint}")
    if expected_labels is not None and tuple(config.labels) != tuple(expected_labels):
        raise ModelFolderError(
            f"{path}: the model predicts labels {config.labels} but labels/schema.json defines {list(expected_labels)}; retrain with the current schema. {hint}"
        )
    return ModelFolder(path, config, manifest.get(WEIGHTS, ""))
