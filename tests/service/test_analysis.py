"""The core, with a rule-based stand-in for the model: plan, assemble, speaker summaries, the article rule."""

import pytest

from service.analysis import InputError, analyze, assemble, plan
from service.model.predictor import StancePrediction

LABELS = ("assertion", "denial", "counter-accusation", "neutral")
ARTICLE = (
    'WASHINGTON -- "We can confirm that the shipment arrived," White House spokesman John Kirby said on Thursday. '
    '"They are a rival power in Moscow," Kirby said. '
    'The ministry of Ruritania said the report was "a lie". '
    '"Washington arms Kyiv every day," the ministry said.'
)
CLAIM = "Ruritania supplied arms to Moscow."


def fake_predict(pairs):
    """Assertion for "confirm", denial for "lie", counter-accusation for blame words, neutral otherwise."""
    out = []
    for p in pairs:
        s = p.sentence
        label = "assertion" if "confirm" in s else "denial" if "lie" in s else "counter-accusation" if ("rival" in s or "arms" in s) else "neutral"
        scores = {lab: 0.05 for lab in LABELS}
        scores[label] = 0.8
        scores["neutral" if label == "counter-accusation" else "assertion"] += 0.05
        out.append(StancePrediction(label, scores, []))
    return out


def test_analyze_labels_each_attributed_sentence_and_applies_the_article_rule():
    result = analyze(ARTICLE, CLAIM, fake_predict)
    got = [(s.label, s.speaker.name if s.speaker else None, s.rule) for s in result.sentences]
    assert got == [
        ("assertion", "White House spokesman John Kirby", None),
        ("neutral", "Kirby", "source-asserts-claim"),  # the accuser's blame on the accused is not a counter-accusation
        ("denial", "The ministry of Ruritania", None),
        ("counter-accusation", "The ministry of Ruritania", None),
    ]
    for s in result.sentences:
        assert ARTICLE[s.start : s.end] == s.text


def test_the_article_rule_can_be_turned_off():
    p = plan(ARTICLE, CLAIM)
    labels = [s.label for s in assemble(p, fake_predict(p.pairs), article_rule=False).sentences]
    assert labels == ["assertion", "counter-accusation", "denial", "counter-accusation"]


def test_speaker_summaries_group_a_source_named_two_ways():
    summaries = {s.name: (s.label, s.sentences) for s in analyze(ARTICLE, CLAIM, fake_predict).speakers}
    assert summaries["White House spokesman John Kirby"] == ("assertion", [0, 1])
    assert summaries["The ministry of Ruritania"][1] == [2, 3]


@pytest.mark.parametrize(("text", "claim", "field"), [("", CLAIM, "text"), ("   ", CLAIM, "text"), (ARTICLE, "", "claim"), (ARTICLE, None, "claim")])
def test_empty_text_or_claim_raise_input_error_naming_the_field(text, claim, field):
    with pytest.raises(InputError) as err:
        plan(text, claim)
    assert err.value.field == field


def test_assemble_checks_the_number_of_predictions():
    p = plan(ARTICLE, CLAIM)
    with pytest.raises(ValueError, match="expected 4 predictions, got 1"):
        assemble(p, fake_predict(p.pairs)[:1])
