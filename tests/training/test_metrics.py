"""Stance and evidence metrics, calibration error and the temperature fit."""

import numpy as np
import pytest

from training.metrics import classification, expected_calibration_error, fit_temperature, token_f1, word_spans


def test_classification_on_a_hand_computed_example():
    labels = ["a", "b", "c", "d"]
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "b", "b", "b", "a"]
    r = classification(gold, pred, labels)
    assert r["n"] == 5 and r["accuracy"] == 0.6
    assert r["confusion"] == [[1, 1, 0, 0], [0, 2, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert r["per_label"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert r["per_label"]["b"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert r["per_label"]["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert r["per_label"]["d"]["support"] == 0
    # macro-F1 averages the labels present in gold: (0.5 + 0.8 + 0) / 3, "d" is left out
    assert r["macro_f1"] == pytest.approx(0.4333, abs=1e-4)
    assert r["labels"] == labels


def test_classification_perfect_and_empty():
    perfect = classification(["x", "y", "y"], ["x", "y", "y"], ["x", "y"])
    assert perfect["macro_f1"] == 1.0 and perfect["accuracy"] == 1.0
    empty = classification([], [], ["x", "y"])
    assert empty["n"] == 0 and empty["macro_f1"] == 0.0 and empty["accuracy"] == 0.0


def two_class(conf: float, n: int, n_correct: int) -> tuple[np.ndarray, np.ndarray]:
    probs = np.tile([conf, 1 - conf], (n, 1))
    gold = np.array([0] * n_correct + [1] * (n - n_correct))
    return probs, gold


def test_ece_is_zero_when_confidence_matches_accuracy():
    p1, g1 = two_class(0.8, 10, 8)
    p2, g2 = two_class(0.6, 10, 6)
    assert expected_calibration_error(np.vstack([p1, p2]), np.concatenate([g1, g2])) == pytest.approx(0.0, abs=1e-4)


def test_ece_of_overconfident_probabilities_is_the_gap():
    probs, gold = two_class(0.99, 10, 5)
    assert expected_calibration_error(probs, gold) == pytest.approx(0.49, abs=1e-4)
    # two bins weighted by their share: 0.5 * |1.0 - 0.9| + 0.5 * |0.0 - 0.7|
    p1, g1 = two_class(0.9, 5, 5)
    p2, g2 = two_class(0.7, 5, 0)
    assert expected_calibration_error(np.vstack([p1, p2]), np.concatenate([g1, g2])) == pytest.approx(0.4, abs=1e-4)


def test_ece_of_nothing_is_zero():
    assert expected_calibration_error(np.zeros((0, 3)), np.zeros(0, dtype=int)) == 0.0


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("true_temperature", [0.5, 2.0, 4.0])
def test_fit_temperature_recovers_a_known_temperature(true_temperature):
    rng = np.random.default_rng(7)
    calibrated = rng.normal(0.0, 2.0, size=(20000, 4))
    p = softmax(calibrated)
    gold = np.array([rng.choice(4, p=row) for row in p])
    fitted = fit_temperature(calibrated * true_temperature, gold)
    assert fitted == pytest.approx(true_temperature, rel=0.1)


def test_fit_temperature_of_nothing_is_one():
    assert fit_temperature(np.zeros((0, 4)), np.zeros(0, dtype=int)) == 1.0


TEXT = "We never sent drones to Moscow, the minister said."


def span_of(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([span_of("never sent drones")], [span_of("never sent drones")], 1.0),
        ([], [], 1.0),
        ([span_of("never sent")], [], 0.0),
        ([], [span_of("never sent")], 0.0),
        ([span_of("never sent")], [span_of("the minister")], 0.0),
        # gold 4 words, predicted 2 of them: precision 1, recall 0.5
        ([span_of("never sent drones to")], [span_of("drones to")], 2 / 3),
        # a span that cuts into a word counts the whole word
        ([span_of("never sent")], [(span_of("never")[0] + 2, span_of("sent")[0] + 1)], 1.0),
        # several spans: gold {never, sent, minister}, pred {sent, minister, said}
        ([span_of("never sent"), span_of("minister")], [span_of("sent"), span_of("minister said")], 2 / 3),
        # punctuation alone covers no word
        ([span_of("never")], [span_of(",")], 0.0),
    ],
)
def test_token_f1(gold, pred, expected):
    assert token_f1(TEXT, gold, pred) == pytest.approx(expected)


def test_word_spans():
    assert [TEXT[a:b] for a, b in word_spans(TEXT)][:3] == ["We", "never", "sent"]
    assert len(word_spans(TEXT)) == 9


def test_classwise_ece_is_zero_when_scores_match_rates_and_large_when_not():
    import numpy as np

    from training.metrics import classwise_ece

    labels = ["a", "b"]
    # label "a" scored 0.75 on four items, three of which are "a": calibrated for both labels
    probs = np.array([[0.75, 0.25]] * 4)
    gold = np.array([0, 0, 0, 1])
    assert classwise_ece(probs, gold, labels) == {"a": 0.0, "b": 0.0}
    over = classwise_ece(np.array([[0.99, 0.01]] * 4), np.array([0, 1, 1, 1]), labels)
    assert over["a"] > 0.7 and over["b"] > 0.7
