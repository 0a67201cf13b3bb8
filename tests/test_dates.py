"""Dates in the body resolve against the publication date."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from bionews import dates
from bionews.dates import find_dates

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

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


def _date_soup(rng: random.Random) -> str:
    """Text dense in date pieces, glued in every order and spacing."""
    pieces = [
        "in", "by", "since", "end of", "early", "mid", "On", "the", "same", "year",
        "last", "this", "next", "month", "the previous year", "of", "September", "Sept.",
        "sept", "May", "may", "Mar", "March", "summary", "5", "21st", "3rd", "2024", "1999",
        "31", "12:30", ",", ".", "-", "June", "Junes", "Dec.", "this year", "last month",
    ]  # fmt: skip
    seps = [" ", "  ", "\n", "\n\n", "", ", ", "\t", " " * 12]
    return "".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 40)))


def test_anchored_scan_finds_what_the_plain_scan_finds() -> None:
    # find_dates tries its pattern only just before month names and relative
    # phrases; it must report exactly the matches of a scan over every position.
    pattern, _ = dates._patterns()
    rng = random.Random(5)
    texts = [_date_soup(rng) for _ in range(3000)]
    texts += [p.read_text(encoding="utf-8") for p in CORPUS.glob("heldout*/*.txt")]
    assert len(texts) > 3000
    for text in texts:
        fast = [(m.span(), m.groupdict()) for m in dates._date_matches(pattern, text)]
        plain = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        assert fast == plain, text
