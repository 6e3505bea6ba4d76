"""The core: article text -> sentences -> attributed statements -> stance and evidence.

Plain Python with typed results; the HTTP API, the CLI and the batch command
only translate to and from these objects. Prediction is injected as a
function so the API can route it through its micro-batcher and tests can use
a tiny model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from service.consistency import reconcile, source_keys
from service.model.predictor import PairInput, StancePrediction
from service.text import extract_statements
from service.text.types import Span, Statement

PredictFn = Callable[[list[PairInput]], list[StancePrediction]]


@dataclass(frozen=True)
class TextSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SpeakerRef:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class AnalyzedSentence:
    index: int
    start: int
    end: int
    text: str
    attributed: bool
    quote: TextSpan | None
    speaker: SpeakerRef | None
    label: str | None
    scores: dict[str, float] | None
    evidence: list[Evidence] = field(default_factory=list)
    rule: str | None = None  # set when the article-level rule overrode the model's first choice (service.consistency)


@dataclass(frozen=True)
class SpeakerSummary:
    name: str
    label: str
    sentences: list[int]


@dataclass(frozen=True)
class Analysis:
    claim: str
    sentences: list[AnalyzedSentence]
    speakers: list[SpeakerSummary]


@dataclass(frozen=True)
class Plan:
    """What must be classified for one text: its statements and one pair per attributed one."""

    text: str
    claim: str
    statements: list[Statement]
    pairs: list[PairInput]
    attributed: list[int]  # indexes into statements, aligned with pairs


class InputError(ValueError):
    """The caller's text or claim cannot be analysed (empty, too long); `field` names which."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def plan(text: str, claim: str) -> Plan:
    if not isinstance(text, str) or not text.strip():
        raise InputError("text", "must be a non-empty string")
    if not isinstance(claim, str) or not claim.strip():
        raise InputError("claim", "must be a non-empty string")
    statements = extract_statements(text)
    attributed = [i for i, st in enumerate(statements) if st.attributed]
    pairs = []
    for i in attributed:
        context = statements[i - 1].sentence.text if i > 0 else ""
        pairs.append(PairInput(claim.strip(), statements[i].sentence.text, context, statements[i].speaker_name or ""))
    return Plan(text, claim.strip(), statements, pairs, attributed)


def _text_span(text: str, span: Span | None) -> TextSpan | None:
    return TextSpan(span.start, span.end, text[span.start : span.end]) if span else None


def assemble(
    p: Plan, predictions: list[StancePrediction], include_unattributed: bool = False, neutral: str = "neutral", article_rule: bool = True
) -> Analysis:
    """Join statements with their predictions; evidence offsets move from sentence to text.

    With `article_rule`, a source that asserts the claim in this article is not
    labelled as counter-accusing (service.consistency explains why).
    """
    if len(predictions) != len(p.pairs):
        raise ValueError(f"expected {len(p.pairs)} predictions, got {len(predictions)}")
    rules: list[str | None] = [None] * len(predictions)
    if article_rule:
        reconciled = reconcile([pair.speaker or None for pair in p.pairs], predictions, neutral)
        predictions, rules = [r.prediction for r in reconciled], [r.rule for r in reconciled]
    by_statement = dict(zip(p.attributed, predictions))
    rule_of = dict(zip(p.attributed, rules))
    sentences = []
    for i, st in enumerate(p.statements):
        pred = by_statement.get(i)
        if pred is None and not include_unattributed:
            continue
        s = st.sentence
        speaker = SpeakerRef(p.text[st.speaker.start : st.speaker.end], st.speaker.start, st.speaker.end) if st.speaker else None
        evidence = [Evidence(s.start + e.start, s.start + e.end, s.text[e.start : e.end], round(e.score, 4)) for e in pred.evidence] if pred else []
        sentences.append(
            AnalyzedSentence(
                index=s.index,
                start=s.start,
                end=s.end,
                text=s.text,
                attributed=st.attributed,
                quote=_text_span(p.text, st.quote) if st.attributed else None,
                speaker=speaker,
                label=pred.label if pred else None,
                scores=pred.scores if pred else None,
                evidence=evidence,
                rule=rule_of.get(i),
            )
        )
    return Analysis(p.claim, sentences, summarise_speakers(sentences, neutral))


def summarise_speakers(sentences: list[AnalyzedSentence], neutral: str = "neutral") -> list[SpeakerSummary]:
    """One stance per source over the article.

    Mentions are grouped as service.consistency.source_keys groups them ("John
    Kirby" and "Kirby" are one source; the longest form names the group). The source's label is the
    non-neutral label with the largest summed probability over its sentences,
    or neutral when every sentence of it is neutral.
    """
    groups: dict[str, list[AnalyzedSentence]] = {}
    names: dict[str, str] = {}
    named = [s for s in sentences if s.attributed and s.speaker is not None and s.label is not None]
    for s, key in zip(named, source_keys([s.speaker.name for s in named])):
        if key is None:
            continue
        groups.setdefault(key, []).append(s)
        if len(s.speaker.name) > len(names.get(key, "")):
            names[key] = s.speaker.name
    out = []
    for key, items in groups.items():
        stances = [s for s in items if s.label != neutral]
        if stances:
            totals: dict[str, float] = {}
            for s in stances:
                for label, score in (s.scores or {}).items():
                    if label != neutral:
                        totals[label] = totals.get(label, 0.0) + score
            label = max(totals, key=totals.__getitem__)
        else:
            label = neutral
        out.append(SpeakerSummary(names[key], label, [s.index for s in items]))
    return out


def analyze(text: str, claim: str, predict: PredictFn, include_unattributed: bool = False, neutral: str = "neutral") -> Analysis:
    p = plan(text, claim)
    return assemble(p, predict(p.pairs) if p.pairs else [], include_unattributed, neutral)
