"""Property tests: on any text, the pipeline never raises and every span points into the text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from service.text import Span, extract_statements, segment

# Words and marks that steer the rules into their hard paths.
NEWS_PIECES = [
    "said",
    "told",
    "denied",
    "according to",
    "he",
    "she",
    "it",
    "they",
    "the spokesperson",
    "the ministry",
    "Kirby",
    "John Kirby",
    "North Korea's foreign ministry",
    "U.S.",
    "Dec. 23",
    "No. 10",
    "Mr.",
    "N.",
    "KCNA",
    "quoted",
    "as saying",
    "was rejected by",
    "in a statement carried by",
    "'s denial",
    "who",
    ",",
    ".",
    "?",
    "!",
    ":",
    "--",
    "–",
    "\n",
    "\n\n",
    '"',
    "'",
    "“",
    "”",
    "‘",
    "’",
    "«",
    "»",
    "(",
    ")",
    "- ",
    "• ",
    "don't",
    "Russia's",
    "SEOUL, Dec. 23 (Yonhap) --",
    "It was claimed that",
    "declined to say",
    "…",
    "\r\n",
    "\u2028",
    "\xa0",
]
news_text = st.lists(st.one_of(st.sampled_from(NEWS_PIECES), st.text(max_size=8)), max_size=60).map(" ".join)
any_text = st.text(max_size=400)


def check(text: str) -> None:
    statements = extract_statements(text)
    sentences = segment(text)
    assert [s.sentence for s in statements] == sentences
    previous_end = 0
    for i, st_ in enumerate(statements):
        sent = st_.sentence
        assert sent.index == i
        assert previous_end <= sent.start < sent.end <= len(text)
        assert text[sent.start : sent.end] == sent.text == sent.text.strip()
        previous_end = sent.end
        spans = [st_.quote, st_.speaker, st_.mention, st_.cue]
        for span in spans:
            if span is not None:
                assert isinstance(span, Span)
                assert 0 <= span.start <= span.end <= len(text)
                assert span.text_of(text) == text[span.start : span.end]
        if st_.quote is not None:
            assert sent.span.contains(st_.quote)
        if st_.mention is not None:
            assert sent.span.contains(st_.mention)
        if st_.speaker is not None:
            assert st_.speaker_name == st_.speaker.text_of(text)
        if not st_.attributed:
            assert spans == [None, None, None, None] and st_.speaker_name is None


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_arbitrary_unicode_never_raises_and_spans_match(text):
    check(text)


@settings(max_examples=400, deadline=None)
@given(news_text)
def test_news_like_text_spans_match(text):
    check(text)
