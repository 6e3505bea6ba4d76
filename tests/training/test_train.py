"""Training end to end on the tiny random base: the folder, its card and metrics, repeatability, Ctrl-C and bad data."""

import csv
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

import training.train as train_module
from service.labels import load_schema
from service.model.folder import ONNX_FILES, open_folder
from service.model.predictor import PairInput, load_predictor
from tests.conftest import tiny_train_args
from training.data import load_examples, validate
from training.evaluate import EVAL_SPLITS
from training.train import EVIDENCE_THRESHOLDS, main, train

FOLDER_FILES = ["config.json", "model.safetensors", "tokenizer.json", "stance.json", "model.onnx", "model.int8.onnx", "metrics.json", "model_card.md", "manifest.json"]
BASELINES = ["majority", "cue words", "tf-idf + logistic regression"]


def metrics_of(folder: Path) -> dict:
    return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))


def dev_items(corpus_dir: Path) -> list[PairInput]:
    return [x.pair() for x in load_examples(corpus_dir / "dev.jsonl")]


def test_the_fixture_corpus_is_valid(corpus_dir):
    report = validate(corpus_dir)
    assert report.problems == []
    train_docs = report.documents["train"]
    assert len({d.claim for d in train_docs}) == 4 and len({d.domain for d in train_docs}) == 2
    assert len(load_examples(corpus_dir / "train.jsonl")) == 40


def test_the_model_folder_holds_every_file(tiny_model):
    assert sorted(p.name for p in tiny_model.iterdir()) == sorted(FOLDER_FILES)
    assert sorted(json.loads((tiny_model / "manifest.json").read_text())["files"]) == sorted(n for n in FOLDER_FILES if n != "manifest.json")
    assert [p.name for p in tiny_model.parent.iterdir()] == ["model"]  # no temp or .old folder left beside it
    folder = open_folder(tiny_model, load_schema().labels)
    assert folder.config.labels == list(load_schema().labels) and folder.config.neutral_label == load_schema().neutral_label


def test_stance_config_records_the_calibration_and_the_arguments(tiny_model, tiny_base):
    stance = json.loads((tiny_model / "stance.json").read_text())
    metrics = metrics_of(tiny_model)
    assert stance["temperature"] == metrics["temperature"] > 0
    assert stance["evidence_threshold"] == metrics["evidence_threshold"]
    assert any(abs(stance["evidence_threshold"] - t) < 1e-9 for t in EVIDENCE_THRESHOLDS)
    assert stance["base_model"] == str(tiny_base) and stance["name"] == "stancewire-minilm" and stance["version"] == "0.1.0"
    assert stance["encoding"] == {"max_length": 160, "max_claim_tokens": 40, "max_context_tokens": 32, "max_speaker_tokens": 16}


def test_the_model_card_names_labels_arguments_and_data_hashes(tiny_model, corpus_dir, tiny_base):
    card = (tiny_model / "model_card.md").read_text(encoding="utf-8")
    schema = load_schema()
    for label in schema.labels:
        assert f"- **{label}**: {schema.definitions[label]}" in card
    for split in ("train", "dev", "test", "seeds"):
        path = corpus_dir / f"{split}.jsonl"
        assert f"`{path}` {hashlib.sha256(path.read_bytes()).hexdigest()}" in card
    block = card.split("## Arguments\n```json\n", 1)[1].split("```", 1)[0]
    arguments = json.loads(block)
    assert arguments == metrics_of(tiny_model)["arguments"]
    assert arguments["epochs"] == 2 and arguments["batch_size"] == 8 and arguments["base_model"] == str(tiny_base)
    assert arguments["data"] == str(corpus_dir)
    for split in EVAL_SPLITS:
        assert f"== {split}: " in card
    assert "## Optimised backends against fp32 on dev" in card


def test_metrics_hold_per_split_evaluation_with_baselines_and_margins(tiny_model):
    metrics = metrics_of(tiny_model)
    assert metrics["train_pairs"] == 40 and metrics["dev_pairs"] == 12 and metrics["unrelated_claim_pairs"] == 4
    assert sorted(metrics["evaluation"]) == sorted(EVAL_SPLITS)
    sizes = {"dev": 12, "test": 12, "seeds": 8}
    for split, report in metrics["evaluation"].items():
        model = report["model"]
        assert model["n"] == sizes[split] and sum(map(sum, model["confusion"])) == sizes[split]
        for key in ("macro_f1", "accuracy", "ece", "ece_uncalibrated", "evidence_token_f1", "evidence_token_f1_end_to_end"):
            assert 0.0 <= model[key] <= 1.0, (split, key)
        article = model["article"]  # what the service returns: the article-level rule on top
        assert 0.0 <= article["macro_f1"] <= 1.0 and sum(map(sum, article["confusion"])) == sizes[split]
        assert report["margin_macro_f1_article"]["majority"] == pytest.approx(article["macro_f1"] - report["baselines"]["majority"]["macro_f1"], abs=1e-4)
        assert list(report["baselines"]) == BASELINES
        assert list(report["margin_macro_f1"]) == BASELINES
        for name, baseline in report["baselines"].items():
            assert baseline["n"] == sizes[split]
            assert report["margin_macro_f1"][name] == pytest.approx(model["macro_f1"] - baseline["macro_f1"], abs=1e-4)
        assert "evidence_token_f1" in report["baselines"]["cue words"]
    assert sorted(metrics["backends"]) == sorted([*ONNX_FILES, "torch-bf16", "onnx-int8 without fallback"])
    assert metrics["backends"]["onnx-fp32"]["label_agreement"] == 1.0
    # the fitted fallback margin is what the folder serves with, and it never lowers agreement
    margin = json.loads((tiny_model / "stance.json").read_text())["int8_fallback_margin"]
    assert 0.0 <= margin <= 0.4
    int8, alone = metrics["backends"]["onnx-int8"], metrics["backends"]["onnx-int8 without fallback"]
    assert int8["label_agreement"] >= alone["label_agreement"]
    if margin > 0:
        assert int8["fallback_margin"] == margin and 0.0 <= int8["fallback_share"] <= 1.0
    training = metrics["training"]
    assert [h["epoch"] for h in training["history"]] == [1, 2] and training["steps"] == 12 and training["interrupted"] is False
    assert training["best_dev_macro_f1"] == max(h["dev_macro_f1"] for h in training["history"])


def test_reloading_the_folder_gives_identical_predictions(tiny_model, corpus_dir):
    items = dev_items(corpus_dir)
    first, second = load_predictor(tiny_model, "torch-fp32"), load_predictor(tiny_model, "torch-fp32")
    assert first.predict(items) == second.predict(items)
    np.testing.assert_array_equal(first.raw(items).logits, second.raw(items).logits)


def quick_args(corpus_dir, out, tiny_base, **over):
    return tiny_train_args(corpus_dir, out, tiny_base, export_onnx=False, evaluate_splits=False, **over)


def test_training_is_repeatable_with_the_same_seed(tiny_model, corpus_dir, tiny_base, tmp_path):
    a = train(quick_args(corpus_dir, tmp_path / "a", tiny_base))["result"]
    b = train(quick_args(corpus_dir, tmp_path / "b", tiny_base))["result"]
    assert a["history"] == b["history"] == metrics_of(tiny_model)["training"]["history"]
    assert a["losses"] == b["losses"] and len(a["losses"]) == 12
    wa, wb = load_file(str(tmp_path / "a" / "model.safetensors")), load_file(str(tmp_path / "b" / "model.safetensors"))
    assert all(np.array_equal(wa[k], wb[k]) for k in wa)
    # and the seed matters, so the comparison above could fail
    c = train(quick_args(corpus_dir, tmp_path / "c", tiny_base, seed=14))["result"]
    assert c["losses"] != a["losses"]


def interrupt_after(monkeypatch, calls: int) -> None:
    real = train_module.evidence_token_labels
    count = {"n": 0}

    def flaky(*args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(train_module, "evidence_token_labels", flaky)


def test_ctrl_c_in_the_first_epoch_still_saves_a_folder(corpus_dir, tiny_base, tmp_path, monkeypatch):
    interrupt_after(monkeypatch, 12)  # the first batch of 8 trains, the second is interrupted
    out = tmp_path / "model"
    result = train(quick_args(corpus_dir, out, tiny_base))["result"]
    assert result["interrupted"] is True and result["steps"] == 1 and result["history"] == []
    open_folder(out, load_schema().labels)
    assert metrics_of(out)["training"]["interrupted"] is True
    preds = load_predictor(out, "torch-fp32").predict(dev_items(corpus_dir))
    assert len(preds) == 12


def test_ctrl_c_later_keeps_the_best_epoch(corpus_dir, tiny_base, tmp_path, monkeypatch):
    interrupt_after(monkeypatch, 44 + 20)  # epoch 1 sees 44 pairs; interrupted during epoch 2
    out = tmp_path / "model"
    result = train(quick_args(corpus_dir, out, tiny_base, epochs=3))["result"]
    assert result["interrupted"] is True and result["best_epoch"] == 1 and len(result["history"]) == 1
    assert 6 < result["steps"] < 12
    assert metrics_of(out)["training"]["best_epoch"] == 1


def test_bad_data_fails_with_the_file_and_line(corpus_dir, tiny_base, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    lines = (data / "train.jsonl").read_text(encoding="utf-8").splitlines()
    doc = json.loads(lines[2])
    doc["sentences"][1]["label"] = "sarcasm"
    lines[2] = json.dumps(doc, ensure_ascii=False)
    (data / "train.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    assert main(["--data", str(data), "--out", str(out), "--base-model", str(tiny_base), "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert f"{data / 'train.jsonl'}:3 field 'sentences[1].label'" in err and "'sarcasm' is not one of" in err
    assert not out.exists()


def test_bad_arguments_fail_with_a_message(tmp_path, capsys):
    assert main(["--data", str(tmp_path), "--epochs", "0"]) == 1
    assert "epochs must be > 0" in capsys.readouterr().err
    assert main(["--data", str(tmp_path), "--out", str(tmp_path / "m"), "--base-model", str(tmp_path / "nope")]) == 1
    assert "no train.jsonl in the data folder" in capsys.readouterr().err


def write_csv(path: Path, examples) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["claim", "sentence", "context", "label", "evidence"])
        for x in examples:
            w.writerow([x.claim, x.sentence, x.context, x.label, json.dumps([x.sentence[a:b] for a, b in x.evidence]) if x.evidence else ""])
    return path


def test_training_on_flat_csv_files_end_to_end(corpus_dir, tiny_base, tmp_path, capsys):
    train_ex, dev_ex = load_examples(corpus_dir / "train.jsonl"), load_examples(corpus_dir / "dev.jsonl")
    train_csv, dev_csv = write_csv(tmp_path / "train.csv", train_ex), write_csv(tmp_path / "dev.csv", dev_ex)
    assert [(x.sentence, x.label, x.evidence) for x in load_examples(train_csv)] == [(x.sentence, x.label, x.evidence) for x in train_ex]
    out = tmp_path / "model"
    argv = ["--data", str(train_csv), "--dev", str(dev_csv), "--out", str(out), "--base-model", str(tiny_base)]
    argv += ["--epochs", "1", "--batch-size", "8", "--threads", "2", "--no-export-onnx"]
    assert main(argv) == 0, capsys.readouterr().err
    metrics = metrics_of(out)
    assert metrics["train_pairs"] == 40 and metrics["dev_pairs"] == 12
    assert metrics["data_files"] == {str(train_csv): hashlib.sha256(train_csv.read_bytes()).hexdigest(), str(dev_csv): hashlib.sha256(dev_csv.read_bytes()).hexdigest()}
    assert list(metrics["evaluation"]) == ["dev"] and list(metrics["backends"]) == ["torch-bf16"]
    assert not (out / "model.onnx").exists()
    preds = load_predictor(out, "torch-fp32", expected_labels=load_schema().labels).predict(dev_items(corpus_dir))
    assert [p.label in load_schema().labels for p in preds] == [True] * 12


def test_a_bad_csv_row_fails_with_the_file_and_line(corpus_dir, tiny_base, tmp_path, capsys):
    rows = load_examples(corpus_dir / "train.jsonl")[:5]
    path = write_csv(tmp_path / "train.csv", rows)
    path.write_text(path.read_text(encoding="utf-8") + "Some claim.,He said so.,,maybe,\n", encoding="utf-8")
    assert main(["--data", str(path), "--out", str(tmp_path / "m"), "--base-model", str(tiny_base)]) == 1
    assert f"{path}:7 field 'label': 'maybe' is not one of" in capsys.readouterr().err
