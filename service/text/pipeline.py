"""Raw article text -> one Statement per sentence, attributed or not.

Steps: segment into sentences; pair quotation marks over the whole text;
in each sentence, find speech cues outside quotations and the source that
governs each; keep the best cue (one that touches a quotation, then a
trailing ", Kirby said", then a main-clause subject, then "according to",
then participles, nominal and subordinate cues; a news agency that only
carries a statement loses to any other source); resolve pronouns and "the
spokesperson" to the nearest earlier compatible name; finally hand a
quotation's speaker to the sentences of that quotation which name no one
(multi-sentence and multi-paragraph quotes, and a quote whose attribution
comes in its last sentence).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace

from .quotes import (
    COGNITION_VERBS,
    DETERMINERS,
    NEEDS_DOCUMENT_SUBJECT,
    Cue,
    Quote,
    Token,
    find_cues,
    find_quotes,
    tokenize,
)
from .segment import paragraphs, segment_paragraphs
from .speakers import (
    DATA_NOUNS,
    DATELINE_RE,
    DOCUMENT_NOUNS,
    PRONOUN_TYPES,
    QUOTE_MARKS,
    TIME_WORDS,
    Entity,
    Source,
    anaphor_kind,
    is_carrier,
    is_head,
    is_subordinate,
    link_type,
    make_entity,
    name_runs,
    np_left,
    np_right,
    possessor_span,
    resolve,
    source_for_cue,
)
from .types import Sentence, Span, Statement

# fmt: off
# Cue ranking: lower wins; ties go to the leftmost cue. A main-clause speech verb beats a trailing
# "according to" (the carrier of a report), which beats a main-clause cognition verb ("estimates").
PRIORITY_QUOTE_ADJACENT = 0
PRIORITY_TRAILING = 1
PRIORITY_MAIN = 2
PRIORITY_TRAILING_ACCORDING = 3
PRIORITY_COGNITION = 4
PRIORITY_ACCORDING = 5
PRIORITY_SECONDARY = 6
CARRIER_PENALTY = 10
# Tokens allowed between a quotation mark and the cue that attributes it
# ("”, the UK’s foreign minister, James Cleverly, said").
MAX_ADJACENT_GAP_TOKENS = 10
# Within this many tokens the quotation itself, not the reported clause, is the statement's quote ("said: “").
QUOTE_SPAN_GAP_TOKENS = 3
# Function words allowed between a closing quotation mark and its attribution.
GAP_WORDS = frozenset({"on", "last", "the", "a", "an", "of", "at", "for", "to"})
# A quotation after its cue is introduced by a colon or comma within a few words ("said in a statement: “").
MAX_OPEN_GAP_TOKENS = 6
QUOTE_INTRODUCERS = frozenset({":", ","})
# Quoted words that make a quotation the statement even a few words from its cue.
MIN_STATEMENT_QUOTE_WORDS = 4
# Cue kinds whose quotation beside them is theirs ("saying “...”" is left to the finite verb).
ADJACENCY_KINDS = frozenset({"verb", "passive", "according"})
# A headline's source after its colon is short: "...: U.S.", "...: S. Korean military".
MAX_HEADLINE_SOURCE_TOKENS = 5
MIN_HEADLINE_CLAUSE_TOKENS = 3
HEADLINE_END_PUNCTUATION = frozenset(".!?;")
# Tokens allowed after a trailing attribution (", Kirby said in a statement on Friday.").
MAX_TRAILING_TAIL_TOKENS = 8
# "told reporters Thursday (U.S. time) that ...": how far to look for "that" after the verb.
REPORTED_THAT_WINDOW = 8
TRAILING_DELIMITERS = frozenset({",", "–", "—", "--", ";"}) | QUOTE_MARKS
EDGE_TRIM = " \t\n\"“”‘’«»„‚‹›,;:.—–-"
# fmt: on


@dataclass
class _Draft:
    """One sentence's analysis before speakers are resolved."""

    sentence: Sentence
    lo: int
    hi: int
    cue: Cue | None = None
    source: Source | None = None
    priority: int = 0
    quote: Span | None = None
    groups: frozenset[int] = frozenset()
    quote_only: bool = False
    adjacent_group: int | None = None
    kind: str | None = None
    speaker: Span | None = None
    mention: Span | None = None
    clause_span: Span | None = None
    inside_quote: Span | None = None


def extract_statements(text: str) -> list[Statement]:
    """One Statement per sentence of ``text``, in order."""
    paras = paragraphs(text)
    sentences = segment_paragraphs(text, paras)
    if not sentences:
        return []
    quotes = [q for q in find_quotes(text, paras) if q.depth == 0]
    tokens = tokenize(text)
    quoted = _quoted_mask(tokens, quotes)
    starts = [t.start for t in tokens]
    drafts = []
    for sent in sentences:
        lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
        drafts.append(_analyse(text, sent, tokens, lo, hi, quoted, quotes))
    _resolve_speakers(text, drafts, tokens, quoted)
    _propagate_quotes(drafts)
    return [_statement(text, d) for d in drafts]


def _quoted_mask(tokens: list[Token], quotes: list[Quote]) -> list[bool]:
    """True for every token inside a top-level quotation, marks included."""
    mask = [False] * len(tokens)
    starts = [t.start for t in tokens]
    for q in quotes:
        outer = q.outer
        for i in range(bisect_left(starts, outer.start), bisect_left(starts, outer.end)):
            mask[i] = True
    return mask


def _analyse(
    text: str, sent: Sentence, tokens: list[Token], lo: int, hi: int, quoted: list[bool], quotes: list[Quote]
) -> _Draft:
    """Pick the sentence's best cue and source, and its quote span."""
    draft = _Draft(sent, lo, hi)
    toks, mask = tokens[lo:hi], quoted[lo:hi]
    n = len(toks)
    inside = [q for q in quotes if q.outer.overlaps(sent.span)]
    draft.groups = frozenset(q.group for q in inside)
    draft.quote_only = bool(inside) and all(mask[i] or not toks[i].is_word for i in range(n))
    draft.inside_quote = _clip_quotes(inside, sent)
    best: tuple[int, int, Cue, Source, Quote | None] | None = None
    previous: Source | None = None
    for cue in find_cues(toks, mask) + _headline_cues(toks, mask, sent, text):
        src = _source(cue, toks, mask, text, previous)
        if src is None:
            continue
        if cue.kind == "verb" and src.how != "impersonal":
            previous = src
        adjacent = _adjacent_quote(cue, src, toks, mask, inside) if cue.kind in ADJACENCY_KINDS else None
        priority = _priority(cue, src, toks, adjacent)
        if best is None or (priority, cue.index) < (best[0], best[1]):
            best = (priority, cue.index, cue, src, adjacent)
    if best is None:
        return draft
    draft.priority, _, draft.cue, draft.source, adjacent = best
    draft.adjacent_group = adjacent.group if adjacent else None
    draft.kind = "impersonal" if draft.source.how == "impersonal" else ("direct" if adjacent else "reported")
    if draft.cue.kind == "headline":
        draft.clause_span = _headline_clause(toks, draft.cue, draft.source)
    else:
        draft.clause_span = _reported_clause(toks, draft.cue, draft.source, sent)
    draft.quote = (
        draft.inside_quote if adjacent is not None and _quote_is_statement(draft, toks, inside) else draft.clause_span
    )
    return draft


def _source(cue: Cue, toks: list[Token], mask: list[bool], text: str, previous: Source | None) -> Source | None:
    """The source of ``cue`` if it is one that can speak; None otherwise."""
    n = len(toks)
    if cue.kind == "headline":
        return _headline_source(cue, toks)
    if cue.kind == "participle" and previous is not None:
        return Source(previous.start, previous.end, "participle")  # "X rejected ..., warning that"
    src = source_for_cue(cue.kind, cue.lemma, cue.index, toks, 0, n, mask, text)
    if src is None or src.how == "impersonal":
        return src
    phrase = toks[src.start : src.end]
    if mask[src.start] or not any(is_head(t) or t.lower in PRONOUN_TYPES or t.text[0].islower() for t in phrase):
        return None
    if cue.lemma in NEEDS_DOCUMENT_SUBJECT and not any(
        t.base in DATA_NOUNS or t.base in DOCUMENT_NOUNS for t in phrase
    ):
        return None
    return src


def _headline_cues(toks: list[Token], mask: list[bool], sent: Sentence, text: str) -> list[Cue]:
    """A headline's colon attribution: "... to resume Monday: ministry" / "Chinese state paper: ...".

    Only for a sentence that is a whole line without final punctuation.
    """
    if not toks or toks[-1].text in HEADLINE_END_PUNCTUATION:
        return []
    cues = []
    for i, t in enumerate(toks):
        if t.text == ":" and not mask[i] and 0 < i < len(toks) - 1:
            cues.append(Cue("headline", i, ":", t.span))
    return cues


def _headline_source(cue: Cue, toks: list[Token]) -> Source | None:
    n = len(toks)
    after = np_right(toks, cue.index + 1, n)
    if after is not None and after[1] == n and n - cue.index - 1 <= MAX_HEADLINE_SOURCE_TOKENS:
        return Source(after[0], after[1], "headline-after")
    before = np_left(toks, cue.index - 1, 0)
    short_source = before is not None and before[0] == 0 and cue.index <= MAX_HEADLINE_SOURCE_TOKENS
    if short_source and is_head(toks[cue.index - 1]) and n - cue.index - 1 >= MIN_HEADLINE_CLAUSE_TOKENS:
        return Source(before[0], before[1], "headline-before")
    return None


def _headline_clause(toks: list[Token], cue: Cue, src: Source) -> Span | None:
    if src.how == "headline-after":
        return _trimmed_span(toks, 0, cue.index)
    return _trimmed_span(toks, cue.index + 1, len(toks))


def _quote_is_statement(draft: _Draft, toks: list[Token], inside: list[Quote]) -> bool:
    """Use the quoted words as the statement's quote when they stand right beside the
    attribution (“...,” he said / said: “...”) or are long enough to be the statement."""
    for q in inside:
        gap = _gap_range(draft.cue, draft.source, toks, q)
        if gap is None or len(gap) > QUOTE_SPAN_GAP_TOKENS:
            continue
        words_between = sum(1 for i in gap if toks[i].is_word)
        quoted_words = sum(1 for t in toks if t.is_word and q.content.start <= t.start < q.content.end)
        if words_between == 0 or quoted_words >= MIN_STATEMENT_QUOTE_WORDS:
            return True
    return False


def _region(cue: Cue, src: Source) -> tuple[int, int]:
    if src.how == "impersonal":
        return cue.index, cue.index + 1
    return min(cue.index, src.start), max(cue.index + 1, src.end)


def _mark_index(toks: list[Token], pos: int) -> int | None:
    for i, t in enumerate(toks):
        if t.start == pos:
            return i
    return None


def _gap_range(cue: Cue, src: Source, toks: list[Token], q: Quote) -> range | None:
    """Token indices between the cue (with its source) and quotation ``q``, if it is beside them."""
    lo, hi = _region(cue, src)
    best: range | None = None
    if src.context is not None:
        lo = min(lo, src.context[0])
    if q.close is not None:
        c = _mark_index(toks, q.close.start)
        if c is not None and c < lo and all(_attribution_word(t) for t in toks[c + 1 : lo]):
            best = range(c + 1, lo)  # “...,” he said / ” KCNA on Friday quoted
    o = _mark_index(toks, q.open.start)
    near = o is not None and o >= hi and o - hi <= MAX_OPEN_GAP_TOKENS and (best is None or o - hi < len(best))
    if near and (o == hi or toks[o - 1].text in QUOTE_INTRODUCERS):
        best = range(hi, o)  # said: “...” / said, “...” / said “...”
    return best


def _attribution_word(tok: Token) -> bool:
    """Words that may sit between a closing mark and its attribution: names, titles, "on Friday"."""
    if not tok.is_word or is_head(tok) or tok.base in TIME_WORDS:
        return True
    return tok.text[0].islower() and (tok.lower in GAP_WORDS or tok.lower in DETERMINERS)


def _gap_to_quote(cue: Cue, src: Source, toks: list[Token], q: Quote) -> int:
    """How many tokens separate the cue from quotation ``q`` (large when not beside it)."""
    gap = _gap_range(cue, src, toks, q)
    return len(gap) if gap is not None else MAX_ADJACENT_GAP_TOKENS + 1


def _adjacent_quote(cue: Cue, src: Source, toks: list[Token], mask: list[bool], inside: list[Quote]) -> Quote | None:
    """The quotation this cue attributes directly, if one sits right beside it."""
    lo, hi = _region(cue, src)
    best: tuple[int, Quote] | None = None
    for q in inside:
        gap = _gap_to_quote(cue, src, toks, q)
        if gap > MAX_ADJACENT_GAP_TOKENS:
            continue
        if best is None or gap < best[0]:
            best = (gap, q)
    if best is None:
        return None
    q = best[1]
    # nothing quoted may sit between the cue and the quotation
    c = _mark_index(toks, q.close.start) if q.close is not None else None
    between = range(c + 1, lo) if c is not None and c < lo else range(hi, _mark_index(toks, q.open.start) or hi)
    if any(mask[i] for i in between):
        return None
    return q


def _priority(cue: Cue, src: Source, toks: list[Token], adjacent: Quote | None) -> int:
    lo, hi = _region(cue, src)
    carrier = src.how not in ("quoted-as", "impersonal") and is_carrier(toks, src)
    trailing = _is_trailing(toks, lo, hi)
    if adjacent is not None:
        priority = PRIORITY_QUOTE_ADJACENT
    elif src.how == "headline-after":
        priority = PRIORITY_TRAILING
    elif src.how == "headline-before":
        priority = PRIORITY_SECONDARY
    elif cue.kind == "according":
        priority = PRIORITY_TRAILING_ACCORDING if trailing else PRIORITY_ACCORDING
    elif trailing:
        priority = PRIORITY_TRAILING
    elif (
        src.how in ("relative", "participle", "main-subject")
        or is_subordinate(toks, src, 0)
        or cue.kind in ("participle", "noun")
    ):
        priority = PRIORITY_SECONDARY
    elif cue.lemma in COGNITION_VERBS:
        priority = PRIORITY_COGNITION
    else:
        priority = PRIORITY_MAIN
    return priority + (CARRIER_PENALTY if carrier else 0)


def _is_trailing(toks: list[Token], lo: int, hi: int) -> bool:
    """ ", Kirby said." / ", according to Kirby." at the end of the sentence."""
    if lo == 0 or toks[lo - 1].text not in TRAILING_DELIMITERS:
        return False
    tail = [t for t in toks[hi:] if t.is_word or t.text == ","]
    return len(tail) <= MAX_TRAILING_TAIL_TOKENS and "," not in (t.text for t in tail)


def _reported_clause(toks: list[Token], cue: Cue, src: Source, sent: Sentence) -> Span | None:
    """The reported words: before a trailing attribution, else after the verb (and "that")."""
    lo, hi = _region(cue, src)
    n = len(toks)
    if lo > 0 and toks[lo - 1].text in TRAILING_DELIMITERS and (_is_trailing(toks, lo, hi) or hi >= n - 1):
        start, end = 0, lo - 1
        dateline = DATELINE_RE.match(sent.text)
        if dateline:
            while start < end and toks[start].start < sent.start + dateline.end():
                start += 1
    else:
        start, end = hi, n
        for i in range(hi, min(n, hi + REPORTED_THAT_WINDOW)):
            if toks[i].lower == "that":
                start = i + 1
                break
    return _trimmed_span(toks, start, end)


def _trimmed_span(toks: list[Token], start: int, end: int) -> Span | None:
    while start < end and not toks[start].is_word and toks[start].text in EDGE_TRIM:
        start += 1
    while end > start and not toks[end - 1].is_word and toks[end - 1].text in EDGE_TRIM:
        end -= 1
    if start >= end:
        return None
    return Span(toks[start].start, toks[end - 1].end)


def _clip_quotes(inside: list[Quote], sent: Sentence) -> Span | None:
    """From the first to the last quoted words in the sentence (marks excluded)."""
    spans = [(max(q.content.start, sent.start), min(q.content.end, sent.end)) for q in inside]
    spans = [(a, b) for a, b in spans if a < b]
    if not spans:
        return None
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    text = sent.text
    while start < end and text[start - sent.start] in EDGE_TRIM:
        start += 1
    while end > start and text[end - 1 - sent.start] in EDGE_TRIM:
        end -= 1
    return Span(start, end) if start < end else None


def _resolve_speakers(text: str, drafts: list[_Draft], tokens: list[Token], quoted: list[bool]) -> None:
    """Walk the document in order, naming each source and resolving anaphors."""
    history: list[Entity] = []
    for d in drafts:
        toks = tokens[d.lo : d.hi]
        skip = list(quoted[d.lo : d.hi])
        mention_range: tuple[int, int] | None = None
        if d.source is not None and d.source.how != "impersonal":
            mention_range = (d.source.start, d.source.end)
        clause = d.clause_span if d.cue is not None else None
        for i, t in enumerate(toks):
            if clause is not None and clause.start <= t.start < clause.end:
                skip[i] = True
            if mention_range and mention_range[0] <= i < mention_range[1]:
                skip[i] = True
        dateline = DATELINE_RE.match(d.sentence.text)
        for i, t in enumerate(toks):
            if dateline and t.start < d.sentence.start + dateline.end():
                skip[i] = True
        names = [make_entity(toks[a:b], speaker=False) for a, b in name_runs(toks, 0, len(toks), skip)]
        if mention_range is not None:
            d.speaker, d.mention, antecedent = _name_speaker(
                toks, mention_range, d.source.how, history + names, d.quote
            )
            if antecedent is not None:
                names.append(replace(antecedent, at=d.mention.start))
            elif d.speaker is not None:
                a, b = d.source.context or possessor_span(toks, mention_range)[:2]
                names.append(make_entity(_tokens_in(toks, d.speaker), speaker=True, extra=toks[a:b], span=d.speaker))
        names.sort(key=lambda e: e.at)
        history.extend(link_type(e, history) for e in names)


def _tokens_in(toks: list[Token], span: Span) -> list[Token]:
    return [t for t in toks if t.start < span.end and span.start < t.end]


def _name_speaker(
    toks: list[Token], rng: tuple[int, int], how: str, history: list[Entity], exclude: Span | None
) -> tuple[Span | None, Span, Entity | None]:
    """(speaker name span, mention span, antecedent) for the source phrase toks[rng]."""
    a, b, _ = possessor_span(toks, rng)
    phrase = toks[a:b]
    last = phrase[-1]
    end = last.end - 2 if last.is_possessive else last.end
    mention = Span(phrase[0].start, end)
    kind = None if how == "described" else anaphor_kind(phrase)
    if kind is None:
        return mention, mention, None
    antecedent = resolve(phrase, kind, history, mention.start, exclude, toks[0].start)
    if antecedent is not None:
        return antecedent.span, mention, antecedent
    if len(phrase) == 1:
        return None, mention, None  # a pronoun with nothing to point at
    return mention, mention, None  # a description seen for the first time names the source


def _propagate_quotes(drafts: list[_Draft]) -> None:
    """Give sentences of an attributed quotation that name no one the quotation's speaker.

    First every sentence that a quotation group overlaps takes the speaker of
    the sentence whose cue sits beside that group (a quote running over
    several sentences, attributed in its first or last one). Then a sentence
    that is nothing but a quotation continues the quotation just before it
    (a new paragraph of the same speech) or, failing that, takes the speaker
    of a quotation attributed right after it.
    """
    by_group: dict[int, _Draft] = {}
    for d in drafts:
        if d.cue is not None and d.adjacent_group is not None:
            by_group.setdefault(d.adjacent_group, d)
    for d in drafts:
        if d.cue is not None:
            continue
        owner = next((by_group[g] for g in sorted(d.groups) if g in by_group), None)
        if owner is not None:
            _continue_from(d, owner)
    for i, d in enumerate(drafts):
        if d.kind is not None or not (d.quote_only or _is_quote_headline(d)):
            continue
        prev = drafts[i - 1] if i else None
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        if d.quote_only and prev is not None and prev.kind is not None and prev.speaker is not None:
            _continue_from(d, prev)
        elif nxt is not None and nxt.kind is not None and nxt.speaker is not None:
            _continue_from(d, nxt)
        else:
            d.kind, d.quote = "continuation", d.inside_quote  # a quotation whose speaker the text never names


def _is_quote_headline(d: _Draft) -> bool:
    """ "'It sounds like a moped': Kyiv learns ..." — a headline led by a quotation."""
    text = d.sentence.text
    return (
        d.inside_quote is not None
        and d.inside_quote.start - d.sentence.start <= 1
        and ":" in text
        and text[-1] not in HEADLINE_END_PUNCTUATION
    )


def _continue_from(d: _Draft, owner: _Draft) -> None:
    d.kind = "continuation"
    d.speaker = owner.speaker
    d.quote = d.inside_quote


def _statement(text: str, d: _Draft) -> Statement:
    if d.kind is None:
        return Statement(d.sentence, attributed=False)
    speaker = d.speaker
    return Statement(
        sentence=d.sentence,
        attributed=True,
        quote=d.quote,
        speaker=speaker,
        speaker_name=speaker.text_of(text) if speaker else None,
        mention=d.mention if d.kind != "continuation" else None,
        cue=d.cue.span if d.cue is not None else None,
        kind=d.kind,
    )
