"""The cross-encoder: a transformer encoder with a stance head and an evidence head.

The stance head reads the mean of the token states (the base encoder was
trained with mean pooling, so it starts from a useful summary); the evidence
head scores each token for being part of the phrase that carries the stance.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


class StanceNet(nn.Module):
    def __init__(self, encoder: nn.Module, num_labels: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.stance_head = nn.Linear(hidden, num_labels)
        self.evidence_head = nn.Linear(hidden, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        stance_logits = self.stance_head(self.dropout(pooled))
        evidence_logits = self.evidence_head(self.dropout(states)).squeeze(-1)
        return stance_logits, evidence_logits


def build_encoder(base: str | Path, pretrained: bool = True) -> nn.Module:
    """The base encoder, loaded by path (never from a hub) with eager attention so it exports to ONNX."""
    from transformers import AutoConfig, AutoModel

    if pretrained:
        return AutoModel.from_pretrained(str(base), attn_implementation="eager", local_files_only=True)
    config = AutoConfig.from_pretrained(str(base), local_files_only=True)
    return AutoModel.from_config(config, attn_implementation="eager")


def load_network(folder: str | Path, num_labels: int) -> StanceNet:
    """Rebuild the network from a model folder's config.json and model.safetensors."""
    from safetensors.torch import load_file

    net = StanceNet(build_encoder(folder, pretrained=False), num_labels)
    state = load_file(str(Path(folder) / "model.safetensors"))
    net.load_state_dict(state)
    net.eval()
    return net
