"""Shared fixtures: a tiny random BERT base, a small labelled corpus and a model trained on them.

Everything is built in code in temporary folders; nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCTUATION = list(string.punctuation) + ["“", "”", "‘", "’", "«", "»", "—", "–"]
WORD_LIST = """
the a an and or but of to in on at for with by from as is are was were be been being has have had do does did not no never
it its it's this that these those there their them they we our us you your he she his her him who what which when where why how
said says say told tells added stated claimed denied denies deny rejected rejects dismissed confirmed confirms showed show shows
found evidence proof report reports reported story claims claim accused accuses blame blamed blames propaganda hypocrisy own record
false baseless fabrication absurd nonsense lie lies rumour speculation unfounded responsible violation sanctions condemn condemned
minister ministry foreign defence defense spokesman spokeswoman official officials government president prime leader general army
embassy diplomat senior security council committee adviser opposition agency inspectors analysts experts police court judge
russia russian iran iranian china chinese korea north south syria ukraine kyiv moscow tehran beijing pyongyang minsk damascus
drones drone shells missiles weapons arms rifles attack attacks hackers hacked breached grid power water utility bank network
voter data theft gold mercenaries militia fighters training camps spy unit supplied shipped sent sold received stole trained
week month year today yesterday monday tuesday wednesday thursday friday saturday sunday morning night
talks meeting meet meets resume will would could should can may might must again next last new more less any all some
comment stage role part hide failures pressure justify look before after about over under against between during into out up
confirm shell shipments deliveries delivery inspectors intrusion reporters gathered outside published described detail dominated news diplomats debating
satellite images clearly took place follow holds vote election people country countries state states world international
"""
WORDS = WORD_LIST.split()


def build_vocab() -> list[str]:
    vocab = list(SPECIAL_TOKENS)
    singles = list(string.ascii_lowercase) + list(string.digits) + PUNCTUATION
    for token in singles + ["##" + c for c in string.ascii_lowercase] + ["##" + d for d in string.digits] + WORDS:
        if token not in vocab:
            vocab.append(token)
    return vocab


def write_tiny_base(folder: Path, seed: int = 0) -> Path:
    """A randomly initialised two-layer BERT with a WordPiece tokenizer, in Hugging Face folder layout."""
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel

    folder.mkdir(parents=True, exist_ok=True)
    vocab = build_vocab()
    ids = {tok: i for i, tok in enumerate(vocab)}
    tokenizer = Tokenizer(models.WordPiece(ids, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])]
    )
    tokenizer.save(str(folder / "tokenizer.json"))
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=256, pad_token_id=0
    )
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(str(folder), safe_serialization=True)
    return folder


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    return write_tiny_base(tmp_path_factory.mktemp("tiny-base"))


# ---------------------------------------------------------------- corpus

SPEAKERS = [
    "the foreign minister", "a government spokesman", "the defence ministry", "an embassy official", "the prime minister",
    "a senior diplomat", "the army general", "the opposition leader", "a ministry adviser", "the security council",
    "a police official", "the agency director",
]
# (template, evidence phrase); {obj} is what the claim is about, {place} who is accused.
TEMPLATES = {
    "assertion": [
        ("The inspectors have found evidence of {obj}", "found evidence"),
        ("Our satellite images show {obj} clearly", "show {obj} clearly"),
        ("We can confirm that {obj} took place", "confirm"),
        ("The council holds {place} responsible for {obj}", "holds {place} responsible"),
    ],
    "denial": [
        ("We never sent anything like {obj}", "never sent anything"),
        ("The reports about {obj} are false", "are false"),
        ("{Place} denies any role in {obj}", "denies any role"),
        ("Claims about {obj} are a baseless fabrication", "baseless fabrication"),
    ],
    "counter-accusation": [
        ("The accusers should look at their own record before talking of {obj}", "their own record"),
        ("They blame {place} for {obj} to hide their failures", "to hide their failures"),
        ("This is propaganda to justify new pressure on {place}", "propaganda to justify new pressure"),
    ],
    "neutral": [
        ("Talks with {place} about {obj} will resume next week", None),
        ("We have no comment on {obj} at this stage", None),
        ("The committee on {obj} meets again on Friday", None),
    ],
}
CONTEXTS = [
    "Officials met in {city} on {day} to discuss {obj}.",
    "Reporters gathered outside the ministry in {city} on {day}.",
    "A report published in {city} on {day} described {obj} in detail.",
    "The story about {obj} dominated the news in {city} on {day}.",
    "Diplomats in {city} spent {day} debating {obj}.",
]
CITIES = ["Geneva", "Vienna", "Brussels", "Ankara", "Warsaw", "Oslo", "Tokyo", "Cairo", "Nairobi", "Lima", "Dakar", "Seoul"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# split -> [(claim, domain, obj, place, label counts)]
CLAIMS = {
    "train": [
        ("Iran supplied attack drones to Russia.", "arms transfers", "the drone deliveries", "Tehran", {"assertion": 3, "denial": 3, "counter-accusation": 2, "neutral": 2}),
        ("North Korea shipped artillery shells to Russia.", "arms transfers", "the shell shipments", "Pyongyang", {"assertion": 3, "denial": 3, "counter-accusation": 2, "neutral": 2}),
        ("Russian hackers breached the power grid.", "cyberattacks", "the grid intrusion", "Moscow", {"assertion": 3, "denial": 3, "counter-accusation": 2, "neutral": 2}),
        ("A foreign agency hacked the water utility.", "cyberattacks", "the water utility hack", "Beijing", {"assertion": 3, "denial": 3, "counter-accusation": 2, "neutral": 2}),
    ],
    "dev": [
        ("Belarus trained the militia fighters.", "arms transfers", "the militia training camps", "Minsk", {"assertion": 2, "denial": 2, "counter-accusation": 1, "neutral": 1}),
        ("Hackers stole the national voter rolls.", "cyberattacks", "the voter data theft", "Caracas", {"assertion": 2, "denial": 2, "counter-accusation": 1, "neutral": 1}),
    ],
    "test": [
        ("Syria received missiles from Iran.", "arms transfers", "the missile transfers", "Damascus", {"assertion": 2, "denial": 2, "counter-accusation": 1, "neutral": 1}),
        ("A spy unit attacked the central bank network.", "cyberattacks", "the bank network attack", "Havana", {"assertion": 2, "denial": 2, "counter-accusation": 1, "neutral": 1}),
    ],
    "seeds": [
        ("Sudan sold gold to the mercenaries.", "finance and sanctions", "the gold sales", "Khartoum", {"assertion": 2, "denial": 2, "counter-accusation": 2, "neutral": 2}),
    ],
}


def attributed_sentence(label: str, k: int, obj: str, place: str, speaker: str) -> tuple[str, str, str | None]:
    """(sentence, quote, evidence phrase or None) for the k-th sentence of a label under one claim."""
    template, evidence = TEMPLATES[label][k % len(TEMPLATES[label])]
    fill = {"obj": obj, "place": place, "Place": place}
    quote = template.format(**fill)
    evidence = evidence.format(**fill) if evidence else None
    if k % 2 == 0:
        return f"“{quote},” {speaker} said.", quote, evidence
    clause = quote if quote.startswith(place) else quote[0].lower() + quote[1:]
    return f"{speaker[0].upper() + speaker[1:]} said {clause}.", clause, evidence


def make_document(doc_id: str, claim: str, domain: str, context: str, items: list[tuple[str, str, str, str | None]]) -> dict:
    """A corpus record: an unattributed context sentence, then attributed (label, sentence, quote, evidence) sentences."""
    text = context
    sentences = [{"start": 0, "end": len(context), "attributed": False, "label": None, "speaker": None, "quote": None, "evidence": []}]
    for label, sentence, quote, evidence in items:
        start = len(text) + 1
        text = f"{text} {sentence}"
        q = sentence.index(quote)
        record = {"start": start, "end": start + len(sentence), "attributed": True, "label": label, "speaker": None, "quote": {"start": start + q, "end": start + q + len(quote)}, "evidence": []}
        if evidence:
            e = sentence.index(evidence)
            record["evidence"] = [{"start": start + e, "end": start + e + len(evidence)}]
        sentences.append(record)
    return {"id": doc_id, "claim": claim, "domain": domain, "text": text, "sentences": sentences}


def corpus_documents() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    n_doc = 0
    for split, claims in CLAIMS.items():
        docs = []
        for c, (claim, domain, obj, place, counts) in enumerate(claims):
            items = []
            for label, n in counts.items():
                for k in range(n):
                    speaker = SPEAKERS[(len(items) + 5 * c + 3 * k) % len(SPEAKERS)]
                    sentence, quote, evidence = attributed_sentence(label, k, obj, place, speaker)
                    items.append((label, sentence, quote, evidence))
            items = items[::2] + items[1::2]  # mix labels within documents
            for j in range(0, len(items), 2):
                n_doc += 1
                context = CONTEXTS[n_doc % len(CONTEXTS)].format(city=CITIES[n_doc % len(CITIES)], day=DAYS[n_doc % len(DAYS)], obj=obj)
                docs.append(make_document(f"{split}-{c}-{j // 2}", claim, domain, context, items[j : j + 2]))
        out[split] = docs
    return out


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for split, docs in corpus_documents().items():
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """labels/data-style folder: train (40 examples, 4 claims, 2 domains), dev (12), test (12), seeds (8); claims disjoint."""
    return write_corpus(tmp_path_factory.mktemp("corpus"))


def tiny_train_args(data: Path, out: Path, base: Path, **over):
    from training.args import TrainArgs

    kw = {"data": data, "out": out, "base_model": str(base), "epochs": 2, "batch_size": 8, "threads": 2, "export_onnx": True, "learning_rate": 1e-3}
    kw.update(over)
    return TrainArgs(**kw)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_base, corpus_dir) -> Path:
    """A model folder trained once on the fixture corpus from the tiny base, with ONNX graphs."""
    from training.train import train

    out = tmp_path_factory.mktemp("tiny-model") / "model"
    train(tiny_train_args(corpus_dir, out, tiny_base))
    return out
