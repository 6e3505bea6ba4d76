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

# Speaker resolution rules: which earlier name a description or pronoun points at, and when a
# description is a new source of its own.
RESOLUTION_CASES = {
    "the regulator resolves to an acronym named before": (
        "FINMA said its investigation had found no evidence. The regulator said it had ordered an audit.",
        [(True, "FINMA", "FINMA"), (True, "FINMA", "The regulator")],
    ),
    "the company resolves to a one-word company name": (
        "Brennard said the study was flawed. The company said it would appeal.",
        [(True, "Brennard", "Brennard"), (True, "Brennard", "The company")],
    ),
    "a two-word name typed by the pronoun after it": (
        "The European Union banned four tankers. Aegean Meridian said it would challenge the decision."
        " The company said the EU had copied American allegations.",
        [
            (False, None, None),
            (True, "Aegean Meridian", "Aegean Meridian"),
            (True, "Aegean Meridian", "The company"),
        ],
    ),
    "a noun the source was introduced with": (
        "A European defence attache at the show said the engines were the same. Visitors crowded the hall."
        ' "You see the whole supply chain here," the attache said.',
        [
            (True, "A European defence attache at the show", "A European defence attache at the show"),
            (False, None, None),
            (True, "A European defence attache at the show", "the attache"),
        ],
    ),
    "the gang resolves to the name it was introduced with": (
        "The BlackMoth ransomware gang said it had stolen the files. Officials said they would not pay."
        " The gang said the hospital was to blame.",
        [
            (True, "The BlackMoth ransomware gang", "The BlackMoth ransomware gang"),
            (True, "Officials", "Officials"),
            (True, "The BlackMoth ransomware gang", "The gang"),
        ],
    ),
    "a description with its own modifier is a new source": (
        "The Kremlin said it had no information. The defence ministry said the drone was a domestic design.",
        [(True, "The Kremlin", "The Kremlin"), (True, "The defence ministry", "The defence ministry")],
    ),
    "a modifier the antecedent shares still resolves": (
        "Russia's foreign ministry called the remarks unsubstantiated. The foreign ministry said it was a lie.",
        [(True, "Russia's foreign ministry", "Russia's foreign ministry"), (True, "Russia's foreign ministry", "The foreign ministry")],
    ),
    "a non-restrictive modifier does not block resolution": (
        "A North Korean Foreign Ministry spokesman said the report was false."
        " The unidentified spokesman said Russians were brave.",
        [
            (True, "A North Korean Foreign Ministry spokesman", "A North Korean Foreign Ministry spokesman"),
            (True, "A North Korean Foreign Ministry spokesman", "The unidentified spokesman"),
        ],
    ),
    "a possessive description is a new source": (
        "U.S. prosecutors asked a court to seize the cargo. The company's lawyers told the court that the figure was a"
        " guess.",
        [(True, "U.S. prosecutors", "U.S. prosecutors"), (True, "The company's lawyers", "The company's lawyers")],
    ),
    "an organisation noun of another kind is a new source": (
        "Ukraine's foreign ministry said the trial was a sham. The court said the hearing would resume in May.",
        [(True, "Ukraine's foreign ministry", "Ukraine's foreign ministry"), (True, "The court", "The court")],
    ),
    "his lawyer speaks for himself, its spokesman for it": (
        "Kampmann told the court he had cheated. His lawyer said Kampmann had acted on instructions."
        " The Kremlin said it was a provocation. Its spokesman said the president was informed.",
        [
            (True, "Kampmann", "Kampmann"),
            (True, "His lawyer", "His lawyer"),
            (True, "The Kremlin", "The Kremlin"),
            (True, "The Kremlin", "Its spokesman"),
        ],
    ),
    "a definite short name points at the fuller name": (
        "Britain's Foreign Office said there was no evidence. “Russia is to blame,” the Foreign Office said.",
        [(True, "Britain's Foreign Office", "Britain's Foreign Office"), (True, "Britain's Foreign Office", "the Foreign Office")],
    ),
    "one of the officials is a new source, one of them one of the group": (
        "Two U.S. officials said the balloon gathered nothing. One of the officials said it was shot down."
        " Several virologists said the lab was safe. One of them said the records were lost.",
        [
            (True, "Two U.S. officials", "Two U.S. officials"),
            (True, "One of the officials", "One of the officials"),
            (True, "Several virologists", "Several virologists"),
            (True, "Several virologists", "One of them"),
        ],
    ),
    "the editorial belongs to the paper, not to the analyst it quotes": (
        "China's state-run Global Times said the story was false. Wang Lihua, a researcher at a Beijing think tank"
        " quoted by the paper, said the U.S. spied on Europe. The editorial noted that China was a partner.",
        [
            (True, "China's state-run Global Times", "China's state-run Global Times"),
            (True, "Wang Lihua", "Wang Lihua"),
            (True, "China's state-run Global Times", "The editorial"),
        ],
    ),
    "a name confirmed as a person by she is not the company": (
        "Halder said the tests were flawed. Marcy Hollins said revenue was stable. She said costs would rise."
        " The company said it would appeal.",
        [
            (True, "Halder", "Halder"),
            (True, "Marcy Hollins", "Marcy Hollins"),
            (True, "Marcy Hollins", "She"),
            (True, "Halder", "The company"),
        ],
    ),
}

# Which cue and source speak in a sentence with several.
SOURCE_CASES = {
    "a trailing according-to beside a quotation only relays it": (
        'Vice Foreign Minister Sun Hao told the envoy that the EU "should stop serving as a megaphone",'
        " according to a ministry readout.",
        [(True, "Vice Foreign Minister Sun Hao", "Vice Foreign Minister Sun Hao")],
    ),
    "a main-clause speaker beats a trailing according-to": (
        "The European Parliament's IT directorate told lawmakers that the attackers had been inside since October,"
        " according to two people who attended.",
        [(True, "The European Parliament's IT directorate", "The European Parliament's IT directorate")],
    ),
    "a denial quoted in a relative clause beats the relaying speaker": (
        "Wagner's owner Yevgeny Prigozhin – who denied the US assertion as “gossip and speculation” on Thursday –"
        " is estimated to be spending $100m per month, Kirby added.",
        [(True, "Wagner's owner Yevgeny Prigozhin", "Wagner's owner Yevgeny Prigozhin")],
    ),
    "a label in an object clause is not the statement": (
        'The Russian embassy in Dublin rejected on Thursday what it called "unfounded attempts" to link Russia to'
        " the attack.",
        [(True, "The Russian embassy", "The Russian embassy")],
    ),
    "the lawyer of an appositive's company speaks": (
        "A lawyer for one of the exporters, Ningbo Feiyue Power Technology, said the company sold its engines"
        ' legally. "We have no way of knowing," the lawyer said.',
        [(True, "A lawyer", "A lawyer"), (True, "A lawyer", "the lawyer")],
    ),
    "an inverted subject with a title and a name": (
        '"Every electric car loses range in the cold," said the club\'s head of vehicle testing, Jürgen Wolff.',
        [(True, "the club's head", "the club's head")],
    ),
    "an inverted partitive subject": (
        '"We were watched," said one of the protesters, a dissident who fled China in 2015.',
        [(True, "one of the protesters", "one of the protesters")],
    ),
    "a noun-like verb after a verb is a noun": (
        "Canada's foreign ministry said it was studying the U.S. charges “closely”.",
        [(True, "Canada's foreign ministry", "Canada's foreign ministry")],
    ),
    "an acronym that spells a function word is a name": (
        "The WHO said it stood by its findings. The FBI said the equipment was taken to its laboratory.",
        [(True, "The WHO", "The WHO"), (True, "The FBI", "The FBI")],
    ),
    "subjects with ordinals, numbers, -ly nouns and plural roles": (
        "A lawyer for the second defendant said there was no evidence. Analysts at one brokerage said the review"
        " would fail. Grid security specialists say attribution is hard. Assembly member Joan Fairbanks said"
        " visitors outnumber residents.",
        [
            (True, "A lawyer for the second defendant", "A lawyer for the second defendant"),
            (True, "Analysts at one brokerage", "Analysts at one brokerage"),
            (True, "Grid security specialists", "Grid security specialists"),
            (True, "Assembly member Joan Fairbanks", "Assembly member Joan Fairbanks"),
        ],
    ),
}


def row(text: str, st: Statement):
    mention = st.mention.text_of(text) if st.mention else None
    return (st.attributed, st.speaker_name, mention)


@pytest.mark.parametrize("name", list(CASES))
def test_statements(name):
    text, expected = CASES[name]
    statements = extract_statements(text)
    assert [row(text, st) for st in statements] == expected


@pytest.mark.parametrize("name", list(RESOLUTION_CASES))
def test_speaker_resolution(name):
    text, expected = RESOLUTION_CASES[name]
    assert [row(text, st) for st in extract_statements(text)] == expected


@pytest.mark.parametrize("name", list(SOURCE_CASES))
def test_source_choice(name):
    text, expected = SOURCE_CASES[name]
    assert [row(text, st) for st in extract_statements(text)] == expected


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
