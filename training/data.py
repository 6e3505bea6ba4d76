"""Labelled data: reading, validating and turning documents into examples.

Two input formats are accepted:

* the corpus format of labels/data/*.jsonl, one annotated document per line
  (see labels/README.md); every sentence is listed with offsets into "text";
* a flat CSV or JSONL of rows (claim, sentence, label[, context, speaker, evidence]) so
  users can train on their own data without writing offsets for whole texts.

    python -m training.data validate labels/data
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from service.jsonl import read_jsonl
from service.labels import load_schema

SPLITS = ("train", "dev", "test")
EVAL_ONLY = "seeds"
NEAR_DUP_NGRAM = 5
NEAR_DUP_JACCARD = 0.8
# The corpus targets of issue 2; `validate` prints each next to the real figure.
TARGETS = {"documents": 400, "attributed sentences": 2400, "per label": 400, "claims": 30, "domains": 6}
FLAT_FIELDS = ("claim", "sentence", "label")


class DataError(ValueError):
    """A problem in a data file, located by file, line and field so it can be fixed."""

    def __init__(self, path: Path | str, line: int, field_name: str, message: str):
        where = f"{path}:{line}" + (f" field '{field_name}'" if field_name else "")
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.field, self.message = str(path), line, field_name, message


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class GoldSentence:
    start: int
    end: int
    attributed: bool
    label: str | None
    speaker: Span | None
    quote: Span | None
    evidence: tuple[Span, ...]
    speaker_mention: Span | None = None


@dataclass(frozen=True)
class Document:
    id: str
    claim: str
    domain: str
    text: str
    sentences: tuple[GoldSentence, ...]
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Example:
    """One model input: a claim, an attributed sentence and its preceding sentence.

    Evidence offsets are relative to `sentence`.
    """

    claim: str
    sentence: str
    context: str
    label: str
    evidence: tuple[tuple[int, int], ...] = ()
    doc_id: str = ""
    domain: str = ""
    source: str = ""
    speaker: str = ""

    def pair(self):
        """The model input for this example."""
        from service.model.predictor import PairInput

        return PairInput(self.claim, self.sentence, self.context, self.speaker)


@dataclass
class Report:
    """Everything `validate` found: problems (fatal) and counts (informational)."""

    problems: list[str] = field(default_factory=list)
    documents: dict[str, list[Document]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- reading


def _span(obj: object, path: Path, line: int, name: str, text_len: int) -> Span | None:
    if obj is None:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("start"), int) or not isinstance(obj.get("end"), int):
        raise DataError(path, line, name, 'expected {"start": int, "end": int} or null')
    start, end = obj["start"], obj["end"]
    if not 0 <= start < end <= text_len:
        raise DataError(path, line, name, f"span [{start}, {end}) is empty or outside the text (length {text_len})")
    return Span(start, end)


def parse_document(raw: object, path: Path, line: int, labels: tuple[str, ...]) -> Document:
    """Check one corpus record against the schema and return it typed."""
    if not isinstance(raw, dict):
        raise DataError(path, line, "", "each line must be a JSON object")
    for name in ("id", "claim", "domain", "text"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise DataError(path, line, name, "required non-empty string")
    text = raw["text"]
    if not isinstance(raw.get("sentences"), list) or not raw["sentences"]:
        raise DataError(path, line, "sentences", "required non-empty list")
    sentences = []
    prev_end = 0
    for i, s in enumerate(raw["sentences"]):
        where = f"sentences[{i}]"
        if not isinstance(s, dict):
            raise DataError(path, line, where, "each sentence must be an object")
        span = _span({"start": s.get("start"), "end": s.get("end")}, path, line, where, len(text))
        if span.start < prev_end:
            raise DataError(path, line, where, f"starts at {span.start}, before the previous sentence ends ({prev_end}); sentences must be in order and not overlap")
        gap = text[prev_end : span.start]
        if gap.strip():
            raise DataError(path, line, where, f"text {gap.strip()[:40]!r} before it belongs to no sentence; every sentence must be listed")
        sent_text = text[span.start : span.end]
        if sent_text != sent_text.strip():
            raise DataError(path, line, where, "sentence span starts or ends with whitespace")
        prev_end = span.end
        if not isinstance(s.get("attributed"), bool):
            raise DataError(path, line, f"{where}.attributed", "required boolean")
        attributed = s["attributed"]
        label = s.get("label")
        if attributed:
            if label not in labels:
                raise DataError(path, line, f"{where}.label", f"{label!r} is not one of {list(labels)}")
            for name in ("speaker", "quote"):
                if name not in s:
                    raise DataError(path, line, f"{where}.{name}", "required on attributed sentences (speaker may be null if no source is named)")
            if s["quote"] is None:
                raise DataError(path, line, f"{where}.quote", "attributed sentences need the quote or reported clause")
        elif label is not None and label not in labels:
            raise DataError(path, line, f"{where}.label", f"{label!r} is not one of {list(labels)}")
        speaker = _span(s.get("speaker"), path, line, f"{where}.speaker", len(text))
        quote = _span(s.get("quote"), path, line, f"{where}.quote", len(text))
        mention = _span(s.get("speaker_mention"), path, line, f"{where}.speaker_mention", len(text))
        if not isinstance(s.get("evidence", []), list):
            raise DataError(path, line, f"{where}.evidence", "must be a list of spans")
        evidence = tuple(_span(e, path, line, f"{where}.evidence[{j}]", len(text)) for j, e in enumerate(s.get("evidence", [])))
        for name, sp in [("quote", quote)] + [(f"evidence[{j}]", e) for j, e in enumerate(evidence)]:
            if sp is not None and not (span.start <= sp.start and sp.end <= span.end):
                raise DataError(path, line, f"{where}.{name}", "span lies outside its sentence")
        if attributed and label != "neutral" and not evidence:
            raise DataError(path, line, f"{where}.evidence", f"a {label} sentence needs at least one evidence span")
        if not attributed and (quote or evidence or speaker):
            raise DataError(path, line, where, "an unattributed sentence carries no quote, speaker or evidence")
        sentences.append(GoldSentence(span.start, span.end, attributed, label if attributed else None, speaker, quote, evidence, mention))
    if text[prev_end:].strip():
        raise DataError(path, line, "sentences", f"text after the last sentence ({text[prev_end:].strip()[:40]!r}) belongs to no sentence")
    return Document(raw["id"], raw["claim"], raw["domain"], text, tuple(sentences), str(path), line)


def read_documents(path: Path, labels: tuple[str, ...] | None = None) -> tuple[list[Document], list[str]]:
    """Read a corpus JSONL file, returning the good documents and one message per bad line."""
    labels = labels or load_schema().labels
    docs, problems = [], []
    for line_no, raw, problem in read_jsonl(path):
        if problem:
            problems.append(f"{path}:{line_no}: {problem}")
            continue
        try:
            docs.append(parse_document(raw, path, line_no, labels))
        except DataError as err:
            problems.append(str(err))
    return docs, problems


def load_documents(path: Path) -> list[Document]:
    """Read a corpus file, raising DataError naming the first bad line."""
    docs, problems = read_documents(path)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise DataError(path, 0, "", problems[0] + more)
    return docs


def examples_from_documents(docs: list[Document]) -> list[Example]:
    """One example per labelled attributed sentence, with the previous sentence as context."""
    out = []
    for doc in docs:
        for i, s in enumerate(doc.sentences):
            if not s.attributed or s.label is None:
                continue
            prev = doc.sentences[i - 1] if i else None
            context = doc.text[prev.start : prev.end] if prev else ""
            evidence = tuple((e.start - s.start, e.end - s.start) for e in s.evidence)
            speaker = doc.text[s.speaker.start : s.speaker.end] if s.speaker else ""
            out.append(Example(doc.claim, doc.text[s.start : s.end], context, s.label, evidence, doc.id, doc.domain, f"{doc.path}:{doc.line}", speaker))
    return out


def _flat_evidence(value: object, sentence: str, path: Path, line: int) -> tuple[tuple[int, int], ...]:
    """Evidence in a flat row: a list of phrases found in the sentence, or of {start, end}."""
    if value in (None, "", []):
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = [p for p in value.split("|") if p.strip()]
    if not isinstance(value, list):
        raise DataError(path, line, "evidence", "a list of phrases or of {start, end} spans")
    spans = []
    for item in value:
        if isinstance(item, str):
            at = sentence.find(item)
            if at < 0:
                raise DataError(path, line, "evidence", f"phrase {item!r} does not occur in the sentence")
            spans.append((at, at + len(item)))
        elif isinstance(item, dict) and isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            if not 0 <= item["start"] < item["end"] <= len(sentence):
                raise DataError(path, line, "evidence", f"span {item} lies outside the sentence")
            spans.append((item["start"], item["end"]))
        else:
            raise DataError(path, line, "evidence", f"cannot read {item!r}; give a phrase or {{start, end}}")
    return tuple(spans)


def load_flat(path: Path) -> list[Example]:
    """Read (claim, sentence, label[, context, speaker, evidence]) rows from CSV or JSONL."""
    labels = load_schema().labels
    path = Path(path)
    rows: list[tuple[int, dict]] = []
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [f for f in FLAT_FIELDS if f not in (reader.fieldnames or [])]
            if missing:
                raise DataError(path, 1, ",".join(missing), f"CSV header must name columns {list(FLAT_FIELDS)} (+ optional context, speaker, evidence)")
            rows = [(i, row) for i, row in enumerate(reader, start=2)]
    else:
        for i, row, problem in read_jsonl(path):
            if problem:
                raise DataError(path, i, "", problem)
            rows.append((i, row))
    out = []
    for line_no, row in rows:
        if not isinstance(row, dict):
            raise DataError(path, line_no, "", "each row must be an object")
        for name in FLAT_FIELDS:
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise DataError(path, line_no, name, "required non-empty string")
        if row["label"] not in labels:
            raise DataError(path, line_no, "label", f"{row['label']!r} is not one of {list(labels)}")
        context, speaker = row.get("context") or "", row.get("speaker") or ""
        for name, value in (("context", context), ("speaker", speaker)):
            if not isinstance(value, str):
                raise DataError(path, line_no, name, "must be a string")
        evidence = _flat_evidence(row.get("evidence"), row["sentence"], path, line_no)
        out.append(Example(row["claim"], row["sentence"], context, row["label"], evidence, source=f"{path}:{line_no}", speaker=speaker))
    if not out:
        raise DataError(path, 0, "", "no rows found")
    return out


def is_corpus_file(path: Path) -> bool:
    """Corpus records carry a 'sentences' list; flat rows carry a 'sentence' string."""
    for _, row, _ in read_jsonl(path):
        return isinstance(row, dict) and "sentences" in row
    return False


def load_examples(path: Path) -> list[Example]:
    """Examples from any supported file: corpus JSONL, flat JSONL or CSV."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, 0, "", "file not found")
    if path.suffix.lower() == ".jsonl" and is_corpus_file(path):
        return examples_from_documents(load_documents(path))
    return load_flat(path)


def split_path(data: Path, split: str) -> Path:
    return Path(data) / f"{split}.jsonl"


# ---------------------------------------------------------------- checking


def normalise_tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def ngrams(tokens: list[str], n: int = NEAR_DUP_NGRAM) -> frozenset[tuple[str, ...]]:
    if len(tokens) < n:
        return frozenset([tuple(tokens)]) if tokens else frozenset()
    return frozenset(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def near_duplicates(items: list[tuple[str, str]], threshold: float = NEAR_DUP_JACCARD) -> list[tuple[str, str, float]]:
    """Pairs (location, location, jaccard) whose normalised 5-gram Jaccard exceeds `threshold`.

    Uses an inverted index over n-grams so only sentences sharing a gram are compared.
    """
    grams = [ngrams(normalise_tokens(text)) for _, text in items]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        for gram in g:
            index[gram].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for postings in index.values():
        if len(postings) > 1:
            for a, b in combinations(postings, 2):
                shared[(a, b)] += 1
    out = []
    for (a, b), n in shared.items():
        jac = n / (len(grams[a]) + len(grams[b]) - n)
        if jac > threshold:
            out.append((items[a][0], items[b][0], round(jac, 3)))
    return out


def validate(data_dir: Path) -> Report:
    """Check every split file and the rules that span files."""
    report = Report()
    labels = load_schema().labels
    for split in SPLITS + (EVAL_ONLY,):
        path = split_path(data_dir, split)
        if not path.is_file():
            report.problems.append(f"{path}: missing (expected {', '.join(s + '.jsonl' for s in SPLITS + (EVAL_ONLY,))})")
            continue
        docs, problems = read_documents(path, labels)
        report.documents[split] = docs
        report.problems.extend(problems)
    claim_split: dict[str, str] = {}
    for split in SPLITS:
        for doc in report.documents.get(split, []):
            other = claim_split.setdefault(doc.claim, split)
            if other != split:
                report.problems.append(f"{doc.path}:{doc.line}: claim {doc.claim!r} appears in both {other} and {split}; splits must be claim-disjoint")
                claim_split[doc.claim] = split
    for doc in report.documents.get(EVAL_ONLY, []):
        if claim_split.get(doc.claim) == "train":
            report.problems.append(f"{doc.path}:{doc.line}: the seeds' claim {doc.claim!r} is in train; seeds must stay unseen")
    ids = Counter(doc.id for docs in report.documents.values() for doc in docs)
    report.problems.extend(f"document id {i!r} used {n} times" for i, n in ids.items() if n > 1)
    items = [
        (f"{doc.path}:{doc.line} sentence {k}", doc.text[s.start : s.end])
        for split in SPLITS
        for doc in report.documents.get(split, [])
        for k, s in enumerate(doc.sentences)
    ]
    for a, b, jac in near_duplicates(items):
        report.problems.append(f"near-duplicate sentences (5-gram Jaccard {jac}): {a} and {b}")
    return report


def counts_table(report: Report) -> str:
    """Counts per split, label, claim and domain, and the corpus targets."""
    labels = load_schema().labels
    lines = []
    all_docs = [d for s in SPLITS for d in report.documents.get(s, [])]
    for split in SPLITS + (EVAL_ONLY,):
        docs = report.documents.get(split, [])
        sents = [s for d in docs for s in d.sentences]
        by_label = Counter(s.label for s in sents if s.attributed)
        lines.append(
            f"{split:6s} docs={len(docs):4d} sentences={len(sents):5d} attributed={sum(by_label.values()):5d} "
            + " ".join(f"{lab}={by_label.get(lab, 0)}" for lab in labels)
            + f" claims={len({d.claim for d in docs})} domains={len({d.domain for d in docs})}"
        )
    lines.append("")
    lines.append("per domain (train/dev/test documents):")
    for domain in sorted({d.domain for d in all_docs}):
        per = [sum(1 for d in report.documents.get(s, []) if d.domain == domain) for s in SPLITS]
        lines.append(f"  {domain:36s} " + "/".join(map(str, per)))
    lines.append("per claim (split, documents, attributed, " + "/".join(labels) + "):")
    by_claim: dict[str, list[Document]] = defaultdict(list)
    split_of = {}
    for split in SPLITS:
        for d in report.documents.get(split, []):
            by_claim[d.claim].append(d)
            split_of[d.claim] = split
    for claim in sorted(by_claim, key=lambda c: (SPLITS.index(split_of[c]), c)):
        c = Counter(s.label for d in by_claim[claim] for s in d.sentences if s.attributed)
        lines.append(f"  {split_of[claim]:5s} {len(by_claim[claim]):3d} {sum(c.values()):4d} " + "/".join(str(c.get(lab, 0)) for lab in labels) + f"  {claim}")
    lines.append("")
    lines.append("targets (train+dev+test):")
    for name, value, goal in target_figures(report):
        lines.append(f"  {'ok  ' if value >= goal else 'SHORT'} {name}: {value} (goal >= {goal})")
    return "\n".join(lines)


def target_figures(report: Report) -> list[tuple[str, int, int]]:
    labels = load_schema().labels
    docs = [d for s in SPLITS for d in report.documents.get(s, [])]
    attributed = [s for d in docs for s in d.sentences if s.attributed]
    by_label = Counter(s.label for s in attributed)
    figures = [
        ("documents", len(docs), TARGETS["documents"]),
        ("attributed sentences", len(attributed), TARGETS["attributed sentences"]),
    ]
    figures += [(f"{lab} sentences", by_label.get(lab, 0), TARGETS["per label"]) for lab in labels]
    figures += [("claims", len({d.claim for d in docs}), TARGETS["claims"]), ("domains", len({d.domain for d in docs}), TARGETS["domains"])]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.data", description="Check labelled data and print its counts.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("validate", help="validate labels/data/{train,dev,test,seeds}.jsonl")
    p.add_argument("data_dir", type=Path, nargs="?", default=Path("labels/data"))
    args = parser.parse_args(argv)
    report = validate(args.data_dir)
    print(counts_table(report))
    if report.problems:
        print(f"\n{len(report.problems)} problem(s):", file=sys.stderr)
        for p in report.problems:
            print("  " + p, file=sys.stderr)
        return 1
    print("\nvalid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
