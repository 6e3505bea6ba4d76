"""The model folder: atomic replacement, manifest checks and refusals that say what to do."""

import json
from pathlib import Path

import pytest

from service.model.encoding import EncodingConfig
from service.model.folder import (
    MANIFEST,
    ModelFolderError,
    StanceConfig,
    atomic_write,
    file_sha256,
    open_folder,
    write_manifest,
)

LABELS = ("assertion", "denial", "counter-accusation", "neutral")


def fill_fake_model(tmp: Path, labels=LABELS) -> None:
    """The required files with stand-in contents: open_folder checks presence and checksums, not weights."""
    (tmp / "config.json").write_text("{}", encoding="utf-8")
    (tmp / "model.safetensors").write_bytes(b"weights")
    (tmp / "tokenizer.json").write_text("{}", encoding="utf-8")
    (tmp / "model.onnx").write_bytes(b"graph")
    config = StanceConfig(labels=list(labels), neutral_label="neutral", encoding=EncodingConfig(max_length=96), temperature=1.5, base_model="tiny")
    (tmp / "stance.json").write_text(json.dumps(config.to_json()), encoding="utf-8")


@pytest.fixture
def model_dir(tmp_path) -> Path:
    return atomic_write(tmp_path / "models" / "default", fill_fake_model)


def leftovers(parent: Path, keep: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name != keep)


def test_atomic_write_creates_the_folder_with_a_manifest_and_no_temp_dir(model_dir):
    assert sorted(p.name for p in model_dir.iterdir()) == sorted(["config.json", "model.safetensors", "tokenizer.json", "model.onnx", "stance.json", MANIFEST])
    manifest = json.loads((model_dir / MANIFEST).read_text())["files"]
    assert manifest == {p.name: file_sha256(p) for p in model_dir.iterdir() if p.name != MANIFEST}
    assert leftovers(model_dir.parent, "default") == []


def test_atomic_write_replaces_an_existing_folder(model_dir):
    (model_dir / "stale.txt").write_text("from the old model")

    def fill(tmp: Path) -> None:
        fill_fake_model(tmp)
        (tmp / "model.safetensors").write_bytes(b"new weights")

    assert atomic_write(model_dir, fill) == model_dir
    assert not (model_dir / "stale.txt").exists()
    assert (model_dir / "model.safetensors").read_bytes() == b"new weights"
    assert leftovers(model_dir.parent, "default") == []
    assert open_folder(model_dir, LABELS).weights_sha256 == file_sha256(model_dir / "model.safetensors")


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failing_fill_leaves_the_old_folder_intact(model_dir, error):
    before = {p.name: p.read_bytes() for p in model_dir.iterdir()}

    def fill(tmp: Path) -> None:
        (tmp / "model.safetensors").write_bytes(b"half written")
        raise error

    with pytest.raises(type(error)):
        atomic_write(model_dir, fill)
    assert {p.name: p.read_bytes() for p in model_dir.iterdir()} == before
    assert leftovers(model_dir.parent, "default") == []
    open_folder(model_dir, LABELS)


def test_a_failing_first_write_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        atomic_write(tmp_path / "new", lambda tmp: (_ for _ in ()).throw(OSError("no space")))
    assert list(tmp_path.iterdir()) == []


def test_open_folder_describes_a_good_folder(model_dir):
    folder = open_folder(model_dir, LABELS)
    assert folder.path == model_dir
    assert folder.config.labels == list(LABELS) and folder.config.neutral_label == "neutral"
    assert folder.config.encoding == EncodingConfig(max_length=96)
    assert folder.config.temperature == 1.5 and folder.config.base_model == "tiny"
    assert folder.weights_sha256 == file_sha256(model_dir / "model.safetensors")
    assert folder.file("model.onnx") == model_dir / "model.onnx"


def assert_refused(path: Path, expected: str, **kw) -> str:
    with pytest.raises(ModelFolderError) as err:
        open_folder(path, **kw)
    text = str(err.value)
    assert str(path) in text, text
    assert expected in text, text
    assert "stancewire train" in text and f"--out {path}" in text, text
    return text


def test_a_missing_folder_is_refused_with_how_to_train_one(tmp_path):
    assert_refused(tmp_path / "nowhere", "no model folder at")


@pytest.mark.parametrize("name", ["model.safetensors", "tokenizer.json", "stance.json", "config.json", MANIFEST])
def test_a_missing_required_file_is_refused(model_dir, name):
    (model_dir / name).unlink()
    assert_refused(model_dir, f"incomplete (missing {name})")


def test_a_missing_manifest_is_accepted_without_verification(model_dir):
    (model_dir / MANIFEST).unlink()
    assert open_folder(model_dir, LABELS, verify=False).weights_sha256 == ""


@pytest.mark.parametrize("name", ["model.safetensors", "tokenizer.json", "model.onnx"])
def test_a_file_changed_after_sealing_is_refused(model_dir, name):
    with open(model_dir / name, "ab") as fh:
        fh.write(b"\0")
    assert_refused(model_dir, f"{name} does not match its checksum in {MANIFEST}")
    assert open_folder(model_dir, LABELS, verify=False).config.labels == list(LABELS)


def test_a_listed_optional_file_may_be_left_out_unless_it_is_needed(model_dir):
    (model_dir / "model.onnx").unlink()  # a serving image may carry only the graph it runs
    assert open_folder(model_dir, LABELS).config.labels == list(LABELS)
    assert_refused(model_dir, "incomplete (missing model.onnx)", needs=("model.onnx",))


def test_a_required_file_missing_from_the_manifest_is_refused(model_dir):
    manifest = json.loads((model_dir / MANIFEST).read_text())
    del manifest["files"]["tokenizer.json"]
    (model_dir / MANIFEST).write_text(json.dumps(manifest))
    assert_refused(model_dir, f"tokenizer.json not listed in {MANIFEST}")
    assert open_folder(model_dir, LABELS, verify=False).config.labels == list(LABELS)


def test_a_model_for_other_labels_is_refused(model_dir):
    text = assert_refused(model_dir, "retrain with the current schema", expected_labels=("assertion", "denial", "neutral"))
    assert "['assertion', 'denial', 'counter-accusation', 'neutral']" in text
    # order matters too: label indices are baked into the stance head
    assert_refused(model_dir, "retrain", expected_labels=("denial", "assertion", "counter-accusation", "neutral"))


def test_an_unreadable_stance_config_is_refused(model_dir):
    (model_dir / "stance.json").write_text(json.dumps({"labels": list(LABELS), "neutral_label": "neutral", "encoding": {"max_length": 10}}))
    write_manifest(model_dir)
    assert_refused(model_dir, "cannot read")
    (model_dir / "stance.json").write_text("{not json")
    write_manifest(model_dir)
    assert_refused(model_dir, "cannot read")


def test_stance_config_round_trips_through_json():
    config = StanceConfig(labels=["a", "b"], neutral_label="b", encoding=EncodingConfig(100, 20, 10), temperature=0.7, evidence_threshold=0.35, name="n", version="2")
    again = StanceConfig.from_json(json.loads(json.dumps(config.to_json())))
    assert again == config
    assert StanceConfig.from_json({"labels": ["a"], "neutral_label": "a"}).encoding == EncodingConfig()
