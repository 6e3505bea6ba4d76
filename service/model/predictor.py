"""Fast inference over a model folder: ONNX Runtime (int8 or fp32) or torch (the fp32 reference, or bf16).

Pairs are encoded, sorted by length and cut into batches bounded by a token
budget, so short sentences are not padded to the longest one of the request.
With onnx-int8, the few pairs whose two best scores nearly tie (where int8
rounding could flip the label) are run again in fp32: all-int8 speed, fp32
labels.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from service.model.encoding import Batch, EncodedPair, PairEncoder
from service.model.evidence import EvidenceSpan, decode_evidence
from service.model.folder import ONNX_FILES, ModelFolder, ModelFolderError, StanceConfig, backend_file, open_folder

BACKENDS = ("onnx-int8", "onnx-fp32", "torch-fp32", "torch-bf16")
TORCH_DTYPES = {"torch-fp32": "float32", "torch-bf16": "bfloat16"}
DEFAULT_MAX_BATCH_TOKENS = 8192
DEFAULT_MAX_BATCH_SIZE = 8  # measured on 2 cores: batches of 4-8 pairs run ~1.5x faster per pair than 64 (cache, padding)


@dataclass(frozen=True)
class PairInput:
    claim: str
    sentence: str
    context: str = ""
    speaker: str = ""  # the source's name, when known


@dataclass(frozen=True)
class StancePrediction:
    label: str
    scores: dict[str, float]
    evidence: list[EvidenceSpan] = field(default_factory=list)  # offsets into the sentence


@dataclass
class RawOutput:
    """Uncalibrated outputs, for evaluation and calibration."""

    logits: np.ndarray  # [N, labels]
    evidence_probs: list[np.ndarray]  # per item, one probability per sentence token
    pairs: list[EncodedPair]


class Backend(Protocol):
    def run(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]: ...


def softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class OnnxBackend:
    def __init__(self, path: Path, threads: int | None, spin: bool = True):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
        if not spin:
            # a session used now and then (the fallback) must not keep its idle threads spinning on the cores
            # the main session needs
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def run(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        stance, evidence = self.session.run(
            None, {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask, "token_type_ids": batch.token_type_ids}
        )
        return stance, evidence


class TorchBackend:
    """The fp32 reference, and bf16 (fast on CPUs with AVX512-BF16 or AMX, slow elsewhere); needs torch."""

    def __init__(self, net, threads: int | None = None, dtype: str = "float32"):
        import torch

        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.net = net.to(getattr(torch, dtype)) if dtype != "float32" else net

    @classmethod
    def from_folder(cls, folder: ModelFolder, threads: int | None, dtype: str = "float32") -> TorchBackend:
        from service.model.network import load_network

        return cls(load_network(folder.path, len(folder.config.labels)), threads, dtype)

    def run(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        t = self.torch
        with t.inference_mode():
            stance, evidence = self.net(t.from_numpy(batch.input_ids), t.from_numpy(batch.attention_mask), t.from_numpy(batch.token_type_ids))
        return stance.float().numpy(), evidence.float().numpy()


def make_backend(folder: ModelFolder, backend: str, threads: int | None, spin: bool = True) -> Backend:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    if backend in TORCH_DTYPES:
        try:
            return TorchBackend.from_folder(folder, threads, TORCH_DTYPES[backend])
        except ImportError as err:
            raise ModelFolderError(f"backend {backend} needs torch, which is not installed ({err}); use onnx-int8 or onnx-fp32, or install the train extra") from err
    onnx_path = folder.file(ONNX_FILES[backend])
    if not onnx_path.is_file():
        raise ModelFolderError(f"{folder.path} has no {onnx_path.name} for backend {backend}; use backend torch-fp32 or retrain to export it")
    return OnnxBackend(onnx_path, threads, spin)


class Predictor:
    """Claim + sentence + context in, calibrated label scores and evidence spans out."""

    def __init__(
        self,
        config: StanceConfig,
        encoder: PairEncoder,
        backend: Backend,
        backend_name: str = "",
        max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
        fallback: Backend | None = None,
    ):
        self.config = config
        self.labels = list(config.labels)
        self.encoder = encoder
        self.backend = backend
        self.backend_name = backend_name
        self.max_batch_tokens = max_batch_tokens
        self.max_batch_size = max_batch_size
        self.last_inference_seconds = 0.0
        self.folder: ModelFolder | None = None
        # the exact backend for near-ties of the fast one (see StanceConfig.int8_fallback_margin)
        self.fallback = fallback
        self.fallback_pairs = 0  # how many pairs were re-run, since start

    def batches(self, pairs: list[EncodedPair]) -> list[list[int]]:
        """Indices grouped into length-sorted batches within the token budget."""
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].input_ids))
        out: list[list[int]] = []
        current: list[int] = []
        for i in order:
            width = len(pairs[i].input_ids)  # the longest so far, since sorted
            if current and (len(current) + 1 > self.max_batch_size or (len(current) + 1) * width > self.max_batch_tokens):
                out.append(current)
                current = []
            current.append(i)
        if current:
            out.append(current)
        return out

    def _run(self, backend: Backend, pairs: list[EncodedPair], which: list[int], logits: np.ndarray, evidence: list[np.ndarray]) -> None:
        chosen = [pairs[i] for i in which]
        for idx in self.batches(chosen):
            stance, ev = backend.run(self.encoder.collate([chosen[k] for k in idx]))
            for row, k in enumerate(idx):
                i = which[k]
                logits[i] = stance[row]
                a, b = pairs[i].sentence_slice
                evidence[i] = sigmoid(ev[row, a:b].astype(np.float32))

    def near_ties(self, logits: np.ndarray) -> list[int]:
        """Pairs whose two best calibrated scores are closer than the fallback margin."""
        margin = self.config.int8_fallback_margin
        if self.fallback is None or margin <= 0 or not len(logits):
            return []
        top = np.sort(softmax(logits / self.config.temperature), axis=1)
        return [int(i) for i in np.flatnonzero(top[:, -1] - top[:, -2] < margin)]

    def raw(self, items: list[PairInput]) -> RawOutput:
        pairs = self.encoder.encode_inputs(items)
        logits = np.zeros((len(items), len(self.labels)), dtype=np.float32)
        evidence: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(items)
        started = time.perf_counter()
        self._run(self.backend, pairs, list(range(len(pairs))), logits, evidence)
        if again := self.near_ties(logits):
            self._run(self.fallback, pairs, again, logits, evidence)
            self.fallback_pairs += len(again)
        self.last_inference_seconds = time.perf_counter() - started
        return RawOutput(logits, evidence, pairs)

    def predict(self, items: list[PairInput]) -> list[StancePrediction]:
        if not items:
            return []
        raw = self.raw(items)
        probs = softmax(raw.logits / self.config.temperature)
        out = []
        for i, item in enumerate(items):
            k = int(probs[i].argmax())
            label = self.labels[k]
            scores = {name: round(float(p), 4) for name, p in zip(self.labels, probs[i])}
            spans = []
            if label != self.config.neutral_label:
                spans = decode_evidence(item.sentence, raw.pairs[i].sentence_offsets, raw.evidence_probs[i].tolist(), self.config.evidence_threshold)
            out.append(StancePrediction(label, scores, spans))
        return out


def load_predictor(
    path: Path,
    backend: str = "onnx-int8",
    threads: int | None = None,
    expected_labels: tuple[str, ...] | None = None,
    verify: bool = True,
    fallback: bool = True,
    **kw,
) -> Predictor:
    """Open a model folder (checked against its manifest) and make a predictor on the chosen backend.

    onnx-int8 brings the fp32 graph along for its near-ties when the folder has a fallback margin
    (`fallback=False` measures int8 alone).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    folder = open_folder(path, expected_labels, verify=verify, needs=(backend_file(backend),))
    encoder = PairEncoder.from_dir(folder.path, folder.config.encoding)
    exact = None
    if fallback and backend == "onnx-int8" and folder.config.int8_fallback_margin > 0:
        # one thread: it sees a few pairs per call, where a thread pool only adds wake-ups and contention
        exact = make_backend(folder, "onnx-fp32", 1, spin=False)
    predictor = Predictor(folder.config, encoder, make_backend(folder, backend, threads), backend, fallback=exact, **kw)
    predictor.folder = folder
    return predictor
