"""Property: every span /v1/analyze returns is a slice of the text that was sent (code-point offsets).

Article texts mix ASCII, curly and straight quotes, emoji and other astral
characters, CJK, odd line breaks and reporting verbs, so the segmenter, the
quote pairing, speaker search and evidence decoding all see them.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.service.api.conftest import check_spans, running

PIECES = [
    "said", " said ", "says", "told reporters", "denied", "according to", "claimed", ", he said.", ", she added.", " the minister said. ",
    "“", "”", "‘", "’", '"', "'", "«", "»", "„", "—", "–", "…",
    ". ", "! ", "? ", "; ", ": ", ".", "\n", "\n\n", "\r\n", "\u2028", "\u0085", "\t", "  ", " ",
    "The foreign minister", "John Kirby", "Kirby", "He", "she", "Pyongyang", "Mr. ", "U.S. ", "Dr. ",
    "We never sent anything", "The reports are false", "They blame us", "found evidence",
    "😀", "🇺🇦", "👩‍👩‍👧", "𝒳", "𐍈", "中文", "他说", "“我们没有”", "。", "，", "한국", "é", "e\u0301", "\u200d", "\ufeff", "\x00",
]
QUOTES = [("“", "”"), ('"', '"'), ("‘", "’"), ("«", "»"), ("„", "“")]
SPEAKERS = ["the foreign minister", "John Kirby", "a senior official", "he", "Pyongyang", "the 😀 ministry", "李明", "Mr. O’Neil"]
chars = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=6)
body = st.lists(st.one_of(st.sampled_from(PIECES), chars), min_size=1, max_size=8).map("".join)
# sentences shaped like attributed speech, so quotes, speakers and evidence are exercised, not only segmentation
quoted = st.builds(lambda q, b, sp: f"{q[0]}{b},{q[1]} {sp} said. ", st.sampled_from(QUOTES), body, st.sampled_from(SPEAKERS))
reported = st.builds(lambda sp, b: f"{sp[:1].upper() + sp[1:]} said {b}. ", st.sampled_from(SPEAKERS), body)
piece = st.one_of(st.sampled_from(PIECES), chars, quoted, reported)
articles = st.lists(piece, min_size=1, max_size=25).map("".join).filter(lambda t: t.strip())


@pytest.fixture(scope="module")
def api(make_app):
    with running(make_app()) as c:
        yield c


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=articles)
def test_every_span_slices_the_text(api, text):
    full = api.post("/v1/analyze", json={"text": text, "include_unattributed": True})
    assert full.status_code == 200, full.text
    data = full.json()
    check_spans(text, data)
    # with unattributed sentences, the sentences tile the text in order without overlapping
    ends = [(s["start"], s["end"]) for s in data["sentences"]]
    assert ends == sorted(ends)
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))
    assert all(s["start"] < s["end"] for s in data["sentences"])

    short = api.post("/v1/analyze", json={"text": text})
    assert short.status_code == 200, short.text
    only = short.json()
    check_spans(text, only)
    assert all(s["attributed"] for s in only["sentences"])
    key = ("index", "start", "end", "quote", "speaker")
    assert [{k: s[k] for k in key} for s in only["sentences"]] == [{k: s[k] for k in key} for s in data["sentences"] if s["attributed"]]
