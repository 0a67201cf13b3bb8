"""The record contract (schema version 1).

These pydantic models are the single source of the schema: the JSON Schema printed
by ``bionews schema``, the SQL tables in :mod:`bionews.sinks` and the evaluation
scripts all derive from them. Field names are a contract with downstream
databases: add fields freely, rename or remove only with a schema-version bump.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "1"

Stage = Literal[
    "preclinical",
    "phase_1",
    "phase_1_2",
    "phase_2",
    "phase_2_3",
    "phase_3",
    "phase_4",
    "clinical",
    "filed",
    "approved",
]
#: The closed stage vocabulary, in development order (useful for "furthest stage").
STAGES: tuple[str, ...] = get_args(Stage)

OrgKind = Literal[
    "company", "research", "academic", "hospital", "government", "association", "other"
]
ORG_KINDS: tuple[str, ...] = get_args(OrgKind)

Modality = Literal[
    "antibody",
    "vaccine",
    "peptide",
    "insulin",
    "small_molecule",
    "cell_gene_therapy",
    "other",
]
MODALITIES: tuple[str, ...] = get_args(Modality)


class _Model(BaseModel):
    # Extra keys are refused so that a typo in a producer fails loudly instead of
    # silently dropping data that a downstream table expects.
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Mention(_Model):
    """Where an entity is named: ``text[start:end] == mention.text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.end < self.start:
            raise ValueError("mention end precedes start")
        return self


class Organisation(_Model):
    name: str = Field(description="Fullest form of the name found in the text")
    aliases: list[str] = Field(default_factory=list, description="Other forms in the article")
    kind: OrgKind = "other"
    mentions: list[Mention] = Field(default_factory=list)


class Drug(_Model):
    name: str
    aliases: list[str] = Field(
        default_factory=list, description="Brand / INN / code name / product name forms"
    )
    modality: Modality | None = None
    targets: list[str] = Field(default_factory=list, description="e.g. IL-17A, GLP-1")
    indications: list[str] = Field(default_factory=list)
    developer: str | None = Field(default=None, description="An Organisation.name, or null")
    stages: list[Stage] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)


class Amount(_Model):
    text: str = Field(description="As written in the text")
    value: Decimal = Field(description="In units of the currency: '100 billion yuan' -> 1e11")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    approximate: bool = False
    equivalent_of: int | None = Field(
        default=None,
        description="Index (in ArticleRecord.amounts) of the amount this one restates",
    )
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @field_validator("value")
    @classmethod
    def _finite(cls, v: Decimal) -> Decimal:
        if not v.is_finite():
            raise ValueError("amount value must be finite")
        return v


class StageMention(_Model):
    stage: Stage
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    drug: str | None = Field(default=None, description="Drug.name it is about, or null")


Precision = Literal["day", "month", "year"]


class DateMention(_Model):
    """A date named in the body; relative ones are resolved against ``published``."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: dt.date | None = Field(
        default=None, description="None when relative and the publication date is unknown"
    )
    precision: Precision
    relative: bool = Field(description="Resolved against the publication date")


class Article(_Model):
    """A cleaned article: what :func:`bionews.clean` returns, before any NLP."""

    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: dt.date | None = None
    text: str = ""
    paragraphs: list[str] = Field(default_factory=list)
    language: str | None = None
    warnings: list[str] = Field(default_factory=list)


class ArticleRecord(_Model):
    """One article with everything extracted from it."""

    id: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published: dt.date | None = None
    text: str = ""
    organisations: list[Organisation] = Field(default_factory=list)
    drugs: list[Drug] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    trial_stages: list[StageMention] = Field(default_factory=list)
    schema_version: str = SCHEMA_VERSION
    extractor_version: str = ""
    # Additions beyond schema v1's required fields (allowed by the contract).
    canonical_url: str | None = None
    language: str | None = None
    content_hash: str = Field(default="", description="sha256 of text; resume and change checks")
    warnings: list[str] = Field(default_factory=list)
    dates: list[DateMention] = Field(
        default_factory=list, description="Dates in the body, resolved against published"
    )

    @model_validator(mode="after")
    def _offsets_index_text(self) -> ArticleRecord:
        # The contract promises that every offset slices ``text`` to the mention;
        # enforcing it here means no producer can emit a record that lies.
        n = len(self.text)
        spans: list[tuple[int, int, str]] = [(a.start, a.end, a.text) for a in self.amounts]
        spans += [(s.start, s.end, s.text) for s in self.trial_stages]
        spans += [(d.start, d.end, d.text) for d in self.dates]
        for ent in (*self.organisations, *self.drugs):
            spans += [(m.start, m.end, m.text) for m in ent.mentions]
        for start, end, text in spans:
            if end > n or self.text[start:end] != text:
                raise ValueError(f"offsets {start}:{end} do not slice text to {text!r}")
        for i, a in enumerate(self.amounts):
            if a.equivalent_of is not None and not (0 <= a.equivalent_of < len(self.amounts)):
                raise ValueError(f"amounts[{i}].equivalent_of out of range")
        return self


class Problem(_Model):
    """An input that produced no record, or a record with something to say.

    Batch runs never stop on bad input; they count and store one of these instead.
    """

    source: str = Field(description="Path, URL or '<string>' the input came from")
    kind: str = Field(description="empty, binary, too_large, encoding, parse, no_article, ...")
    message: str
    severity: Literal["error", "warning"] = "error"


def text_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_id(canonical_url: str | None, text: str) -> str:
    """Stable id: hash of the canonical URL, else of the cleaned text."""
    basis = canonical_url.strip() if canonical_url else text
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def json_schema() -> dict:
    return ArticleRecord.model_json_schema()


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as a reader yields it, before any parsing.

    A plain dataclass rather than a pydantic model: millions of these cross
    process boundaries in a batch run, and they carry no contract of their own.
    Exactly one of ``html``, ``text`` or ``data`` (undecoded bytes) is set.
    """

    source: str
    url: str | None = None
    html: str | None = None
    text: str | None = None
    data: bytes | None = None
    content_type: str | None = None
    published: dt.date | None = None
    fetched_at: dt.datetime | None = None

    def raw_hash(self) -> str:
        """sha256 of the raw input: lets a resumed run skip unchanged inputs unparsed."""
        h = hashlib.sha256()
        for part in (self.url or "", self.html or "", self.text or ""):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        if self.data is not None:
            h.update(self.data)
        return h.hexdigest()
