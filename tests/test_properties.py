"""Property-based tests: for any input, ``clean`` and ``extract`` return a sound
record or raise the library's own :class:`~bionews.errors.BionewsError`.

The strategies live in ``tests/hostile.py`` and are shared with
``scripts/fuzz.py``, which runs the same properties for as long as one likes.
Here each property gets a bounded number of examples so the suite stays fast;
``HYPOTHESIS_PROFILE=long`` raises it.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bionews
import hostile
from bionews.errors import BionewsError
from bionews.money import find_amounts
from bionews.records import Article, ArticleRecord

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

S = hostile.strategies()


def _extract_or_library_error(data: str | bytes) -> ArticleRecord | None:
    """The record, or None when the library refused the input with its own error."""
    try:
        return bionews.extract(data)
    except BionewsError as exc:
        assert exc.kind, "a BionewsError carries a machine-readable kind"
        return None


@given(S["text"])
def test_extract_any_text_gives_a_sound_record_or_a_library_error(data: str) -> None:
    rec = _extract_or_library_error(data)
    if rec is not None:
        assert hostile.record_problems(rec) == []


@given(S["prose"])
def test_extract_trigger_laden_prose_keeps_offsets_and_amounts_sound(data: str) -> None:
    rec = _extract_or_library_error(data)
    if rec is not None:
        assert hostile.record_problems(rec) == []


@given(S["html"])
def test_extract_any_html_gives_a_sound_record_or_a_library_error(data: str) -> None:
    rec = _extract_or_library_error(data)
    if rec is not None:
        assert hostile.record_problems(rec) == []


@given(S["bytes"])
def test_extract_any_bytes_gives_a_sound_record_or_a_library_error(data: bytes) -> None:
    rec = _extract_or_library_error(data)
    if rec is not None:
        assert hostile.record_problems(rec) == []
        # Text out is text: no lone surrogates or NULs survive decoding.
        assert "\x00" not in rec.text
        rec.text.encode("utf-8")


@given(st.one_of(S["html"], S["bytes"]))
def test_clean_returns_an_article_or_a_library_error(data: str | bytes) -> None:
    try:
        art = bionews.clean(data)
    except BionewsError:
        return
    assert isinstance(art, Article)
    assert isinstance(art.text, str)
    assert "\x00" not in art.text
    assert art.title is None or "\n" not in art.title


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
    st.sampled_from(["billion yuan", "million yuan", "yuan", "RMB", "US$", "$", "¥"]),
)
def test_money_values_are_finite_and_positive_for_any_number(value: Decimal, unit: str) -> None:
    text = f"{unit}{value}" if unit in ("US$", "$", "¥") else f"{value} {unit}"
    for amount in find_amounts(f"The company raised {text} in a new round."):
        assert amount.value.is_finite()
        assert amount.value > 0
        assert len(amount.currency) == 3 and amount.currency.isupper()


@pytest.mark.parametrize("kind", ["text", "html", "bytes"])
def test_strategies_produce_varied_inputs(kind: str) -> None:
    """Guard the guard: a strategy that only yields empty input tests nothing."""
    seen: set[object] = set()

    @settings(max_examples=30, database=None)
    @given(S[kind])
    def collect(x: object) -> None:
        seen.add(x)

    collect()
    assert len(seen) >= 10
    assert sum(len(x) > 5 for x in seen) >= 5  # type: ignore[arg-type]


@given(st.one_of(S["text"], S["prose"]))
def test_the_tokenizer_keeps_the_text_it_was_given(data: str) -> None:
    # nlp.run_pipeline hands the input string to the components as the Doc's text
    # instead of rebuilding it; that is only sound while tokenizing is lossless.
    assert bionews.get_nlp().make_doc(data).text == data
