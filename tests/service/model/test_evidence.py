"""Evidence decoding: token probabilities -> word-aligned, trimmed character spans."""

import re

import pytest

from service.model.evidence import EvidenceSpan, decode_evidence

TEXT = "“We never sent drones,” the minister said."


def word_offsets(text: str) -> list[tuple[int, int]]:
    """One token per word or punctuation mark, as a BERT pre-tokenizer would cut them."""
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


OFFSETS = word_offsets(TEXT)  # “ We never sent drones , ” the minister said .
TOKENS = [TEXT[a:b] for a, b in OFFSETS]


def probs(high: dict[str, float], default: float = 0.1) -> list[float]:
    """Probabilities per token of TEXT: `high` maps a token's text to its probability."""
    return [high.get(t, default) for t in TOKENS]


def spans(text: str, found: list[EvidenceSpan]) -> list[str]:
    return [text[s.start : s.end] for s in found]


def test_tokens_are_as_expected():
    assert TOKENS == ["“", "We", "never", "sent", "drones", ",", "”", "the", "minister", "said", "."]


@pytest.mark.parametrize(
    ("name", "token_probs", "kwargs", "expected"),
    [
        ("consecutive tokens merge into one span", probs({"never": 0.9, "sent": 0.7}), {}, ["never sent"]),
        ("a gap makes two spans, in text order", probs({"We": 0.6, "sent": 0.9, "minister": 0.8}), {}, ["We", "sent", "minister"]),
        ("quotes and punctuation are trimmed from both ends", probs({"“": 0.9, "We": 0.9, "never": 0.9, "drones": 0.1, ",": 0.9}), {}, ["We never"]),
        ("a run ending in punctuation loses it", probs({"drones": 0.8, ",": 0.9, "”": 0.9}), {}, ["drones"]),
        ("threshold is inclusive", probs({"sent": 0.5}), {}, ["sent"]),
        ("nothing above threshold: the best token", probs({"minister": 0.4, "said": 0.3}), {}, ["minister"]),
        ("nothing above threshold and no fallback: nothing", probs({"minister": 0.4}), {"at_least_one": False}, []),
        ("max_spans keeps the best, returned in text order", probs({"We": 0.6, "sent": 0.95, "minister": 0.8, "said": 0.1}), {"max_spans": 2}, ["sent", "minister"]),
        ("a higher threshold drops weaker tokens", probs({"never": 0.9, "sent": 0.6}), {"threshold": 0.7}, ["never"]),
        ("a punctuation-only run gives no span of its own", probs({",": 0.9}), {"at_least_one": False}, []),
        ("a punctuation-only run falls back to the best word", probs({",": 0.9, "drones": 0.3}), {}, ["drones"]),
    ],
)
def test_decode_evidence_table(name, token_probs, kwargs, expected):
    kw = {"threshold": 0.5, **kwargs}
    found = decode_evidence(TEXT, OFFSETS, token_probs, **kw)
    assert spans(TEXT, found) == expected, name
    assert [s.start for s in found] == sorted(s.start for s in found)


def test_scores_are_the_mean_probability_of_the_run():
    (span,) = decode_evidence(TEXT, OFFSETS, probs({"We": 0.9, "never": 0.7, "sent": 0.5}), 0.5)
    assert TEXT[span.start : span.end] == "We never sent"
    assert span.score == pytest.approx((0.9 + 0.7 + 0.5) / 3)


def test_word_pieces_grow_to_whole_words():
    text = "They called it a fabrication outright."
    start = text.index("fabrication")
    # fab ##ric ##ation: only the middle piece is above threshold
    offsets = [(0, 4), (5, 11), (12, 14), (15, 16), (start, start + 3), (start + 3, start + 6), (start + 6, start + 11), (start + 12, start + 20), (37, 38)]
    found = decode_evidence(text, offsets, [0.1, 0.1, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1], 0.5)
    assert spans(text, found) == ["fabrication"]
    assert found[0].score == pytest.approx(0.8)


def test_pieces_of_one_word_that_grow_to_the_same_span_are_one_span_with_the_best_score():
    text = "baseless drones"
    offsets = [(0, 4), (4, 6), (6, 8), (9, 15)]  # base ##le ##ss drones
    found = decode_evidence(text, offsets, [0.9, 0.1, 0.6, 0.1], 0.5)
    assert found == [EvidenceSpan(0, 8, 0.9)]


def test_spans_that_overlap_after_growth_merge():
    text = "fabrication outright"
    offsets = [(0, 3), (3, 6), (6, 11), (12, 15), (15, 20)]  # fab ##ric ##ation out ##right
    found = decode_evidence(text, offsets, [0.6, 0.1, 0.9, 0.8, 0.1], 0.5)
    assert spans(text, found) == ["fabrication outright"]
    assert found[0].score == pytest.approx(0.85)


def test_words_joined_by_punctuation_stay_separate():
    text = "counter-accusation here"
    offsets = [(0, 7), (7, 8), (8, 18), (19, 23)]  # counter - accusation here
    found = decode_evidence(text, offsets, [0.9, 0.1, 0.7, 0.1], 0.5)
    assert spans(text, found) == ["counter", "accusation"]


def test_a_punctuation_token_does_not_grow_into_the_word_beside_it():
    # the comma touches "drones" and the opening quote touches "We"; neither word was scored high
    assert decode_evidence(TEXT, OFFSETS, probs({",": 0.9, "“": 0.8}), 0.5, at_least_one=False) == []
    assert spans(TEXT, decode_evidence(TEXT, OFFSETS, probs({"”": 0.9, "the": 0.9}), 0.5)) == ["the"]


def test_max_spans_orders_by_score_not_position():
    found = decode_evidence(TEXT, OFFSETS, probs({"We": 0.99, "sent": 0.6, "the": 0.7, "said": 0.98}), 0.5, max_spans=2)
    assert spans(TEXT, found) == ["We", "said"]
    assert [round(s.score, 2) for s in found] == [0.99, 0.98]


def test_no_tokens_give_no_spans_even_with_fallback():
    assert decode_evidence("", [], [], 0.5) == []
    assert decode_evidence(TEXT, [], [], 0.5, at_least_one=True) == []


def test_spans_always_lie_inside_the_text():
    for k in range(len(OFFSETS)):
        p = [0.0] * len(OFFSETS)
        p[k] = 1.0
        for s in decode_evidence(TEXT, OFFSETS, p, 0.5):
            assert 0 <= s.start < s.end <= len(TEXT)
            assert TEXT[s.start] not in "“”,. " and TEXT[s.end - 1] not in "“”,. "
