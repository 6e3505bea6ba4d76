"""Quotation marks and speech cues.

Quotation marks are paired across the whole text, not per sentence, because a
quotation often runs over several sentences (and, by news convention, over
several paragraphs: each paragraph reopens the quote and only the last one
closes it). Straight marks carry no direction, so direction comes from the
characters around each mark; an apostrophe inside a word (don't, Russia's) is
never a mark.

The cue lexicons live here as module-level data: speech and cognition verbs
(inflected by rule), speech nouns ("denial", "statement") and the "according
to" phrase. Whether a cue really introduces a statement depends on its source,
which speakers.py finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .types import Span

# --------------------------------------------------------------------------- tokens

# fmt: off
TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # dotted acronyms and abbreviations: U.S. U.N. a.m. e.g.
    r"|[A-Z]\.(?=\s?[A-Z])"  # an initial: N. Korea, John F. Kennedy
    r"|\w+(?:['’\-]\w+)*"  # words, with inner apostrophes and hyphens: don't Russia's Thomas-Greenfield
    r"|\S",  # any other single character
)
POSSESSIVE_SUFFIXES = ("'s", "’s", "'S", "’S")
# fmt: on


@dataclass(frozen=True, slots=True)
class Token:
    """A word or punctuation character with its offsets in the original text.

    ``lower``, ``base``, ``is_word`` and ``is_possessive`` are computed once: the
    speaker rules read them many times per token.
    """

    text: str
    start: int
    end: int
    lower: str = field(init=False, compare=False, repr=False)
    base: str = field(init=False, compare=False, repr=False)  # without a possessive ending: "Korea’s" -> "korea"
    is_word: bool = field(init=False, compare=False, repr=False)
    is_possessive: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        possessive = self.text.endswith(POSSESSIVE_SUFFIXES) and len(self.text) > 2
        object.__setattr__(self, "lower", self.text.lower())
        object.__setattr__(self, "base", (self.text[:-2] if possessive else self.text).lower())
        object.__setattr__(self, "is_word", self.text[0].isalnum())
        object.__setattr__(self, "is_possessive", possessive)

    @property
    def is_capitalized(self) -> bool:
        return self.text[0].isupper()

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    return [
        Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text, start, len(text) if end is None else end)
    ]


# --------------------------------------------------------------------------- speech verbs

# fmt: off
# Lemmas of verbs that report speech or cognition. Extend freely: inflections are generated.
SPEECH_VERBS: tuple[str, ...] = (
    "say", "tell", "deny", "reject", "dismiss", "confirm", "accuse", "claim", "insist", "warn", "add",
    "call", "state", "announce", "stress", "note", "argue", "allege", "condemn", "slam", "refute",
    "estimate", "believe", "assert", "explain", "report", "reply", "respond", "reiterate", "acknowledge",
    "admit", "declare", "emphasize", "emphasise", "underline", "underscore", "maintain", "contend",
    "suggest", "predict", "promise", "vow", "pledge", "urge", "demand", "criticize", "criticise",
    "denounce", "blame", "dispute", "counter", "retort", "rebut", "brand", "describe", "label", "dub",
    "quote", "tweet", "write", "testify", "conclude", "concede", "ask", "charge", "decry", "lament",
    "praise", "commend", "welcome", "threaten", "caution", "assure", "agree", "disagree", "think",
    "fear", "hope", "reveal", "disclose", "inform", "complain", "protest", "observe", "comment",
    "remark", "mention", "deride", "mock", "ridicule", "scoff", "quip", "joke", "fume", "blast",
    "speculate", "forecast", "assess", "verify", "contradict", "debunk", "discredit", "repudiate",
    "disavow", "rebuff", "rubbish", "downplay", "reaffirm", "affirm", "recount", "recall", "point",
    "cite", "question", "challenge", "indicate", "signal", "concur", "lambast",
    "repeat", "hail", "applaud", "boast", "pronounce", "proclaim", "attest", "certify", "clarify",
    "show", "find", "brief",
)
IRREGULAR_FORMS: dict[str, tuple[str, ...]] = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "written", "writing"),
    "think": ("thinks", "thought", "thinking"),
    "forecast": ("forecasts", "forecast", "forecasted", "forecasting"),
    "show": ("shows", "showed", "shown", "showing"),
    "find": ("finds", "found", "finding"),
}
# Verbs that report only with a "that" clause ("investigators found that ...", not "found the body").
NEEDS_THAT: frozenset[str] = frozenset({"find"})
# Verbs that report only when a document or data is the subject ("records show", not "the photo shows").
NEEDS_DOCUMENT_SUBJECT: frozenset[str] = frozenset({"show"})
# Lemmas whose bare and -s forms are as often nouns ("referring questions", "the reports"):
# as verbs they need a subject that is clearly a source.
NOUN_LIKE_VERBS = frozenset({
    "question", "claim", "report", "call", "note", "comment", "estimate", "charge", "counter", "protest", "reply",
    "promise", "pledge", "demand", "state", "quote", "post", "tweet", "label", "brand", "blame", "praise",
    "welcome", "challenge", "signal", "point", "hope", "fear", "show", "dispute", "forecast", "remark", "vow",
    "joke", "mock", "rebuff", "repeat", "caution", "brief", "concern", "threaten", "warn", "respond",
})
# Verbs that may follow their subject (", said Kirby."); the others need an object first ("told reporters").
INVERTIBLE_VERBS = frozenset({
    "say", "add", "ask", "write", "note", "explain", "insist", "reply", "respond", "conclude", "recall", "argue",
    "warn", "state", "declare", "claim", "tweet", "counter", "retort", "quip", "joke", "concede", "admit",
    "observe", "remark", "comment", "suggest", "stress", "emphasize", "emphasise", "announce", "confirm",
    "report", "predict", "complain", "scoff", "lament", "continue", "agree", "acknowledge", "maintain", "contend",
})
# Verbs of thinking rather than saying: weaker evidence of who speaks than a trailing "according to".
COGNITION_VERBS = frozenset({
    "estimate", "believe", "think", "fear", "hope", "assess", "find", "show", "forecast", "speculate",
})
# Capitalised adjectives of nationality end like this ("the Russian claims": a noun follows).
DEMONYM_SUFFIXES = ("an", "ese", "ish", "ian", "ic", "i")
# Share of capitalised words above which a line is a title-case headline ("US Says ...").
TITLE_CASE_SHARE = 0.8
# "declined to say", "refused to comment": the governing verb's subject is the source.
INFINITIVE_GOVERNORS = frozenset({"declined", "declines", "decline", "refused", "refuses", "refuse", "wanted", "went"})
DOUBLED_FINAL_CONSONANT = frozenset({
    "slam", "admit", "rebut", "quip", "regret", "commit", "blog", "chat", "snap", "plan",
})
# "point" only reports speech as "point out"; these need a particle right after them.
PARTICLE_VERBS: dict[str, str] = {"point": "out"}
# Ambiguous forms that only count in particular company ("call" for / so-called / "add" to).
NON_SPEECH_FOLLOWERS: dict[str, frozenset[str]] = {
    "call": frozenset({"off", "up", "in", "back"}),
    "assure": frozenset({"of"}),
    "brief": frozenset({"on", "about"}),
    "add": frozenset({"to", "up", "fuel"}),
    "charge": frozenset({"with"}),
    "note": frozenset({"of"}),
    "state": frozenset({"of"}),
    "report": frozenset({"to", "for"}),
    "ask": frozenset({"for"}),
    "question": frozenset({"of"}),
    "challenge": frozenset({"of", "for"}),
    "hope": frozenset({"of", "for"}),
    "fear": frozenset({"of", "for"}),
    "welcome": frozenset({"to"}),
}
# fmt: on


def _inflect(lemma: str) -> dict[str, str]:
    """Map each inflected form of a regular English verb to its grammatical role."""
    if lemma in IRREGULAR_FORMS:
        forms = IRREGULAR_FORMS[lemma]
        out = {lemma: "base", forms[0]: "s"}
        for form in forms[1:-1]:
            out[form] = "past"
        out[forms[-1]] = "ing"
        return out
    vowels = "aeiou"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2] not in vowels:
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    if lemma in DOUBLED_FINAL_CONSONANT:
        stem = lemma + lemma[-1]
        past, ing = stem + "ed", stem + "ing"
    elif lemma.endswith("e"):
        past, ing = lemma + "d", (lemma if lemma.endswith("ee") else lemma[:-1]) + "ing"
    elif lemma.endswith("y") and lemma[-2] not in vowels:
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    return {lemma: "base", third: "s", past: "past", ing: "ing"}


def _build_forms(lemmas: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    forms: dict[str, tuple[str, str]] = {}
    for lemma in lemmas:
        for form, role in _inflect(lemma).items():
            forms.setdefault(form, (lemma, role))
    return forms


# fmt: off
# form -> (lemma, role) where role is "base", "s", "past" or "ing".
SPEECH_VERB_FORMS: dict[str, tuple[str, str]] = _build_forms(SPEECH_VERBS)

# Nouns naming a statement. "X's denial", "a rebuke from X", "in a statement by X".
SPEECH_NOUNS = frozenset({
    "statement", "statements", "denial", "denials", "rejection", "claim", "claims", "allegation", "allegations",
    "accusation", "accusations", "warning", "warnings", "remark", "remarks", "comment", "comments", "rebuke",
    "criticism", "assessment", "announcement", "tweet", "post", "interview", "testimony", "briefing",
    "admission", "confirmation", "assertion", "insistence", "condemnation", "dismissal",
    "retort", "rebuttal", "message", "speech", "declaration", "verdict", "estimate", "estimates",
})
# Verbs after which an "-ing" form is a gerund object, not a reporting participle ("of supplying").
GERUND_PREPOSITIONS = frozenset({"of", "for", "by", "without", "about", "from", "after", "before", "on", "in", "to"})

ACCORDING_TO = ("according", "to")
DETERMINERS = frozenset({
    "the", "a", "an", "this", "these", "those", "its", "his", "her", "their", "our", "my", "your",
    "another", "some", "several", "any", "each", "every", "no", "two", "three", "four", "many", "both",
})
# Auxiliaries and adverbs that may separate a passive participle from its "be": "was flatly rejected".
PASSIVE_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets"})
PASSIVE_GAP_WORDS = frozenset({"not", "also", "never", "later", "then", "since", "widely", "repeatedly", "previously"})
# fmt: on


@dataclass(frozen=True, slots=True)
class Cue:
    """A word that may introduce a statement.

    ``kind`` is "verb" (finite: said, denies), "passive" (was rejected, was
    quoted), "participle" (", saying"), "according" (according to) or "noun"
    (X's denial, a rebuke from X).
    """

    kind: str
    index: int
    lemma: str
    span: Span


def find_cues(tokens: list[Token], quoted: list[bool]) -> list[Cue]:
    """Speech cues among ``tokens`` that lie outside quotations."""
    cues: list[Cue] = []
    n = len(tokens)
    words = [t for t in tokens if t.is_word]
    title_case = bool(words) and sum(t.is_capitalized for t in words) >= TITLE_CASE_SHARE * len(words)
    for k, tok in enumerate(tokens):
        if quoted[k] or not tok.is_word:
            continue
        low = tok.lower
        nxt = tokens[k + 1].lower if k + 1 < n else ""
        prev = tokens[k - 1] if k else None
        if low == ACCORDING_TO[0] and nxt == ACCORDING_TO[1]:
            cues.append(Cue("according", k, "according to", Span(tok.start, tokens[k + 1].end)))
            continue
        noun_position = prev is not None and (prev.lower in DETERMINERS or prev.is_possessive)
        if (
            prev is not None
            and prev.is_capitalized
            and not prev.text.isupper()
            and prev.lower.endswith(DEMONYM_SUFFIXES)
            and k > 1
            and tokens[k - 2].lower in DETERMINERS
        ):
            noun_position = True  # "the Russian claims"
        after = [t.lower for t in tokens[k + 1 : k + 3]]
        if low in SPEECH_NOUNS and (
            (prev is not None and prev.is_possessive) or nxt in ("from", "by") or _is_that(after)
        ):
            cues.append(Cue("noun", k, low, tok.span))
            continue
        form = SPEECH_VERB_FORMS.get(low)
        if form is None or noun_position or (tok.is_capitalized and k and not title_case):
            continue  # "The United States": a capitalised word inside a sentence is a name
        lemma, role = form
        if lemma in PARTICLE_VERBS and nxt != PARTICLE_VERBS[lemma]:
            continue
        if lemma in NEEDS_THAT and nxt != "that":
            continue
        if nxt in NON_SPEECH_FOLLOWERS.get(lemma, ()):
            continue
        if role == "ing":
            if prev is not None and prev.lower in GERUND_PREPOSITIONS:
                continue
            kind = "verb" if prev is not None and prev.lower in PASSIVE_AUXILIARIES else "participle"
        elif role == "base" and prev is not None and prev.lower == "to":
            if k < 2 or tokens[k - 2].lower not in INFINITIVE_GOVERNORS:
                continue  # an infinitive: "plans to announce"
            cues.append(Cue("verb", k - 2, lemma, Span(tokens[k - 2].start, tok.end)))  # "declined to say"
            continue
        elif role == "past" and _after_be(tokens, k):
            kind = "passive"
        else:
            kind = "verb"
        cues.append(Cue(kind, k, lemma, tok.span))
    return cues


def _is_that(words: list[str]) -> bool:
    """ "The US assessment is that ...": a speech noun glossed by a that-clause."""
    return len(words) == 2 and words[0] in ("is", "was") and words[1] == "that"


def _after_be(tokens: list[Token], k: int) -> bool:
    j = k - 1
    while j >= 0 and (
        tokens[j].lower in PASSIVE_GAP_WORDS or (tokens[j].lower.endswith("ly") and tokens[j].text[0].islower())
    ):
        j -= 1
    return j >= 0 and tokens[j].lower in PASSIVE_AUXILIARIES


# --------------------------------------------------------------------------- quotation marks

# fmt: off
MARK_FAMILIES: dict[str, str] = {
    "“": "double", "”": "double", "„": "double", "‟": "double", '"': "double",
    "‘": "single", "’": "single", "‚": "single", "‛": "single", "'": "single",
    "«": "guillemet", "»": "guillemet", "‹": "single-guillemet", "›": "single-guillemet",
    "「": "corner", "」": "corner", "『": "white-corner", "』": "white-corner",
}
OPENING_GLYPHS = frozenset("“„‟‘‚‛«‹「『")
CLOSING_GLYPHS = frozenset("”’»›」』")
# Families whose glyph direction is trusted less than its surroundings (”Hello” or »Hallo«).
FLIPPABLE_FAMILIES = frozenset({"double", "guillemet", "single-guillemet"})
# Families whose marks double as apostrophes; an unclosed one is dropped, not run to paragraph end.
APOSTROPHE_FAMILIES = frozenset({"single"})
OPEN_CONTEXT = frozenset("([{<-–—/:") | frozenset(MARK_FAMILIES)
CLOSE_CONTEXT = frozenset(".,;:!?)]}>-–—/…") | frozenset(MARK_FAMILIES)
# fmt: on


@dataclass(frozen=True)
class Quote:
    """One paired quotation: its marks and the words between them.

    ``close`` is None when the paragraph ended before a closing mark.
    Paragraph-by-paragraph pieces of one long quotation share ``group``.
    ``depth`` is 0 for a quotation not inside another one.
    """

    open: Span
    close: Span | None
    content: Span
    family: str
    group: int
    depth: int = 0

    @property
    def outer(self) -> Span:
        """The quotation including its marks."""
        return Span(self.open.start, self.close.end if self.close else self.content.end)


@dataclass(frozen=True, slots=True)
class _Mark:
    pos: int
    char: str
    can_open: bool
    can_close: bool


def _classify_mark(text: str, pos: int, lo: int, hi: int) -> _Mark | None:
    """Decide whether the mark at ``pos`` may open and/or close a quotation."""
    char = text[pos]
    family = MARK_FAMILIES[char]
    prev = text[pos - 1] if pos > lo else None
    nxt = text[pos + 1] if pos + 1 < hi else None
    if prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum():
        return None  # apostrophe inside a word, or an inch mark: never a quotation mark
    left = nxt is not None and not nxt.isspace() and (prev is None or prev.isspace() or prev in OPEN_CONTEXT)
    right = prev is not None and not prev.isspace() and (nxt is None or nxt.isspace() or nxt in CLOSE_CONTEXT)
    if char in OPENING_GLYPHS:
        can_open, can_close = True, False
        if family in FLIPPABLE_FAMILIES and right and not left:
            can_open, can_close = False, True
    elif char in CLOSING_GLYPHS:
        can_open, can_close = False, True
        if left and not right:
            if family not in FLIPPABLE_FAMILIES:
                return None  # ’90s, ’em: an elision, not a quotation
            can_open, can_close = True, False
    else:
        can_open, can_close = left, right
    if not (can_open or can_close):
        return None
    return _Mark(pos, char, can_open, can_close)


def _is_possessive_apostrophe(text: str, marks: list[_Mark], i: int) -> bool:
    """A closing single mark ``marks[i]`` after an "s" (the Americans’ plan) is an apostrophe when a
    later mark can still close the open quotation before any new one opens."""
    mark = marks[i]
    if mark.pos == 0 or text[mark.pos - 1] not in "sS":
        return False
    nxt = text[mark.pos + 1] if mark.pos + 1 < len(text) else ""
    if nxt and not nxt.isspace():
        return False  # followed by punctuation: a closing mark
    for j in range(i + 1, len(marks)):  # indices, not a copy of the rest: thousands of marks stay cheap
        if marks[j].can_close:
            return True
        if marks[j].can_open:
            return False
    return False


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Pair the quotation marks of ``text`` into quotations, paragraph by paragraph.

    A quotation still open at the end of a paragraph ends there; if the next
    paragraph starts by reopening the same kind of mark, both pieces share a
    group (the multi-paragraph quotation convention).
    """
    quotes: list[Quote] = []
    next_group = 0
    pending: dict[str, int] = {}  # family -> group of a quotation left open by the previous paragraph
    for lo, hi in paragraphs:
        by_family: dict[str, list[_Mark]] = {}
        for pos in range(lo, hi):
            if text[pos] in MARK_FAMILIES:
                mark = _classify_mark(text, pos, lo, hi)
                if mark is not None:
                    by_family.setdefault(MARK_FAMILIES[text[pos]], []).append(mark)
        para_start = lo
        while para_start < hi and text[para_start].isspace():
            para_start += 1
        carried: dict[str, int] = {}
        for family, marks in by_family.items():
            opened: _Mark | None = None
            for i, mark in enumerate(marks):
                if opened is None:
                    if mark.can_open:
                        opened = mark
                    continue
                if mark.can_close and not (
                    family in APOSTROPHE_FAMILIES and _is_possessive_apostrophe(text, marks, i)
                ):
                    group = pending.get(family) if opened.pos == para_start and family in pending else None
                    if group is None:
                        group, next_group = next_group, next_group + 1
                    quote = _make_quote(text, opened, mark.pos, mark.pos + 1, family, group)
                    if quote:
                        quotes.append(quote)
                    pending.pop(family, None)
                    opened = None
                elif mark.can_open and not mark.can_close:
                    opened = mark  # the earlier opener was never closed: treat it as stray
            if opened is not None and family not in APOSTROPHE_FAMILIES:
                group = pending.get(family) if opened.pos == para_start and family in pending else None
                if group is None:
                    group, next_group = next_group, next_group + 1
                quote = _make_quote(text, opened, hi, None, family, group)
                if quote:
                    quotes.append(quote)
                    carried[family] = group
        pending = carried
    return _set_depths(quotes)


def _make_quote(
    text: str, opened: _Mark, content_end: int, close_end: int | None, family: str, group: int
) -> Quote | None:
    start, end = opened.pos + 1, content_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    close = Span(content_end, close_end) if close_end is not None else None
    return Quote(Span(opened.pos, opened.pos + 1), close, Span(start, end), family, group)


def _set_depths(quotes: list[Quote]) -> list[Quote]:
    """Order quotations by position and mark those nested in (or crossing) an earlier one."""
    quotes.sort(key=lambda q: (q.outer.start, -q.outer.end))
    out: list[Quote] = []
    top_end = -1
    for q in quotes:
        if q.outer.start < top_end:
            out.append(Quote(q.open, q.close, q.content, q.family, q.group, depth=1))
        else:
            out.append(q)
            top_end = q.outer.end
    return out
