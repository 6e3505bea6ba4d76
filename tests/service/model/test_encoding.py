"""Pair encoding: layout, token types, offsets back into the sentence, truncation and budgets."""

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from service.model.encoding import EncodedPair, EncodingConfig, PairEncoder, evidence_token_labels

CLAIM = "Iran supplied attack drones to Russia."
SENTENCE = "“We never sent drones,” the minister said."
CONTEXT = "Officials spoke in Geneva on Monday."


@pytest.fixture(scope="module")
def tokenizer(tiny_base) -> Tokenizer:
    return Tokenizer.from_file(str(tiny_base / "tokenizer.json"))


@pytest.fixture(scope="module")
def encoder(tiny_base) -> PairEncoder:
    return PairEncoder.from_dir(tiny_base)


def ids_of(tokenizer: Tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False).ids


def test_pair_layout_and_token_types(encoder, tokenizer):
    (pair,) = encoder.encode_many([CLAIM], [SENTENCE], [CONTEXT])
    c, s, x = ids_of(tokenizer, CLAIM), ids_of(tokenizer, SENTENCE), ids_of(tokenizer, CONTEXT)
    cls, sep = encoder.cls_id, encoder.sep_id
    assert pair.input_ids == [cls, *c, sep, *s, sep, *x, sep]
    first = len(c) + 2
    assert pair.sentence_slice == (first, first + len(s))
    assert pair.input_ids[slice(*pair.sentence_slice)] == s
    assert pair.token_type_ids == [0] * first + [1] * (len(s) + len(x) + 2)
    assert len(pair.sentence_offsets) == len(s)


def test_empty_context_adds_no_third_segment(encoder, tokenizer):
    with_none, with_empty = encoder.encode_many([CLAIM, CLAIM], [SENTENCE, SENTENCE], [None, ""])
    c, s = ids_of(tokenizer, CLAIM), ids_of(tokenizer, SENTENCE)
    expected = [encoder.cls_id, *c, encoder.sep_id, *s, encoder.sep_id]
    assert with_none.input_ids == expected and with_empty.input_ids == expected
    assert with_none.input_ids.count(encoder.sep_id) == 2


@pytest.mark.parametrize("sentence", [SENTENCE, "Officials' shipments: zqxj 42 — «absurd»!", "  Leading spaces and MIXED Case words.  "])
def test_sentence_offsets_map_back_to_the_sentence_characters(encoder, tokenizer, sentence):
    (pair,) = encoder.encode_many([CLAIM], [sentence], [CONTEXT])
    a, b = pair.sentence_slice
    assert b - a == len(pair.sentence_offsets) > 0
    for token_id, (start, end) in zip(pair.input_ids[a:b], pair.sentence_offsets):
        assert 0 <= start < end <= len(sentence)
        piece = tokenizer.id_to_token(token_id)
        if piece != "[UNK]":
            assert piece.removeprefix("##") == sentence[start:end].lower()
    # the offsets cover every non-space character of the sentence, in order
    covered = "".join(sentence[s:e] for s, e in pair.sentence_offsets)
    assert covered == "".join(sentence.split())


def test_truncation_keeps_the_sentence_and_cuts_the_context_from_its_start(tiny_base, tokenizer):
    cfg = EncodingConfig(max_length=24, max_claim_tokens=5, max_context_tokens=20, max_speaker_tokens=0)
    enc = PairEncoder.from_dir(tiny_base, cfg)
    claim = "the ministry said the report about the drones was false and absurd"
    sentence = "we never sent drones to moscow"
    context = "officials met in geneva on monday to discuss the drones and the shells and the missiles"
    (pair,) = enc.encode_many([claim], [sentence], [context])
    c, s, x = ids_of(tokenizer, claim), ids_of(tokenizer, sentence), ids_of(tokenizer, context)
    assert len(c) > 5 and len(x) > 20
    room = 24 - 5 - 4 - len(s)
    assert pair.input_ids == [enc.cls_id, *c[:5], enc.sep_id, *s, enc.sep_id, *x[-room:], enc.sep_id]
    assert len(pair.input_ids) == 24
    assert pair.input_ids[slice(*pair.sentence_slice)] == s


def test_context_is_limited_to_its_last_max_context_tokens(tiny_base, tokenizer):
    enc = PairEncoder.from_dir(tiny_base, EncodingConfig(max_length=160, max_claim_tokens=40, max_context_tokens=3))
    context = "officials met in geneva on monday"
    (pair,) = enc.encode_many([CLAIM], [SENTENCE], [context])
    assert pair.input_ids[pair.sentence_slice[1] + 1 : -1] == ids_of(tokenizer, context)[-3:]


def test_a_sentence_longer_than_the_budget_is_cut_and_the_context_dropped(tiny_base, tokenizer):
    enc = PairEncoder.from_dir(tiny_base, EncodingConfig(max_length=16, max_claim_tokens=4, max_context_tokens=8, max_speaker_tokens=0))
    sentence = " ".join(["drones"] * 30)
    (pair,) = enc.encode_many(["iran supplied drones"], [sentence], [CONTEXT])
    a, b = pair.sentence_slice
    assert b - a == 16 - 3 - 4  # room left after [CLS] claim [SEP] ... [SEP]
    assert len(pair.sentence_offsets) == b - a and pair.sentence_offsets[-1][1] <= len(sentence)
    assert pair.input_ids[-1] == enc.sep_id and pair.input_ids[b:] == [enc.sep_id]
    assert len(pair.input_ids) <= 16


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_length": 30, "max_claim_tokens": 40}, "must leave room for the sentence"),
        ({"max_length": 63}, "must leave room"),
        ({"max_length": 40, "max_claim_tokens": 20, "max_speaker_tokens": 16}, "16-token speaker"),
        ({"max_claim_tokens": 0}, "token budgets must be positive"),
        ({"max_claim_tokens": -3}, "token budgets must be positive"),
        ({"max_context_tokens": -1}, "token budgets must be positive"),
        ({"max_speaker_tokens": -1}, "token budgets must be positive"),
    ],
)
def test_encoding_config_rejects_bad_budgets(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EncodingConfig(**kwargs)


def test_encoding_config_accepts_the_edge_of_its_budgets():
    assert EncodingConfig(max_length=64, max_claim_tokens=40, max_context_tokens=0).max_length == 64
    assert EncodingConfig(max_length=48, max_claim_tokens=40, max_context_tokens=0, max_speaker_tokens=0).max_length == 48


def test_a_tokenizer_without_bert_special_tokens_is_refused():
    bare = Tokenizer(models.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]"))
    bare.pre_tokenizer = pre_tokenizers.Whitespace()
    with pytest.raises(ValueError, match=r"lacks special tokens .*\[CLS\]"):
        PairEncoder(bare)


def test_collate_pads_to_the_longest_pair(encoder):
    pairs = encoder.encode_many([CLAIM, "drones"], [SENTENCE, "no"], ["", ""])
    batch = encoder.collate(pairs)
    n0, n1 = len(pairs[0].input_ids), len(pairs[1].input_ids)
    assert batch.input_ids.shape == batch.attention_mask.shape == batch.token_type_ids.shape == (2, n0)
    assert batch.input_ids.dtype == np.int64
    assert batch.input_ids[1, :n1].tolist() == pairs[1].input_ids
    assert (batch.input_ids[1, n1:] == encoder.pad_id).all()
    assert batch.attention_mask.sum(axis=1).tolist() == [n0, n1]
    assert batch.token_type_ids[1, :n1].tolist() == pairs[1].token_type_ids and (batch.token_type_ids[1, n1:] == 0).all()


def test_evidence_token_labels_mark_overlapping_sentence_tokens():
    # [CLS] c [SEP] s0 s1 s2 s3 [SEP] ; sentence tokens at character spans below
    pair = EncodedPair(list(range(8)), [0] * 3 + [1] * 5, (3, 7), [(0, 2), (3, 8), (9, 13), (14, 20)])
    labels = evidence_token_labels(pair, ((4, 10),), width=10)
    assert labels.dtype == np.float32 and labels.shape == (10,)
    assert labels.tolist() == [-1, -1, -1, 0, 1, 1, 0, -1, -1, -1]
    # touching a token's end is no overlap; several spans mark several tokens
    assert evidence_token_labels(pair, ((2, 3), (14, 15)), 8).tolist() == [-1, -1, -1, 0, 0, 0, 1, -1]
    assert evidence_token_labels(pair, (), 8).tolist() == [-1, -1, -1, 0, 0, 0, 0, -1]


def test_evidence_token_labels_on_a_real_encoding(encoder):
    sentence = "“We never sent drones,” the minister said."
    (pair,) = encoder.encode_many([CLAIM], [sentence], [CONTEXT])
    start = sentence.index("never sent")
    labels = evidence_token_labels(pair, ((start, start + len("never sent")),), len(pair.input_ids))
    a, _ = pair.sentence_slice
    marked = [sentence[s:e] for k, (s, e) in enumerate(pair.sentence_offsets) if labels[a + k] == 1]
    assert marked == ["never", "sent"]
    assert (labels[:a] == -1).all()


def test_the_speaker_sits_between_claim_and_sentence_and_is_capped(tiny_base, tokenizer):
    enc = PairEncoder.from_dir(tiny_base, EncodingConfig(max_speaker_tokens=3))
    speaker = "the foreign ministry of iran"
    (with_speaker, without) = enc.encode_many([CLAIM, CLAIM], [SENTENCE, SENTENCE], [CONTEXT, CONTEXT], [speaker, ""])
    c, p, s = ids_of(tokenizer, CLAIM), ids_of(tokenizer, speaker), ids_of(tokenizer, SENTENCE)
    assert with_speaker.input_ids[: len(c) + 6] == [enc.cls_id, *c, enc.sep_id, *p[:3], enc.sep_id]
    assert with_speaker.input_ids[slice(*with_speaker.sentence_slice)] == s == without.input_ids[slice(*without.sentence_slice)]
    assert with_speaker.sentence_slice[0] == without.sentence_slice[0] + 4
    assert with_speaker.token_type_ids.count(0) == without.token_type_ids.count(0) == len(c) + 2
