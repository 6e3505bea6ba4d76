"""Quotation-mark pairing across the whole text."""

import pytest

from service.text import find_quotes, paragraphs


def quoted(text):
    return [q.content.text_of(text) for q in find_quotes(text, paragraphs(text)) if q.depth == 0]


@pytest.mark.parametrize(
    "text,expected",
    [
        ('He said "no deal" today.', ["no deal"]),
        ("He said “no deal” today.", ["no deal"]),
        ("He said ‘no deal’ today.", ["no deal"]),
        ("He said «no deal» today.", ["no deal"]),
        # apostrophes are not marks
        ("“We don't know Russia's plans,” she said.", ["We don't know Russia's plans,"]),
        ("‘The Americans’ plan is a lie,’ he said.", ["The Americans’ plan is a lie,"]),
        ("Russia's and the Americans' views differ.", []),
        # a quotation broken by its attribution gives two quotations
        ('"This is," he said, "a lie."', ["This is,", "a lie."]),
        # nested single quotes stay inside the double quotation
        (
            "“The issue of ‘arms transaction’ never happened,” it said.",
            ["The issue of ‘arms transaction’ never happened,"],
        ),
        # a closing glyph used to open (”Hello”) is read from its surroundings
        ("He said ”hello” twice.", ["hello"]),
    ],
)
def test_pairing(text, expected):
    assert quoted(text) == expected


def test_unclosed_quote_ends_with_paragraph_and_continues_into_reopened_one():
    text = "“First paragraph of the speech.\n“Second paragraph,” he said.\nNo quote here."
    quotes = [q for q in find_quotes(text, paragraphs(text)) if q.depth == 0]
    assert [q.content.text_of(text) for q in quotes] == ["First paragraph of the speech.", "Second paragraph,"]
    assert quotes[0].close is None
    assert quotes[0].group == quotes[1].group


def test_quote_spans_several_sentences():
    text = "“We will act. We will not wait,” she said."
    (q,) = find_quotes(text, paragraphs(text))
    assert q.content.text_of(text) == "We will act. We will not wait,"
