"""The prefix-filtered indication scan finds what the single alternation finds.

``find_indications`` looks for entries only where the lower-cased text shows an
entry's first characters (see ``indications._Prefixes``). These tests run it and
its first-character fallback against ``_pattern().finditer`` over generated
texts made to trip it (entry heads cut short, odd case, hyphen and space
variants, characters that case-fold onto ASCII letters), and check the
character facts it relies on.
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from bionews import indications

_FILLER = ["the", "patients", "with", "a", "trial", "in", "Phase", "2", "and", "or", "of", "said"]
_SEPS = [" ", " ", " ", ", ", "; ", ". ", "\n", "-", "/", "(", ")", "“", "’s ", "  "]
_ODD = ["\u212a", "\u017f", "\u0131", "\u0130", "é", "Ö"]  # Kelvin sign, long s, dotless i ...


def _variant(rng: random.Random, entry: str) -> str:
    style = rng.randrange(9)
    if style == 1:
        return entry.upper()
    if style == 2:
        return entry.lower()
    if style == 3:
        return entry.replace(" ", "-")
    if style == 4:
        return entry.replace("-", "")
    if style == 5:
        return entry[: rng.randint(1, 5)]  # a head only
    if style == 6:
        return entry[: rng.randint(1, 4)] + rng.choice(["x", "ing", " cancer", "-"])
    if style == 7:
        return "x" + entry if rng.random() < 0.5 else entry + "s"
    if style == 8:
        return entry.replace(" ", "\n", 1).replace("'", "’")
    return entry


def _text(rng: random.Random, odd: float) -> str:
    entries = list(indications.gazetteer())
    parts: list[str] = []
    for _ in range(rng.randint(3, 30)):
        r = rng.random()
        if r < 0.45:
            parts.append(_variant(rng, rng.choice(entries)))
        elif r < 0.45 + odd:
            word = _variant(rng, rng.choice(entries))
            i = rng.randrange(len(word) + 1)
            parts.append(word[:i] + rng.choice(_ODD) + word[i:])
        else:
            parts.append(rng.choice(_FILLER))
    return "".join(p + rng.choice(_SEPS) for p in parts)


def _reference(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in indications._pattern().finditer(text)]


@pytest.mark.parametrize("odd", [0.0, 0.05])
def test_prefix_scan_matches_the_single_alternation(odd: float) -> None:
    rng = random.Random(17)
    hits = 0
    for _ in range(1500):
        text = _text(rng, odd)
        expected = _reference(text)
        assert indications.find_indications(text) == expected, text
        hits += len(expected)
    assert hits > 3000


def test_first_character_fallback_matches_the_single_alternation() -> None:
    rng = random.Random(19)
    for _ in range(300):
        text = _text(rng, 0.1)
        assert indications._find_by_first_char(text) == _reference(text), text


@pytest.fixture(scope="module")
def every_char() -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def test_only_the_listed_characters_fold_onto_ascii_letters(every_char: list[str]) -> None:
    """Lower-casing shows each ASCII letter a case-blind regex would match, but for these."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for ch in every_char:
        if ch.isascii() or ch in indications._FOLDS_ONTO_ASCII or not letter.fullmatch(ch):
            continue
        low = ch.lower()
        assert len(low) == 1 and low.isascii(), ch
        matched = {c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(c, ch, re.IGNORECASE)}
        assert matched == {low}, ch


def test_lower_casing_keeps_word_characters(every_char: list[str]) -> None:
    word = re.compile(r"\w")
    for ch in every_char:
        low = ch.lower()
        if len(low) == 1:
            assert bool(word.match(ch)) == bool(word.match(low)), ch
