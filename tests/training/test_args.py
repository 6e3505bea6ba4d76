"""Training arguments: validation messages, config files and command-line flags."""

import json
from pathlib import Path

import pytest

from training.args import DEFAULT_BASE, TrainArgs, resolve_base
from training.train import parse_args


def test_defaults_are_valid_and_paths_are_paths():
    args = TrainArgs(data="some/data", out="models/x", dev="d.csv")
    assert args.data == Path("some/data") and args.out == Path("models/x") and args.dev == Path("d.csv")
    assert TrainArgs().dev is None and TrainArgs().base_model == DEFAULT_BASE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be > 0 (got 0)"),
        ({"batch_size": -2}, "batch_size must be > 0 (got -2)"),
        ({"learning_rate": 0}, "learning_rate must be in (0, 1) (got 0)"),
        ({"head_learning_rate": 1.0}, "head_learning_rate must be in (0, 1) (got 1.0)"),
        ({"dropout": 1.0}, "dropout must be in [0, 1) (got 1.0)"),
        ({"warmup_ratio": -0.1}, "warmup_ratio must be in [0, 1) (got -0.1)"),
        ({"unrelated_claim_rate": 1.5}, "unrelated_claim_rate must be in [0, 1) (got 1.5)"),
        ({"patience": -1}, "patience must be >= 0 (got -1)"),
        ({"max_steps": -5}, "max_steps must be >= 0 (got -5)"),
        ({"weight_decay": -0.01}, "weight_decay must be >= 0 (got -0.01)"),
        ({"class_weight_power": 2.5}, "class_weight_power must be in [0, 2] (got 2.5)"),
        ({"evidence_pos_weight": 0}, "evidence_pos_weight must be > 0"),
        ({"max_length": 40, "max_claim_tokens": 40}, "max_length (40) must exceed max_claim_tokens + max_speaker_tokens (56) by at least 8"),
    ],
)
def test_bad_arguments_are_named_with_their_value(kwargs, message):
    with pytest.raises(ValueError) as err:
        TrainArgs(**kwargs)
    assert str(err.value).startswith("invalid training arguments: ")
    assert message in str(err.value)


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValueError) as err:
        TrainArgs(epochs=0, dropout=2.0, threads=-1)
    text = str(err.value)
    assert "epochs must be > 0" in text and "dropout must be in [0, 1)" in text and "threads must be >= 0" in text
    assert text.count("; ") == 2


def test_to_json_is_serialisable_and_round_trips(tmp_path):
    args = TrainArgs(data="d", out="o", dev="x.csv", epochs=3, export_onnx=False)
    raw = args.to_json()
    assert raw["data"] == "d" and raw["dev"] == "x.csv" and raw["export_onnx"] is False
    path = tmp_path / "args.json"
    path.write_text(json.dumps(raw))
    assert TrainArgs.from_file(path) == args


def test_from_file_reads_json_with_overrides(tmp_path):
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"epochs": 4, "learning_rate": 3e-5, "out": "models/j"}))
    args = TrainArgs.from_file(path, epochs=6, seed=None)
    assert (args.epochs, args.learning_rate, args.out, args.seed) == (6, 3e-5, Path("models/j"), 13)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YAML"])
def test_from_file_reads_yaml(tmp_path, suffix):
    path = tmp_path / f"args{suffix}"
    path.write_text("epochs: 5\nbatch_size: 4\nclass_weighted: false\ndata: corpus/\nname: my-model\n")
    args = TrainArgs.from_file(path)
    assert (args.epochs, args.batch_size, args.class_weighted, args.data, args.name) == (5, 4, False, Path("corpus"), "my-model")


def test_an_empty_yaml_file_means_defaults(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("# nothing set\n")
    assert TrainArgs.from_file(path) == TrainArgs()


def test_unknown_keys_are_rejected_by_name(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("epochs: 2\nlearnig_rate: 0.1\nbatchsize: 8\n")
    with pytest.raises(ValueError, match=r"args.yaml: unknown training argument\(s\) \['batchsize', 'learnig_rate'\]; known: .*'learning_rate'"):
        TrainArgs.from_file(path)


def test_a_config_that_is_not_a_mapping_is_rejected(tmp_path):
    path = tmp_path / "args.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"args.json: expected a mapping"):
        TrainArgs.from_file(path)


def test_bad_values_in_a_config_file_are_validated(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("epochs: 0\n")
    with pytest.raises(ValueError, match="epochs must be > 0"):
        TrainArgs.from_file(path)


def test_cli_flags_override_the_config_file(tmp_path):
    path = tmp_path / "args.yaml"
    path.write_text("epochs: 5\nbatch_size: 4\nlearning_rate: 0.0001\nexport_onnx: true\nout: models/from-file\n")
    args = parse_args(["--config", str(path), "--epochs", "2", "--learning-rate", "3e-5", "--no-export-onnx", "--dev", "d.csv"])
    assert (args.epochs, args.batch_size, args.learning_rate, args.export_onnx) == (2, 4, 3e-5, False)
    assert args.out == Path("models/from-file") and args.dev == Path("d.csv")
    assert isinstance(args.epochs, int) and isinstance(args.learning_rate, float)


def test_cli_flags_without_a_config(tmp_path):
    args = parse_args(["--data", "x/train.csv", "--out", str(tmp_path / "m"), "--max-steps", "12", "--class-weighted", "--base-model", "some/dir"])
    assert args.data == Path("x/train.csv") and args.out == tmp_path / "m"
    assert args.max_steps == 12 and args.class_weighted is True and args.base_model == "some/dir"
    assert parse_args([]) == TrainArgs()


def test_cli_rejects_unknown_flags_and_bad_types():
    with pytest.raises(SystemExit):
        parse_args(["--epocs", "2"])
    with pytest.raises(SystemExit):
        parse_args(["--epochs", "two"])


def test_cli_values_are_validated():
    with pytest.raises(ValueError, match="batch_size must be > 0"):
        parse_args(["--batch-size", "0"])


def test_resolve_base_accepts_a_folder_and_refuses_an_incomplete_one(tmp_path, tiny_base):
    assert resolve_base(str(tiny_base)) == tiny_base
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ValueError, match=r"not a folder with config.json and tokenizer.json \(models are loaded by path, never downloaded\)"):
        resolve_base(str(tmp_path))
