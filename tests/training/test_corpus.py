"""The markup builder: offsets must land exactly on the tagged text."""

from pathlib import Path

import pytest

from training.corpus import CorpusError, build, parse_file, to_record

HEADER = "claim: Iran supplied attack drones to Russia.\ndomain: arms transfers\n\n=== doc\n"


def write(tmp_path: Path, body: str, name: str = "x.txt") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def record(tmp_path: Path, body: str) -> dict:
    return to_record(parse_file(write(tmp_path, body))[0])


def spans(rec: dict, i: int) -> dict:
    t, s = rec["text"], rec["sentences"][i]
    cut = lambda sp: t[sp["start"] : sp["end"]] if sp else None  # noqa: E731
    return {
        "sentence": t[s["start"] : s["end"]],
        "label": s["label"],
        "speaker": cut(s["speaker"]),
        "mention": cut(s["speaker_mention"]),
        "quote": cut(s["quote"]),
        "evidence": [cut(e) for e in s["evidence"]],
    }


def test_tags_become_offsets_on_the_plain_text(tmp_path):
    rec = record(
        tmp_path,
        "-| Drones hit Kyiv\n\n"
        'D| <q>"<e>We never sent a single drone</e>,"</q> <s>the foreign minister</s> said.\n'
        "C| <q>“Ask who <e>arms Kyiv every week</e>,”</q> <p>he</p> added.\n",
    )
    assert rec["text"] == 'Drones hit Kyiv\n"We never sent a single drone," the foreign minister said. “Ask who arms Kyiv every week,” he added.'
    assert spans(rec, 1) == {
        "sentence": '"We never sent a single drone," the foreign minister said.',
        "label": "denial",
        "speaker": "the foreign minister",
        "mention": "the foreign minister",
        "quote": "We never sent a single drone",
        "evidence": ["We never sent a single drone"],
    }
    c = spans(rec, 2)
    assert (c["speaker"], c["mention"], c["quote"]) == ("the foreign minister", "he", "Ask who arms Kyiv every week")
    assert rec["sentences"][0]["attributed"] is False and rec["sentences"][0]["label"] is None


@pytest.mark.parametrize(
    ("body", "index", "speaker"),
    [
        # '@' alone: nearest earlier name; '@Name': nearest earlier name containing it; '@+': the next one.
        ("-| <n>Ali Rezaei</n> spoke first.\nN| <s>Sara Kim</s> said <q>talks went on</q>.\nN@| <q>“We will meet again.”</q>\n", 2, "Sara Kim"),
        ("-| <n>Ali Rezaei</n> spoke first.\nN| <s>Sara Kim</s> said <q>talks went on</q>.\nN@Rezaei| <q>“We will meet again.”</q>\n", 2, "Ali Rezaei"),
        ("-| <n>Ali Rezaei</n> spoke first.\nN@+| <q>“We will meet again.</q>\nN| <q>Soon,”</q> <s>Sara Kim</s> said.\n", 1, "Sara Kim"),
        ('-| <n>Ali Rezaei</n> met <n>Sara Kim</n>.\nN| <q>“Fine,”</q> <p ref="Rezaei">he</p> said.\n', 1, "Ali Rezaei"),
    ],
)
def test_speaker_references_resolve(tmp_path, body, index, speaker):
    assert spans(record(tmp_path, body), index)["speaker"] == speaker


def test_split_quote_spans_both_parts(tmp_path):
    rec = record(tmp_path, 'D| <q>"This is,"</q> <s>she</s> said, <q>"<e>a lie</e>."</q>\n')
    s = rec["sentences"][0]
    assert [rec["text"][p["start"] : p["end"]] for p in s["quote_parts"]] == ["This is", "a lie."]
    assert rec["text"][s["quote"]["start"] : s["quote"]["end"]] == 'This is," she said, "a lie.'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("X| nothing\n", "starts with A| D| C| N| or -|"),
        ("A| <s>He</s> said <q>it happened</q>.\n", "needs at least one <e>"),
        ("N| <s>He</s> said <q><e>it happened</e></q>.\n", "neutral sentence carries no <e>"),
        ("A| <s>He</s> said it <e>happened</e>.\n", "needs a <q>"),
        ("A| He said <q>it <e>happened</e></q>.\n", "needs a speaker"),
        ("-| <s>He</s> spoke.\n", "use <n>"),
        ("A| <s>He</s> said <q>it <e>happened</q></e>.\n", "tags must nest"),
        ("A| <s>He</s> said <q>it happened</q></e>.\n", "closes a tag that is not open"),
        ("A| <s>He said <q>it <e>happened</e></q>.\n", "never closed"),
        ("N@| <q>“Fine.”</q>\n", "no earlier <s> or <n>"),
        ("N| <s>He</s> said <q>2 < 3</q>.\n", "stray"),
    ],
)
def test_bad_markup_names_file_and_line(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(CorpusError) as err:
        for doc in parse_file(path):
            to_record(doc)
    assert message in str(err.value)
    assert f"{path}:5" in str(err.value)


def test_seed_documents_keep_the_original_text(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Headline here\n\nKirby said  it was done. Then more.\n-\nunrelated list\n", encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / "seeds.txt").write_text(
        HEADER + "seed: a.txt\n-| Headline here\nA| <s>Kirby</s> said  <q>it was <e>done</e></q>.\n-| Then more.\n", encoding="utf-8"
    )
    out = build(src, tmp_path / "data", tmp_path / "none.json", seeds)
    rec = out["seeds"][0]
    assert rec["text"] == "Headline here\n\nKirby said  it was done. Then more."
    assert out["train"] == []


def test_seed_sentence_must_match_the_file(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("One sentence. Another one.", encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / "seeds.txt").write_text(HEADER + "seed: a.txt\n-| One sentence.\n-| Another two.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not found next"):
        build(src, tmp_path / "data", tmp_path / "none.json", seeds)
