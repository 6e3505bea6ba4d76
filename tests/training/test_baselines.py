"""Baselines: the cue-word rule's precedence, the majority label and TF-IDF + logistic regression."""

import pytest

from training.baselines import CueWordBaseline, MajorityBaseline, TfidfLogRegBaseline, all_baselines
from training.data import Example


def ex(sentence: str, label: str = "neutral", claim: str = "Iran supplied drones to Russia.") -> Example:
    return Example(claim, sentence, "", label)


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("The minister denied it, blamed the West itself and confirmed the talks.", "denial"),
        ("They blamed the West, which should look at its own record, and confirmed nothing else.", "counter-accusation"),
        ("Inspectors confirmed the shipments reached the front.", "assertion"),
        ("Talks will resume next week in Geneva.", "neutral"),
        ("A spokesman called the report baseless propaganda.", "denial"),
        ("This is Western PROPAGANDA, the embassy said.", "counter-accusation"),
        ("Satellite images show the depot.", "assertion"),
        ("He showed up late and nothing was shown to anyone.", "assertion"),
        ("She said the denial was itself evidence.", "denial"),
    ],
)
def test_cue_word_precedence(sentence, label):
    assert CueWordBaseline().predict([ex(sentence)]) == [label]


def test_cue_word_evidence_is_the_hits_of_the_winning_label():
    sentence = "They dismissed the report as false while blaming the West."
    label, spans = CueWordBaseline().label_and_evidence(sentence)
    assert label == "denial"
    assert [sentence[a:b] for a, b in spans] == ["dismiss", "false"]
    assert CueWordBaseline("none").label_and_evidence("Talks resume.") == ("none", [])


def test_cue_words_match_whole_words_only():
    # "deny" inside "undeniably", "lies" inside "allies": no denial cue
    assert CueWordBaseline().predict([ex("Undeniably, their allies arrived.")]) == ["neutral"]


def test_majority_predicts_the_most_frequent_training_label():
    train = [ex("a", "denial"), ex("b", "assertion"), ex("c", "denial"), ex("d", "neutral")]
    m = MajorityBaseline().fit(train)
    assert m.predict([ex("x"), ex("y", "assertion")]) == ["denial", "denial"]
    assert m.predict([]) == []


EASY = {
    "denial": ["officials denied the report strongly", "the ministry denied every word", "a spokesman denied the story today", "he denied it again flatly"],
    "assertion": ["inspectors confirmed the shipments today", "the agency confirmed the deliveries", "analysts confirmed every detail", "she confirmed the report again"],
    "counter-accusation": ["they blamed the accusers instead", "he blamed western hypocrisy instead", "the envoy blamed rivals instead today", "critics blamed the other side instead"],
    "neutral": ["talks resume next week in geneva", "the committee meets next week", "the weather was mild next week", "trains run next week as usual"],
}


def test_tfidf_logistic_regression_learns_an_easy_toy_set():
    train = [ex(s, label) for label, sents in EASY.items() for s in sents]
    model = TfidfLogRegBaseline().fit(train)
    assert model.predict([ex(s) for s in ["the minister denied the claim", "experts confirmed the finding", "they blamed others instead", "lunch is next week"]]) == [
        "denial",
        "assertion",
        "counter-accusation",
        "neutral",
    ]
    assert model.predict(train) == [x.label for x in train]
    assert model.predict([]) == []


def test_all_baselines():
    names = [b.name for b in all_baselines("none")]
    assert names == ["majority", "cue words", "tf-idf + logistic regression"]
    assert all_baselines("none")[1].predict([ex("Talks resume.")]) == ["none"]
