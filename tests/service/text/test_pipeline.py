"""Attributed statements and speakers on the hard cases of issue 3.

Each case lists, per sentence, (attributed, speaker name, mention) where the
speaker name is the text of the resolved speaker span (None: no speaker).
"""

import pytest

from service.text import Statement, extract_statements

KIRBY = "John Kirby, the National Security Council spokesperson, told reporters that North Korea completed a shipment."

CASES = {
    "pronoun resolves to the earlier name": (
        KIRBY + ' "We can confirm that North Korea has completed an initial arms delivery," he said.',
        [(True, "John Kirby", "John Kirby"), (True, "John Kirby", "he")],
    ),
    "quote spanning sentences, attribution in the first": (
        "Wagner chief Prigozhin, a close ally of Putin, said in a statement: “Everyone knows that North Korea has not"
        " been supplying any weapons. And no such efforts have even been made.”",
        [(True, "Wagner chief Prigozhin", "Wagner chief Prigozhin"), (True, "Wagner chief Prigozhin", None)],
    ),
    "quote spanning sentences, attribution in the last": (
        "“We will act. We will not wait,” said Foreign Minister Anna Berg.",
        [
            (True, "Foreign Minister Anna Berg", None),
            (True, "Foreign Minister Anna Berg", "Foreign Minister Anna Berg"),
        ],
    ),
    "a quotation paragraph continues the previous speaker": (
        "“It is a sign of desperation,” Cleverly said in a statement.\n“We will work with our partners.”",
        [(True, "Cleverly", "Cleverly"), (True, "Cleverly", None)],
    ),
    "quote broken by the attribution": (
        '"This is," the minister said, "a lie."',
        [(True, "the minister", "the minister")],
    ),
    "apostrophes inside a quote": (
        "“The Americans’ claims don't change Russia's position,” Peskov told reporters.",
        [(True, "Peskov", "Peskov")],
    ),
    "guillemets": (
        "«Who interferes in Xinjiang every week?» the embassy spokesperson asked.",
        [(True, "the embassy spokesperson", "the embassy spokesperson")],
    ),
    "according to": (
        "According to Kirby the group is spending more than $100 million each month.",
        [(True, "Kirby", "Kirby")],
    ),
    "trailing according to": (
        "The group has 50,000 personnel in Ukraine, according to John Kirby.",
        [(True, "John Kirby", "John Kirby")],
    ),
    "passive with an agent": (
        "The allegations were rejected by the defence ministry on Friday.",
        [(True, "the defence ministry", "the defence ministry")],
    ),
    "passive without an agent is not a statement": (
        "The company has been accused of committing human rights abuses.",
        [(False, None, None)],
    ),
    "quoted ... as saying: the agency only carries it": (
        'The U.S. should "focus on its own crimes," KCNA quoted a North Korean Foreign Ministry spokesman as saying.',
        [(True, "a North Korean Foreign Ministry spokesman", "a North Korean Foreign Ministry spokesman")],
    ),
    "statement carried by an agency: the ministry speaks": (
        "In a statement carried by the Korean Central News Agency, the North Korean foreign ministry denied conducting"
        " any arms transaction.",
        [(True, "the North Korean foreign ministry", "the North Korean foreign ministry")],
    ),
    "nominal form": (
        "A ministry spokesperson's denial came hours after the briefing.",
        [(True, "A ministry spokesperson", "A ministry spokesperson")],
    ),
    "the spokesperson resolves to the named spokesperson": (
        "A North Korean foreign ministry spokesperson said the news was false. The weather was cold."
        " “It never happened,” the spokesperson said.",
        [
            (True, "A North Korean foreign ministry spokesperson", "A North Korean foreign ministry spokesperson"),
            (False, None, None),
            (True, "A North Korean foreign ministry spokesperson", "the spokesperson"),
        ],
    ),
    "the ministry resolves to the named ministry": (
        "South Korea's foreign ministry condemned the trade. The ministry added that it would consult allies.",
        [
            (True, "South Korea's foreign ministry", "South Korea's foreign ministry"),
            (True, "South Korea's foreign ministry", "The ministry"),
        ],
    ),
    "parenthetical attribution": (
        "A North Korean spokesperson said the report was false. The US, the North Korean official added, was itself"
        " “bringing bloodshed to Ukraine”.",
        [
            (True, "A North Korean spokesperson", "A North Korean spokesperson"),
            (True, "A North Korean spokesperson", "the North Korean official"),
        ],
    ),
    "appositive name after a title": (
        "The United Kingdom’s UN ambassador, Barbara Woodward, said in a tweet that London agreed.",
        [(True, "Barbara Woodward", "Barbara Woodward")],
    ),
    "subordinate cue loses to the main clause": (
        "In November, after the White House said Pyongyang supplied shells, North Korea said it had never had"
        " arms dealings.",
        [(True, "North Korea", "North Korea")],
    ),
    "headline colon attribution": (
        "N. Korea has offered arms to Russia's military group Wagner: U.S.\nKirby spoke on Thursday.",
        [(True, "U.S.", "U.S."), (False, None, None)],
    ),
    "headline speech verb": ("Pyongyang denies arming Russian Wagner group", [(True, "Pyongyang", "Pyongyang")]),
    "dateline is not a speaker": (
        "SEOUL, Dec. 23 (Yonhap) -- The White House said North Korea has delivered an arms shipment.",
        [(True, "The White House", "The White House")],
    ),
    "reporter's background is unattributed": (
        "North Korea's arms exports are banned under U.N. Security Council resolutions.",
        [(False, None, None)],
    ),
    "declined to comment": (
        "Asked about the shipment, the spokesman declined to comment.",
        [(True, "the spokesman", "the spokesman")],
    ),
    "impersonal passive has no speaker": ("It was claimed that the drones were Iranian.", [(True, None, None)]),
}


def row(text: str, st: Statement):
    mention = st.mention.text_of(text) if st.mention else None
    return (st.attributed, st.speaker_name, mention)


@pytest.mark.parametrize("name", list(CASES))
def test_statements(name):
    text, expected = CASES[name]
    statements = extract_statements(text)
    assert [row(text, st) for st in statements] == expected


def test_unattributed_sentence_has_no_spans():
    (st,) = extract_statements("The export of weapons is banned under the resolutions.")
    assert not st.attributed
    assert st.speaker is st.quote is st.mention is st.cue is None


def test_quote_excludes_marks_and_sits_inside_sentence():
    text = "“We can confirm the delivery,” he said. Kirby spoke."
    first = extract_statements(text)[0]
    assert first.quote.text_of(text) == "We can confirm the delivery"
    assert first.cue.text_of(text) == "said"
    assert first.sentence.span.contains(first.quote)


def test_reported_clause_is_the_quote():
    text = "Kirby said Prigozhin had a habit of making statements based on conjecture."
    (st,) = extract_statements(text)
    assert st.quote.text_of(text) == "Prigozhin had a habit of making statements based on conjecture"


def test_offsets_are_code_points_of_the_original_text():
    text = "🙂🙂 Ünïcode café.\r\n“C’est faux,” a dit l’ambassadeur. 北朝鮮 said: “No.”"
    for st in extract_statements(text):
        assert text[st.sentence.start : st.sentence.end] == st.sentence.text
        for span in (st.quote, st.speaker, st.mention, st.cue):
            if span is not None:
                assert 0 <= span.start <= span.end <= len(text)
