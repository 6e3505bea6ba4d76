"""Build labels/data/*.jsonl from the hand-written markup in labels/src/*.txt.

Annotators write sentences with inline tags (see labels/FORMAT.md) so that no
one ever types a character offset; this module strips the tags, computes the
offsets and assigns documents to splits by claim.

    python -m training.corpus check labels/src/arms.txt   # one file, counts
    python -m training.corpus build                       # all files -> labels/data
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC_DIR = REPO / "labels" / "src"
DATA_DIR = REPO / "labels" / "data"
SPLITS_FILE = REPO / "labels" / "splits.json"
SEEDS_DIR = REPO.parent / "shared" / "seeds"
SEEDS_SOURCE = "seeds.txt"

PREFIX_LABELS = {"A": "assertion", "D": "denial", "C": "counter-accusation", "N": "neutral", "-": None}
LINE_RE = re.compile(r"^(?P<tag>[ADCN-])(?P<flag>!|@(?P<ref>[^|]*))?\|(?: (?P<body>.*))?$")
TAG_RE = re.compile(r'<(?P<close>/?)(?P<kind>[sqepn])(?:\s+ref="(?P<ref>[^"]*)")?>')
QUOTE_TRIM = " \t\"“”‘’«»„‚,;:"
PARA_JOIN = {"single": "\n", "double": "\n\n"}


class CorpusError(ValueError):
    """A problem in a source file, located by file and line."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


@dataclass
class TaggedSentence:
    """One source line with its tags removed; spans are relative to `text`."""

    line: int
    label: str | None
    attributed: bool
    no_speaker: bool
    at_ref: str | None
    text: str
    spans: dict[str, list[tuple[int, int, str | None]]] = field(default_factory=dict)
    paragraph: int = 0


@dataclass
class SourceDoc:
    path: Path
    line: int
    doc_id: str
    claim: str
    domain: str
    para: str = "single"
    seed: str | None = None
    sentences: list[TaggedSentence] = field(default_factory=list)


def parse_body(body: str, path: Path, line: int) -> tuple[str, dict[str, list[tuple[int, int, str | None]]]]:
    """Strip inline tags, returning plain text and the span of every tag."""
    out: list[str] = []
    pos = 0
    length = 0
    open_tags: dict[str, tuple[int, str | None]] = {}
    spans: dict[str, list[tuple[int, int, str | None]]] = {k: [] for k in "sqepn"}
    for m in TAG_RE.finditer(body):
        chunk = body[pos : m.start()]
        if "<" in chunk or ">" in chunk:
            raise CorpusError(path, line, f"stray '<' or '>' near {chunk[-30:]!r}; only <s> <p> <q> <e> <n> tags are allowed")
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        kind = m["kind"]
        if m["close"]:
            if kind not in open_tags:
                raise CorpusError(path, line, f"</{kind}> closes a tag that is not open")
            innermost = next(reversed(open_tags))
            if innermost != kind:
                raise CorpusError(path, line, f"</{kind}> closes before </{innermost}>: tags must nest")
            start, ref = open_tags.pop(kind)
            spans[kind].append((start, length, ref))
        else:
            if kind in open_tags:
                raise CorpusError(path, line, f"<{kind}> opened twice without closing")
            if m["ref"] is not None and kind != "p":
                raise CorpusError(path, line, f'ref="..." is only allowed on <p>, not <{kind}>')
            open_tags[kind] = (length, m["ref"])
    tail = body[pos:]
    if "<" in tail or ">" in tail:
        raise CorpusError(path, line, f"stray '<' or '>' near {tail[:30]!r}; only <s> <p> <q> <e> <n> tags are allowed")
    out.append(tail)
    if open_tags:
        raise CorpusError(path, line, f"tag(s) never closed: {', '.join('<' + k + '>' for k in open_tags)}")
    return "".join(out), spans


def trim(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with any of `chars`."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def parse_file(path: Path) -> list[SourceDoc]:
    """Read one markup file into documents, checking every line's tags."""
    docs: list[SourceDoc] = []
    claim = domain = None
    doc: SourceDoc | None = None
    paragraph = 0
    blank_before = False
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("#"):
            continue
        if not line.strip():
            blank_before = True
            continue
        if line.startswith("==="):
            rest = line[3:].strip()
            parts = rest.split(maxsplit=1)
            if not parts or parts[0] != "doc":
                raise CorpusError(path, lineno, "a document header reads '=== doc' or '=== doc ID'")
            if claim is None or domain is None:
                raise CorpusError(path, lineno, "set 'claim:' and 'domain:' before the first document")
            doc_id = parts[1].strip() if len(parts) > 1 else f"{path.stem}-{len(docs) + 1:03d}"
            doc = SourceDoc(path, lineno, doc_id, claim, domain)
            docs.append(doc)
            paragraph, blank_before = 0, False
            continue
        header = re.match(r"^(claim|domain|para|seed):\s*(.*)$", line)
        if header:
            key, value = header.group(1), header.group(2).strip()
            if not value:
                raise CorpusError(path, lineno, f"'{key}:' needs a value")
            if key == "claim":
                claim = value
                if doc is not None and not doc.sentences:
                    doc.claim = value
            elif key == "domain":
                domain = value
                if doc is not None and not doc.sentences:
                    doc.domain = value
            elif doc is None or doc.sentences:
                raise CorpusError(path, lineno, f"'{key}:' belongs right after '=== doc'")
            elif key == "para":
                if value not in PARA_JOIN:
                    raise CorpusError(path, lineno, f"para: must be one of {sorted(PARA_JOIN)}, not {value!r}")
                doc.para = value
            else:
                doc.seed = value
            continue
        m = LINE_RE.match(line)
        if not m:
            raise CorpusError(path, lineno, "a sentence line starts with A| D| C| N| or -| (see labels/FORMAT.md)")
        if doc is None:
            raise CorpusError(path, lineno, "sentence before the first '=== doc'")
        body = m["body"] or ""
        if not body.strip():
            raise CorpusError(path, lineno, "empty sentence")
        text, spans = parse_body(body, path, lineno)
        if text != text.strip():
            raise CorpusError(path, lineno, "sentence starts or ends with whitespace once tags are removed")
        if blank_before and doc.sentences:
            paragraph += 1
        blank_before = False
        tag = m["tag"]
        sent = TaggedSentence(
            line=lineno,
            label=PREFIX_LABELS[tag],
            attributed=tag != "-",
            no_speaker=m["flag"] == "!",
            at_ref=m["ref"].strip() if m["flag"] and m["flag"].startswith("@") else None,
            text=text,
            spans=spans,
            paragraph=paragraph,
        )
        check_sentence(sent, path)
        doc.sentences.append(sent)
    for d in docs:
        if not d.sentences:
            raise CorpusError(path, d.line, "document has no sentences")
    return docs


def check_sentence(sent: TaggedSentence, path: Path) -> None:
    """Enforce the per-label tag rules of labels/FORMAT.md."""
    s, line = sent.spans, sent.line
    n_speaker = len(s["s"]) + len(s["p"]) + (1 if sent.at_ref is not None else 0)
    if not sent.attributed:
        for kind in "sqep":
            if s[kind]:
                hint = " (use <n> to mark a name that a later pronoun refers to)" if kind == "s" else ""
                raise CorpusError(path, line, f"an unattributed (-|) sentence cannot carry <{kind}>{hint}")
        if sent.at_ref is not None or sent.no_speaker:
            raise CorpusError(path, line, "an unattributed (-|) sentence takes no '@' or '!'")
        return
    if not s["q"]:
        raise CorpusError(path, line, "an attributed sentence needs a <q> (the quoted words or reported clause)")
    if sent.no_speaker:
        if n_speaker:
            raise CorpusError(path, line, "'!' says there is no speaker, but the line marks one")
    elif n_speaker == 0:
        raise CorpusError(path, line, "an attributed sentence needs a speaker: <s>, <p> or '@' in the prefix (or '!' if the text names none)")
    elif n_speaker > 1:
        raise CorpusError(path, line, "more than one speaker marked (<s>, <p>, '@'); mark other names with <n>")
    if sent.label == "neutral" and s["e"]:
        raise CorpusError(path, line, "a neutral sentence carries no <e> evidence")
    if sent.label != "neutral" and not s["e"]:
        raise CorpusError(path, line, f"a {sent.label} sentence needs at least one <e> evidence phrase")


NOT_NAMES = frozenset(["he", "she", "they", "it", "we", "i", "his", "her", "its", "their", "the", "this", "that", "these", "those", "a", "an", "one"])


def is_short_name(mention: str, name: str) -> bool:
    """A repeated surname or short form ("Kirby" for "John Kirby"), as opposed to a pronoun or "the ministry"."""
    first = mention.split()[0] if mention.split() else ""
    return bool(first) and first[0].isupper() and first.lower() not in NOT_NAMES and mention in name


def assemble(doc: SourceDoc, seeds_dir: Path = SEEDS_DIR) -> tuple[str, list[int]]:
    """Return the document text and each sentence's start offset."""
    if doc.seed:
        seed_path = seeds_dir / doc.seed
        if not seed_path.is_file():
            raise CorpusError(doc.path, doc.line, f"seed file {seed_path} not found")
        original = seed_path.read_text(encoding="utf-8")
        starts, pos = [], 0
        for sent in doc.sentences:
            found = original.find(sent.text, pos)
            if found < 0 or original[pos:found].strip():
                where = original[pos : pos + 80]
                raise CorpusError(doc.path, sent.line, f"sentence not found next in {doc.seed}; the text there reads {where!r}")
            starts.append(found)
            pos = found + len(sent.text)
        return original[:pos], starts
    joiner = PARA_JOIN[doc.para]
    parts: list[str] = []
    starts = []
    length = 0
    for i, sent in enumerate(doc.sentences):
        if i:
            sep = joiner if sent.paragraph != doc.sentences[i - 1].paragraph else " "
            parts.append(sep)
            length += len(sep)
        starts.append(length)
        parts.append(sent.text)
        length += len(sent.text)
    return "".join(parts), starts


def to_record(doc: SourceDoc, seeds_dir: Path = SEEDS_DIR) -> dict:
    """Turn a parsed document into one JSONL record with absolute offsets."""
    text, starts = assemble(doc, seeds_dir)
    mentions: list[list[tuple[int, int]]] = []  # absolute <s>/<n> spans per sentence, for resolution
    for sent, base in zip(doc.sentences, starts, strict=False):
        spans = [trim(sent.text, a, b, " \t") for a, b, _ in sent.spans["s"] + sent.spans["n"]]
        mentions.append(sorted((base + a, base + b) for a, b in spans))
    sentences = []
    for index, (sent, base) in enumerate(zip(doc.sentences, starts, strict=False)):
        sp = sent.spans

        def absolute(kind: str, chars: str = " \t", _sp=sp, _base=base, _text=sent.text, _line=sent.line):
            out = []
            for a, b, ref in _sp[kind]:
                a, b = trim(_text, a, b, chars)
                if a >= b:
                    raise CorpusError(doc.path, _line, f"<{kind}> is empty once quotation marks and spaces are trimmed")
                out.append((_base + a, _base + b, ref))
            return out

        def resolve(ref: str | None, _index=index, _line=sent.line) -> tuple[int, int]:
            if ref == "+":
                later = [m for ms in mentions[_index + 1 :] for m in ms]
                if later:
                    return later[0]
                raise CorpusError(doc.path, _line, "'@+' points at the next <s> or <n>, but no later sentence has one")
            earlier = [m for ms in mentions[:_index] for m in ms]
            for a, b in reversed(earlier):
                if not ref or ref in text[a:b]:
                    return a, b
            want = f"containing {ref!r}" if ref else "at all"
            raise CorpusError(doc.path, _line, f"no earlier <s> or <n> {want} for the speaker to point at")

        speaker = mention = None
        own = absolute("s")
        pron = absolute("p")
        if own:
            speaker = mention = own[0][:2]
        elif pron:
            mention = pron[0][:2]
            speaker = resolve(pron[0][2])
            if is_short_name(text[mention[0] : mention[1]], text[speaker[0] : speaker[1]]):
                speaker = mention  # "Kirby" after "John Kirby" is itself the source as named in the text
        elif sent.at_ref is not None:
            speaker = resolve(sent.at_ref)
        quotes = absolute("q", QUOTE_TRIM)
        evidence = absolute("e", QUOTE_TRIM)
        for a, b, _ in evidence:
            if not (base <= a < b <= base + len(sent.text)):
                raise CorpusError(doc.path, sent.line, "evidence outside its sentence")
        record = {
            "start": base,
            "end": base + len(sent.text),
            "attributed": sent.attributed,
            "label": sent.label,
            "speaker": {"start": speaker[0], "end": speaker[1]} if speaker else None,
            "quote": {"start": quotes[0][0], "end": quotes[-1][1]} if quotes else None,
            "evidence": [{"start": a, "end": b} for a, b, _ in evidence],
            "speaker_mention": {"start": mention[0], "end": mention[1]} if mention else None,
            "source_line": sent.line,
        }
        if len(quotes) > 1:
            record["quote_parts"] = [{"start": a, "end": b} for a, b, _ in quotes]
        sentences.append(record)
    return {
        "id": doc.doc_id,
        "claim": doc.claim,
        "domain": doc.domain,
        "text": text,
        "sentences": sentences,
        "source": f"labels/src/{doc.path.name}:{doc.line}",
    }


def load_splits(path: Path = SPLITS_FILE) -> dict[str, str]:
    """Map claim -> split from labels/splits.json; unlisted claims are train."""
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for split in ("dev", "test"):
        for claim in raw.get(split, []):
            if claim in out:
                raise CorpusError(path, 0, f"claim {claim!r} listed in both {out[claim]} and {split}")
            out[claim] = split
    return out


def summarise(records: list[dict]) -> str:
    labels = Counter(s["label"] or "unattributed" for r in records for s in r["sentences"])
    claims = Counter(r["claim"] for r in records)
    domains = Counter(r["domain"] for r in records)
    lines = [f"{len(records)} documents, {sum(labels.values())} sentences, {len(claims)} claims, {len(domains)} domains"]
    lines.append("  labels: " + ", ".join(f"{k}={v}" for k, v in sorted(labels.items())))
    lines.append("  domains: " + ", ".join(f"{k}={v}" for k, v in sorted(domains.items())))
    for claim, n in sorted(claims.items()):
        lines.append(f"  {n:3d} docs  {claim}")
    return "\n".join(lines)


def build(src_dir: Path = SRC_DIR, out_dir: Path = DATA_DIR, splits_file: Path = SPLITS_FILE, seeds_dir: Path = SEEDS_DIR) -> dict[str, list[dict]]:
    """Parse every source file and write train/dev/test/seeds JSONL."""
    splits = load_splits(splits_file)
    out: dict[str, list[dict]] = {"train": [], "dev": [], "test": [], "seeds": []}
    seen_ids: dict[str, str] = {}
    used_claims = set()
    for path in sorted(src_dir.glob("*.txt")):
        for doc in parse_file(path):
            rec = to_record(doc, seeds_dir)
            if rec["id"] in seen_ids:
                raise CorpusError(path, doc.line, f"document id {rec['id']!r} already used at {seen_ids[rec['id']]}")
            seen_ids[rec["id"]] = rec["source"]
            if path.name == SEEDS_SOURCE:
                out["seeds"].append(rec)
            else:
                used_claims.add(rec["claim"])
                out[splits.get(rec["claim"], "train")].append(rec)
    missing = set(splits) - used_claims
    if missing:
        raise CorpusError(splits_file, 0, f"claims listed in splits but absent from labels/src: {sorted(missing)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for split, records in out.items():
        with open(out_dir / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_check = sub.add_parser("check", help="parse source files and print their counts; writes nothing")
    p_check.add_argument("files", nargs="+", type=Path)
    p_build = sub.add_parser("build", help="write labels/data/*.jsonl from labels/src/*.txt")
    p_build.add_argument("--src", type=Path, default=SRC_DIR)
    p_build.add_argument("--out", type=Path, default=DATA_DIR)
    p_build.add_argument("--splits", type=Path, default=SPLITS_FILE, help="JSON {dev: [claims], test: [claims]}; other claims go to train")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "check":
            records = [to_record(d) for f in args.files for d in parse_file(f)]
            print(summarise(records))
        else:
            out = build(args.src, args.out, args.splits)
            for split, records in out.items():
                print(f"[{split}] " + summarise(records))
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
