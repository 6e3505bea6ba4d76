"""Long and pathological articles: spans stay right however the text is shaped.

No timing here (scripts/bench_pipeline.py measures that); these check that the
indexes and sweeps which keep long texts fast still answer correctly at scale.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import Statement, extract_statements, segment


def _name(i: int) -> str:
    return "Official " + chr(65 + i % 26) + chr(97 + i // 26 % 26) + "k"


def check_spans(text: str) -> list[Statement]:
    """Every offset points into the text, sentences tile it in order, quotes and mentions sit in their sentence."""
    statements = extract_statements(text)
    assert [s.sentence for s in statements] == segment(text)
    previous_end = 0
    for i, s in enumerate(statements):
        sent = s.sentence
        assert sent.index == i
        assert previous_end <= sent.start < sent.end <= len(text)
        assert text[sent.start : sent.end] == sent.text
        previous_end = sent.end
        for span in (s.quote, s.speaker, s.mention, s.cue):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
        if s.quote is not None:
            assert sent.span.contains(s.quote)
        if s.mention is not None:
            assert sent.span.contains(s.mention)
        if s.cue is not None:
            assert sent.span.contains(s.cue)
        if s.speaker is not None:
            assert s.speaker_name == text[s.speaker.start : s.speaker.end]
        if not s.attributed:
            assert (s.quote, s.speaker, s.mention, s.cue, s.speaker_name) == (None,) * 5
    return statements


PATHOLOGICAL = {
    "thousands of short quotes": "".join(f"“Prices rose {i} times,” {_name(i)} said. " for i in range(1500)),
    "one giant unclosed quotation": "Kirby said: “" + "The talks failed, he said, and Bak agreed. " * 600,
    "an unclosed quotation in every paragraph": "“Kirby said the talks failed\n" * 1500,
    "thousands of quote marks": "\" ' “ ‘ « ” » ’ ‹ › „ " * 1500,
    "possessive apostrophes among marks": "the officials’ plan ’ ‘ the Americans’ ’90s s' " * 800,
    "no sentence punctuation": "Kirby said the ministry rejected claims according to officials who denied it " * 300,
    "title case without a stop": "Bak Said Cak Says Dak Told Fak Quoted By The Ministry Of " * 400,
    "thousands of newlines": "Talks to resume Monday: ministry\n\n- Kirby said\n“\n\n\n" * 800,
    "only punctuation": ".,;:!?…()\"“”-–—" * 1500,
    "runs of auxiliaries and adverbs": "officials has has also later flatly reportedly reply said " * 400,
    "stops inside an endless parenthesis": "(Kirby said. No. 5 was rejected. " * 1000,
    "pronouns with nothing to point at": "Bak Holdings said. He said. They said. The spokesman said. " * 500,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_article_spans_match(text):
    check_spans(text)


def test_every_short_quote_keeps_its_own_speaker():
    """3,000 quotations: each sentence is matched to its own quotation and its own speaker."""
    text = "".join(f"“Prices rose {i} times,” {_name(i)} said. He added: “We will not stop.” " for i in range(1500))
    statements = check_spans(text)
    assert len(statements) == 3000
    for i in range(1500):
        quoted, added = statements[2 * i], statements[2 * i + 1]
        assert (quoted.kind, quoted.speaker_name) == ("direct", _name(i))
        assert text[quoted.quote.start : quoted.quote.end] == f"Prices rose {i} times"
        assert (added.kind, added.speaker_name) == ("direct", _name(i))
        assert text[added.quote.start : added.quote.end] == "We will not stop"


def test_unclosed_quotation_covers_the_rest_of_its_paragraph():
    text = "Kirby said: “" + "The talks failed. " * 2000 + "\nBak said it was over."
    statements = check_spans(text)
    assert statements[0].kind == "direct" and statements[0].speaker_name == "Kirby"
    assert all(s.kind == "continuation" and s.speaker_name == "Kirby" for s in statements[1:-1])
    assert statements[-1].speaker_name == "Bak"


def test_pronoun_far_down_a_long_article_resolves_to_the_last_name():
    filler = "".join(f"{_name(i)} Holdings said on Friday that prices rose. " for i in range(800))
    text = "John Kirby said the talks failed. " + filler + "He said they would resume."
    statements = check_spans(text)
    assert statements[-1].speaker_name == "John Kirby"


# Pieces that make quotation pairing, segmentation and noun phrases work hard when repeated.
HARD_PIECES = ['"', "'", "“", "”", "‘", "’", "«", "»", "s’", "Kirby", "Said", "said", "the", "of", "he", "(", ")", ":", "."]
hard_text = st.lists(st.sampled_from(HARD_PIECES), min_size=200, max_size=1500).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(hard_text, st.booleans())
def test_long_runs_of_marks_and_names_spans_match(text, without_stops):
    check_spans(text.replace(" .", "") if without_stops else text)
