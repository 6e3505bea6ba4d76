"""Benchmark the HTTP service on the five seed articles against a naive one-at-a-time baseline.

    python scripts/benchmark.py                                   # models/default, onnx-int8, 20 s per load level
    python scripts/benchmark.py --model /tmp/m --seconds 5 --json reports/benchmark.json

What it does, in order:
  1. starts the server itself (`python -m service.cli serve --model M --host 127.0.0.1
     --port P --backend B`, in its own session, logs to a temp file), waits for
     GET /readyz, and samples the server's memory from /proc/<pid>/status (VmRSS
     every 0.2 s, and VmHWM, the kernel's peak RSS) until the end;
  2. single-article latency: each seed article posted alone, sequentially, to
     POST /v1/analyze (after one warm-up request); p50/p95 per article;
  3. load: 1, 4 and 16 concurrent clients (asyncio + httpx, one connection per
     client) post the seed articles round-robin for --seconds each. Per level:
     requests, errors, requests/s, attributed sentences per second (counted in the
     responses: the throughput figure), p50/p95/p99 latency;
  4. stops the server (SIGINT, then SIGKILL after a grace period; always, in a
     `finally`), then
  5. the naive baseline, in this process: the same model folder run with torch
     fp32 through a real transformers `TextClassificationPipeline`, one sentence
     per call. The folder holds a custom two-head network (service.model.network:
     mean-pooled stance head plus an evidence head), so the baseline is a
     `BertForSequenceClassification` built from the same config, with the
     encoder weights and the stance head copied in and its pooler swapped for the
     same masked mean pooling; the evidence head is left out (less work for the
     baseline). The pair goes in as text="claim", text_pair="sentence [SEP]
     context", which the tokenizer turns into exactly the model's
     `[CLS] claim [SEP] sentence [SEP] context [SEP]` (the texts are first cut,
     once and outside the timing, to the model's token budgets: claim, sentence,
     end of the context); token ids and labels are checked against the model's own
     encoder and network on the first 100 sentences.
     If the pipeline cannot be built or disagrees, it falls back to a plain loop
     that stands in for "a transformers text-classification pipeline one at a
     time": load_network (torch fp32), tokenize each pair with
     `PreTrainedTokenizerFast(tokenizer_file=.../tokenizer.json)`, run the network
     under torch.no_grad, no batching (`--naive loop` forces it). The sentences
     are the attributed sentences of the seed articles found by
     service.text.extract_statements, each with the sentence before it as context
     and the schema's default claim (what the server classifies). The baseline's
     time covers classification only, not finding the sentences, which favours it.

It prints the goals and whether each holds: no errors; throughput >= 5x the
naive baseline (peak over the load levels); p50 latency of one article <= 150 ms
(the slowest seed article's p50); server RSS < 1 GB (VmHWM). --json PATH writes
everything as JSON. Exit status 0 when the run completed (add --check to exit 1
when a goal fails), 2 when the server could not be started or a setup step failed.
Every loop is bounded in time. The load generator runs on the same machine as
the server and competes with it for the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import httpx  # noqa: E402

DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
GOAL_SPEEDUP = 5.0
GOAL_P50_MS = 150.0
GOAL_RSS_BYTES = 1 << 30
READY_TIMEOUT_S = 300.0
STOP_GRACE_S = 15.0
SAMPLE_EVERY_S = 0.2


class SetupError(RuntimeError):
    """The benchmark cannot run (no seeds, the server did not start, ...)."""


# ---------------------------------------------------------------- small helpers


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 2)


def fmt(value, spec: str = ".1f", missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_seeds(folder: Path) -> dict[str, str]:
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SetupError(f"no seed articles (*.txt) in {folder}; pass --seeds")
    return {p.name: p.read_text(encoding="utf-8") for p in files}


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in bytes (empty where /proc is unavailable)."""
    out = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(rest.split()[0]) * 1024  # kB
    except OSError:
        pass
    return out


def attributed_count(body: dict) -> int:
    return sum(1 for s in body.get("sentences", []) if s.get("attributed"))


# ---------------------------------------------------------------- the server


class Server:
    """`stancewire serve` as a child process; stop() always ends it (SIGINT, then SIGKILL)."""

    def __init__(self, model: Path, backend: str, port: int, threads: int):
        self.model, self.backend, self.port, self.threads = model, backend, port, threads
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="stancewire-bench-", suffix=".log", delete=False)  # noqa: SIM115 (closed in stop)

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--model",
            str(self.model),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--backend",
            self.backend,
        ]
        if self.threads:
            cmd += ["--threads", str(self.threads)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "STANCEWIRE_LOG_LEVEL": "WARNING"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        # its own session: a Ctrl-C in the terminal reaches the benchmark, whose `finally` stops the server
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(Path(self.log.name).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_ready(self, timeout: float) -> float:
        started = time.perf_counter()
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise SetupError(f"the server exited with status {self.proc.returncode} before it was ready:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/readyz").status_code == 200:
                        return time.perf_counter() - started
                time.sleep(0.2)
        raise SetupError(f"the server was not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> int | None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_GRACE_S)
        self.log.close()
        return self.proc.returncode if self.proc else None


class MemorySampler(threading.Thread):
    """Samples VmRSS of the server every SAMPLE_EVERY_S until stopped; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.done = threading.Event()
        self.first: int | None = None
        self.peak = 0
        self.last: dict[str, int] = {}

    def run(self) -> None:
        while not self.done.is_set():
            status = proc_status(self.pid)
            if status:
                self.last = status
                rss = status.get("VmRSS", 0)
                self.first = rss if self.first is None else self.first
                self.peak = max(self.peak, rss)
            self.done.wait(SAMPLE_EVERY_S)

    def stop(self) -> dict:
        self.done.set()
        self.join(timeout=5)
        final = proc_status(self.pid) or self.last
        self.peak = max(self.peak, final.get("VmRSS", 0))
        return {
            "rss_ready_bytes": self.first,
            "rss_peak_sampled_bytes": self.peak or None,
            "rss_final_bytes": final.get("VmRSS"),
            "hwm_bytes": final.get("VmHWM"),
        }


# ---------------------------------------------------------------- measurements


@dataclass
class LoadResult:
    clients: int
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    attributed_sentences: int = 0
    requests_per_second: float = 0.0
    sentences_per_second: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    mean_ms: float | None = None


def single_article_latency(url: str, seeds: dict[str, str], seconds: float, max_requests: int, timeout: float) -> dict:
    """Each article alone, sequential requests; the budget is split evenly over the articles."""
    per_article = seconds / len(seeds)
    out = {}
    with httpx.Client(base_url=url, timeout=timeout) as client:
        for name, text in seeds.items():
            body = json.dumps({"text": text}).encode("utf-8")
            headers = {"content-type": "application/json"}
            lat, errors, sentences = [], 0, 0
            try:  # warm-up, not timed; also counts the article's attributed sentences
                warm = client.post("/v1/analyze", content=body, headers=headers)
                sentences = attributed_count(warm.json()) if warm.status_code == 200 else 0
                errors += warm.status_code != 200
            except httpx.HTTPError:
                errors += 1
            deadline = time.monotonic() + per_article
            while len(lat) < max_requests and (time.monotonic() < deadline or len(lat) < 3):
                t0 = time.perf_counter()
                try:
                    r = client.post("/v1/analyze", content=body, headers=headers)
                except httpx.HTTPError:
                    errors += 1
                    if time.monotonic() > deadline:
                        break
                    continue
                if r.status_code == 200:
                    lat.append(time.perf_counter() - t0)
                else:
                    errors += 1
                if time.monotonic() > deadline + timeout:  # hard bound even when requests are slow
                    break
            out[name] = {
                "chars": len(text),
                "attributed_sentences": sentences,
                "requests": len(lat),
                "errors": errors,
                "p50_ms": ms(percentile(lat, 50)),
                "p95_ms": ms(percentile(lat, 95)),
                "min_ms": ms(min(lat) if lat else None),
            }
    return out


async def load_level(url: str, bodies: list[bytes], clients: int, seconds: float, timeout: float) -> LoadResult:
    """`clients` workers post the articles round-robin until the deadline; a request started before it may finish after."""
    res = LoadResult(clients)
    latencies: list[float] = []
    loop = asyncio.get_running_loop()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"content-type": "application/json"}

    async def worker(k: int, client: httpx.AsyncClient, deadline: float) -> None:
        i = k
        while loop.time() < deadline:
            body = bodies[i % len(bodies)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/analyze", content=body, headers=headers)
            except httpx.HTTPError as err:
                kind = type(err).__name__
            else:
                if r.status_code == 200:
                    try:
                        found = attributed_count(r.json())
                    except ValueError:
                        kind = "invalid JSON"
                    else:
                        latencies.append(time.perf_counter() - t0)
                        res.requests += 1
                        res.attributed_sentences += found
                        continue
                else:
                    kind = f"HTTP {r.status_code}"
            res.requests += 1
            res.errors += 1
            res.error_kinds[kind] = res.error_kinds.get(kind, 0) + 1

    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
        started = time.perf_counter()
        deadline = loop.time() + seconds
        tasks = [asyncio.create_task(worker(k, client, deadline)) for k in range(clients)]
        try:
            _, pending = await asyncio.wait(tasks, timeout=seconds + timeout + 10)
        finally:  # also on Ctrl-C: no worker outlives the level
            for task in tasks:
                task.cancel()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        res.seconds = time.perf_counter() - started
        for kind in ["benchmark timeout"] * len(pending) + [
            type(o).__name__ for o in outcomes if isinstance(o, Exception) and not isinstance(o, asyncio.CancelledError)
        ]:
            res.errors += 1
            res.error_kinds[kind] = res.error_kinds.get(kind, 0) + 1
    res.requests_per_second = res.requests / res.seconds if res.seconds else 0.0
    res.sentences_per_second = res.attributed_sentences / res.seconds if res.seconds else 0.0
    res.p50_ms, res.p95_ms, res.p99_ms = (ms(percentile(latencies, q)) for q in (50, 95, 99))
    res.mean_ms = ms(statistics.fmean(latencies)) if latencies else None
    return res


# ---------------------------------------------------------------- the naive baseline


def seed_pairs(seeds: dict[str, str], claim: str) -> list[tuple[str, str, str]]:
    """(claim, sentence, preceding sentence) for every attributed sentence, as service.analysis.plan builds them."""
    from service.text import extract_statements

    pairs = []
    for text in seeds.values():
        statements = extract_statements(text)
        for i, st in enumerate(statements):
            if st.attributed:
                pairs.append((claim, st.sentence.text, statements[i - 1].sentence.text if i > 0 else ""))
    return pairs


def pair_text(sentence: str, context: str) -> str:
    """The second segment for the HF tokenizer: `sentence [SEP] context`, all token type 1, as the model's encoder lays it out."""
    return f"{sentence} [SEP] {context}" if context else sentence


def fit_to_budget(encoder, pairs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Cut the texts as service.model.encoding.PairEncoder cuts the tokens (claim, then sentence, then the *end* of the context).

    A plain pipeline only truncates the end of the second segment; cutting the texts
    beforehand (once, outside the timed loop) makes it see the inputs the model sees.
    """
    backend, cfg = encoder.tokenizer, encoder.config  # no padding, no truncation (a tokenizer.json may carry both)
    out = []
    for claim, sentence, context in pairs:
        c, s, x = (backend.encode(t, add_special_tokens=False).offsets for t in (claim, sentence, context))
        n_claim = min(len(c), cfg.max_claim_tokens)
        room = cfg.max_length - n_claim - 4
        n_sent = min(len(s), room)
        room -= n_sent
        n_ctx = min(len(x), room, cfg.max_context_tokens) if room > 0 else 0
        out.append(
            (
                claim[: c[n_claim - 1][1]] if n_claim else claim,
                sentence[: s[n_sent - 1][1]] if n_sent else sentence,
                context[x[len(x) - n_ctx][0] :] if n_ctx else "",
            )
        )
    return out


def hf_tokenizer(model: Path, model_max_length: int):
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_file=str(model / "tokenizer.json"),
        cls_token="[CLS]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        unk_token="[UNK]",
        mask_token="[MASK]",
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
        model_max_length=model_max_length,
    )


def build_pipeline(model: Path, net, labels: list[str], tokenizer):
    """A transformers TextClassificationPipeline over a BertForSequenceClassification holding our encoder and stance head."""
    import torch
    from torch import nn
    from transformers import AutoConfig, BertForSequenceClassification, TextClassificationPipeline

    config = AutoConfig.from_pretrained(
        str(model), local_files_only=True, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)}
    )
    if config.model_type != "bert":
        raise ValueError(f"the encoder is {config.model_type!r}, not bert")
    clf = BertForSequenceClassification(config)
    encoder_state = {k.removeprefix("encoder."): v for k, v in net.state_dict().items() if k.startswith("encoder.")}
    clf.bert.load_state_dict(encoder_state, strict=True)
    with torch.no_grad():
        clf.classifier.weight.copy_(net.stance_head.weight)
        clf.classifier.bias.copy_(net.stance_head.bias)

    class MaskedMeanPooler(nn.Module):
        """The stance head reads the mean of the token states (StanceNet), not BERT's [CLS] pooler."""

        def __init__(self):
            super().__init__()
            self.mask = None

        def forward(self, states):
            mask = self.mask if self.mask is not None else torch.ones(states.shape[:2], dtype=torch.long)
            mask = mask.unsqueeze(-1).to(states.dtype)
            return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    pooler = MaskedMeanPooler()
    clf.bert.pooler = pooler

    def keep_mask(module, args, kwargs):
        pooler.mask = kwargs.get("attention_mask", args[1] if len(args) > 1 else None)

    clf.bert.register_forward_pre_hook(keep_mask, with_kwargs=True)
    clf.eval()
    return TextClassificationPipeline(model=clf, tokenizer=tokenizer, device=-1)


def naive_baseline(model: Path, pairs: list[tuple[str, str, str]], seconds: float, mode: str, threads: int) -> dict:
    import numpy as np
    import torch

    from service.model.encoding import PairEncoder
    from service.model.folder import open_folder
    from service.model.network import load_network

    if threads:
        torch.set_num_threads(threads)
    folder = open_folder(model)
    labels = list(folder.config.labels)
    max_length = folder.config.encoding.max_length
    net = load_network(model, len(labels))
    tokenizer = hf_tokenizer(model, max_length)
    out = {"sentences_available": len(pairs), "torch_threads": torch.get_num_threads()}

    def reference(items) -> tuple[list[str], list[list[int]]]:
        enc = encoder.encode_many(*map(list, zip(*items)))
        labs = []
        with torch.no_grad():
            for p in enc:
                ids = torch.tensor([p.input_ids])
                logits, _ = net(ids, torch.ones_like(ids), torch.tensor([p.token_type_ids]))
                labs.append(labels[int(logits[0].argmax())])
        return labs, [p.input_ids for p in enc]

    encoder = PairEncoder.from_dir(model, folder.config.encoding)
    pairs = fit_to_budget(encoder, pairs)
    check = pairs[:100]
    ref_labels, ref_ids = reference(check)
    out["tokens_match_model_encoder"] = round(
        float(
            np.mean([tokenizer(c, pair_text(s, x), truncation="only_second", max_length=max_length)["input_ids"] == i for (c, s, x), i in zip(check, ref_ids)])
        ),
        3,
    )

    def loop_classify(claim: str, sentence: str, context: str) -> str:
        with torch.no_grad():
            enc = tokenizer(claim, pair_text(sentence, context), truncation="only_second", max_length=max_length, return_tensors="pt")
            logits, _ = net(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
        return labels[int(logits[0].argmax())]

    classify = loop_classify
    out["method"] = "plain loop: HF tokenizer + load_network (torch fp32, no_grad), one sentence at a time (stands in for a text-classification pipeline)"
    if mode in ("auto", "pipeline"):
        try:
            pipe = build_pipeline(model, net, labels, tokenizer)

            def pipeline_classify(claim: str, sentence: str, context: str) -> str:
                result = pipe({"text": claim, "text_pair": pair_text(sentence, context)}, truncation="only_second", max_length=max_length)
                return (result[0] if isinstance(result, list) else result)["label"]

            got = [pipeline_classify(*p) for p in check]
            agreement = float(np.mean([a == b for a, b in zip(got, ref_labels)]))
            out["label_agreement_with_model"] = round(agreement, 3)
            if agreement < 0.95:
                raise ValueError(f"the pipeline agrees with the model on only {agreement:.0%} of the first sentences")
            classify = pipeline_classify
            out["method"] = (
                "transformers TextClassificationPipeline (BertForSequenceClassification with the model's encoder and stance head), one sentence per call"
            )
        except Exception as err:  # any failure means: use the plain loop
            if mode == "pipeline":
                raise
            out["pipeline_error"] = f"{type(err).__name__}: {err}"

    for p in pairs[:3]:  # warm-up
        classify(*p)
    done, started = 0, time.perf_counter()
    deadline = started + seconds
    while done == 0 or time.perf_counter() < deadline:  # cycle over the sentences until the time is up
        classify(*pairs[done % len(pairs)])
        done += 1
    elapsed = time.perf_counter() - started
    out.update(sentences=done, seconds=round(elapsed, 3), sentences_per_second=round(done / elapsed, 2), ms_per_sentence=round(1000 * elapsed / done, 3))
    return out


# ---------------------------------------------------------------- report


def goal(name: str, holds: bool | None, detail: str) -> dict:
    return {"goal": name, "holds": holds, "detail": detail}


def print_report(s: dict) -> None:
    print(f"\nStanceWire benchmark: {s['model']['name']} {s['model']['version']} from {s['model_path']}, backend {s['backend']}, {s['cpu_count']} CPUs")
    print(
        f"server ready in {s['server']['ready_seconds']:.1f} s; {len(s['seeds'])} seed articles, {s['seed_attributed_sentences']} attributed sentences in all"
    )
    print("\nsingle article, sequential requests (idle server)")
    print(f"  {'article':<28}{'chars':>7}{'attributed':>12}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, r in s["single_article"].items():
        print(f"  {name:<28}{r['chars']:>7}{r['attributed_sentences']:>12}{r['requests']:>10}{fmt(r['p50_ms']):>9}{fmt(r['p95_ms']):>9}{r['errors']:>8}")
    print(f"\nload: POST /v1/analyze, seed articles round-robin, {s['seconds_per_level']:g} s per level")
    print(f"  {'clients':>7}{'requests':>10}{'errors':>8}{'req/s':>9}{'sent/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for r in s["load"]:
        print(
            f"  {r['clients']:>7}{r['requests']:>10}{r['errors']:>8}{r['requests_per_second']:>9.1f}{r['sentences_per_second']:>10.1f}"
            f"{fmt(r['p50_ms']):>9}{fmt(r['p95_ms']):>9}{fmt(r['p99_ms']):>9}" + (f"  {r['error_kinds']}" if r["error_kinds"] else "")
        )
    mem = s["server_memory"]

    def mb(b: int | None) -> str:
        return fmt(None if b is None else b / 2**20, ".0f")

    print(
        f"\nserver memory: RSS {mb(mem['rss_ready_bytes'])} MB when ready, {mb(mem['rss_peak_sampled_bytes'])} MB peak sampled, VmHWM {mb(mem['hwm_bytes'])} MB"
    )
    n = s["naive"]
    print(f"\nnaive baseline: {n.get('method', '-')}")
    if n.get("pipeline_error"):
        print(f"  (pipeline not used: {n['pipeline_error']})")
    print(
        f"  {n.get('sentences', 0)} sentences in {n.get('seconds', 0):.1f} s: {fmt(n.get('sentences_per_second'), '.1f')} sentences/s "
        f"({fmt(n.get('ms_per_sentence'), '.2f')} ms each, torch threads {n.get('torch_threads', '-')}); "
        f"tokens equal to the model's encoder on {fmt(n.get('tokens_match_model_encoder'), '.0%')}, labels equal to the model's on {fmt(n.get('label_agreement_with_model'), '.0%')}"
    )
    print(
        f"  server throughput / naive: {fmt(s['speedup'], '.1f')}x (peak {fmt(s['peak_sentences_per_second'], '.1f')} sentences/s at {s['peak_clients']} clients)"
    )
    print("\ngoals")
    for g in s["goals"]:
        flag = "n/a " if g["holds"] is None else ("PASS" if g["holds"] else "FAIL")
        print(f"  [{flag}] {g['goal']}: {g['detail']}")


def summarise(s: dict) -> None:
    load = s["load"]
    errors = sum(r["errors"] for r in load) + sum(r["errors"] for r in s["single_article"].values())
    requests = sum(r["requests"] for r in load) + sum(r["requests"] for r in s["single_article"].values())
    peak = max(load, key=lambda r: r["sentences_per_second"]) if load else None
    s["peak_sentences_per_second"] = peak["sentences_per_second"] if peak else None
    s["peak_clients"] = peak["clients"] if peak else None
    naive_rate = s["naive"].get("sentences_per_second")
    s["speedup"] = round(s["peak_sentences_per_second"] / naive_rate, 2) if peak and naive_rate else None
    worst = max(s["single_article"].items(), key=lambda kv: kv[1]["p50_ms"] if kv[1]["p50_ms"] is not None else float("inf"))
    hwm = s["server_memory"]["hwm_bytes"] or s["server_memory"]["rss_peak_sampled_bytes"]
    s["goals"] = [
        goal("no errors", errors == 0, f"{errors} errors in {requests} requests"),
        goal(
            f"throughput >= {GOAL_SPEEDUP:g}x naive",
            None if s["speedup"] is None else s["speedup"] >= GOAL_SPEEDUP,
            f"{fmt(s['speedup'], '.1f')}x ({fmt(s['peak_sentences_per_second'], '.1f')} vs {fmt(naive_rate, '.1f')} sentences/s)",
        ),
        goal(
            f"p50 one article <= {GOAL_P50_MS:g} ms",
            None if worst[1]["p50_ms"] is None else worst[1]["p50_ms"] <= GOAL_P50_MS,
            f"slowest article {worst[0]} p50 {fmt(worst[1]['p50_ms'])} ms",
        ),
        goal("server RSS < 1 GB", None if hwm is None else hwm < GOAL_RSS_BYTES, f"peak {fmt(None if hwm is None else hwm / 2**20, '.0f')} MB (VmHWM)"),
    ]


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark the StanceWire HTTP service against a naive one-at-a-time baseline.")
    p.add_argument("--model", type=Path, default=REPO / "models" / "default", help="model folder (default: models/default)")
    p.add_argument("--backend", default="onnx-int8", help="server backend: onnx-int8 | onnx-fp32 | torch-fp32 | torch-bf16")
    p.add_argument("--seconds", type=float, default=20.0, help="duration of each load level (default 20)")
    p.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    p.add_argument("--concurrency", default="1,4,16", help="comma-separated client counts (default 1,4,16)")
    p.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed articles *.txt (default ../shared/seeds)")
    p.add_argument(
        "--single-seconds", type=float, default=None, help="time for the single-article latencies, over all articles (default: --seconds, at most 10)"
    )
    p.add_argument("--single-max-requests", type=int, default=50, help="most sequential requests per article (default 50)")
    p.add_argument("--baseline-seconds", type=float, default=None, help="time for the naive baseline (default: --seconds)")
    p.add_argument(
        "--naive", choices=("auto", "pipeline", "loop"), default="auto", help="baseline: transformers pipeline, falling back to the plain loop (auto)"
    )
    p.add_argument("--threads", type=int, default=0, help="inference threads for server and baseline (0 = all cores)")
    p.add_argument("--timeout", type=float, default=60.0, help="per-request timeout in seconds (default 60)")
    p.add_argument("--json", type=Path, help="also write the summary as JSON here")
    p.add_argument("--check", action="store_true", help="exit 1 when a goal does not hold")
    args = p.parse_args(argv)
    try:
        args.levels = [int(x) for x in args.concurrency.split(",") if x.strip()]
    except ValueError:
        p.error(f"--concurrency must be comma-separated integers, got {args.concurrency!r}")
    if not args.levels or min(args.levels) < 1 or args.seconds <= 0:
        p.error("--concurrency needs positive client counts and --seconds must be > 0")
    args.single_seconds = args.single_seconds if args.single_seconds is not None else min(args.seconds, 10.0)
    args.baseline_seconds = args.baseline_seconds if args.baseline_seconds is not None else args.seconds
    return args


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace) -> dict:
    from service.labels import load_schema

    model = args.model if args.model.is_absolute() else (Path.cwd() / args.model)
    if not model.is_dir():
        raise SetupError(f"no model folder at {model}; train one with `stancewire train --data labels/data --out {args.model}`")
    seeds = read_seeds(args.seeds)
    claim = load_schema().default_claim
    bodies = [json.dumps({"text": t}).encode("utf-8") for t in seeds.values()]
    summary: dict = {
        "model_path": str(model),
        "backend": args.backend,
        "cpu_count": os.cpu_count(),
        "seeds": list(seeds),
        "seconds_per_level": args.seconds,
        "claim": claim,
        "goals_targets": {"speedup": GOAL_SPEEDUP, "p50_ms": GOAL_P50_MS, "rss_bytes": GOAL_RSS_BYTES},
    }
    server = Server(model, args.backend, args.port or free_port(), args.threads)
    sampler = None
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)  # a `kill` of the benchmark still runs the `finally`
    try:
        print(f"starting the server on {server.url} (log: {server.log.name}) ...", file=sys.stderr)
        server.start()
        ready = server.wait_ready(READY_TIMEOUT_S)
        sampler = MemorySampler(server.proc.pid)
        sampler.start()
        with httpx.Client(base_url=server.url, timeout=args.timeout) as client:
            summary["model"] = client.get("/v1/model").json()
        summary["server"] = {"pid": server.proc.pid, "url": server.url, "ready_seconds": round(ready, 2)}
        print(f"ready in {ready:.1f} s; single-article latency ({args.single_seconds:g} s) ...", file=sys.stderr)
        summary["single_article"] = single_article_latency(server.url, seeds, args.single_seconds, args.single_max_requests, args.timeout)
        summary["seed_attributed_sentences"] = sum(r["attributed_sentences"] for r in summary["single_article"].values())
        summary["load"] = []
        for clients in args.levels:
            print(f"load: {clients} client(s) for {args.seconds:g} s ...", file=sys.stderr)
            summary["load"].append(asdict(asyncio.run(load_level(server.url, bodies, clients, args.seconds, args.timeout))))
        summary["server_memory"] = sampler.stop()
        sampler = None
    finally:
        if sampler is not None:
            sampler.stop()
        code = server.stop()
        signal.signal(signal.SIGTERM, previous)
        print(f"server stopped (exit status {code})", file=sys.stderr)
    summary["server"]["exit_status"] = code

    print(f"naive baseline ({args.baseline_seconds:g} s) ...", file=sys.stderr)
    pairs = seed_pairs(seeds, claim)
    if not pairs:
        raise SetupError("the seed articles hold no attributed sentence; nothing for the baseline to classify")
    summary["naive"] = naive_baseline(model, pairs, args.baseline_seconds, args.naive, args.threads)
    summarise(summary)
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = run(args)
    except SetupError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted (the server was stopped)", file=sys.stderr)
        return 130
    print_report(summary)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    failed = [g for g in summary["goals"] if g["holds"] is False]
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
