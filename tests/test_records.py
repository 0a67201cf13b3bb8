"""The record contract: field names, validation, JSON round trip, schema export."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from bionews.records import (
    STAGES,
    Amount,
    ArticleRecord,
    Drug,
    Mention,
    Organisation,
    StageMention,
    json_schema,
    record_id,
)

TEXT = "Acme Biologics raised 1.5 billion yuan for AB-101, now in Phase 2."


def make_record() -> ArticleRecord:
    return ArticleRecord(
        id=record_id(None, TEXT),
        text=TEXT,
        organisations=[
            Organisation(
                name="Acme Biologics",
                kind="company",
                mentions=[Mention(start=0, end=14, text="Acme Biologics")],
            )
        ],
        drugs=[
            Drug(
                name="AB-101",
                stages=["phase_2"],
                mentions=[Mention(start=43, end=49, text="AB-101")],
            )
        ],
        amounts=[
            Amount(
                text="1.5 billion yuan",
                value=Decimal("1500000000"),
                currency="CNY",
                start=22,
                end=38,
            )
        ],
        trial_stages=[
            StageMention(stage="phase_2", text="Phase 2", start=58, end=65, drug="AB-101")
        ],
    )


def test_contract_field_names() -> None:
    fields = set(ArticleRecord.model_fields)
    assert {
        "id",
        "url",
        "site",
        "title",
        "authors",
        "published",
        "text",
        "organisations",
        "drugs",
        "amounts",
        "trial_stages",
        "schema_version",
        "extractor_version",
    } <= fields
    assert set(Drug.model_fields) >= {
        "name",
        "aliases",
        "modality",
        "targets",
        "indications",
        "developer",
        "stages",
        "mentions",
    }
    assert set(Amount.model_fields) >= {
        "text",
        "value",
        "currency",
        "approximate",
        "equivalent_of",
        "start",
        "end",
    }
    assert STAGES == (
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
    )


def test_json_round_trip_is_exact() -> None:
    rec = make_record()
    again = ArticleRecord.model_validate_json(rec.model_dump_json())
    assert again == rec
    assert again.amounts[0].value == Decimal("1500000000")
    assert isinstance(again.amounts[0].value, Decimal)
    # Decimal travels as a string: no float rounding in JSON.
    assert json.loads(rec.model_dump_json())["amounts"][0]["value"] == "1500000000"


def test_offsets_must_slice_text() -> None:
    data = make_record().model_dump()
    data["amounts"][0]["start"] = 23
    with pytest.raises(ValidationError, match="offsets"):
        ArticleRecord.model_validate(data)


def test_unknown_stage_currency_and_extra_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        StageMention(stage="phase_5", text="x", start=0, end=1)
    with pytest.raises(ValidationError):
        Amount(text="5 yuan", value=Decimal(5), currency="yuan", start=0, end=6)
    with pytest.raises(ValidationError):
        Amount(text="5 yuan", value=Decimal("NaN"), currency="CNY", start=0, end=6)
    with pytest.raises(ValidationError):
        Organisation(name="X", kind="company", nickname="y")


def test_equivalent_of_must_point_inside_amounts() -> None:
    data = make_record().model_dump()
    data["amounts"][0]["equivalent_of"] = 3
    with pytest.raises(ValidationError, match="equivalent_of"):
        ArticleRecord.model_validate(data)


def test_schema_exports_contract() -> None:
    schema = json_schema()
    assert schema["title"] == "ArticleRecord"
    props = schema["properties"]
    assert "trial_stages" in props and "amounts" in props
    stage_enum = schema["$defs"]["StageMention"]["properties"]["stage"]["enum"]
    assert stage_enum == list(STAGES)


def test_record_id_prefers_url() -> None:
    a = record_id("https://x.test/a", "one text")
    assert a == record_id("https://x.test/a", "another text")
    assert record_id(None, "one text") != record_id(None, "another text")
