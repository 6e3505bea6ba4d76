"""The data validator and readers: bad files are named by file, line and field."""

import json
from pathlib import Path

import pytest

from training import corpus
from training.data import (
    DataError,
    examples_from_documents,
    load_documents,
    load_examples,
    load_flat,
    near_duplicates,
    target_figures,
    validate,
)

REPO = Path(__file__).resolve().parents[2]
TEXT = 'Officials spoke. "We never sent drones," the minister said.'


def good_doc(**over) -> dict:
    doc = {
        "id": "d1",
        "claim": "Iran supplied drones to Russia.",
        "domain": "arms transfers",
        "text": TEXT,
        "sentences": [
            {"start": 0, "end": 16, "attributed": False, "label": None, "speaker": None, "quote": None, "evidence": []},
            {"start": 17, "end": 59, "attributed": True, "label": "denial", "speaker": {"start": 41, "end": 53}, "quote": {"start": 18, "end": 38}, "evidence": [{"start": 18, "end": 38}]},
        ],
    }
    doc.update(over)
    return doc


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_good_document_reads_and_yields_examples(tmp_path):
    docs = load_documents(write_jsonl(tmp_path / "train.jsonl", [good_doc()]))
    (ex,) = examples_from_documents(docs)
    assert ex.sentence == '"We never sent drones," the minister said.'
    assert ex.context == "Officials spoke."
    assert [ex.sentence[a:b] for a, b in ex.evidence] == ["We never sent drones"]


def sentence_patch(i: int, **fields):
    doc = good_doc()
    doc["sentences"][i].update(fields)
    return doc


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("{not json", "", "not valid JSON"),
        (good_doc(claim=""), "claim", "required non-empty string"),
        (good_doc(sentences=[]), "sentences", "required non-empty list"),
        (sentence_patch(1, label="sarcasm"), "sentences[1].label", "is not one of"),
        (sentence_patch(1, evidence=[]), "sentences[1].evidence", "needs at least one evidence span"),
        (sentence_patch(1, end=99), "sentences[1]", "outside the text"),
        (sentence_patch(1, start=10), "sentences[1]", "before the previous sentence ends"),
        (sentence_patch(0, end=9), "sentences[1]", "belongs to no sentence"),
        (sentence_patch(1, quote={"start": 0, "end": 5}), "sentences[1].quote", "outside its sentence"),
        (sentence_patch(1, attributed="yes"), "sentences[1].attributed", "required boolean"),
        (sentence_patch(0, quote={"start": 0, "end": 5}), "sentences[0]", "unattributed sentence carries no quote"),
    ],
)
def test_bad_lines_are_located(tmp_path, row, field, message):
    path = write_jsonl(tmp_path / "train.jsonl", [good_doc(id="ok"), row])
    with pytest.raises(DataError) as err:
        load_documents(path)
    text = str(err.value)
    assert f"{path}:2" in text and message in text
    if field:
        assert f"field '{field}'" in text


def test_flat_rows_accept_csv_and_jsonl_and_locate_bad_rows(tmp_path):
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text('claim,sentence,context,label,evidence\nC.,"He said it was a lie.",,denial,a lie\nC.,"She spoke.",,maybe,\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"rows.csv:3 field 'label'"):
        load_flat(csv_path)
    jl = write_jsonl(tmp_path / "rows.jsonl", [{"claim": "C.", "sentence": "He said it was a lie.", "label": "denial", "evidence": ["a lie"]}])
    (ex,) = load_examples(jl)
    assert ex.sentence[ex.evidence[0][0] : ex.evidence[0][1]] == "a lie"
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"claim": "C.", "sentence": "He said it.", "label": "denial", "evidence": ["a lie"]}])
    with pytest.raises(DataError, match=r"bad.jsonl:1 field 'evidence'.*does not occur"):
        load_examples(bad)


def test_near_duplicates_are_found_and_different_sentences_are_not():
    items = [
        ("a", "The ministry said the drones were never delivered to Moscow."),
        ("b", "The ministry said the drones were never delivered to Moscow!"),
        ("c", "A spokesman in Tehran dismissed the report as Western propaganda."),
    ]
    pairs = near_duplicates(items)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]


def test_validate_finds_claims_shared_between_splits(tmp_path):
    for split in ("train", "dev", "test", "seeds"):
        write_jsonl(tmp_path / f"{split}.jsonl", [good_doc(id=f"{split}-1", claim="Same claim." if split != "seeds" else "Other.")])
    report = validate(tmp_path)
    assert any("appears in both train and dev" in p for p in report.problems)


def test_the_corpus_is_valid_and_meets_its_targets():
    report = validate(REPO / "labels" / "data")
    assert report.problems == []
    short = [(name, value, goal) for name, value, goal in target_figures(report) if value < goal]
    assert short == []
    assert len(report.documents["seeds"]) == 5


def test_the_corpus_jsonl_is_what_the_sources_build(tmp_path):
    """labels/data must not drift from labels/src: rebuild and compare byte for byte."""
    corpus.build(out_dir=tmp_path)
    for split in ("train", "dev", "test", "seeds"):
        built = (tmp_path / f"{split}.jsonl").read_text(encoding="utf-8")
        assert built == (REPO / "labels" / "data" / f"{split}.jsonl").read_text(encoding="utf-8"), split
