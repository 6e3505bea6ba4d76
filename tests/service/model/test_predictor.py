"""The predictor: scores, labels, evidence, batching and backends."""

import json
import shutil

import numpy as np
import pytest

from service.labels import load_schema
from service.model.encoding import Batch, PairEncoder
from service.model.folder import ModelFolderError, StanceConfig, open_folder, write_manifest
from service.model.predictor import PairInput, Predictor, load_predictor, make_backend, softmax
from training.data import load_examples

LABELS = ["assertion", "denial", "counter-accusation", "neutral"]
SENTENCES = [
    "“We never sent drones,” the minister said.",
    "The spokesman said talks will resume next week.",
    "They blame us to hide their own failures, the embassy official said.",
    "Inspectors found evidence of the shipments.",
    "No.",
    "The army general said the reports about the grid intrusion were false and the story was a baseless fabrication from start to end.",
    "“Our satellite images show it clearly,” a senior diplomat said.",
    "She said nothing.",
]
ITEMS = [PairInput("Iran supplied attack drones to Russia.", s, "Officials met in Geneva." if i % 2 else "") for i, s in enumerate(SENTENCES)]


class StubBackend:
    """Deterministic outputs computed from each row alone, recording the batches it is given.

    The stance logits favour label (row length mod 4); evidence is high on even token ids.
    """

    def __init__(self):
        self.batches: list[tuple[int, int]] = []

    def run(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        self.batches.append(batch.input_ids.shape)
        lengths = batch.attention_mask.sum(axis=1)
        stance = np.zeros((len(lengths), len(LABELS)), dtype=np.float32)
        stance[np.arange(len(lengths)), lengths % len(LABELS)] = 3.0
        stance += (lengths[:, None] % 7) * 0.1 * np.arange(len(LABELS))[None, :]
        evidence = np.where(batch.input_ids % 2 == 0, 4.0, -4.0).astype(np.float32)
        return stance, evidence


@pytest.fixture(scope="module")
def encoder(tiny_base) -> PairEncoder:
    return PairEncoder.from_dir(tiny_base)


def stub_predictor(encoder, temperature: float = 1.0, **kw) -> Predictor:
    config = StanceConfig(labels=LABELS, neutral_label="neutral", encoding=encoder.config, temperature=temperature, evidence_threshold=0.5)
    return Predictor(config, encoder, StubBackend(), "stub", **kw)


def check_predictions(items: list[PairInput], preds, labels: list[str], neutral: str = "neutral") -> None:
    assert len(preds) == len(items)
    for item, pred in zip(items, preds):
        assert list(pred.scores) == labels
        assert sum(pred.scores.values()) == pytest.approx(1.0, abs=1e-3)
        assert all(0.0 <= v <= 1.0 for v in pred.scores.values())
        assert pred.label in labels and pred.scores[pred.label] == max(pred.scores.values())
        if pred.label == neutral:
            assert pred.evidence == []
        for span in pred.evidence:
            assert 0 <= span.start < span.end <= len(item.sentence)
            assert item.sentence[span.start : span.end].strip() == item.sentence[span.start : span.end]


def test_stub_predictions_are_well_formed_and_follow_the_logits(encoder):
    p = stub_predictor(encoder)
    preds = p.predict(ITEMS)
    check_predictions(ITEMS, preds, LABELS)
    pairs = encoder.encode_many([x.claim for x in ITEMS], [x.sentence for x in ITEMS], [x.context for x in ITEMS])
    assert [x.label for x in preds] == [LABELS[len(pr.input_ids) % 4] for pr in pairs]
    labelled = [x for x in preds if x.label != "neutral"]
    assert labelled and all(x.evidence for x in labelled)
    assert any(x.label == "neutral" for x in preds)
    assert p.last_inference_seconds > 0


def test_temperature_scales_the_scores(encoder):
    cool, warm = stub_predictor(encoder, 1.0).predict(ITEMS[:3]), stub_predictor(encoder, 4.0).predict(ITEMS[:3])
    raw = stub_predictor(encoder).raw(ITEMS[:3])
    for k, (a, b) in enumerate(zip(cool, warm)):
        assert a.label == b.label
        assert max(b.scores.values()) < max(a.scores.values())
        assert list(b.scores.values()) == pytest.approx(softmax(raw.logits[k] / 4.0).tolist(), abs=1e-4)


@pytest.mark.parametrize(("max_tokens", "max_size"), [(60, 64), (10_000, 3), (90, 2), (1, 64)])
def test_batches_respect_the_budgets_and_results_keep_input_order(encoder, max_tokens, max_size):
    items = ITEMS * 3
    batched = stub_predictor(encoder, max_batch_tokens=max_tokens, max_batch_size=max_size)
    preds = batched.predict(items)
    shapes = batched.backend.batches
    assert sum(rows for rows, _ in shapes) == len(items)
    for rows, width in shapes:
        assert rows <= max_size
        assert rows == 1 or rows * width <= max_tokens
    one_by_one = [stub_predictor(encoder).predict([x])[0] for x in items]
    assert preds == one_by_one


def test_batches_are_length_sorted_and_cover_each_item_once(encoder):
    p = stub_predictor(encoder, max_batch_tokens=120, max_batch_size=4)
    pairs = encoder.encode_many([x.claim for x in ITEMS], [x.sentence for x in ITEMS], [x.context for x in ITEMS])
    groups = p.batches(pairs)
    assert sorted(i for g in groups for i in g) == list(range(len(ITEMS)))
    flat = [len(pairs[i].input_ids) for g in groups for i in g]
    assert flat == sorted(flat)
    assert len(groups) > 1


def test_empty_input_returns_nothing_and_runs_nothing(encoder):
    p = stub_predictor(encoder)
    assert p.predict([]) == []
    assert p.backend.batches == []


# ---------------------------------------------------------------- the tiny trained model


@pytest.fixture(scope="module")
def schema_labels():
    return load_schema().labels


@pytest.fixture(scope="module")
def torch_predictor(tiny_model, schema_labels):
    return load_predictor(tiny_model, "torch-fp32", expected_labels=schema_labels)


@pytest.fixture(scope="module")
def real_items(corpus_dir):
    return [PairInput(x.claim, x.sentence, x.context) for x in load_examples(corpus_dir / "test.jsonl")] + ITEMS


def test_model_predictions_are_well_formed(tiny_model, torch_predictor, real_items, schema_labels):
    preds = torch_predictor.predict(real_items)
    check_predictions(real_items, preds, list(schema_labels), load_schema().neutral_label)
    assert torch_predictor.labels == list(schema_labels)
    assert torch_predictor.backend_name == "torch-fp32" and torch_predictor.folder.path == tiny_model


def test_model_predictions_do_not_depend_on_batching(tiny_model, torch_predictor, real_items):
    small = load_predictor(tiny_model, "torch-fp32", max_batch_tokens=64, max_batch_size=2)
    a, b = torch_predictor.predict(real_items), small.predict(real_items)
    assert [x.label for x in a] == [x.label for x in b]
    for x, y in zip(a, b):
        assert list(x.scores.values()) == pytest.approx(list(y.scores.values()), abs=1e-4)
    ra, rb = torch_predictor.raw(real_items), small.raw(real_items)
    np.testing.assert_allclose(ra.logits, rb.logits, atol=1e-4)


def test_unknown_backend_is_a_value_error(tiny_model):
    with pytest.raises(ValueError, match=r"unknown backend 'gpu'.*onnx-int8"):
        load_predictor(tiny_model, "gpu")


def test_onnx_fp32_matches_torch_fp32(tiny_model, torch_predictor, real_items):
    onnx = load_predictor(tiny_model, "onnx-fp32")
    a, b = torch_predictor.predict(real_items), onnx.predict(real_items)
    assert [x.label for x in a] == [x.label for x in b]
    for x, y in zip(a, b):
        assert list(x.scores.values()) == pytest.approx(list(y.scores.values()), abs=1e-4)
    ra, rb = torch_predictor.raw(real_items), onnx.raw(real_items)
    np.testing.assert_allclose(ra.logits, rb.logits, atol=1e-4)
    for ea, eb in zip(ra.evidence_probs, rb.evidence_probs):
        np.testing.assert_allclose(ea, eb, atol=1e-4)


def test_onnx_int8_gives_well_formed_predictions(tiny_model, real_items, schema_labels):
    preds = load_predictor(tiny_model, "onnx-int8").predict(real_items)
    check_predictions(real_items, preds, list(schema_labels))


def with_fallback_margin(tiny_model, tmp_path, margin: float):
    copy = tmp_path / f"model-{margin}"
    shutil.copytree(tiny_model, copy)
    raw = json.loads((copy / "stance.json").read_text())
    raw["int8_fallback_margin"] = margin
    (copy / "stance.json").write_text(json.dumps(raw))
    write_manifest(copy)
    return copy


def test_int8_near_ties_are_rerun_in_fp32(tiny_model, tmp_path, real_items):
    fp32 = load_predictor(tiny_model, "onnx-fp32").raw(real_items)
    # a margin above any possible gap sends every pair to fp32: int8 then returns fp32's numbers exactly
    everything = load_predictor(with_fallback_margin(tiny_model, tmp_path, 1.01), "onnx-int8")
    np.testing.assert_allclose(everything.raw(real_items).logits, fp32.logits, atol=1e-5)
    assert everything.fallback_pairs == len(real_items)
    # margin 0: int8 alone, and no fp32 graph is even loaded
    alone = load_predictor(with_fallback_margin(tiny_model, tmp_path, 0.0), "onnx-int8")
    assert alone.fallback is None
    alone.raw(real_items)
    assert alone.fallback_pairs == 0
    # a middle margin re-runs exactly the pairs whose int8 top-two gap is below it
    middle = load_predictor(with_fallback_margin(tiny_model, tmp_path, 0.02), "onnx-int8")
    int8 = load_predictor(tiny_model, "onnx-int8", fallback=False).raw(real_items).logits
    expected = middle.near_ties(int8)
    out = middle.raw(real_items).logits
    assert middle.fallback_pairs == len(expected)
    for i in range(len(real_items)):
        np.testing.assert_allclose(out[i], fp32.logits[i] if i in expected else int8[i], atol=1e-5)


def test_torch_bf16_stays_close_to_fp32(tiny_model, torch_predictor, real_items, schema_labels):
    bf16 = load_predictor(tiny_model, "torch-bf16")
    preds = bf16.predict(real_items)
    check_predictions(real_items, preds, list(schema_labels))
    ra, rb = torch_predictor.raw(real_items), bf16.raw(real_items)
    assert rb.logits.dtype == np.float32  # cast back for the calibration and the API
    np.testing.assert_allclose(ra.logits, rb.logits, atol=0.05)  # bf16 keeps about 3 significant digits


def test_torch_backends_without_torch_say_what_to_use_instead(tiny_model, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ModelFolderError, match=r"backend torch-bf16 needs torch.*use onnx-int8 or onnx-fp32"):
        make_backend(open_folder(tiny_model), "torch-bf16", None)


def test_a_missing_onnx_graph_is_refused_but_other_backends_still_load(tiny_model, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    (copy / "model.int8.onnx").unlink()
    with pytest.raises(ModelFolderError, match=r"incomplete \(missing model.int8.onnx\)"):
        load_predictor(copy, "onnx-int8")
    with pytest.raises(ModelFolderError, match=r"no model.int8.onnx for backend onnx-int8; use backend torch-fp32"):
        make_backend(open_folder(copy), "onnx-int8", None)
    for backend in ("onnx-fp32", "torch-fp32"):
        assert load_predictor(copy, backend).predict(ITEMS[:1])[0].label in load_schema().labels


def test_a_model_for_other_labels_is_refused_by_load_predictor(tiny_model):
    with pytest.raises(ModelFolderError, match="retrain with the current schema"):
        load_predictor(tiny_model, "torch-fp32", expected_labels=("yes", "no"))
