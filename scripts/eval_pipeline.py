"""Measure the text pipeline (service.text) against the labelled corpus.

    python scripts/eval_pipeline.py                     # labels/data, all splits
    python scripts/eval_pipeline.py --data /tmp/pipe-data --errors 20

Figures, per split (train, dev, test, seeds):
  1. attributed-sentence detection: precision, recall and F1 of the predicted
     "attributed" flag against the gold flag;
  2. speaker accuracy on gold attributed sentences that name a speaker: the
     predicted speaker span overlaps the gold speaker span (a sentence
     predicted unattributed, or with no speaker, counts as wrong);
  3. time to segment and attribute one seed article: extract_statements on the
     whole text, mean milliseconds over repeats (and the slowest article).

Alignment rule: gold and predicted sentences may be cut differently. Each gold
sentence is matched to the predicted sentence that overlaps it by the most
characters (ties go to the earlier one); the gold sentence counts as
predicted-attributed when that sentence is attributed, and its predicted
speaker is that statement's speaker. A gold sentence no predicted sentence
overlaps counts as predicted unattributed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.text import Statement, extract_statements  # noqa: E402

SPLITS = ("train", "dev", "test", "seeds")
TIMING_REPEATS = 50
GOALS = {"precision": 0.90, "recall": 0.95, "speaker": 0.90}


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    speaker_right: int = 0
    speaker_total: int = 0
    errors: list[str] = field(default_factory=list)

    def ratio(self, num: int, den: int) -> float:
        return num / den if den else float("nan")

    @property
    def precision(self) -> float:
        return self.ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else float("nan")

    @property
    def speaker(self) -> float:
        return self.ratio(self.speaker_right, self.speaker_total)


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def align(gold_start: int, gold_end: int, predicted: list[Statement]) -> Statement | None:
    """The predicted statement whose sentence overlaps the gold sentence most."""
    best, best_len = None, 0
    for st in predicted:
        n = overlap(gold_start, gold_end, st.sentence.start, st.sentence.end)
        if n > best_len:
            best, best_len = st, n
    return best


def score_document(doc: dict, tally: Tally) -> None:
    text = doc["text"]
    predicted = extract_statements(text)
    for gold in doc["sentences"]:
        st = align(gold["start"], gold["end"], predicted)
        pred_attr = bool(st and st.attributed)
        snippet = text[gold["start"] : gold["end"]][:160].replace("\n", " ")
        if gold["attributed"] and pred_attr:
            tally.tp += 1
        elif gold["attributed"]:
            tally.fn += 1
            tally.errors.append(f"FN  {doc['id']}: {snippet}")
        elif pred_attr:
            tally.fp += 1
            tally.errors.append(f"FP  {doc['id']}: {snippet}  [cue={st.cue.text_of(text) if st.cue else None}]")
        else:
            tally.tn += 1
        gs = gold.get("speaker")
        if gold["attributed"] and gs:
            tally.speaker_total += 1
            sp = st.speaker if st and st.attributed else None
            if sp is not None and overlap(sp.start, sp.end, gs["start"], gs["end"]):
                tally.speaker_right += 1
            elif pred_attr:
                got = sp.text_of(text) if sp else None
                want = text[gs["start"] : gs["end"]]
                tally.errors.append(f"SPK {doc['id']}: got {got!r} want {want!r}: {snippet}")


def load(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def time_articles(docs: list[dict], repeats: int) -> tuple[float, float]:
    """Mean and worst milliseconds per article for extract_statements."""
    per_doc = []
    for doc in docs:
        extract_statements(doc["text"])  # warm-up
        start = time.perf_counter()
        for _ in range(repeats):
            extract_statements(doc["text"])
        per_doc.append((time.perf_counter() - start) * 1000 / repeats)
    return sum(per_doc) / len(per_doc), max(per_doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=REPO / "labels" / "data", help="folder with train/dev/test/seeds.jsonl"
    )
    parser.add_argument("--errors", type=int, default=0, help="print this many errors per split (for debugging)")
    parser.add_argument("--repeats", type=int, default=TIMING_REPEATS, help="timing repeats per seed article")
    args = parser.parse_args(argv)
    print(f"data: {args.data}")
    print(
        f"{'split':<6} {'docs':>5} {'sents':>6} {'gold+':>6} {'prec':>6} {'recall':>6} {'F1':>6}"
        f" {'speaker':>8} {'n_spk':>6}"
    )
    for split in SPLITS:
        docs = load(args.data / f"{split}.jsonl")
        if not docs:
            print(f"{split:<6} (no data)")
            continue
        tally = Tally()
        for doc in docs:
            score_document(doc, tally)
        n_sent = sum(len(d["sentences"]) for d in docs)
        print(
            f"{split:<6} {len(docs):>5} {n_sent:>6} {tally.tp + tally.fn:>6}"
            f" {tally.precision:>6.3f} {tally.recall:>6.3f}"
            f" {tally.f1:>6.3f} {tally.speaker:>8.3f} {tally.speaker_total:>6}"
        )
        for line in tally.errors[: args.errors]:
            print("    " + line)
    seeds = load(args.data / "seeds.jsonl")
    if seeds:
        mean_ms, worst_ms = time_articles(seeds, args.repeats)
        print(
            f"time per seed article: mean {mean_ms:.2f} ms, slowest {worst_ms:.2f} ms"
            f" ({len(seeds)} articles, {args.repeats} repeats)"
        )
    print("goals: " + ", ".join(f"{k} >= {v}" for k, v in GOALS.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
