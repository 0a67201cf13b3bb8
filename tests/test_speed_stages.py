"""The fast paths of the stage finder and the sentence splitter agree with the
plain forms they stand in for (see also test_speed_equivalence)."""

from __future__ import annotations

import random
import re
import sys

from bionews import stages


def _all_characters() -> str:
    return "".join(map(chr, range(sys.maxunicode + 1)))


def test_whitespace_is_what_backslash_s_matches() -> None:
    assert frozenset(re.findall(r"\s", _all_characters())) == stages._WHITESPACE


def test_ascii_folds_are_the_only_non_ascii_case_partners_of_ascii() -> None:
    everything = _all_characters()
    partners = set()
    for c in map(chr, range(128)):
        partners.update(re.findall(re.escape(c), everything, re.IGNORECASE))
    assert {c for c in partners if not c.isascii()} == set(stages._ASCII_FOLDS)


def _break_ends(pattern: re.Pattern[str], text: str) -> list[int]:
    return [m.end() for m in pattern.finditer(text)]


def test_sentence_break_scan_matches_the_plain_pattern() -> None:
    rng = random.Random(5)
    pieces = [*"aB. !?\n\n  \t\"”’')]“‘([9", "U.S.", "A.B.", "x.", "Inc.", ".\n", "\u2028"]
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        expected = _break_ends(stages._SENTENCE_BREAK, text)
        assert _break_ends(stages._SENTENCE_BREAK_SCAN, text) == expected, text
        found += len(expected)
    assert found > 10000


def test_candidate_scan_embeds_every_rule() -> None:
    # A rule that cannot be embedded still works (every opening of it becomes a
    # candidate), but the scan is then slower: a new rule should not do that.
    scanner = stages._rule_scanner()
    for rx, first in zip(scanner.regexes, scanner.firsts, strict=True):
        if first is not None:
            assert stages._embedded(rx) is not None, rx.pattern


def test_candidate_scan_falls_back_for_back_references() -> None:
    regexes = [
        re.compile(r"\b(?P<w>ab)\w*(?P=w)", re.IGNORECASE),  # not embeddable: a candidate anyway
        re.compile(r"\bAbc\b"),  # case-sensitive: exact openings
        re.compile(r"\bx\s+y", re.IGNORECASE),
    ]
    assert stages._embedded(regexes[0]) is None
    scanner = stages._scanner(regexes)
    text = "abxab abc Abc ABC x  y X\ty ab-ab"
    for rx, found in zip(regexes, scanner.matches(text), strict=True):
        assert [m.span() for m in found] == [m.span() for m in rx.finditer(text)]
