"""Request and response bodies of the HTTP API (the OpenAPI schema at /docs comes from these)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

SURROGATE = re.compile("[\ud800-\udfff]")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*")
    @classmethod
    def _valid_unicode(cls, v):
        # JSON escapes like "\ud800" decode to lone surrogates, which are not text: the tokenizer and the
        # UTF-8 response encoder both fail on them, so they are refused here with the field's name.
        if isinstance(v, str) and SURROGATE.search(v):
            raise ValueError("contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode text")
        return v


class AnalyzeRequest(Strict):
    text: str = Field(..., description="the article, as plain text", examples=["Kirby said North Korea had delivered rockets. Pyongyang denied it."])
    claim: str | None = Field(None, description="the claim to judge; defaults to the schema's default claim")
    include_unattributed: bool = Field(False, description="also list sentences that carry no attributed statement")


class ClassifyItem(Strict):
    text: str = Field(..., description="one attributed sentence")
    context: str = Field("", description="the sentence before it, if known")
    speaker: str = Field("", description="the source's name, if known (the same words can be a denial or a counter-accusation depending on who says them)")


class ClassifyRequest(Strict):
    claim: str = Field(..., description="the claim to judge")
    items: list[ClassifyItem] = Field(..., description="sentences to classify")


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class SpeakerOut(BaseModel):
    name: str
    start: int
    end: int


class EvidenceOut(BaseModel):
    start: int
    end: int
    text: str
    score: float


class SentenceOut(BaseModel):
    index: int
    start: int
    end: int
    text: str
    attributed: bool
    quote: SpanOut | None
    speaker: SpeakerOut | None
    label: str | None
    scores: dict[str, float] | None
    evidence: list[EvidenceOut]
    rule: str | None = Field(
        None,
        description="set when an article-level rule chose the label instead of the model's first choice; "
        "'source-asserts-claim': this source asserts the claim elsewhere in the article, so its blame is not a counter-accusation "
        "(scores stay the model's own)",
    )


class SpeakerSummaryOut(BaseModel):
    name: str
    label: str
    sentences: list[int]


class ModelInfo(BaseModel):
    name: str
    version: str
    weights_sha256: str
    base_model: str
    labels: list[str]
    default_claim: str
    backend: str


class AnalyzeResponse(BaseModel):
    model: ModelInfo
    claim: str
    sentences: list[SentenceOut]
    speakers: list[SpeakerSummaryOut]


class ClassifyResult(BaseModel):
    label: str
    scores: dict[str, float]
    evidence: list[EvidenceOut]


class ClassifyResponse(BaseModel):
    model: ModelInfo
    results: list[ClassifyResult]


class ModelDetails(ModelInfo):
    temperature: float
    evidence_threshold: float
    metrics: dict


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    limit: int | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def model_info(predictor, default_claim: str) -> ModelInfo:
    """What every response says about the model that produced it."""
    folder = predictor.folder
    return ModelInfo(
        name=predictor.config.name,
        version=predictor.config.version,
        weights_sha256=folder.weights_sha256 if folder else "",
        base_model=predictor.config.base_model,
        labels=predictor.labels,
        default_claim=default_claim,
        backend=predictor.backend_name,
    )
