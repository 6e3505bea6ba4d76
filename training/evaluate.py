"""Evaluate a model folder against the baselines on dev, test (unseen claims) and the seed articles.

    stancewire evaluate --model models/default --data labels/data
    python -m training.evaluate --model models/default --data labels/data
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import groupby
from pathlib import Path

import numpy as np

from service.consistency import reconcile
from service.labels import load_schema
from service.model.evidence import decode_evidence
from service.model.predictor import PairInput, Predictor, StancePrediction, load_predictor, softmax
from training.baselines import CueWordBaseline, all_baselines
from training.data import DataError, Example, load_examples, split_path
from training.metrics import classification, classwise_ece, expected_calibration_error, token_f1

EVAL_SPLITS = ("dev", "test", "seeds")


def pair_inputs(examples: list[Example]) -> list[PairInput]:
    return [x.pair() for x in examples]


def evidence_scores(examples: list[Example], evidence: list[list[tuple[int, int]]], neutral: str) -> float:
    """Mean word-level F1 over gold non-neutral sentences (those that have gold evidence)."""
    scores = [token_f1(x.sentence, list(x.evidence), ev) for x, ev in zip(examples, evidence) if x.label != neutral]
    return round(float(np.mean(scores)), 4) if scores else 0.0


def article_labels(examples: list[Example], pred: list[str], probs: np.ndarray, labels: list[str], neutral: str) -> list[str]:
    """The labels the service returns: the article-level rule applied per document, on the gold speakers."""
    out: list[str] = []
    for _, group in groupby(range(len(examples)), key=lambda i: examples[i].doc_id):
        idx = list(group)
        preds = [StancePrediction(pred[i], dict(zip(labels, map(float, probs[i])))) for i in idx]
        out += [r.prediction.label for r in reconcile([examples[i].speaker or None for i in idx], preds, neutral)]
    return out


def evaluate_examples(predictor: Predictor, examples: list[Example], reference: list[str] | None = None) -> dict:
    """Stance metrics, calibration and evidence quality of one model on one set; `reference`: fp32 labels to agree with."""
    labels, neutral = predictor.labels, predictor.config.neutral_label
    raw = predictor.raw(pair_inputs(examples))
    probs = softmax(raw.logits / predictor.config.temperature)
    pred = [labels[i] for i in probs.argmax(axis=1)]
    gold_idx = np.array([labels.index(x.label) for x in examples])
    gold = [x.label for x in examples]
    result = classification(gold, pred, labels)
    article = classification(gold, article_labels(examples, pred, probs, labels, neutral), labels)
    result["article"] = {k: article[k] for k in ("macro_f1", "accuracy", "per_label", "confusion")}
    if reference is not None:
        result["label_agreement_with_fp32"] = round(float(np.mean([a == b for a, b in zip(pred, reference)])), 4)
    result["ece"] = expected_calibration_error(probs, gold_idx)
    result["ece_uncalibrated"] = expected_calibration_error(softmax(raw.logits), gold_idx)
    result["ece_per_label"] = classwise_ece(probs, gold_idx, labels)
    head = [
        [(s.start, s.end) for s in decode_evidence(x.sentence, raw.pairs[i].sentence_offsets, raw.evidence_probs[i].tolist(), predictor.config.evidence_threshold)]
        for i, x in enumerate(examples)
    ]
    result["evidence_token_f1"] = evidence_scores(examples, head, neutral)
    end_to_end = [h if p != neutral else [] for h, p in zip(head, pred)]
    result["evidence_token_f1_end_to_end"] = evidence_scores(examples, end_to_end, neutral)
    return result


def evaluate_baselines(train: list[Example], examples: list[Example], labels: list[str], neutral: str) -> dict:
    out = {}
    for baseline in all_baselines(neutral):
        baseline.fit(train)
        res = classification([x.label for x in examples], baseline.predict(examples), labels)
        if isinstance(baseline, CueWordBaseline):
            ev = [baseline.label_and_evidence(x.sentence)[1] for x in examples]
            res["evidence_token_f1"] = evidence_scores(examples, ev, neutral)
        out[baseline.name] = res
    return out


def evaluate_sets(predictor: Predictor, sets: dict[str, list[Example]], train: list[Example], reference: Predictor | None = None) -> dict:
    """The full report: for each set, the model, each baseline and the model's margin over it.

    With a `reference` (the fp32 backend), each set also records how often the served backend's labels agree with it.
    """
    report = {}
    for name, examples in sets.items():
        if not examples:
            continue
        fp32 = [r.label for r in reference.predict(pair_inputs(examples))] if reference is not None else None
        model = evaluate_examples(predictor, examples, fp32)
        baselines = evaluate_baselines(train, examples, predictor.labels, predictor.config.neutral_label)
        margins = {b: round(model["macro_f1"] - r["macro_f1"], 4) for b, r in baselines.items()}
        article = {b: round(model["article"]["macro_f1"] - r["macro_f1"], 4) for b, r in baselines.items()}
        report[name] = {"model": model, "baselines": baselines, "margin_macro_f1": margins, "margin_macro_f1_article": article}
    return report


def format_report(report: dict) -> str:
    lines = []
    for name, rep in report.items():
        m = rep["model"]
        lines.append(f"== {name}: {m['n']} attributed sentences")
        lines.append(f"   {'label':20s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s} {'ECE':>6s}")
        for lab, r in m["per_label"].items():
            lines.append(f"   {lab:20s} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['support']:5d} {m.get('ece_per_label', {}).get(lab, 0.0):6.3f}")
        lines.append(
            f"   model macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}  ECE {m['ece']:.3f} (uncalibrated {m['ece_uncalibrated']:.3f})  "
            f"evidence token-F1 {m['evidence_token_f1']:.3f} (end to end {m['evidence_token_f1_end_to_end']:.3f})"
        )
        if "label_agreement_with_fp32" in m:
            lines.append(f"   label agreement with the fp32 reference: {m['label_agreement_with_fp32']:.4f}")
        if "article" in m:
            a = m["article"]
            per = "  ".join(f"{lab} {r['f1']:.3f}" for lab, r in a["per_label"].items())
            lines.append(f"   model + article rule (what the service returns) macro-F1 {a['macro_f1']:.3f}  accuracy {a['accuracy']:.3f}  F1: {per}")
        for b, r in rep["baselines"].items():
            extra = f"  evidence token-F1 {r['evidence_token_f1']:.3f}" if "evidence_token_f1" in r else ""
            lines.append(f"   baseline {b:30s} macro-F1 {r['macro_f1']:.3f}  (model margin {rep['margin_macro_f1'][b]:+.3f}){extra}")
        lines.append("   confusion (rows gold, columns predicted; " + ", ".join(m["labels"]) + "):")
        for lab, row in zip(m["labels"], m["confusion"]):
            lines.append(f"   {lab:20s} " + " ".join(f"{v:5d}" for v in row))
    return "\n".join(lines)


def confusion_png(report: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report)
    fig, axes = plt.subplots(1, len(names), figsize=(4.6 * len(names), 4.4), squeeze=False)
    for ax, name in zip(axes[0], names):
        m = report[name]["model"]
        conf = np.array(m["confusion"])
        ax.imshow(conf, cmap="Blues")
        ax.set_xticks(range(len(m["labels"])), [lab[:7] for lab in m["labels"]], rotation=30)
        ax.set_yticks(range(len(m["labels"])), [lab[:7] for lab in m["labels"]])
        for (r, c), v in np.ndenumerate(conf):
            ax.text(c, r, str(v), ha="center", va="center", color="white" if v > conf.max() / 2 else "black")
        ax.set_title(f"{name}: macro-F1 {m['macro_f1']:.2f}")
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def load_eval_sets(data: Path, splits: tuple[str, ...] = EVAL_SPLITS) -> dict[str, list[Example]]:
    return {s: load_examples(split_path(data, s)) for s in splits if split_path(data, s).is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stancewire evaluate", description="Evaluate a model against baselines on dev, test and seeds.")
    parser.add_argument("--model", type=Path, default=Path("models/default"), help="model folder")
    parser.add_argument("--data", type=Path, default=Path("labels/data"), help="folder with train/dev/test/seeds.jsonl")
    parser.add_argument("--backend", default="onnx-int8", help="onnx-int8 | onnx-fp32 | torch-fp32 | torch-bf16")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="where to write evaluation.json and confusion.png")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        schema = load_schema()
        predictor = load_predictor(args.model, args.backend, args.threads or None, expected_labels=schema.labels)
        train = load_examples(split_path(args.data, "train"))
        sets = load_eval_sets(args.data)
    except (DataError, RuntimeError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    reference = None
    if args.backend != "torch-fp32":
        try:
            reference = load_predictor(args.model, "torch-fp32", args.threads or None, expected_labels=schema.labels)
        except RuntimeError as err:  # no torch here: the agreement rows are left out
            print(f"note: no fp32 reference to compare with ({err})", file=sys.stderr)
    report = evaluate_sets(predictor, sets, train, reference)
    print(format_report(report))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "evaluation.json").write_text(json.dumps({"model": str(args.model), "backend": args.backend, "report": report}, indent=2) + "\n")
    confusion_png(report, args.out / "confusion.png")
    print(f"\nwrote {args.out / 'evaluation.json'} and {args.out / 'confusion.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
