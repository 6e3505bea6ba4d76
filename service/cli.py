"""The `stancewire` command: serve, train, evaluate, analyze, classify, batch.

Each command only translates between files or the terminal and the core in
service.analysis; errors go to stderr with a non-zero exit and a hint.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path

from service.jsonl import read_jsonl
from service.labels import SchemaError, load_schema

EXIT_USAGE, EXIT_ERROR, EXIT_INTERRUPTED = 2, 1, 130
BATCH_CHUNK = 16  # documents planned and predicted together in `batch`


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def _predictor(model: Path, backend: str, threads: int):
    from service.model.folder import ModelFolderError
    from service.model.predictor import load_predictor

    try:
        return load_predictor(model, backend, threads or None, expected_labels=load_schema().labels)
    except (ModelFolderError, ValueError) as err:
        raise CliError(str(err), EXIT_USAGE) from err


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", type=Path, default=Path(os.environ.get("STANCEWIRE_MODEL_PATH", "models/default")), help="model folder (default: models/default)")
    p.add_argument("--backend", default=os.environ.get("STANCEWIRE_BACKEND", "onnx-int8"), help="onnx-int8 | onnx-fp32 | torch-fp32 | torch-bf16")
    p.add_argument("--threads", type=int, default=0, help="inference threads (0 = all cores)")


def _response(predictor, analysis) -> dict:
    from service.api.schemas import AnalyzeResponse, model_info

    return AnalyzeResponse(model=model_info(predictor, load_schema().default_claim), **asdict(analysis)).model_dump()


def _read_jsonl(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise CliError(f"{path}: file not found")
    rows = []
    for n, row, problem in read_jsonl(path):
        if problem:
            raise CliError(f"{path}:{n}: {problem}; each line must be one JSON object")
        if not isinstance(row, dict):
            raise CliError(f"{path}:{n}: each line must be a JSON object")
        for name in required:
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise CliError(f"{path}:{n}: field '{name}' must be a non-empty string")
        rows.append((n, row))
    return rows


def cmd_serve(args) -> int:
    import uvicorn

    from service.api.app import create_app
    from service.api.settings import Settings
    from service.model.folder import ModelFolderError

    overrides = {"model_path": args.model, "backend": args.backend}
    if args.threads:
        overrides["threads"] = args.threads
    try:
        settings = Settings(**overrides)
        app = create_app(settings)
    except (ModelFolderError, ValueError, SchemaError) as err:
        raise CliError(f"cannot start: {err}", EXIT_USAGE) from err
    print(f"serving {settings.model_path} ({settings.backend}) on http://{args.host}:{args.port}  (docs at /docs, page at /)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def cmd_analyze(args) -> int:
    from service.analysis import InputError, analyze

    predictor = _predictor(args.model, args.backend, args.threads)
    claim = args.claim or load_schema().default_claim
    outputs = []
    for name in args.files:
        path = Path(name)
        try:
            # bytes, not read_text: universal newlines would turn \r\n into \n and shift every offset
            text = sys.stdin.read() if name == "-" else path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise CliError(f"{name}: cannot read as UTF-8 text ({err})") from err
        try:
            result = analyze(text, claim, predictor.predict, args.include_unattributed, predictor.config.neutral_label)
        except InputError as err:
            raise CliError(f"{name}: {err}") from err
        outputs.append(_response(predictor, result) | ({"file": name} if len(args.files) > 1 else {}))
    for out in outputs:
        print(json.dumps(out, ensure_ascii=False, indent=None if args.compact else 2))
    return 0


def cmd_classify(args) -> int:
    from service.model.predictor import PairInput

    claim = args.claim.strip()
    if not claim:
        raise CliError("--claim must not be empty")
    _check_output_dir(args.output)
    predictor = _predictor(args.model, args.backend, args.threads)
    rows = _read_jsonl(args.input, ("text",))
    for n, row in rows:
        for name in ("context", "speaker"):
            if not isinstance(row.get(name, ""), str):
                raise CliError(f"{args.input}:{n}: field '{name}' must be a string")
    preds = predictor.predict([PairInput(claim, row["text"], row.get("context", ""), row.get("speaker", "")) for _, row in rows])
    lines = []
    for (_, row), pred in zip(rows, preds):
        evidence = [{"start": e.start, "end": e.end, "text": row["text"][e.start : e.end], "score": round(e.score, 4)} for e in pred.evidence]
        lines.append(json.dumps({"label": pred.label, "scores": pred.scores, "evidence": evidence}, ensure_ascii=False) + "\n")
    if args.output:
        args.output.write_text("".join(lines), encoding="utf-8")
    else:
        sys.stdout.writelines(lines)
    return 0


def done_ids(path: Path) -> set[str]:
    """Ids already written by an earlier run; a torn last line (no newline) is cut off."""
    if not path.exists():
        return set()
    raw = path.read_bytes()
    keep = raw[: raw.rfind(b"\n") + 1]
    if len(keep) != len(raw):
        with open(path, "r+b") as fh:
            fh.truncate(len(keep))
    ids = set()
    for n, line in enumerate(keep.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            ids.add(json.loads(line)["id"])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise CliError(f"{path}:{n}: not a result line written by `stancewire batch` ({err}); use another --output or remove the line") from err
    return ids


def _check_output_dir(path: Path | None) -> None:
    if path is not None and not path.parent.is_dir():
        raise CliError(f"{path}: folder {path.parent} does not exist; create it or choose another --output")


def cmd_batch(args) -> int:
    from tqdm import tqdm

    from service.analysis import InputError, assemble, plan

    _check_output_dir(args.output)
    predictor = _predictor(args.model, args.backend, args.threads)
    default_claim = args.claim or load_schema().default_claim
    rows = _read_jsonl(args.input, ("id", "text"))
    seen: dict[str, int] = {}
    for n, row in rows:
        if row["id"] in seen:
            raise CliError(f"{args.input}:{n}: id {row['id']!r} already used on line {seen[row['id']]}; ids must be unique so runs can resume")
        seen[row["id"]] = n
    done = done_ids(args.output)
    todo = [(n, r) for n, r in rows if r["id"] not in done]
    stop = {"now": False}

    def on_sigint(signum, frame):
        stop["now"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    written = 0
    try:
        with open(args.output, "a", encoding="utf-8") as out, tqdm(total=len(rows), initial=len(rows) - len(todo), desc="documents", unit="doc") as bar:
            for i in range(0, len(todo), BATCH_CHUNK):
                if stop["now"]:
                    break
                chunk = todo[i : i + BATCH_CHUNK]
                plans = []
                for n, row in chunk:
                    try:
                        plans.append(plan(row["text"], row.get("claim") or default_claim))
                    except InputError as err:
                        raise CliError(f"{args.input}:{n}: {err}") from err
                pairs = [p for pl in plans for p in pl.pairs]
                preds = predictor.predict(pairs)
                at = 0
                for (_, row), pl in zip(chunk, plans):
                    mine = preds[at : at + len(pl.pairs)]
                    at += len(pl.pairs)
                    result = _response(predictor, assemble(pl, mine, args.include_unattributed, predictor.config.neutral_label))
                    out.write(json.dumps({"id": row["id"], **result}, ensure_ascii=False) + "\n")
                    written += 1
                    bar.update(1)
                out.flush()
                os.fsync(out.fileno())
    finally:
        signal.signal(signal.SIGINT, previous)
    if stop["now"]:
        print(f"interrupted: {written} documents written this run; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(f"{written} documents written, {len(done)} already done, to {args.output}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stancewire", description="Who asserts a claim, who denies it, who turns the accusation around.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("serve", help="serve the HTTP API (and the page at /)")
    _model_args(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)
    sub.add_parser("train", help="fine-tune a model (stancewire train --help)", add_help=False)
    sub.add_parser("evaluate", help="evaluate a model against baselines (stancewire evaluate --help)", add_help=False)
    p = sub.add_parser("analyze", help="analyze article files; prints the JSON of POST /v1/analyze")
    p.add_argument("files", nargs="+", help="UTF-8 text files ('-' for standard input)")
    p.add_argument("--claim", help="claim to judge (default: the schema's default claim)")
    p.add_argument("--include-unattributed", action="store_true", help="also list sentences with no attributed statement")
    p.add_argument("--compact", action="store_true", help="one line of JSON per file")
    _model_args(p)
    p.set_defaults(func=cmd_analyze)
    p = sub.add_parser("classify", help='classify sentences: lines {"text", "context"?, "speaker"?} in, one result line each out')
    p.add_argument("--claim", required=True, help="claim to judge")
    p.add_argument("--input", type=Path, required=True, help="JSONL of {text, context?, speaker?}")
    p.add_argument("--output", type=Path, help="write here instead of standard output")
    _model_args(p)
    p.set_defaults(func=cmd_classify)
    p = sub.add_parser("batch", help='stream documents {"id", "text", "claim"?} through the pipeline; resumes where it stopped')
    p.add_argument("--input", type=Path, required=True, help="JSONL of {id, text, claim?}")
    p.add_argument("--output", type=Path, required=True, help="JSONL of results, appended; ids already there are skipped")
    p.add_argument("--claim", help="claim for documents that give none (default: the schema's default claim)")
    p.add_argument("--include-unattributed", action="store_true")
    _model_args(p)
    p.set_defaults(func=cmd_batch)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "train":
        from training.train import main as train_main

        return train_main(argv[1:])
    if argv and argv[0] == "evaluate":
        from training.evaluate import main as evaluate_main

        return evaluate_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.code
    except SchemaError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
