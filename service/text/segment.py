"""Sentence segmentation that survives news text.

Rules, not a model: a sentence ends at . ! ? or an ellipsis (plus any closing
quotes or brackets right after it) when the next word can start a sentence,
and at every line break that ends a line (headlines, captions and bullet items
carry no final stop). The hard part is the full stop that does not end a
sentence: titles (Mr., Gen., St.), numbered forms (No. 10, Dec. 23), initials
(N. Korea, John F. Kennedy) and dotted acronyms (U.S., U.N.). Ambiguous ones
end a sentence only when the next word is a typical sentence opener
("... in the U.S. The ministry said").
"""

from __future__ import annotations

import re

from .quotes import SPEECH_VERB_FORMS
from .types import Sentence

# fmt: off
LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# A terminator, then closing quotes/brackets glued to it, then whitespace.
TERMINATOR_RE = re.compile(r"(?P<stop>\.{2,}|…|[.!?]+)(?P<closers>[\"'”’»›)\]]*)(?=\s)")
# A bullet or list number at the start of a line; it is not part of the sentence.
BULLET_RE = re.compile(r"(?:[-–—•*·▪‣◦●■►]|\d{1,2}[.)])\s+")
LINE_END_PUNCTUATION = frozenset(".!?…:;\"”’»)]")
OPENING_PUNCTUATION = frozenset("\"'“‘«‹([{")
DASHES_AND_BULLETS = frozenset("-–—•*·▪‣◦●■►")
WORD_EDGE_PUNCTUATION = "\"'“”‘’«»‹›()[]{}"

# Full stops after these never end a sentence.
TITLE_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt",
    "sen", "rep", "gov", "pres", "rev", "hon", "st", "mt", "ft", "messrs", "gens", "sens", "reps", "supt",
    "insp", "det", "brig", "cdr", "amb", "atty", "fr",
})
# Full stops after these do not end a sentence when a number follows (No. 10, Art. 5, p. 3).
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "art", "vol", "p", "pp", "fig", "sec", "ch", "para", "op", "ref"})
# Full stops after these end a sentence only before a typical sentence opener.
AMBIGUOUS_ABBREVIATIONS = frozenset({
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "inc", "corp", "co", "ltd", "bros", "jr", "sr", "etc", "vs", "approx", "est", "dept", "govt", "univ", "assn",
    "ave", "blvd",
})
DOTTED_ABBREVIATION_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
# Closed-class words that typically open a sentence; after an ambiguous abbreviation they signal a break.
SENTENCE_OPENERS = frozenset({
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "in", "on", "at", "but", "and", "however",
    "meanwhile", "this", "that", "these", "those", "its", "his", "her", "their", "our", "there", "what", "when",
    "where", "why", "how", "if", "as", "after", "before", "since", "while", "although", "yet", "so", "still",
    "also", "then", "earlier", "later", "according", "asked", "for", "with", "some", "many", "no", "last",
    "officials", "both", "such", "one", "two", "despite", "during", "under", "by", "from", "to", "not",
})
# How many capitalised words may sit between a quoted question and its speech verb ("?” Kirby asked).
MAX_ATTRIBUTION_NAME_WORDS = 4
ATTRIBUTION_WORD_RE = re.compile(r"\s*([^\W\d_][\w’'.\-]*)")
# fmt: on


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of the paragraphs of ``text``.

    Every line is a paragraph, except that a line which does not end in
    punctuation and is followed by a line starting in lower case (hard-wrapped
    prose) is joined with it. Blank lines produce nothing.
    """
    lines: list[tuple[int, int]] = []
    pos = 0
    for m in LINE_BREAK_RE.finditer(text):
        lines.append((pos, m.start()))
        pos = m.end()
    lines.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    joinable = False
    for start, end in lines:
        stripped = text[start:end].strip()
        if not stripped:
            joinable = False
            continue
        if joinable and stripped[0].islower():
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
        joinable = stripped[-1] not in LINE_END_PUNCTUATION
    return out


def segment(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets point into ``text`` itself."""
    return segment_paragraphs(text, paragraphs(text))


def segment_paragraphs(text: str, paras: list[tuple[int, int]]) -> list[Sentence]:
    """Split already-found paragraphs (see ``paragraphs``) into sentences."""
    sentences: list[Sentence] = []
    for para_index, (lo, hi) in enumerate(paras):
        while lo < hi and text[lo].isspace():
            lo += 1
        bullet = BULLET_RE.match(text, lo, hi)
        if bullet and bullet.end() < hi:
            lo = bullet.end()
        start = lo
        for cut in _boundaries(text, lo, hi):
            _emit(text, start, cut, para_index, sentences)
            start = cut
        _emit(text, start, hi, para_index, sentences)
    return sentences


def _emit(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    piece = text[start:end]
    if any(ch.isalnum() for ch in piece):
        out.append(Sentence(len(out), start, end, piece, paragraph))


def _boundaries(text: str, lo: int, hi: int) -> list[int]:
    """Offsets inside one paragraph where a sentence ends."""
    cuts: list[int] = []
    depth = 0
    pos = lo
    last_close = text.rfind(")", lo, hi)  # is a ")" still to come? (found once, not per stop)
    for m in TERMINATOR_RE.finditer(text, lo, hi):
        depth = _bracket_depth(text, pos, m.start(), depth)
        pos = m.start()
        if depth > 0 and last_close >= m.end():
            continue  # a stop inside a parenthesis: (For Use Only in the Republic of Korea. No Redistribution)
        if _ends_sentence(text, m, hi):
            cuts.append(m.end())
    return cuts


def _bracket_depth(text: str, start: int, end: int, depth: int) -> int:
    for ch in text[start:end]:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
    return depth


def _ends_sentence(text: str, m: re.Match[str], hi: int) -> bool:
    """Decide whether the terminator ``m`` ends a sentence."""
    nxt = m.end()
    while nxt < hi and text[nxt].isspace():
        nxt += 1
    if nxt >= hi:
        return False  # the paragraph ends here anyway
    first = text[nxt]
    can_start = first.isupper() or first.isdigit() or first in OPENING_PUNCTUATION or first in DASHES_AND_BULLETS
    if not (can_start or (first.isalpha() and not first.islower())):  # caseless scripts can start a sentence too
        return False
    stop, closers = m.group("stop"), m.group("closers")
    next_word = _next_word(text, nxt, hi)
    if "?" in stop or "!" in stop:
        return not (closers and _is_attribution(text, nxt, hi))  # “Why now?” Kirby asked.
    if stop == "…" or stop.startswith(".."):
        return next_word in SENTENCE_OPENERS
    if closers:
        return True
    word = _previous_word(text, m.start())
    lower = word.lower()
    if lower in TITLE_ABBREVIATIONS:
        return False
    if lower in NUMBER_ABBREVIATIONS and first.isdigit():
        return False
    if (
        lower in AMBIGUOUS_ABBREVIATIONS
        or DOTTED_ABBREVIATION_RE.fullmatch(word)
        or (len(word) == 1 and word.isupper())
    ):
        return next_word in SENTENCE_OPENERS
    return True


def _previous_word(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].strip(WORD_EDGE_PUNCTUATION)


def _next_word(text: str, start: int, hi: int) -> str:
    m = re.match(r"[\W_]*(\w+)", text[start : min(hi, start + 40)])
    return m.group(1).lower() if m else ""


def _is_attribution(text: str, start: int, hi: int) -> bool:
    """True when the text at ``start`` reads like "Kirby asked" or "the official said"."""
    pos = start
    for _ in range(MAX_ATTRIBUTION_NAME_WORDS + 1):
        m = ATTRIBUTION_WORD_RE.match(text, pos, hi)
        if not m:
            return False
        word = m.group(1).rstrip(".")
        if word.lower() in SPEECH_VERB_FORMS and SPEECH_VERB_FORMS[word.lower()][1] in ("past", "s"):
            return pos != start
        if not word[0].isupper():
            return False
        pos = m.end()
    return False
