"""Dates in the body resolve against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from bionews.dates import find_dates

PUB = dt.date(2024, 9, 6)


def one(text: str, published: dt.date | None = PUB):
    found = find_dates(text, published)
    assert len(found) == 1, found
    d = found[0]
    assert text[d.start : d.end] == d.text
    return d


@pytest.mark.parametrize(
    ("text", "value", "precision", "relative"),
    [
        ("a press conference on September 5.", dt.date(2024, 9, 5), "day", True),
        ("In June of this year, an alliance formed.", dt.date(2024, 6, 1), "month", True),
        ("It filed on Dec. 25, 2023 with the agency.", dt.date(2023, 12, 25), "day", False),
        ("Dosing began on 3 August 2022.", dt.date(2022, 8, 3), "day", False),
        ("Revenue doubled last year.", dt.date(2023, 1, 1), "year", True),
        ("Enrolment ends in December.", dt.date(2024, 12, 1), "month", True),
        ("In March 2021 the plant opened.", dt.date(2021, 3, 1), "month", False),
    ],
)
def test_resolution(text, value, precision, relative) -> None:
    d = one(text)
    assert (d.value, d.precision, d.relative) == (value, precision, relative)


def test_month_far_ahead_means_last_year() -> None:
    assert one("In December the trial started.", dt.date(2025, 1, 10)).value == dt.date(2024, 12, 1)


def test_relative_dates_stay_unresolved_without_publication_date() -> None:
    d = one("on September 5", None)
    assert d.value is None and d.relative


def test_not_dates() -> None:
    assert (
        find_dates("Shares may rise; 31 February is no day; Phase 3 in 2,000 patients.", PUB) == []
    )
