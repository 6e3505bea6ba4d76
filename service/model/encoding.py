"""Turn (claim, sentence, context) into one token sequence for the cross-encoder.

Layout: [CLS] claim [SEP] speaker [SEP] sentence [SEP] context [SEP], token
type 0 for the claim and 1 for the rest; the speaker and context segments are
left out when empty. The speaker (the source's resolved name) is there because
the same words mean different stances from different mouths: blame from the
accused side is a counter-accusation, from the accuser it is not. The sentence
is never truncated before the context, which is cut from its start, keeping
the words nearest the sentence. Training and inference both go
through `PairEncoder`, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

SPECIAL = {"cls": "[CLS]", "sep": "[SEP]", "pad": "[PAD]"}


@dataclass(frozen=True)
class EncodingConfig:
    """Token budgets; stored in the model folder so inference encodes as training did."""

    max_length: int = 160
    max_claim_tokens: int = 40
    max_context_tokens: int = 32
    max_speaker_tokens: int = 16

    def __post_init__(self):
        if self.max_length < self.max_claim_tokens + self.max_speaker_tokens + 8:
            raise ValueError(
                f"max_length ({self.max_length}) must leave room for the sentence after a {self.max_claim_tokens}-token claim and a {self.max_speaker_tokens}-token speaker"
            )
        if min(self.max_length, self.max_claim_tokens) <= 0 or self.max_context_tokens < 0 or self.max_speaker_tokens < 0:
            raise ValueError("token budgets must be positive")


@dataclass
class EncodedPair:
    input_ids: list[int]
    token_type_ids: list[int]
    sentence_slice: tuple[int, int]  # positions of the sentence tokens in input_ids
    sentence_offsets: list[tuple[int, int]]  # character offsets of those tokens in the sentence


@dataclass
class Batch:
    input_ids: np.ndarray
    attention_mask: np.ndarray
    token_type_ids: np.ndarray


class PairEncoder:
    def __init__(self, tokenizer: Tokenizer, config: EncodingConfig | None = None):
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.config = config or EncodingConfig()
        ids = {k: tokenizer.token_to_id(v) for k, v in SPECIAL.items()}
        missing = [SPECIAL[k] for k, v in ids.items() if v is None]
        if missing:
            raise ValueError(f"tokenizer lacks special tokens {missing}; a BERT-style WordPiece tokenizer is expected")
        self.cls_id, self.sep_id, self.pad_id = ids["cls"], ids["sep"], ids["pad"]

    @classmethod
    def from_dir(cls, path: Path, config: EncodingConfig | None = None) -> PairEncoder:
        return cls(Tokenizer.from_file(str(Path(path) / "tokenizer.json")), config)

    def encode_many(self, claims: list[str], sentences: list[str], contexts: list[str], speakers: list[str] | None = None) -> list[EncodedPair]:
        cfg = self.config
        enc = self.tokenizer.encode_batch
        claim_enc = enc(claims, add_special_tokens=False)
        sent_enc = enc(sentences, add_special_tokens=False)
        ctx_enc = enc([c or "" for c in contexts], add_special_tokens=False)
        spk_enc = enc([s or "" for s in speakers] if speakers is not None else [""] * len(claims), add_special_tokens=False)
        out = []
        for c, s, x, p in zip(claim_enc, sent_enc, ctx_enc, spk_enc):
            c_ids = c.ids[: cfg.max_claim_tokens]
            p_ids = p.ids[: cfg.max_speaker_tokens]
            head = [self.cls_id, *c_ids, self.sep_id] + ([*p_ids, self.sep_id] if p_ids else [])
            room = cfg.max_length - len(head) - 2
            s_ids, s_off = s.ids[:room], s.offsets[:room]
            room -= len(s_ids)
            x_ids = x.ids[len(x.ids) - min(len(x.ids), room, cfg.max_context_tokens) :] if room > 0 else []
            ids = [*head, *s_ids, self.sep_id]
            if x_ids:
                ids += [*x_ids, self.sep_id]
            first = len(c_ids) + 2
            types = [0] * first + [1] * (len(ids) - first)
            out.append(EncodedPair(ids, types, (len(head), len(head) + len(s_ids)), list(s_off)))
        return out

    def encode_inputs(self, items) -> list[EncodedPair]:
        """Encode objects carrying claim, sentence, context and speaker (PairInput, training examples)."""
        return self.encode_many([x.claim for x in items], [x.sentence for x in items], [x.context for x in items], [x.speaker for x in items])

    def collate(self, pairs: list[EncodedPair]) -> Batch:
        """Pad to the longest pair of the batch (batches are length-sorted upstream)."""
        width = max(len(p.input_ids) for p in pairs)
        ids = np.full((len(pairs), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(pairs), width), dtype=np.int64)
        types = np.zeros((len(pairs), width), dtype=np.int64)
        for i, p in enumerate(pairs):
            n = len(p.input_ids)
            ids[i, :n] = p.input_ids
            mask[i, :n] = 1
            types[i, :n] = p.token_type_ids
        return Batch(ids, mask, types)


def evidence_token_labels(pair: EncodedPair, spans: tuple[tuple[int, int], ...], width: int) -> np.ndarray:
    """1.0 on sentence tokens that overlap a gold evidence span, 0.0 elsewhere, -1 where not scored."""
    labels = np.full(width, -1.0, dtype=np.float32)
    a, b = pair.sentence_slice
    labels[a:b] = 0.0
    for k, (ts, te) in enumerate(pair.sentence_offsets):
        if any(ts < e_end and e_start < te for e_start, e_end in spans):
            labels[a + k] = 1.0
    return labels
