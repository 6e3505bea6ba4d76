"""The `stancewire` command line: help, analyze, classify, batch (with resume) and its errors.

Commands are called in-process through service.cli.main (output captured with
capsys); the interrupted batch run is a real subprocess stopped with SIGINT.
Everything runs on the session's tiny random model (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.api.schemas import AnalyzeResponse
from service.cli import main
from service.model.predictor import BACKENDS, PairInput, load_predictor

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ("serve", "analyze", "classify", "batch", "train", "evaluate")
TOP_KEYS = {"model", "claim", "sentences", "speakers"}
SENTENCE_KEYS = {"index", "start", "end", "text", "attributed", "quote", "speaker", "label", "scores", "evidence", "rule"}
CLAIM = "Iran supplied attack drones to Russia."

# Non-ASCII before the statements (accents, an astral-plane emoji) so that code point
# offsets differ from byte and UTF-16 offsets; curly quotes; a pronoun that resolves.
ARTICLE = (
    "GENEVA — Officials met in Genève on Monday to discuss the drone deliveries 🚁.\n\n"
    "“We never sent anything like the drone deliveries,” the foreign minister said. "
    "The army general said the inspectors had found evidence of the drone deliveries.\n\n"
    "“This is propaganda to justify new pressure on Tehran,” said Ali Rezaei, a government spokesman. "
    "He added: “The reports are false.”\n\n"
    "According to the security council, talks about the deliveries will resume next week. The committee meets again on Friday.\n"
)

# a dozen sentences of very different lengths, so the predictor's length sort reorders them
ITEMS = [
    {"text": "“The reports are false,” he said.", "context": ""},
    {
        "text": "The army general said the inspectors had found evidence of the drone deliveries at three airfields in the south "
        "of the country, and that satellite images clearly show the shipments being unloaded at night over several weeks.",
        "context": "Officials met in Geneva on Monday.",
    },
    {"text": "Tehran denies any role in the drone deliveries, the ministry said.", "context": "Reporters gathered outside."},
    {"text": "“No comment,” a spokesman said."},
    {"text": "“This is propaganda to justify new pressure on Tehran,” said Ali Rezaei, a government spokesman.", "context": "The talks resumed."},
    {"text": "The council holds Tehran responsible for the drone deliveries, the prime minister said.", "context": ""},
    {"text": "He said it.", "context": "A long preceding sentence about the drone deliveries that the committee debated on Friday in Vienna."},
    {"text": "“We can confirm that the drone deliveries took place,” the senior diplomat told reporters on Tuesday morning.", "context": ""},
    {"text": "The accusers should look at their own record before talking of the drone deliveries, an embassy official said.", "context": ""},
    {"text": "Talks with Tehran about the drone deliveries will resume next week, the foreign minister said.", "context": "Diplomats met."},
    {"text": "“Claims about the drone deliveries are a baseless fabrication and absurd nonsense,” the opposition leader said.", "context": ""},
    {"text": "They blame Tehran to hide their failures, he said.", "context": "The agency director spoke."},
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def documents(n: int) -> list[dict]:
    """n short distinct documents with attributed sentences; every third one carries its own claim."""
    out = []
    for i in range(n):
        doc = {
            "id": f"doc-{i:04d}",
            "text": f"Officials met in Geneva on day {i}. “We never sent anything like the drone deliveries {i},” the foreign minister said."
            + (" The army general said the reports are false." if i % 2 else ""),
        }
        if i % 3 == 0:
            doc["claim"] = CLAIM
        out.append(doc)
    return out


def assert_analysis_shape(out: dict, text: str) -> None:
    """The body of POST /v1/analyze, every span cut from `text` at code point offsets."""
    assert set(out) >= TOP_KEYS
    AnalyzeResponse.model_validate({k: out[k] for k in TOP_KEYS})
    labels = out["model"]["labels"]
    for s in out["sentences"]:
        assert set(s) == SENTENCE_KEYS
        assert text[s["start"] : s["end"]] == s["text"]
        if s["quote"]:
            assert text[s["quote"]["start"] : s["quote"]["end"]] == s["quote"]["text"]
        if s["speaker"]:
            assert text[s["speaker"]["start"] : s["speaker"]["end"]] == s["speaker"]["name"]
        for e in s["evidence"]:
            assert s["start"] <= e["start"] < e["end"] <= s["end"]
            assert text[e["start"] : e["end"]] == e["text"]
        if s["attributed"]:
            assert s["label"] in labels
            assert set(s["scores"]) == set(labels)
            assert abs(sum(s["scores"].values()) - 1.0) < 1e-2
    indexes = {s["index"] for s in out["sentences"]}
    for sp in out["speakers"]:
        assert sp["label"] in labels
        assert set(sp["sentences"]) <= indexes


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: stancewire {command}")
    assert "--model" in out or "--data" in out or "--input" in out


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


def test_no_command_prints_usage_and_fails(capsys):
    assert main([]) == 2
    assert "usage: stancewire" in capsys.readouterr().out


# ---------------------------------------------------------------- analyze


def test_analyze_prints_the_json_of_the_api(tiny_model, tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["analyze", str(article), "--model", str(tiny_model), "--backend", "onnx-fp32"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert set(out) == TOP_KEYS  # one file: no "file" key
    assert_analysis_shape(out, ARTICLE)
    assert out["claim"] == out["model"]["default_claim"]
    assert out["model"]["backend"] == "onnx-fp32"
    attributed = [s for s in out["sentences"] if s["attributed"]]
    assert len(attributed) >= 4
    assert all(s["attributed"] for s in out["sentences"])  # unattributed ones are left out by default
    assert {"the foreign minister", "Ali Rezaei"} <= {s["speaker"]["name"] for s in attributed if s["speaker"]}

    # the same body as POST /v1/analyze on the same model and backend
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.api.settings import Settings

    app = create_app(Settings(model_path=tiny_model, backend="onnx-fp32", log_level="WARNING"))
    with TestClient(app) as client:
        deadline = time.monotonic() + 30
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "server never became ready"
            time.sleep(0.05)
        response = client.post("/v1/analyze", json={"text": ARTICLE})
    assert response.status_code == 200
    api = response.json()
    assert set(api) == set(out)
    assert api["model"] == out["model"] and api["claim"] == out["claim"] and api["speakers"] == out["speakers"]
    assert len(api["sentences"]) == len(out["sentences"])
    for a, c in zip(api["sentences"], out["sentences"]):
        assert {k: v for k, v in a.items() if k != "scores"} == {k: v for k, v in c.items() if k != "scores"}
        assert a["scores"] == pytest.approx(c["scores"], abs=2e-4)


def test_analyze_claim_and_unattributed_sentences(tiny_model, tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["analyze", str(article), "--model", str(tiny_model), "--claim", f"  {CLAIM} ", "--include-unattributed"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["claim"] == CLAIM  # stripped, like the API
    assert_analysis_shape(out, ARTICLE)
    unattributed = [s for s in out["sentences"] if not s["attributed"]]
    assert unattributed and all(s["label"] is None and s["scores"] is None and s["quote"] is None for s in unattributed)
    assert [s["index"] for s in out["sentences"]] == sorted(s["index"] for s in out["sentences"])


def test_analyze_several_files_compact_and_stdin(tiny_model, tmp_path, capsys, monkeypatch):
    import io

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(ARTICLE, encoding="utf-8")
    other = "“The reports are false,” the army general said on Friday. Talks will resume, a senior diplomat said."
    second.write_text(other, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(other))
    assert main(["analyze", str(first), str(second), "-", "--model", str(tiny_model), "--compact"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    outs = [json.loads(line) for line in lines]
    assert [o["file"] for o in outs] == [str(first), str(second), "-"]
    for o, text in zip(outs, (ARTICLE, other, other)):
        assert_analysis_shape(o, text)
    assert outs[1]["sentences"] == outs[2]["sentences"]


def test_analyze_offsets_index_a_file_with_crlf_line_ends(tiny_model, tmp_path, capsys):
    crlf = ARTICLE.replace("\n", "\r\n")
    article = tmp_path / "windows.txt"
    article.write_bytes(crlf.encode("utf-8"))
    assert main(["analyze", str(article), "--model", str(tiny_model)]) == 0
    assert_analysis_shape(json.loads(capsys.readouterr().out), crlf)


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("missing.txt", None, "No such file"),
        ("latin1.txt", "Le ministre a déclaré: « C'est faux ».".encode("latin-1"), "UTF-8"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n\t \n", "empty"),
    ],
)
def test_analyze_unreadable_or_empty_file_fails_naming_it(tiny_model, tmp_path, capsys, name, content, expect):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / name
    if content is not None:
        bad.write_bytes(content)
    code = main(["analyze", str(good), str(bad), "--model", str(tiny_model)])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.out == ""  # nothing half-printed for the good file either
    assert str(bad) in captured.err and expect in captured.err.replace("non-empty", "empty")
    assert captured.err.startswith("error: ") and "Traceback" not in captured.err


# ---------------------------------------------------------------- classify


def test_classify_writes_one_line_per_item_in_input_order(tiny_model, tmp_path, capsys):
    items = write_jsonl(tmp_path / "items.jsonl", [ITEMS[0], "", *ITEMS[1:6], "   ", *ITEMS[6:]])  # blank lines are skipped
    assert main(["classify", "--claim", CLAIM, "--input", str(items), "--model", str(tiny_model), "--backend", "onnx-fp32"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(ITEMS)
    results = [json.loads(line) for line in lines]

    predictor = load_predictor(tiny_model, "onnx-fp32")
    encoded = predictor.encoder.encode_many([CLAIM] * len(ITEMS), [x["text"] for x in ITEMS], [x.get("context", "") for x in ITEMS])
    lengths = [len(e.input_ids) for e in encoded]
    assert lengths != sorted(lengths) and len(set(lengths)) > 6  # the predictor's length sort really reorders them
    distinct = {tuple(r["scores"].values()) for r in results}
    assert len(distinct) >= 10, "scores must tell the items apart for the order check to mean anything"
    for item, result in zip(ITEMS, results):
        assert set(result) == {"label", "scores", "evidence"}
        alone = predictor.predict([PairInput(CLAIM, item["text"], item.get("context", ""))])[0]  # this item by itself, no batching
        assert result["label"] == alone.label
        assert result["scores"] == pytest.approx(alone.scores, abs=2e-4)
        for e in result["evidence"]:
            assert item["text"][e["start"] : e["end"]] == e["text"]


def test_classify_output_file(tiny_model, tmp_path, capsys):
    items = write_jsonl(tmp_path / "items.jsonl", ITEMS[:3])
    out = tmp_path / "results.jsonl"
    assert main(["classify", "--claim", CLAIM, "--input", str(items), "--output", str(out), "--model", str(tiny_model)]) == 0
    assert capsys.readouterr().out == ""
    assert len(read_jsonl(out)) == 3 and out.read_text(encoding="utf-8").endswith("\n")


@pytest.mark.parametrize(
    ("lines", "bad_line", "expect"),
    [
        ([ITEMS[0], ITEMS[1], '{"text": "unterminated', ITEMS[2]], 3, "not valid JSON"),
        ([ITEMS[0], {"context": "no text here"}, ITEMS[2]], 2, "'text'"),
        ([ITEMS[0], "", "", {"text": "   "}], 4, "'text'"),  # blank lines still count
        ([ITEMS[0], {"text": 42}], 2, "'text'"),
        ([ITEMS[0], '["a", "list"]'], 2, "JSON object"),
        ([ITEMS[0], {"text": "He said it.", "context": 7}], 2, "'context'"),
    ],
)
def test_classify_bad_line_fails_naming_file_and_line(tiny_model, tmp_path, capsys, lines, bad_line, expect):
    items = write_jsonl(tmp_path / "items.jsonl", lines)
    code = main(["classify", "--claim", CLAIM, "--input", str(items), "--model", str(tiny_model)])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.out == ""
    assert f"{items}:{bad_line}:" in captured.err and expect in captured.err
    assert "Traceback" not in captured.err


def test_classify_missing_input_file(tiny_model, tmp_path, capsys):
    missing = tmp_path / "nope.jsonl"
    assert main(["classify", "--claim", CLAIM, "--input", str(missing), "--model", str(tiny_model)]) != 0
    err = capsys.readouterr().err
    assert str(missing) in err and "not found" in err


# ---------------------------------------------------------------- batch


def run_batch(inp: Path, out: Path, model: Path, *extra: str) -> int:
    return main(["batch", "--input", str(inp), "--output", str(out), "--model", str(model), *extra])


def test_batch_writes_one_line_per_document_with_a_progress_bar(tiny_model, tmp_path, capsys):
    docs = documents(5)
    inp, out = write_jsonl(tmp_path / "docs.jsonl", docs), tmp_path / "out.jsonl"
    assert run_batch(inp, out, tiny_model) == 0
    err = capsys.readouterr().err
    assert "documents" in err and "5/5" in err and "100%" in err
    assert "5 documents written, 0 already done" in err
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == [d["id"] for d in docs]
    default_claim = rows[1]["model"]["default_claim"]
    for doc, row in zip(docs, rows):
        assert set(row) == TOP_KEYS | {"id"}
        assert_analysis_shape(row, doc["text"])
        assert row["claim"] == doc.get("claim", default_claim)
        assert row["sentences"], "each document has an attributed sentence"


def test_batch_claim_flag_applies_to_documents_without_one(tiny_model, tmp_path, capsys):
    docs = documents(2)  # doc-0000 has its own claim, doc-0001 has none
    inp, out = write_jsonl(tmp_path / "docs.jsonl", docs), tmp_path / "out.jsonl"
    assert run_batch(inp, out, tiny_model, "--claim", "Hackers stole the national voter rolls.") == 0
    assert [r["claim"] for r in read_jsonl(out)] == [CLAIM, "Hackers stole the national voter rolls."]


def test_batch_resumes_after_a_torn_last_line(tiny_model, tmp_path, capsys):
    docs = documents(40)  # more than one chunk of 16
    inp, out = write_jsonl(tmp_path / "docs.jsonl", docs), tmp_path / "out.jsonl"
    # an earlier run finished some documents (not the first ones only) and died while writing another
    done = [docs[i] for i in (0, 1, 2, 5, 17, 30)]
    assert run_batch(write_jsonl(tmp_path / "part.jsonl", done), out, tiny_model) == 0
    finished = out.read_bytes()
    torn_doc = docs[3]
    out.write_bytes(finished + json.dumps({"id": torn_doc["id"], "claim": "North Korea supplied", "sent": [1, 2]}).encode()[:37])
    capsys.readouterr()

    assert run_batch(inp, out, tiny_model) == 0
    err = capsys.readouterr().err
    assert f"{len(docs) - len(done)} documents written, {len(done)} already done" in err
    raw = out.read_bytes()
    assert raw.startswith(finished)  # the finished lines kept as they were, the torn one cut
    assert raw.endswith(b"\n")
    rows = read_jsonl(out)  # every line is whole JSON
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == len(docs)  # no duplicates, none lost
    assert set(ids) == {d["id"] for d in docs}
    assert ids[len(done) :] == [d["id"] for d in docs if d not in done]  # exactly the missing ones, in input order
    assert ids.count(torn_doc["id"]) == 1
    by_id = {d["id"]: d for d in docs}
    for row in rows:
        assert_analysis_shape(row, by_id[row["id"]]["text"])

    # a third run has nothing left to do and leaves the file alone
    assert run_batch(inp, out, tiny_model) == 0
    assert out.read_bytes() == raw
    assert f"0 documents written, {len(docs)} already done" in capsys.readouterr().err


def test_batch_output_whose_only_line_is_torn(tiny_model, tmp_path, capsys):
    docs = documents(3)
    inp, out = write_jsonl(tmp_path / "docs.jsonl", docs), tmp_path / "out.jsonl"
    out.write_text('{"id": "doc-0000", "model": {"na', encoding="utf-8")
    assert run_batch(inp, out, tiny_model) == 0
    assert [r["id"] for r in read_jsonl(out)] == [d["id"] for d in docs]


def test_batch_interrupted_by_sigint_resumes_without_loss_or_repeat(tiny_model, tmp_path, capsys):
    docs = documents(4000)
    inp, out = write_jsonl(tmp_path / "docs.jsonl", docs), tmp_path / "out.jsonl"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "service.cli", "batch", "--input", str(inp), "--output", str(out), "--model", str(tiny_model)]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while (not out.exists() or out.stat().st_size == 0) and proc.poll() is None:
            assert time.monotonic() < deadline, "the batch run wrote nothing"
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "run the same command again" in err
    first = out.read_bytes()
    assert first.endswith(b"\n")
    first_ids = [r["id"] for r in read_jsonl(out)]
    assert 0 < len(first_ids) < len(docs)
    assert first_ids == [d["id"] for d in docs[: len(first_ids)]]

    assert run_batch(inp, out, tiny_model) == 0
    assert f"{len(docs) - len(first_ids)} documents written, {len(first_ids)} already done" in capsys.readouterr().err
    assert out.read_bytes().startswith(first)
    ids = [r["id"] for r in read_jsonl(out)]
    assert ids == [d["id"] for d in docs]  # none lost, none repeated


def test_batch_rejects_duplicate_ids_before_writing(tiny_model, tmp_path, capsys):
    docs = documents(4)
    docs[3]["id"] = docs[1]["id"]
    inp, out = write_jsonl(tmp_path / "docs.jsonl", docs), tmp_path / "out.jsonl"
    assert run_batch(inp, out, tiny_model) != 0
    err = capsys.readouterr().err
    assert f"{inp}:4:" in err and repr(docs[1]["id"]) in err and "line 2" in err and "unique" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("row", "expect"),
    [({"text": "He said it."}, "'id'"), ({"id": "x", "text": ""}, "'text'"), ({"id": 7, "text": "He said it."}, "'id'"), ("{oops", "not valid JSON")],
)
def test_batch_bad_line_fails_naming_file_and_line(tiny_model, tmp_path, capsys, row, expect):
    inp, out = write_jsonl(tmp_path / "docs.jsonl", [*documents(2), row]), tmp_path / "out.jsonl"
    assert run_batch(inp, out, tiny_model) != 0
    err = capsys.readouterr().err
    assert f"{inp}:3:" in err and expect in err and "Traceback" not in err


# ---------------------------------------------------------------- model and backend errors

MODEL_COMMANDS = {
    "analyze": lambda tmp: ["analyze", str(tmp / "a.txt")],
    "classify": lambda tmp: ["classify", "--claim", CLAIM, "--input", str(tmp / "items.jsonl")],
    "batch": lambda tmp: ["batch", "--input", str(tmp / "docs.jsonl"), "--output", str(tmp / "out.jsonl")],
    "serve": lambda tmp: ["serve", "--port", "1"],
}


@pytest.fixture
def inputs(tmp_path, monkeypatch) -> Path:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    write_jsonl(tmp_path / "items.jsonl", ITEMS[:2])
    write_jsonl(tmp_path / "docs.jsonl", documents(2))
    import uvicorn

    def no_server(*a, **kw):
        raise AssertionError("serve must fail before starting the server")

    monkeypatch.setattr(uvicorn, "run", no_server)
    return tmp_path


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_missing_model_folder_exits_2_with_the_path_and_how_to_train(command, inputs, capsys):
    missing = inputs / "models" / "nothing-here"
    assert main([*MODEL_COMMANDS[command](inputs), "--model", str(missing)]) == 2
    captured = capsys.readouterr()
    assert str(missing) in captured.err and "stancewire train" in captured.err
    assert captured.out == "" and "Traceback" not in captured.err
    assert not (inputs / "out.jsonl").exists()


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_unknown_backend_fails_with_the_allowed_list(command, inputs, tiny_model, capsys):
    assert main([*MODEL_COMMANDS[command](inputs), "--model", str(tiny_model), "--backend", "tensorrt"]) != 0
    err = capsys.readouterr().err
    assert "tensorrt" in err and all(b in err for b in BACKENDS)
    assert "Traceback" not in err


def test_incomplete_model_folder_names_the_missing_file(inputs, tiny_model, tmp_path, capsys):
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    (broken / "model.int8.onnx").unlink()
    assert main(["analyze", str(inputs / "a.txt"), "--model", str(broken), "--backend", "onnx-int8"]) == 2
    err = capsys.readouterr().err
    assert str(broken) in err and "model.int8.onnx" in err and "stancewire train" in err
    # the other backends need other files and still work
    assert main(["analyze", str(inputs / "a.txt"), "--model", str(broken), "--backend", "onnx-fp32", "--compact"]) == 0


def test_classify_rejects_an_empty_claim(tiny_model, tmp_path, capsys):
    inp = write_jsonl(tmp_path / "items.jsonl", [{"text": "He said it happened."}])
    assert main(["classify", "--claim", "   ", "--input", str(inp), "--model", str(tiny_model)]) != 0
    assert "--claim must not be empty" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["classify", "batch"])
def test_output_in_a_missing_folder_is_an_error_not_a_traceback(tiny_model, tmp_path, capsys, command):
    out = tmp_path / "no" / "such" / "out.jsonl"
    if command == "classify":
        inp = write_jsonl(tmp_path / "items.jsonl", [{"text": "He said it happened."}])
        code = main(["classify", "--claim", CLAIM, "--input", str(inp), "--output", str(out), "--model", str(tiny_model)])
    else:
        inp = write_jsonl(tmp_path / "docs.jsonl", documents(1))
        code = run_batch(inp, out, tiny_model)
    assert code != 0
    assert "does not exist" in capsys.readouterr().err


def test_batch_refuses_an_output_that_is_not_its_own(tiny_model, tmp_path, capsys):
    inp = write_jsonl(tmp_path / "docs.jsonl", documents(2))
    out = tmp_path / "out.jsonl"
    out.write_text('{"not": "a result"}\n', encoding="utf-8")
    assert run_batch(inp, out, tiny_model) != 0
    err = capsys.readouterr().err
    assert f"{out}:1" in err and "stancewire batch" in err
