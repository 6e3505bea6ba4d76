"""A few steps on the real encoder: the loss falls and the saved folder predicts as the in-memory network did."""

import pytest

from service.labels import load_schema
from service.model.predictor import load_predictor
from tests.conftest import tiny_train_args
from training.args import DEFAULT_BASE
from training.data import load_examples
from training.train import train


@pytest.mark.slow
def test_real_encoder_trains_and_its_folder_reloads_to_the_same_predictions(corpus_dir, tmp_path):
    out = tmp_path / "model"
    args = tiny_train_args(
        corpus_dir, out, DEFAULT_BASE, epochs=3, batch_size=8, max_steps=12, max_train_examples=32, learning_rate=1e-4,
        export_onnx=False, evaluate_splits=False, threads=2,
    )
    trained = train(args)
    losses = trained["result"]["losses"]
    assert len(losses) == 12 and trained["result"]["steps"] == 12
    first, last = sum(losses[:3]) / 3, sum(losses[-3:]) / 3
    assert last < first, losses

    items = [x.pair() for x in load_examples(corpus_dir / "dev.jsonl") + load_examples(corpus_dir / "test.jsonl")]
    in_memory = trained["predictor"].predict(items)
    reloaded = load_predictor(out, "torch-fp32", expected_labels=load_schema().labels)
    assert reloaded.config.temperature == trained["temperature"] and reloaded.config.evidence_threshold == trained["evidence_threshold"]
    assert reloaded.predict(items) == in_memory
    assert {p.label for p in in_memory} <= set(load_schema().labels)
