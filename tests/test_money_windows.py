"""Money scanning in windows finds exactly what a whole-text scan finds.

``find_amounts`` scans only short windows around currency markers (see
``money._Windows``); the whole-text scan it replaces is still there as
``_amounts_in(text, [(0, len(text))])``. These tests run both over generated
texts full of near-amounts, and check the character facts the windows rely on,
so a new vocabulary entry that breaks one fails here.
"""

from __future__ import annotations

import random
import re
import sys
from itertools import pairwise
from re import _parser  # type: ignore[attr-defined]

import pytest

from bionews import money

_PIECES = [
    "US$50 million",
    "US $ 5m",
    "U.S. dollars",
    "U.S.$3bn",
    "$",
    "£2.2m",
    "¥1.2bn",
    "RMB",
    "Rmb3.4bn",
    "rmb",
    "USD",
    "CNY1,070m",
    "5亿元",
    "人民币",
    "美元",
    "yuan",
    "Yuan Ming",
    "dollars",
    "euros",
    "European",
    "pounds",
    "won",
    "Korean won",
    "Hong Kong dollars",
    "pounds sterling",
    "between",
    "and",
    "to",
    "a",
    "half a billion",
    "twenty-one",
    "two",
    "ten",
    "million",
    "billion",
    "bn",
    "m",
    "k",
    "5",
    "12",
    "1,070",
    "3.5",
    "2019",
    "-",
    "–",
    "+",
    "about",
    "approximately",
    "or",
    "equal to",
    "=",
    "plus",
    "four",
    "thus",
    "into",
    "the",
    "drug",
    "patients",
    "company's",
    "its",
    "data",
    "\u212a",  # Kelvin sign: lower-cases to "k"
    "\u212a\u212a",
]
# Characters that send a text to the whole-text scan: in a few texts only.
_FOLDS = ["\u017f", "\u0131", "\u0130"]  # long s, dotless i, dotted capital I
_SEPS = [" ", " ", " ", "", ", ", ". ", ".", "\n", "\n\n", " (", ") ", "; ", "“", "” ", "/", "  "]


def _text(rng: random.Random) -> str:
    parts = [rng.choice(_PIECES) for _ in range(rng.randint(1, 30))]
    if rng.random() < 0.1:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(_FOLDS))
    return "".join(p + rng.choice(_SEPS) for p in parts)


def _dump(amounts: list) -> list[dict]:
    return [a.model_dump() for a in amounts]


def test_windows_find_what_the_whole_text_scan_finds() -> None:
    vocab = money._vocab()
    rng = random.Random(3)
    found = 0
    for _ in range(3000):
        text = _text(rng)
        whole = _dump(money._amounts_in(text, [(0, len(text))], vocab))
        assert _dump(money.find_amounts(text)) == whole, text
        found += len(whole)
    assert found > 3000  # the generated texts do hold amounts


def test_windows_are_disjoint_and_ordered() -> None:
    windows = money._vocab().windows
    rng = random.Random(5)
    for _ in range(500):
        text = _text(rng)
        spans = windows.spans(text)
        assert all(0 <= s < e <= len(text) for s, e in spans)
        assert all(a[1] <= b[0] for a, b in pairwise(spans))


def _all_chars() -> str:
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@pytest.fixture(scope="module")
def every_char() -> str:
    return _all_chars()


def test_only_the_listed_characters_fold_onto_ascii_letters(every_char: str) -> None:
    """Lower-casing shows each ASCII letter a case-blind regex would match, but for these."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for ch in every_char:
        if ch.isascii() or not letter.fullmatch(ch):
            continue
        if ch in money._FOLDS_ONTO_ASCII:
            continue
        low = ch.lower()
        assert len(low) == 1 and low.isascii(), ch
        matched = {c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(c, ch, re.IGNORECASE)}
        assert matched == {low}, ch


def test_signs_and_cjk_stems_are_caseless(every_char: str) -> None:
    """A sign or CJK stem character is matched, case-blind, by itself only."""
    windows = money._vocab().windows
    signs = {alt for alt in windows.markers.pattern.split("|") if len(alt.replace("\\", "")) == 1}
    chars = {s.replace("\\", "") for s in signs}
    chars |= {ch for stem in windows.stems for ch in stem if not ch.isascii()}
    assert "$" in chars and "元" in chars
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]", re.IGNORECASE)
    assert {ch for ch in every_char if pattern.fullmatch(ch)} == chars


def _consumed(tree: object, out: list) -> None:
    """The LITERAL / IN items of a parsed pattern, look-arounds left out."""
    for op, av in tree:  # type: ignore[attr-defined]
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY"):
            out.append((name, av))
        elif name in ("ASSERT", "ASSERT_NOT"):
            continue
        elif name == "SUBPATTERN":
            _consumed(av[3], out)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _consumed(av[2], out)
        elif name == "BRANCH":
            for alt in av[1]:
                _consumed(alt, out)
        elif name == "GROUPREF_EXISTS":
            for alt in av[1:]:
                if alt is not None:
                    _consumed(alt, out)


def test_barrier_characters_are_never_part_of_an_amount() -> None:
    """Every barrier character but the comma is consumed by no part of the pattern."""
    pattern = money._vocab().pattern
    items: list = []
    _consumed(_parser.parse(pattern.pattern, pattern.flags), items)
    for ch in money._BARRIER - {","}:
        assert not re.match(r"[\w\s]", ch), ch
        for name, av in items:
            assert name not in ("ANY", "NOT_LITERAL", "CATEGORY"), name  # none in the pattern
            if name == "LITERAL":
                assert av != ord(ch), ch
            else:  # IN
                for kind, val in av:
                    kind = str(kind)
                    if kind == "LITERAL":
                        assert val != ord(ch), ch
                    elif kind == "RANGE":
                        assert not val[0] <= ord(ch) <= val[1], ch
                    elif kind == "CATEGORY":
                        assert not re.match(r"[\d\s]", ch), ch
                    else:
                        raise AssertionError(f"unexpected set item {kind}")


def test_approximator_search_from_the_end_agrees_with_the_whole_stretch() -> None:
    vocab = money._vocab()
    approximators = ["about", "more than", "no less than", "approx.", "~", "约", "over", "近"]
    fillers = ["the", "x", "US", "a", "Almost", "moreover", "ALMOST", "circa", "\u017f", "5", "("]
    spaces = ["", " ", "  ", "\n", "\u00a0", "\u2003", " \n "]
    rng = random.Random(23)
    hits = 0
    for _ in range(5000):
        words = [rng.choice(approximators + fillers) for _ in range(rng.randint(0, 8))]
        text = "".join(w + rng.choice(spaces) for w in words) + "$5 million"
        start = text.rindex("$")
        expected = bool(vocab.approx_before.search(text[max(0, start - 40) : start]))
        assert money._approximated(text, start, vocab) == expected, text
        hits += expected
    assert hits > 1000
