"""Baselines trained on the same train split, so the model's margin means something.

* majority: always the most frequent training label;
* cue words: a fixed lexicon of denial, counter-accusation and assertion cues
  (the ten-line rule that beat a template-trained transformer on real news);
* TF-IDF + logistic regression over the sentence and its claim.
"""

from __future__ import annotations

import re
from collections import Counter

from training.data import Example

DENIAL_CUES = (
    r"\bden(y|ies|ied|ial|ying)\b", r"\breject", r"\bdismiss", r"\brefut", r"\bbaseless\b", r"\bgroundless\b", r"\bfalse\b",
    r"\bfabricat", r"\babsurd\b", r"\bnonsense\b", r"\bnever\b", r"\brumou?r", r"\bspeculation\b", r"\blies?\b", r"\bno evidence\b", r"\bunfounded\b",
)
COUNTER_CUES = (
    r"\bitself\b", r"\bhypocri", r"\btheir own\b", r"\bits own\b", r"\binstead\b", r"\bblame", r"\bjustify", r"\bprovocation\b",
    r"\bcriminal\b", r"\bwho is\b", r"\bwhat about\b", r"\bpropaganda\b",
)
ASSERTION_CUES = (
    r"\bconfirm", r"\bevidence\b", r"\bdeliver", r"\bsuppl(y|ied|ies)\b", r"\bshow(s|ed|n)?\b", r"\bfound\b", r"\bproof\b",
    r"\bcondemn", r"\bsanction", r"\bassess", r"\bviolation\b", r"\bresponsible\b",
)
CUE_ORDER = (("denial", DENIAL_CUES), ("counter-accusation", COUNTER_CUES), ("assertion", ASSERTION_CUES))


class MajorityBaseline:
    name = "majority"

    def fit(self, train: list[Example]) -> MajorityBaseline:
        self.label = Counter(x.label for x in train).most_common(1)[0][0]
        return self

    def predict(self, items: list[Example]) -> list[str]:
        return [self.label for _ in items]


class CueWordBaseline:
    """Denial cues first, then counter-accusation, then assertion, else neutral (the contract's precedence)."""

    name = "cue words"

    def __init__(self, neutral: str = "neutral"):
        self.neutral = neutral
        self.patterns = [(label, re.compile("|".join(cues), re.IGNORECASE)) for label, cues in CUE_ORDER]

    def fit(self, train: list[Example]) -> CueWordBaseline:
        return self

    def label_and_evidence(self, sentence: str) -> tuple[str, list[tuple[int, int]]]:
        for label, pattern in self.patterns:
            hits = [m.span() for m in pattern.finditer(sentence)]
            if hits:
                return label, hits
        return self.neutral, []

    def predict(self, items: list[Example]) -> list[str]:
        return [self.label_and_evidence(x.sentence)[0] for x in items]


class TfidfLogRegBaseline:
    name = "tf-idf + logistic regression"

    def fit(self, train: list[Example]) -> TfidfLogRegBaseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.model = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            LogisticRegression(max_iter=2000, class_weight="balanced", C=4.0),
        )
        self.model.fit([self._text(x) for x in train], [x.label for x in train])
        return self

    @staticmethod
    def _text(x: Example) -> str:
        return f"{x.sentence} [claim] {x.claim}"

    def predict(self, items: list[Example]) -> list[str]:
        return list(self.model.predict([self._text(x) for x in items])) if items else []


def all_baselines(neutral: str = "neutral") -> list:
    return [MajorityBaseline(), CueWordBaseline(neutral), TfidfLogRegBaseline()]
