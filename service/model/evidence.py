"""Token evidence scores -> character spans a reader can check.

The token head scores word pieces; callers want whole words. Runs of tokens
at or above the threshold become one span, grown to word boundaries and
trimmed of quotation marks and punctuation, scored by their mean probability.
"""

from __future__ import annotations

from dataclasses import dataclass

TRIM = " \t\n\"'“”‘’«»,.;:!?()[]—–-"


@dataclass(frozen=True)
class EvidenceSpan:
    start: int
    end: int
    score: float


def _grow_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    # grow only an edge that cuts a word (a word piece), not one that merely touches a word (punctuation)
    while start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def decode_evidence(
    text: str,
    offsets: list[tuple[int, int]],
    probs: list[float],
    threshold: float,
    at_least_one: bool = True,
    max_spans: int = 4,
) -> list[EvidenceSpan]:
    """Merge above-threshold tokens into word-aligned spans, best first, at most `max_spans`."""
    groups: list[list[int]] = []
    for k, p in enumerate(probs):
        if p >= threshold:
            if groups and groups[-1][-1] == k - 1:
                groups[-1].append(k)
            else:
                groups.append([k])
    spans: dict[tuple[int, int], float] = {}
    for g in groups:
        start, end = _grow_to_words(text, offsets[g[0]][0], offsets[g[-1]][1])
        if start < end:
            score = sum(probs[k] for k in g) / len(g)
            spans[(start, end)] = max(score, spans.get((start, end), 0.0))
    if not spans and at_least_one:
        # nothing (or only punctuation) passed the threshold: the best-scoring word token stands in
        words = [k for k, (a, b) in enumerate(offsets) if any(ch.isalnum() for ch in text[a:b])]
        if words:
            k = max(words, key=probs.__getitem__)
            start, end = _grow_to_words(text, *offsets[k])
            if start < end:
                spans[(start, end)] = probs[k]
    merged: list[EvidenceSpan] = []
    for (start, end), score in sorted(spans.items()):
        if merged and start <= merged[-1].end:  # overlapping after growth: one span
            last = merged.pop()
            merged.append(EvidenceSpan(last.start, max(end, last.end), max(score, last.score)))
        else:
            merged.append(EvidenceSpan(start, end, score))
    best = sorted(merged, key=lambda s: -s.score)[:max_spans]
    return sorted(best, key=lambda s: s.start)
