"""Article-level reconciliation: one source keeps one side of the story.

The model reads one sentence at a time, and blame sounds the same from either
side: "Wagner is a rival power centre" from the accuser's spokesman reads like
the accused side hitting back. But a counter-accusation, by the label contract,
is the accused side turning blame on the accuser. A source that asserts the
claim elsewhere in the same article more often than it denies it is the accuser (or
its ally), so its blame on others is not a counter-accusation; such sentences
take the model's next most likely label instead. A source that denies as often
as it asserts keeps its labels (the accused may half-admit a claim and still
hit back).

Measured with `stancewire evaluate` (the "article" rows): the rule is applied
there to gold speakers grouped per document, so its effect on every split is
reported next to the sentence-level figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.model.predictor import StancePrediction

ASSERTION, DENIAL, COUNTER = "assertion", "denial", "counter-accusation"
RULE_ACCUSER_BLAME = "source-asserts-claim"  # why a counter-accusation was re-labelled
WORD = re.compile(r"[\w’'.-]+")


def _words(name: str) -> list[str]:
    return [w.strip(".’'-") for w in WORD.findall(name) if w.strip(".’'-")]


def source_keys(names: Sequence[str | None]) -> list[str | None]:
    """One key per mention; mentions of one source share it.

    Names match when equal after normalising, or when the shorter is a proper
    name (every word capitalised) ending the longer one: "Kirby", "John Kirby"
    and "White House spokesman John Kirby" are one source, while "Russia's
    envoy" and "the U.S. envoy" stay apart (a lower-case role word is not a name).
    """
    words = {n: _words(n) for n in names if n}
    lower = {n: [w.lower() for w in ws] for n, ws in words.items()}
    out: list[str | None] = []
    for name in names:
        if not name or not words[name]:
            out.append(None)
            continue
        mine, key = words[name], " ".join(lower[name])
        if all(w[:1].isupper() for w in mine):
            # the longest name this one ends: "Kirby" and "John Kirby" both key on "spokesman John Kirby"
            for ws in lower.values():
                if len(ws) > len(mine) and ws[-len(mine) :] == lower[name] and len(" ".join(ws)) > len(key):
                    key = " ".join(ws)
        out.append(key)
    return out


@dataclass(frozen=True)
class Reconciled:
    prediction: StancePrediction
    rule: str | None = None  # set when the label is not the model's own first choice, naming why


def _next_best(pred: StancePrediction, excluded: str, neutral: str) -> StancePrediction:
    ranked = sorted((s, label) for label, s in pred.scores.items() if label != excluded)
    label = ranked[-1][1]
    return replace(pred, label=label, evidence=[] if label == neutral else pred.evidence)


def reconcile(speakers: Sequence[str | None], predictions: Sequence[StancePrediction], neutral: str = "neutral") -> list[Reconciled]:
    """Apply the one-source-one-side rule to the attributed sentences of one article, in order."""
    if len(speakers) != len(predictions):
        raise ValueError(f"expected one speaker per prediction, got {len(speakers)} and {len(predictions)}")
    keys = source_keys(speakers)
    # a source's side: more assertions than denials among its sentences in this article
    balance: dict[str, int] = {}
    for key, pred in zip(keys, predictions):
        if key is not None:
            balance[key] = balance.get(key, 0) + (pred.label == ASSERTION) - (pred.label == DENIAL)
    out = []
    for key, pred in zip(keys, predictions):
        if pred.label == COUNTER and key is not None and balance[key] > 0:
            out.append(Reconciled(_next_best(pred, COUNTER, neutral), RULE_ACCUSER_BLAME))
        else:
            out.append(Reconciled(pred))
    return out
