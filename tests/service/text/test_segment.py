"""Sentence segmentation on the hard cases of news text."""

import pytest

from service.text import segment

CASES = [
    # abbreviations, dates and numbers do not end a sentence
    (
        "The U.S. and the U.N. met on Dec. 23 at No. 10 Downing St. in London. Mr. Kirby spoke.",
        ["The U.S. and the U.N. met on Dec. 23 at No. 10 Downing St. in London.", "Mr. Kirby spoke."],
    ),
    # initials
    (
        "N. Korea fired a missile. John F. Kennedy was not there.",
        ["N. Korea fired a missile.", "John F. Kennedy was not there."],
    ),
    # a dotted acronym ends a sentence only before a typical opener
    (
        "Sanctions were imposed by the U.S. The ministry said nothing.",
        ["Sanctions were imposed by the U.S.", "The ministry said nothing."],
    ),
    ("U.S. Ambassador Linda Thomas-Greenfield spoke.", ["U.S. Ambassador Linda Thomas-Greenfield spoke."]),
    # a quotation that ends the sentence
    ('"It is a lie." He left the room.', ['"It is a lie."', "He left the room."]),
    ("“It is a lie.” He left.", ["“It is a lie.”", "He left."]),
    # a quoted question followed by its attribution stays one sentence
    ("“Why now?” Kirby asked. Nobody answered.", ["“Why now?” Kirby asked.", "Nobody answered."]),
    ('"Why now?" he asked.', ['"Why now?" he asked.']),
    # headlines and lines without a final stop
    (
        "N Korea denies arms supplies\nPyongyang said on Friday it sold nothing.",
        ["N Korea denies arms supplies", "Pyongyang said on Friday it sold nothing."],
    ),
    # bullets
    (
        "Key points:\n- Kirby spoke\n• Seoul condemned the trade\n",
        ["Key points:", "Kirby spoke", "Seoul condemned the trade"],
    ),
    # dateline prefix
    (
        "SEOUL, Dec. 23 (Yonhap) -- The White House said North Korea delivered arms.",
        ["SEOUL, Dec. 23 (Yonhap) -- The White House said North Korea delivered arms."],
    ),
    # a stop inside parentheses does not cut the caption
    (
        "A photo (For Use Only in the Republic of Korea. No Redistribution) (Yonhap)",
        ["A photo (For Use Only in the Republic of Korea. No Redistribution) (Yonhap)"],
    ),
    # hard-wrapped prose is joined; blank lines and punctuation-only lines vanish
    ("The ministry said the report\nwas false.\n\n-\n", ["The ministry said the report\nwas false."]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_segment(text, expected):
    sentences = segment(text)
    assert [s.text for s in sentences] == expected
    for i, s in enumerate(sentences):
        assert s.index == i
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_paragraph_numbers_follow_lines():
    sentences = segment("One. Two.\nThree.\n\nFour.")
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2]


def test_empty_and_blank_text():
    assert segment("") == []
    assert segment(" \n\t\n") == []
