"""Fine-tune the stance cross-encoder: data, model, train, evaluate, save.

    stancewire train --data labels/data --out models/default
    python -m training.train --config my-args.yaml --out models/mine
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from service.labels import load_schema
from service.model.encoding import EncodingConfig, PairEncoder, evidence_token_labels
from service.model.evidence import decode_evidence
from service.model.folder import ONNX_FILES, StanceConfig, atomic_write
from service.model.network import StanceNet, build_encoder
from service.model.predictor import Predictor, TorchBackend, load_predictor, softmax
from training.args import TrainArgs, resolve_base
from training.data import DataError, Example, load_examples, split_path
from training.evaluate import EVAL_SPLITS, evaluate_sets, format_report
from training.metrics import classification, fit_temperature, token_f1

EVIDENCE_THRESHOLDS = np.round(np.arange(0.2, 0.81, 0.05), 2)
LENGTH_BUCKET_BATCHES = 20  # batches drawn together and sorted by length: less padding, still shuffled
BACKEND_AGREEMENT_GOAL = 0.99
# the int8 fallback margin is the smallest that brings dev agreement with fp32 to this, a notch above the goal
# so that unseen text keeps >= 99% (measured on test by `stancewire evaluate --backend onnx-int8`)
FALLBACK_AGREEMENT_TARGET = 0.997
FALLBACK_MARGINS = np.round(np.arange(0.0, 0.401, 0.01), 2)


@dataclass
class TrainData:
    train: list[Example]
    dev: list[Example]
    evaluate: dict[str, list[Example]]
    files: dict[str, str]  # name -> sha256, for the model card


# ---------------------------------------------------------------- data


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_data(args: TrainArgs) -> TrainData:
    if args.data.is_dir():
        train_path, dev_path = split_path(args.data, "train"), args.dev or split_path(args.data, "dev")
        if not train_path.is_file():
            raise DataError(train_path, 0, "", "no train.jsonl in the data folder")
    else:
        train_path, dev_path = args.data, args.dev
    train = load_examples(train_path)
    if args.max_train_examples:
        train = random.Random(args.seed).sample(train, min(args.max_train_examples, len(train)))
    dev = load_examples(dev_path) if dev_path else []
    files = {str(train_path): file_hash(train_path)}
    if dev_path:
        files[str(dev_path)] = file_hash(dev_path)
    evaluate = {}
    if args.evaluate_splits and args.data.is_dir():
        for name in EVAL_SPLITS:
            path = split_path(args.data, name)
            if name != "dev" and path.is_file():
                evaluate[name] = load_examples(path)
                files[str(path)] = file_hash(path)
    if not dev:
        rng = random.Random(args.seed)
        held = rng.sample(range(len(train)), max(1, len(train) // 10))
        dev = [train[i] for i in held]
        train = [x for i, x in enumerate(train) if i not in set(held)]
    return TrainData(train, dev, evaluate, files)


def unrelated_claim_pairs(train: list[Example], rate: float, neutral: str, seed: int) -> list[Example]:
    """Pair sentences with a claim from another domain (or another claim): the stance toward it is neutral.

    Without these, a model can label a sentence from its wording alone and ignore the claim.
    """
    claims = sorted({(x.claim, x.domain) for x in train})
    if rate <= 0 or len(claims) < 2:
        return []
    rng = random.Random(seed)
    out = []
    for x in rng.sample(train, int(rate * len(train))):
        options = [c for c, d in claims if c != x.claim and (d != x.domain or not x.domain)]
        if options:
            out.append(Example(rng.choice(options), x.sentence, x.context, neutral, (), x.doc_id, x.domain, x.source + " (unrelated claim)", x.speaker))
    return out


# ---------------------------------------------------------------- model


def build_model(args: TrainArgs, labels: list[str], neutral: str) -> tuple[StanceNet, PairEncoder, Path]:
    base = resolve_base(args.base_model)
    encoder = PairEncoder.from_dir(base, EncodingConfig(args.max_length, args.max_claim_tokens, args.max_context_tokens, args.max_speaker_tokens))
    net = StanceNet(build_encoder(base), len(labels), args.dropout)
    return net, encoder, base


# ---------------------------------------------------------------- train


def tensors(encoder: PairEncoder, examples: list[Example], labels: list[str]):
    pairs = encoder.encode_inputs(examples)
    targets = [labels.index(x.label) for x in examples]
    return pairs, targets


def batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * LENGTH_BUCKET_BATCHES
    out = []
    for i in range(0, len(order), chunk):
        group = sorted(order[i : i + chunk], key=lengths.__getitem__)
        out += [group[j : j + batch_size] for j in range(0, len(group), batch_size)]
    rng.shuffle(out)
    return out


def dev_predictor(net: StanceNet, encoder: PairEncoder, labels: list[str], neutral: str) -> Predictor:
    config = StanceConfig(labels=labels, neutral_label=neutral, encoding=encoder.config)
    return Predictor(config, encoder, TorchBackend(net), "torch-fp32")


def dev_macro_f1(net: StanceNet, encoder: PairEncoder, dev: list[Example], labels: list[str], neutral: str) -> float:
    net.eval()
    preds = dev_predictor(net, encoder, labels, neutral).raw([x.pair() for x in dev]).logits.argmax(axis=1)
    net.train()
    return classification([x.label for x in dev], [labels[i] for i in preds], labels)["macro_f1"]


def train_loop(net: StanceNet, encoder: PairEncoder, data: TrainData, args: TrainArgs, labels: list[str], neutral: str) -> dict:
    """Class-weighted stance loss plus evidence-token loss; early stopping on dev macro-F1; Ctrl-C keeps the best."""
    pairs, targets = tensors(encoder, data.train, labels)
    counts = np.bincount(targets, minlength=len(labels)).astype(float)
    weights = (counts.sum() / (len(labels) * np.maximum(counts, 1.0))) ** args.class_weight_power if args.class_weighted else np.ones(len(labels))
    stance_loss = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
    evidence_loss = nn.BCEWithLogitsLoss(reduction="none", pos_weight=torch.tensor(args.evidence_pos_weight))
    head_params = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    enc_params = [p for n, p in net.named_parameters() if n.startswith("encoder.")]
    optim = torch.optim.AdamW(
        [{"params": enc_params, "lr": args.learning_rate}, {"params": head_params, "lr": args.head_learning_rate}], weight_decay=args.weight_decay
    )
    rng = random.Random(args.seed)
    steps_per_epoch = -(-len(pairs) // args.batch_size)
    total = steps_per_epoch * args.epochs if not args.max_steps else min(args.max_steps, steps_per_epoch * args.epochs)
    warmup = max(1, int(args.warmup_ratio * total))
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    lengths = [len(p.input_ids) for p in pairs]
    best = {"dev_macro_f1": -1.0, "epoch": 0, "state": None}
    history, step, stale, interrupted, losses = [], 0, 0, False, []
    bar = tqdm(total=total, desc="training", unit="step", dynamic_ncols=True)
    net.train()
    try:
        for epoch in range(1, args.epochs + 1):
            for idx in batches(lengths, args.batch_size, rng):
                if step >= total:
                    break
                batch_pairs = [pairs[i] for i in idx]
                b = encoder.collate(batch_pairs)
                width = b.input_ids.shape[1]
                ev_targets = torch.from_numpy(np.stack([evidence_token_labels(p, data.train[i].evidence, width) for p, i in zip(batch_pairs, idx, strict=False)]))
                stance_logits, ev_logits = net(torch.from_numpy(b.input_ids), torch.from_numpy(b.attention_mask), torch.from_numpy(b.token_type_ids))
                loss = stance_loss(stance_logits, torch.tensor([targets[i] for i in idx]))
                scored = ev_targets >= 0
                if args.evidence_weight and scored.any():
                    ev = evidence_loss(ev_logits, ev_targets.clamp(min=0.0))
                    loss = loss + args.evidence_weight * ev[scored].mean()
                optim.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                optim.step()
                sched.step()
                step += 1
                losses.append(loss.item())
                bar.update(1)
                bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses[-20:]):.3f}", best_dev_f1=f"{best['dev_macro_f1']:.3f}" if best["epoch"] else "n/a")
            f1 = dev_macro_f1(net, encoder, data.dev, labels, neutral)
            history.append({"epoch": epoch, "step": step, "train_loss": round(float(np.mean(losses[-steps_per_epoch:])), 4), "dev_macro_f1": f1})
            if f1 > best["dev_macro_f1"]:
                best.update(dev_macro_f1=f1, epoch=epoch, state=copy.deepcopy(net.state_dict()))
                stale = 0
            else:
                stale += 1
            bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses[-20:]):.3f}", dev_f1=f"{f1:.3f}", best=f"{best['dev_macro_f1']:.3f}")
            if step >= total or (args.patience and stale >= args.patience):
                break
    except KeyboardInterrupt:
        interrupted = True
        bar.write("interrupted: keeping the best checkpoint so far")
    finally:
        bar.close()
    if best["state"] is not None:
        net.load_state_dict(best["state"])
    elif data.dev:  # stopped before the first dev evaluation: score what we have
        best.update(dev_macro_f1=dev_macro_f1(net, encoder, data.dev, labels, neutral), epoch=history[-1]["epoch"] if history else 0)
    net.eval()
    return {"history": history, "best_epoch": best["epoch"], "best_dev_macro_f1": best["dev_macro_f1"], "steps": step, "interrupted": interrupted, "losses": losses}


# ---------------------------------------------------------------- evaluate


def calibrate(predictor: Predictor, dev: list[Example]) -> tuple[float, float]:
    """Temperature for the stance scores and the evidence threshold, both fitted on dev."""
    labels = predictor.labels
    raw = predictor.raw([x.pair() for x in dev])
    temperature = fit_temperature(raw.logits, np.array([labels.index(x.label) for x in dev]))
    best_t, best_f1 = 0.5, -1.0
    scored = [(i, x) for i, x in enumerate(dev) if x.evidence]
    for t in EVIDENCE_THRESHOLDS:
        f1s = [
            token_f1(x.sentence, list(x.evidence), [(s.start, s.end) for s in decode_evidence(x.sentence, raw.pairs[i].sentence_offsets, raw.evidence_probs[i].tolist(), float(t))])
            for i, x in scored
        ]
        if f1s and np.mean(f1s) > best_f1:
            best_t, best_f1 = float(t), float(np.mean(f1s))
    return temperature, best_t


def fit_int8_fallback(folder: Path, dev: list[Example], reference: list[str]) -> float:
    """Smallest top-two score gap below which int8 pairs are re-run in fp32, for FALLBACK_AGREEMENT_TARGET on dev."""
    p = load_predictor(folder, "onnx-int8", verify=False, fallback=False)
    logits = p.raw([x.pair() for x in dev]).logits
    probs = softmax(logits / p.config.temperature)
    top = np.sort(probs, axis=1)
    gap = top[:, -1] - top[:, -2]
    flipped = np.array([p.labels[i] != ref for i, ref in zip(probs.argmax(axis=1), reference)])
    for margin in FALLBACK_MARGINS:
        if 1.0 - np.mean(flipped & (gap >= margin)) >= FALLBACK_AGREEMENT_TARGET:
            return float(margin)
    return float(FALLBACK_MARGINS[-1])


def backend_agreement(folder: Path, dev: list[Example], reference: dict[str, list[str]], backends: list[str]) -> dict:
    """Label agreement and macro-F1 of each optimised backend against the fp32 torch reference on dev."""
    out = {}
    items = [x.pair() for x in dev]
    gold = [x.label for x in dev]
    runs = [(b, True) for b in backends] + ([("onnx-int8", False)] if "onnx-int8" in backends else [])
    for backend, fallback in runs:
        p = load_predictor(folder, backend, verify=False, fallback=fallback)
        started = time.perf_counter()
        pred = [r.label for r in p.predict(items)]
        elapsed = time.perf_counter() - started
        agree = float(np.mean([a == b for a, b in zip(pred, reference["pred"], strict=False)])) if pred else 1.0
        f1 = classification(gold, pred, p.labels)["macro_f1"]
        row = {"label_agreement": round(agree, 4), "macro_f1": f1, "macro_f1_delta": round(f1 - reference["macro_f1"], 4), "seconds": round(elapsed, 3)}
        if p.fallback is not None:
            row["fallback_share"] = round(p.fallback_pairs / max(len(items), 1), 4)
            row["fallback_margin"] = p.config.int8_fallback_margin
        out[backend if fallback else f"{backend} without fallback"] = row
    return out


# ---------------------------------------------------------------- save


def model_card(args: TrainArgs, metrics: dict, labels: list[str], definitions: dict[str, str]) -> str:
    lines = [
        f"# {args.name} {args.version}",
        "",
        "Claim-conditioned stance model for attributed sentences in news (StanceWire).",
        "Input: `[CLS] claim [SEP] speaker [SEP] sentence [SEP] preceding sentence [SEP]`. Outputs: one of the labels below,",
        "calibrated scores (temperature scaling fitted on dev), and evidence spans from a token head.",
        "",
        "## Labels",
        *[f"- **{lab}**: {definitions.get(lab, '')}" for lab in labels],
        "",
        "## Training",
        f"- base encoder: {metrics['base_model']}",
        f"- training pairs: {metrics['train_pairs']} (+{metrics['unrelated_claim_pairs']} unrelated-claim neutral pairs), dev pairs: {metrics['dev_pairs']}",
        f"- best epoch {metrics['training']['best_epoch']} of {len(metrics['training']['history'])}, dev macro-F1 {metrics['training']['best_dev_macro_f1']:.3f}",
        f"- training time {metrics['training_seconds']:.0f} s on {metrics['threads']} threads; temperature {metrics['temperature']}; evidence threshold {metrics['evidence_threshold']}",
        "- data files (sha256):",
        *[f"  - `{name}` {digest}" for name, digest in metrics["data_files"].items()],
        "",
        "## Arguments",
        "```json",
        json.dumps(args.to_json(), indent=2),
        "```",
        "",
        "## Evaluation (fp32 reference backend)",
        "```",
        format_report(metrics["evaluation"]) if metrics["evaluation"] else "(not evaluated)",
        "```",
    ]
    if metrics.get("backends"):
        lines += ["", "## Optimised backends against fp32 on dev", "```json", json.dumps(metrics["backends"], indent=2), "```"]
    lines += [
        "",
        "## Limits",
        "- Trained on passages written for this project in the style of wire reporting; the five real seed articles",
        "  are used only for evaluation. Expect lower scores on styles the corpus lacks.",
        "- English only. Sentences longer than the token budget are truncated.",
    ]
    return "\n".join(lines) + "\n"


def save_folder(net, encoder, base: Path, args, config: StanceConfig, fill_metrics, fit_fallback=None) -> Path:
    """Write weights, tokenizer, config, ONNX graphs, metrics and card into one atomically swapped folder.

    `fit_fallback(folder) -> margin` sets the int8 fallback margin once the int8 graph exists.
    """
    from safetensors.torch import save_file

    from service.model.export import export_onnx, quantize_int8

    def fill(tmp: Path) -> None:
        net.encoder.config.to_json_file(str(tmp / "config.json"))
        state = {k: v.detach().contiguous() for k, v in net.state_dict().items()}
        save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        shutil.copyfile(base / "tokenizer.json", tmp / "tokenizer.json")
        (tmp / "stance.json").write_text(json.dumps(config.to_json(), indent=2) + "\n", encoding="utf-8")
        if args.export_onnx:
            export_onnx(net, encoder, tmp / ONNX_FILES["onnx-fp32"])
            cfg = net.encoder.config
            quantize_int8(tmp / ONNX_FILES["onnx-fp32"], tmp / ONNX_FILES["onnx-int8"], cfg.num_attention_heads, cfg.hidden_size)
            if fit_fallback is not None:
                config.int8_fallback_margin = fit_fallback(tmp)
                (tmp / "stance.json").write_text(json.dumps(config.to_json(), indent=2) + "\n", encoding="utf-8")
        metrics, card = fill_metrics(tmp)
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        (tmp / "model_card.md").write_text(card, encoding="utf-8")

    return atomic_write(args.out, fill)


def train(args: TrainArgs) -> dict:
    started = time.perf_counter()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    schema = load_schema()
    labels, neutral = list(schema.labels), schema.neutral_label

    # data
    data = load_data(args)
    extra = unrelated_claim_pairs(data.train, args.unrelated_claim_rate, neutral, args.seed)
    n_train = len(data.train)
    data.train = data.train + extra
    print(f"data: {n_train} training pairs (+{len(extra)} unrelated-claim), {len(data.dev)} dev pairs, evaluation sets: {sorted(data.evaluate)}")

    # model
    net, encoder, base = build_model(args, labels, neutral)

    # train
    result = train_loop(net, encoder, data, args, labels, neutral)
    train_seconds = time.perf_counter() - started

    # evaluate
    reference = dev_predictor(net, encoder, labels, neutral)
    temperature, threshold = calibrate(reference, data.dev)
    config = StanceConfig(
        labels=labels, neutral_label=neutral, encoding=encoder.config, temperature=temperature, evidence_threshold=threshold,
        base_model=args.base_model, name=args.name, version=args.version,
    )
    reference.config = config
    evaluation = evaluate_sets(reference, {"dev": data.dev, **data.evaluate}, data.train[:n_train]) if args.evaluate_splits else {}
    ref_dev = [r.label for r in reference.predict([x.pair() for x in data.dev])]
    ref_f1 = classification([x.label for x in data.dev], ref_dev, labels)["macro_f1"]
    if evaluation:
        print(format_report(evaluation))

    # save
    def fill_metrics(tmp: Path):
        optimised = [*ONNX_FILES, "torch-bf16"] if args.export_onnx else ["torch-bf16"]
        backends = backend_agreement(tmp, data.dev, {"pred": ref_dev, "macro_f1": ref_f1}, optimised)
        for backend, r in backends.items():
            flag = "ok" if r["label_agreement"] >= BACKEND_AGREEMENT_GOAL and abs(r["macro_f1_delta"]) <= 0.005 else "BELOW GOAL"
            rerun = f", {r['fallback_share']:.1%} of pairs re-run in fp32 (margin {r['fallback_margin']})" if "fallback_share" in r else ""
            print(f"{backend}: label agreement with fp32 on dev {r['label_agreement']:.4f}, macro-F1 delta {r['macro_f1_delta']:+.4f}{rerun} [{flag}]")
        metrics = {
            "name": args.name, "version": args.version, "base_model": args.base_model, "labels": labels,
            "train_pairs": n_train, "unrelated_claim_pairs": len(extra), "dev_pairs": len(data.dev),
            "temperature": temperature, "evidence_threshold": threshold, "threads": threads,
            "training_seconds": round(time.perf_counter() - started, 1), "training_loop_seconds": round(train_seconds, 1),
            "training": {k: v for k, v in result.items() if k != "losses"},
            "data_files": data.files, "evaluation": evaluation, "backends": backends, "arguments": args.to_json(),
        }
        return metrics, model_card(args, metrics, labels, schema.definitions)

    save_folder(net, encoder, base, args, config, fill_metrics, fit_fallback=lambda folder: fit_int8_fallback(folder, data.dev, ref_dev))
    print(f"saved {args.out} in {time.perf_counter() - started:.0f} s")
    # the predictor around the in-memory network (torch fp32, calibrated), for callers that go on using it
    return {"result": result, "temperature": temperature, "evidence_threshold": threshold, "evaluation": evaluation, "predictor": reference}


def parse_args(argv: list[str] | None = None) -> TrainArgs:
    parser = argparse.ArgumentParser(prog="stancewire train", description="Fine-tune the stance model on labelled data.")
    parser.add_argument("--config", type=Path, help="JSON or YAML file of training arguments (command-line flags override it)")
    for f in fields(TrainArgs):
        flag = "--" + f.name.replace("_", "-")
        help_text = f.metadata.get("help", "")
        if f.type in ("bool", bool):
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        else:
            kind = {"int": int, "float": float}.get(str(f.type), str)
            parser.add_argument(flag, dest=f.name, type=kind, default=None, help=f"{help_text} (default: {f.default})")
    ns = vars(parser.parse_args(argv))
    config = ns.pop("config")
    overrides = {k: v for k, v in ns.items() if v is not None}
    return TrainArgs.from_file(config, **overrides) if config else TrainArgs(**overrides)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
        train(args)
    except (DataError, ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
