"""Raw article text -> one Statement per sentence, attributed or not.

Steps: segment into sentences; pair quotation marks over the whole text;
in each sentence, find speech cues outside quotations and the source that
governs each; keep the best cue (one that touches a quotation, then a
trailing ", Kirby said", then a main-clause subject, then "according to",
then participles, nominal and subordinate cues; a news agency that only
carries a statement loses to any other source; a trailing "according to"
beside a quotation only relays it, so a main-clause speaker wins; a denial
quoted in a relative clause is the denier's, whoever relays the sentence;
"what it called “...”" is a label, not the statement); resolve pronouns and "the
spokesperson" to the nearest earlier compatible name; finally hand a
quotation's speaker to the sentences of that quotation which name no one
(multi-sentence and multi-paragraph quotes, and a quote whose attribution
comes in its last sentence).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property

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
    History,
    Source,
    anaphor_kind,
    is_carrier,
    is_head,
    is_subordinate,
    make_entity,
    name_runs,
    np_left,
    np_right,
    possessor_span,
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
# What may follow a source after a comma and still describe it (", a Flint mother whose ...").
MAX_APPOSITION_TOKENS = 15
APPOSITION_ENDS = frozenset({",", ".", ";", "–", "—", ":", "!", "?"})
# The pronoun opening a reported clause types its speaker: "X said it would", "X said she had".
PRONOUN_EVIDENCE = {"it": "org", "its": "org", "he": "person", "she": "person", "his": "person", "her": "person"}
EDGE_TRIM = " \t\n\"“”‘’«»„‚‹›,;:.—–-"
# A relative clause that quotes a denial ("– who denied ... as “gossip” –") and where it ends.
DENIAL_LEMMAS = frozenset({"deny", "reject", "dismiss"})
CLAUSE_END_DELIMITERS = frozenset({",", "–", "—", "--", ")"})
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
    # top-level quotations do not overlap, so both their starts and their ends ascend
    quote_starts, quote_ends = [q.outer.start for q in quotes], [q.outer.end for q in quotes]
    drafts = []
    for sent in sentences:
        lo, hi = bisect_left(starts, sent.start), bisect_left(starts, sent.end)
        near = quotes[bisect_right(quote_ends, sent.start) : bisect_left(quote_starts, sent.end)]
        drafts.append(_analyse(text, sent, tokens, lo, hi, quoted, near))
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


class _View:
    """One sentence's tokens, quotation mask and quotations, with lookups built once per sentence so
    that each cue costs about the same however long the sentence is."""

    def __init__(self, text: str, toks: list[Token], mask: list[bool], inside: list[Quote]) -> None:
        self.text, self.toks, self.mask, self.inside = text, toks, mask, inside
        index_of = {t.start: i for i, t in enumerate(toks)} if inside else {}
        # token index of each quotation's marks (None: the mark lies outside the sentence)
        self.open_at = [index_of.get(q.open.start) for q in inside]
        self.close_at = [index_of.get(q.close.start) if q.close is not None else None for q in inside]
        self._by_open: dict[int, list[int]] = {}
        self._by_close: dict[int, list[int]] = {}
        for k, (o, c) in enumerate(zip(self.open_at, self.close_at, strict=True)):
            if o is not None:
                self._by_open.setdefault(o, []).append(k)
            if c is not None:
                self._by_close.setdefault(c, []).append(k)

    def near(self, cue: Cue, src: Source) -> list[int]:
        """Positions in ``inside`` of the quotations that may sit beside the cue: closed within
        MAX_ADJACENT_GAP_TOKENS tokens before it, or opened within MAX_OPEN_GAP_TOKENS after it."""
        lo, hi = _region(cue, src)
        if src.context is not None:
            lo = min(lo, src.context[0])
        found: set[int] = set()
        for i in range(max(0, lo - MAX_ADJACENT_GAP_TOKENS - 1), lo):
            found.update(self._by_close.get(i, ()))
        for i in range(hi, hi + MAX_OPEN_GAP_TOKENS + 1):
            found.update(self._by_open.get(i, ()))
        return sorted(found)

    @cached_property
    def starts(self) -> list[int]:
        return [t.start for t in self.toks]

    @cached_property
    def clause_ends(self) -> list[int]:
        """For each token, the next unquoted clause delimiter at or after it (len(toks) if none)."""
        n = len(self.toks)
        out = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            unquoted_end = not self.mask[i] and self.toks[i].text in CLAUSE_END_DELIMITERS
            out[i] = i if unquoted_end else out[i + 1]
        return out

    @cached_property
    def quoted_before(self) -> list[int]:
        """quoted_before[i]: how many of the first i tokens are quoted."""
        out = [0]
        for m in self.mask:
            out.append(out[-1] + m)
        return out

    @cached_property
    def main_subject(self) -> Source | None:
        """The main clause's subject: the same for every participle cue of the sentence."""
        return source_for_cue("participle", "", 0, self.toks, 0, len(self.toks), self.mask, self.text)


def _analyse(
    text: str, sent: Sentence, tokens: list[Token], lo: int, hi: int, quoted: list[bool], quotes: list[Quote]
) -> _Draft:
    """Pick the sentence's best cue and source, and its quote span (``quotes``: those near the sentence)."""
    draft = _Draft(sent, lo, hi)
    toks, mask = tokens[lo:hi], quoted[lo:hi]
    n = len(toks)
    inside = [q for q in quotes if q.outer.overlaps(sent.span)]
    draft.groups = frozenset(q.group for q in inside)
    draft.quote_only = bool(inside) and all(mask[i] or not toks[i].is_word for i in range(n))
    draft.inside_quote = _clip_quotes(inside, sent)
    view = _View(text, toks, mask, inside)
    best: tuple[int, int, Cue, Source, Quote | None] | None = None
    previous: Source | None = None
    for cue in find_cues(toks, mask) + _headline_cues(toks, mask, sent, text):
        src = _source(cue, view, previous)
        if src is None:
            continue
        if cue.kind == "verb" and src.how != "impersonal":
            previous = src
        adjacent = _adjacent_quote(cue, src, view) if cue.kind in ADJACENCY_KINDS else None
        priority = _priority(cue, src, view, adjacent)
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
        draft.inside_quote if adjacent is not None and _quote_is_statement(draft, view) else draft.clause_span
    )
    return draft


def _source(cue: Cue, view: _View, previous: Source | None) -> Source | None:
    """The source of ``cue`` if it is one that can speak; None otherwise."""
    toks, mask, text = view.toks, view.mask, view.text
    n = len(toks)
    if cue.kind == "headline":
        return _headline_source(cue, toks)
    if cue.kind == "participle" and previous is not None:
        return Source(previous.start, previous.end, "participle")  # "X rejected ..., warning that"
    main = cue.kind == "participle"  # the main clause's subject, the same for every participle
    src = view.main_subject if main else source_for_cue(cue.kind, cue.lemma, cue.index, toks, 0, n, mask, text)
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


def _quote_is_statement(draft: _Draft, view: _View) -> bool:
    """Use the quoted words as the statement's quote when they stand right beside the
    attribution (“...,” he said / said: “...”) or are long enough to be the statement."""
    toks = view.toks
    for k in view.near(draft.cue, draft.source):
        gap = _gap_range(draft.cue, draft.source, view, k)
        if gap is None or len(gap) > QUOTE_SPAN_GAP_TOKENS:
            continue
        if not any(toks[i].is_word for i in gap) or _has_words(view, view.inside[k], MIN_STATEMENT_QUOTE_WORDS):
            return True
    return False


def _has_words(view: _View, q: Quote, count: int) -> bool:
    """True when at least ``count`` of the sentence's word tokens start inside the quotation's content."""
    toks = view.toks
    found = 0
    for i in range(bisect_left(view.starts, q.content.start), len(toks)):
        if toks[i].start >= q.content.end:
            break
        found += toks[i].is_word
        if found >= count:
            return True
    return False


def _region(cue: Cue, src: Source) -> tuple[int, int]:
    if src.how == "impersonal":
        return cue.index, cue.index + 1
    return min(cue.index, src.start), max(cue.index + 1, src.end)


def _gap_range(cue: Cue, src: Source, view: _View, k: int) -> range | None:
    """Token indices between the cue (with its source) and quotation ``view.inside[k]``, if it is
    beside them. A closing mark more than MAX_ADJACENT_GAP_TOKENS tokens back is never beside."""
    toks = view.toks
    lo, hi = _region(cue, src)
    best: range | None = None
    if src.context is not None:
        lo = min(lo, src.context[0])
    c = view.close_at[k]
    if (
        c is not None
        and c < lo
        and lo - c - 1 <= MAX_ADJACENT_GAP_TOKENS
        and all(_attribution_word(t) for t in toks[c + 1 : lo])
    ):
        best = range(c + 1, lo)  # “...,” he said / ” KCNA on Friday quoted
    o = view.open_at[k]
    near = o is not None and o >= hi and o - hi <= MAX_OPEN_GAP_TOKENS and (best is None or o - hi < len(best))
    if near and (o == hi or toks[o - 1].text in QUOTE_INTRODUCERS):
        best = range(hi, o)  # said: “...” / said, “...” / said “...”
    return best


def _attribution_word(tok: Token) -> bool:
    """Words that may sit between a closing mark and its attribution: names, titles, "on Friday"."""
    if not tok.is_word or is_head(tok) or tok.base in TIME_WORDS:
        return True
    return tok.text[0].islower() and (tok.lower in GAP_WORDS or tok.lower in DETERMINERS)


def _gap_to_quote(cue: Cue, src: Source, view: _View, k: int) -> int:
    """How many tokens separate the cue from quotation ``view.inside[k]`` (large when not beside it)."""
    gap = _gap_range(cue, src, view, k)
    return len(gap) if gap is not None else MAX_ADJACENT_GAP_TOKENS + 1


def _adjacent_quote(cue: Cue, src: Source, view: _View) -> Quote | None:
    """The quotation this cue attributes directly, if one sits right beside it."""
    lo, hi = _region(cue, src)
    best: tuple[int, int] | None = None
    for k in view.near(cue, src):  # the others are farther than MAX_ADJACENT_GAP_TOKENS
        gap = _gap_to_quote(cue, src, view, k)
        if gap > MAX_ADJACENT_GAP_TOKENS:
            continue
        if best is None or gap < best[0]:
            best = (gap, k)
    if best is None:
        return None
    k = best[1]
    # nothing quoted may sit between the cue and the quotation
    c = view.close_at[k]
    between = range(c + 1, lo) if c is not None and c < lo else range(hi, view.open_at[k] or hi)
    if view.quoted_before[between.stop] > view.quoted_before[between.start]:
        return None
    return view.inside[k]


def _priority(cue: Cue, src: Source, view: _View, adjacent: Quote | None) -> int:
    toks = view.toks
    lo, hi = _region(cue, src)
    carrier = src.how not in ("quoted-as", "impersonal") and is_carrier(toks, src)
    trailing = _is_trailing(toks, lo, hi)
    # a trailing "according to" beside a quotation relays it: a main-clause speaker wins
    beside = adjacent is not None and not (cue.kind == "according" and trailing) and not _embedded_label(src, toks)
    if beside or _relayed_denial(cue, src, view):
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
        or _embedded_label(src, toks)
        or cue.kind in ("participle", "noun")
    ):
        priority = PRIORITY_SECONDARY
    elif cue.lemma in COGNITION_VERBS:
        priority = PRIORITY_COGNITION
    else:
        priority = PRIORITY_MAIN
    return priority + (CARRIER_PENALTY if carrier else 0)


def _embedded_label(src: Source, toks: list[Token]) -> bool:
    """ "rejected what it called “unfounded attempts”", "a network it calls “Storm-1516”": a pronoun's
    label inside an object clause, not the sentence's statement."""
    if src.end - src.start != 1 or toks[src.start].lower not in PRONOUN_TYPES or src.start == 0:
        return False
    prev = toks[src.start - 1]
    return prev.lower in ("what", "which") or (prev.is_word and prev.text[0].islower() and is_head(prev))


def _relayed_denial(cue: Cue, src: Source, view: _View) -> bool:
    """ "Prigozhin – who denied the US assertion as “gossip” on Thursday – is estimated ..., Kirby
    added": a denial quoted in a relative clause is the denier's statement, whoever relays the sentence."""
    if cue.kind != "verb" or cue.lemma not in DENIAL_LEMMAS or src.how != "relative":
        return False
    start = cue.index + 1
    end = view.clause_ends[start]
    return end < len(view.toks) and view.quoted_before[end] > view.quoted_before[start]


def _is_trailing(toks: list[Token], lo: int, hi: int) -> bool:
    """ ", Kirby said." / ", according to Kirby." at the end of the sentence."""
    if lo == 0 or toks[lo - 1].text not in TRAILING_DELIMITERS:
        return False
    words = 0  # at most MAX_TRAILING_TAIL_TOKENS words, and no comma, may follow
    for i in range(hi, len(toks)):
        t = toks[i]
        if t.text == ",":
            return False
        if t.is_word:
            words += 1
            if words > MAX_TRAILING_TAIL_TOKENS:
                return False
    return True


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
    history = History()
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
            d.speaker, d.mention, antecedent = _name_speaker(toks, mention_range, d.source.how, history, names, d.quote)
            if antecedent is not None:
                head = toks[mention_range[1] - 1]
                nouns = antecedent.nouns | ({head.base} if head.text[0].islower() else set())
                names.append(replace(antecedent, at=d.mention.start, nouns=nouns))  # "the club" names it now
            elif d.speaker is not None:
                a, b = d.source.context or possessor_span(toks, mention_range)[:2]
                extra = toks[a:b] if d.source.context else toks[a:b] + _apposition(toks, b)
                ent = make_entity(_tokens_in(toks, d.speaker), speaker=True, extra=extra, span=d.speaker)
                names.append(_typed_by_pronoun(ent, toks, d))
        names.sort(key=lambda e: e.at)
        for e in names:
            history.append(history.link_type(e))


def _apposition(toks: list[Token], end: int) -> list[Token]:
    """ ", a Flint mother whose ..." / ", who runs a farm shop": what a comma after a source adds about it."""
    if end >= len(toks) or toks[end].text != ",":
        return []
    out: list[Token] = []
    for t in toks[end : end + 1 + MAX_APPOSITION_TOKENS]:
        if out and t.text in APPOSITION_ENDS:
            break
        out.append(t)
    return out


def _typed_by_pronoun(ent: Entity, toks: list[Token], d: _Draft) -> Entity:
    """ "Aegean Meridian said it would appeal": the pronoun opening the reported clause tells an
    organisation ("it") from a person ("he", "she") when the name alone does not."""
    if not (ent.weak or ent.kind == "unknown") or d.clause_span is None or d.cue is None:
        return ent
    if d.clause_span.start < d.cue.span.end:
        return ent
    words = [t for t in toks if t.start >= d.clause_span.start and t.is_word][:2]
    if words and words[0].lower == "that":
        words = words[1:]
    kind = PRONOUN_EVIDENCE.get(words[0].lower) if words else None
    return replace(ent, kind=kind, weak=False) if kind else ent


def _tokens_in(toks: list[Token], span: Span) -> list[Token]:
    return [t for t in toks if t.start < span.end and span.start < t.end]


def _name_speaker(
    toks: list[Token], rng: tuple[int, int], how: str, history: History, names: list[Entity], exclude: Span | None
) -> tuple[Span | None, Span, Entity | None]:
    """(speaker name span, mention span, antecedent) for the source phrase toks[rng]; ``names``: the
    sentence's own names, after the earlier sentences' ``history``."""
    a, b, _ = possessor_span(toks, rng)
    phrase = toks[a:b]
    last = phrase[-1]
    end = last.end - 2 if last.is_possessive else last.end
    mention = Span(phrase[0].start, end)
    kind = None if how == "described" else anaphor_kind(phrase)
    if kind is None and len(phrase) == 3 and phrase[1].lower == "of" and phrase[2].lower in ("them", "they"):
        described = b + 1 < len(toks) and toks[b].text == ","
        if not described:  # "one of them said": one of the group named before ("one of them, Ben Kowalski" is named)
            group = history.resolve(phrase[2:], "plural", names, mention.start, exclude, toks[0].start)
            if group is not None:
                return group.span, mention, None
    if kind is None:
        earlier = history.short_form_of(phrase, names, mention.start)
        if earlier is not None:  # "the Foreign Office" after "Britain's Foreign Office"
            return earlier.span, mention, earlier
        return mention, mention, None
    antecedent = history.resolve(phrase, kind, names, mention.start, exclude, toks[0].start)
    if antecedent is not None:
        if antecedent.weak and kind in ("person", "org") and len(phrase) == 1:
            history.retype(antecedent.span, kind, names)  # "Marcy Hollins ... she said": a person's from now on
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
