"""Evaluation helpers that do not need a model: the article-level labels."""

import numpy as np

from training.data import Example
from training.evaluate import article_labels

LABELS = ["assertion", "denial", "counter-accusation", "neutral"]


def ex(doc: str, speaker: str, label: str = "neutral") -> Example:
    return Example("A claim.", f"{speaker} said something.", "", label, doc_id=doc, speaker=speaker)


def test_the_article_rule_is_applied_within_each_document_only():
    examples = [ex("d1", "Kirby"), ex("d1", "John Kirby"), ex("d2", "Kirby"), ex("d2", "the ministry")]
    pred = ["assertion", "counter-accusation", "counter-accusation", "counter-accusation"]
    probs = np.array([[0.9, 0.03, 0.04, 0.03], [0.1, 0.05, 0.6, 0.25], [0.1, 0.05, 0.6, 0.25], [0.8, 0.05, 0.1, 0.05]])
    # d1: Kirby asserts, so his blame is not a counter-accusation (next best: neutral);
    # d2: the same name in another article is another article's business, and nothing asserts there
    assert article_labels(examples, pred, probs, LABELS, "neutral") == ["assertion", "neutral", "counter-accusation", "counter-accusation"]


def test_evaluate_writes_the_report_with_article_rows_and_fp32_agreement(tiny_model, corpus_dir, tmp_path, capsys):
    import json

    from training.evaluate import main

    assert main(["--model", str(tiny_model), "--data", str(corpus_dir), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / "evaluation.json").read_text())
    assert report["backend"] == "onnx-int8" and list(report["report"]) == ["dev", "test", "seeds"]
    for split, rep in report["report"].items():
        model = rep["model"]
        assert 0.0 <= model["label_agreement_with_fp32"] <= 1.0, split
        assert 0.0 <= model["article"]["macro_f1"] <= 1.0
        assert set(rep["margin_macro_f1_article"]) == set(rep["baselines"])
    assert "label agreement with the fp32 reference" in printed and "model + article rule" in printed
    assert (tmp_path / "confusion.png").stat().st_size > 0


def test_evaluate_reports_a_missing_data_folder(tiny_model, tmp_path, capsys):
    from training.evaluate import main

    assert main(["--model", str(tiny_model), "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 1
    assert "error:" in capsys.readouterr().err
