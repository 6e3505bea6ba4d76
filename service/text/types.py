"""Typed results of the text pipeline.

The model stage and the HTTP API consume these objects directly, so every
offset is a code-point index into the text exactly as the caller sent it
(end exclusive): ``text[span.start:span.end] == span.text_of(text)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of the original text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def text_of(self, text: str) -> str:
        """The characters this span covers in ``text``."""
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        """True when ``other`` lies entirely inside this span."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Sentence:
    """One sentence; ``text == full_text[start:end]`` with no surrounding whitespace.

    ``paragraph`` counts the text's paragraphs (lines, or wrapped lines joined)
    so that a quotation can be followed from one paragraph into the next.
    """

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Statement:
    """What one sentence says and who says it.

    ``speaker`` is the source's *name* (for "he said" it points at the earlier
    "John Kirby"); ``mention`` is where this sentence refers to the source.
    ``kind`` tells how the attribution was found: "direct" (a quotation with
    its attribution), "reported" (speech verb, "according to", passive or
    nominal form), "continuation" (a sentence inside or right after a quotation
    attributed elsewhere) or "impersonal" ("it was claimed that", no source).
    """

    sentence: Sentence
    attributed: bool
    quote: Span | None = None
    speaker: Span | None = None
    speaker_name: str | None = None
    mention: Span | None = None
    cue: Span | None = None
    kind: str | None = None
