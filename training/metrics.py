"""Metrics for stance and evidence, and the temperature fit that calibrates scores."""

from __future__ import annotations

import re

import numpy as np

ECE_BINS = 10
TEMPERATURE_GRID = np.exp(np.linspace(np.log(0.25), np.log(8.0), 161))
WORD_RE = re.compile(r"\w+")


def classification(gold: list[str], pred: list[str], labels: list[str]) -> dict:
    """Per-label precision/recall/F1, macro-F1, accuracy and the confusion matrix (rows gold, columns predicted)."""
    index = {lab: i for i, lab in enumerate(labels)}
    conf = np.zeros((len(labels), len(labels)), dtype=int)
    for g, p in zip(gold, pred):
        conf[index[g], index[p]] += 1
    per_label = {}
    for i, lab in enumerate(labels):
        tp = conf[i, i]
        prec = tp / conf[:, i].sum() if conf[:, i].sum() else 0.0
        rec = tp / conf[i, :].sum() if conf[i, :].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_label[lab] = {"precision": round(float(prec), 4), "recall": round(float(rec), 4), "f1": round(float(f1), 4), "support": int(conf[i, :].sum())}
    present = [lab for lab in labels if per_label[lab]["support"] > 0]
    macro = float(np.mean([per_label[lab]["f1"] for lab in present])) if present else 0.0
    return {
        "n": len(gold),
        "accuracy": round(float(np.trace(conf) / max(1, conf.sum())), 4),
        "macro_f1": round(macro, 4),
        "per_label": per_label,
        "confusion": conf.tolist(),
        "labels": labels,
    }


def expected_calibration_error(probs: np.ndarray, gold_idx: np.ndarray, bins: int = ECE_BINS) -> float:
    """Gap between confidence and accuracy, averaged over equal-width confidence bins."""
    if len(probs) == 0:
        return 0.0
    return _binned_gap(probs.max(axis=1), (probs.argmax(axis=1) == gold_idx).astype(float), bins)


def _binned_gap(score: np.ndarray, hit: np.ndarray, bins: int) -> float:
    """Share-weighted gap between mean score and hit rate over equal-width score bins (the first bin includes 0)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    gap = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (score > lo) & (score <= hi) if lo > 0 else (score >= lo) & (score <= hi)
        if in_bin.any():
            gap += in_bin.mean() * abs(hit[in_bin].mean() - score[in_bin].mean())
    return round(float(gap), 4)


def classwise_ece(probs: np.ndarray, gold_idx: np.ndarray, labels: list[str], bins: int = ECE_BINS) -> dict[str, float]:
    """Per label: how far that label's score is from the rate at which the label is right (one-vs-rest)."""
    return {label: _binned_gap(probs[:, k], (gold_idx == k).astype(float), bins) if len(probs) else 0.0 for k, label in enumerate(labels)}


def log_softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def fit_temperature(logits: np.ndarray, gold_idx: np.ndarray) -> float:
    """The temperature minimising dev negative log-likelihood (a 1-D search is all it needs)."""
    if len(logits) == 0:
        return 1.0
    nll = [-log_softmax(logits / t)[np.arange(len(gold_idx)), gold_idx].mean() for t in TEMPERATURE_GRID]
    return round(float(TEMPERATURE_GRID[int(np.argmin(nll))]), 4)


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD_RE.finditer(text)]


def covered_words(text: str, spans: list[tuple[int, int]]) -> set[int]:
    return {k for k, (a, b) in enumerate(word_spans(text)) if any(a < e and s < b for s, e in spans)}


def token_f1(text: str, gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> float:
    """Word-level F1 between the words covered by gold and by predicted spans."""
    g, p = covered_words(text, gold), covered_words(text, pred)
    if not g and not p:
        return 1.0
    if not g or not p:
        return 0.0
    tp = len(g & p)
    if not tp:
        return 0.0
    prec, rec = tp / len(p), tp / len(g)
    return 2 * prec * rec / (prec + rec)
