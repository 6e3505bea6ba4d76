"""Time the text pipeline on long and pathological articles (a benchmark, not a test).

    python scripts/bench_pipeline.py                 # all shapes, 10k/50k/100k characters
    python scripts/bench_pipeline.py --sizes 100000 --repeats 3

For every shape and size it prints the best time over the repeats and the time
per 1,000 characters: near-linear code keeps that ratio flat as the size grows,
quadratic code multiplies it by the size ratio (5x from 10k to 50k). The HTTP
service accepts texts up to 100,000 characters, so the 100k column is the one
that must stay well under a second.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.text import extract_statements  # noqa: E402

SIZES = (10_000, 50_000, 100_000)
FIRST = ("John", "Maria", "Ivan", "Aiko", "Pedro", "Olga", "Kwame", "Lena", "Tariq", "Sofia", "Chen", "Nadia")
LAST = ("Kirby", "Lukina", "Petrov", "Tanaka", "Alves", "Novak", "Mensah", "Berg", "Haddad", "Rossi", "Wei", "Okafor")
SENTENCE = (
    "the ministry rejected claims about the shipment and officials warned that prices would rise again "
    "while analysts in the region expected further talks on the border crossing next week"
)
WORDS = SENTENCE.split(" ")


def _name(i: int) -> str:
    """Many distinct names, so the pool of earlier sources keeps growing."""
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}{'' if i < 144 else f'-{i // 144}'}"


def _fill(pieces: Iterator[str], size: int) -> str:
    out: list[str] = []
    total = 0
    for piece in pieces:
        out.append(piece)
        total += len(piece)
        if total >= size:
            break
    return "".join(out)[:size]


def short_quotes(size: int) -> str:
    """Thousands of short quoted sentences, each attributed: “...,” X said. / He added: “...”"""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            yield f"“Prices rose {i} times,” {_name(i)} said. "
            yield f"He added: “We will not {WORDS[i % len(WORDS)]}.” "
            yield f"“No,” they said. “Never again,” said {_name(i + 7)}. "
            i += 1

    return _fill(gen(), size)


def reported_paragraphs(size: int) -> str:
    """Long paragraphs of reported speech with pronouns and descriptions to resolve."""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            sents = [
                f"{_name(i)}, a spokesperson for the ministry, said on Friday that the {WORDS[i % len(WORDS)]} "
                "had been delayed, according to officials familiar with the matter.",
                "She told reporters that the company would appeal, warning that talks could collapse.",
                f"The ministry, which denied the reports, said it would respond, according to {_name(i + 3)}.",
                "They said the figures were wrong, and the spokesman added that the agency disagreed.",
                f"Analysts at Group {i} estimate that exports fell, while the regulator's statement said otherwise.",
            ]
            yield " ".join(sents) + (" " if i % 4 else "\n\n")
            i += 1

    return _fill(gen(), size)


def unclosed_quote(size: int) -> str:
    """One opening mark and a whole article inside it, never closed (one paragraph)."""

    def gen() -> Iterator[str]:
        yield f"{_name(0)} said: “"
        i = 0
        while True:
            yield f"The {WORDS[i % len(WORDS)]} was {WORDS[(i + 3) % len(WORDS)]}, he said, and {_name(i)} agreed. "
            i += 1

    return _fill(gen(), size)


def no_punctuation(size: int) -> str:
    """One endless sentence: words, names and speech verbs, not a single stop, comma or mark."""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            yield f"{_name(i)} said the {WORDS[i % len(WORDS)]} {WORDS[(i + 5) % len(WORDS)]} and officials warned "
            yield f"according to {_name(i + 1)} who denied it saying that they {WORDS[(i + 2) % len(WORDS)]} "
            i += 1

    return _fill(gen(), size)


def many_newlines(size: int) -> str:
    """Thousands of lines: headlines, bullets, blank lines, lone marks."""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            yield f"Talks to resume Monday: ministry\n- {_name(i)} said\n\n“\n{WORDS[i % len(WORDS)]}\n\n\n"
            i += 1

    return _fill(gen(), size)


def _word(i: int) -> str:
    """A distinct made-up proper name for every ``i``: Bak, Cek, ..., Bakcek."""
    out = ""
    while True:
        out += "bcdfghjklmnprstvz"[i % 17] + "aeiou"[(i // 17) % 5] + "k"
        i //= 85
        if not i:
            return out.capitalize()


def names_and_pronouns(size: int) -> str:
    """Thousands of distinct names and anaphors that match none of them: every pronoun and "the
    spokesman" has to look back over the whole article."""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            yield f"{_word(i)} {_word(i + 1)} said on Friday that {_word(i + 2)} and {_word(i + 3)} would merge. "
            yield f"It said the talks failed. The {_word(i + 4)} ministry said so. The Foreign Office said nothing. "
            i += 5

    return _fill(gen(), size)


def quote_storm(size: int) -> str:
    """Thousands of quotation marks of every family, mostly unpaired, and possessive apostrophes."""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            yield f'" \' “ ‘ « the officials’ plan ” {_name(i)} said " \' » the Americans’ ’90s '
            i += 1

    return _fill(gen(), size)


def title_case(size: int) -> str:
    """One endless capitalised line: every word may be a name, and "Said", "Quoted", "Shows" are cues."""

    def gen() -> Iterator[str]:
        i = 0
        while True:
            yield f"{_word(i)} Said {_word(i + 1)} Says {_word(i + 2)} Quoted {_word(i + 3)} Of {_word(i + 4)} Shows "
            i += 5

    return _fill(gen(), size)


SHAPES: dict[str, Callable[[int], str]] = {
    "short-quotes": short_quotes,
    "reported-paragraphs": reported_paragraphs,
    "unclosed-quote": unclosed_quote,
    "no-punctuation": no_punctuation,
    "many-newlines": many_newlines,
    "quote-storm": quote_storm,
    "names-and-pronouns": names_and_pronouns,
    "title-case": title_case,
}


def best_time(text: str, repeats: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        count = len(extract_statements(text))
        best = min(best, time.perf_counter() - start)
    return best, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="text lengths in characters")
    parser.add_argument("--repeats", type=int, default=3, help="runs per text; the best one counts")
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    args = parser.parse_args(argv)
    print(f"{'shape':<20} {'chars':>7} {'sents':>6} {'seconds':>8} {'ms/1k chars':>12}")
    worst = 0.0
    for name in args.shapes:
        for size in args.sizes:
            text = SHAPES[name](size)
            seconds, count = best_time(text, args.repeats)
            worst = max(worst, seconds)
            print(f"{name:<20} {len(text):>7} {count:>6} {seconds:>8.3f} {seconds * 1e6 / len(text):>12.3f}")
    print(f"slowest: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
