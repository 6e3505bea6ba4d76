"""The article-level rule: a source that asserts the claim is not counter-accusing."""

import pytest

from service.consistency import RULE_ACCUSER_BLAME, reconcile, source_keys
from service.model.evidence import EvidenceSpan
from service.model.predictor import StancePrediction

LABELS = ("assertion", "denial", "counter-accusation", "neutral")


def pred(label: str, **scores: float) -> StancePrediction:
    """A prediction whose scores put `label` first and the given others after it."""
    rest = {k.replace("_", "-"): v for k, v in scores.items()}
    full = {lab: rest.get(lab, 0.01) for lab in LABELS}
    full[label] = 0.9
    return StancePrediction(label, full, [EvidenceSpan(0, 4, 0.8)] if label != "neutral" else [])


@pytest.mark.parametrize(
    ("names", "same", "different"),
    [
        (["Kirby", "John Kirby"], [(0, 1)], []),
        (["John Kirby", "White House spokesman John Kirby", "Kirby"], [(0, 1), (1, 2)], []),
        (["Russia's envoy", "The U.S. envoy"], [], [(0, 1)]),
        (["the foreign ministry", "Russia's foreign ministry"], [], [(0, 1)]),
        (["Igor Manole,", "the leader of the bloc, Igor Manole"], [(0, 1)], []),
        (["Zakharova", "Maria Zakharova", "Kirby"], [(0, 1)], [(0, 2)]),
        (["the ministry", "The Ministry"], [(0, 1)], []),
    ],
)
def test_source_keys_group_mentions_of_one_source(names, same, different):
    keys = source_keys(names)
    for a, b in same:
        assert keys[a] == keys[b], (names[a], names[b])
    for a, b in different:
        assert keys[a] != keys[b], (names[a], names[b])


def test_source_keys_leave_unnamed_sentences_ungrouped():
    assert source_keys([None, "", "Kirby"]) == [None, None, "kirby"]


def test_an_asserting_source_does_not_counter_accuse():
    speakers = ["John Kirby", "Kirby", "the ministry of North Korea", "Kirby"]
    preds = [pred("assertion"), pred("counter-accusation", neutral=0.08, assertion=0.02), pred("counter-accusation"), pred("counter-accusation", assertion=0.07)]
    out = reconcile(speakers, preds)
    assert [r.prediction.label for r in out] == ["assertion", "neutral", "counter-accusation", "assertion"]
    assert [r.rule for r in out] == [None, RULE_ACCUSER_BLAME, None, RULE_ACCUSER_BLAME]
    assert out[1].prediction.evidence == [] and out[3].prediction.evidence == preds[3].evidence
    assert out[1].prediction.scores == preds[1].scores  # the model's scores are reported unchanged


def test_a_source_that_denies_as_often_as_it_asserts_keeps_its_counter_accusation():
    speakers = ["the company", "the company", "the company"]
    preds = [pred("assertion"), pred("denial"), pred("counter-accusation")]
    assert [r.prediction.label for r in reconcile(speakers, preds)] == ["assertion", "denial", "counter-accusation"]


def test_unnamed_sources_are_never_grouped():
    preds = [pred("assertion"), pred("counter-accusation")]
    assert [r.rule for r in reconcile([None, None], preds)] == [None, None]


def test_reconcile_needs_one_speaker_per_prediction():
    with pytest.raises(ValueError, match="one speaker per prediction"):
        reconcile(["Kirby"], [])
