"""The fast paths of the stage finder and the sentence splitter agree with the
plain forms they stand in for (see also test_speed_equivalence)."""

from __future__ import annotations

import random
import re
import sys
from bisect import bisect_left

import pytest
import spacy
from spacy.attrs import SENT_START
from spacy.tokens import Doc

from bionews import sentences, stages


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
        re.compile(r"\b(ab)\w*\1x"),  # nor a numbered one
        re.compile(r"\bAbc\b"),  # case-sensitive: exact openings
        re.compile(r"\bx\s+y", re.IGNORECASE),
    ]
    assert stages._embedded(regexes[0]) is None
    assert stages._embedded(regexes[1]) is None
    scanner = stages._scanner(regexes)
    text = "abxab abc Abc ABC x  y X\ty ab-ab abab abcabx"
    for rx, found in zip(regexes, scanner.matches(text), strict=True):
        assert [m.span() for m in found] == [m.span() for m in rx.finditer(text)]


def _plain_boundaries(text: str, abbrevs: frozenset[str]) -> list[int]:
    """The boundaries as first written: one regex with the word before the stop."""
    out = []
    for m in sentences._BOUNDARY.finditer(text):
        if m.group("stop") == ".":
            word = m.group("word")
            if word + "." in abbrevs or sentences._is_initial(word.lstrip("(\"“'")):
                continue
        out.append(m.end())
    return out


def _plain_split(doc: Doc, abbrevs: frozenset[str]) -> list[int]:
    """Sentence starts set token by token, as the component first did."""
    if len(doc) == 0:
        return []
    starts = [t.idx for t in doc]
    doc[0].is_sent_start = True
    marked = False
    for off in _plain_boundaries(doc.text, abbrevs):
        i = bisect_left(starts, off)
        if i < len(doc) and starts[i] == off and i > 0:
            doc[i].is_sent_start = True
            marked = True
    if not marked and len(doc) > 1:
        doc[1].is_sent_start = False
    return doc.to_array(SENT_START).tolist()


_SENTENCE_PIECES = [
    *"aB. !?\n\n  \t\"”’')]“‘([9…",
    "x" * 45,
    "(" * 45 + "S",
    "U.S.",
    "A.B.",
    "Inc.",
    "Co.,",
    "Ltd.",
    ".\n",
    "\u2028",
    "(S.",
    '"J.',
    "word",
    "Mr.",
    "e.g.",
]


def test_sentence_splitter_matches_the_plain_form() -> None:
    nlp = spacy.blank("en")
    abbrevs = sentences.abbreviations()
    splitter = sentences.SentenceSplitter(abbrevs)
    rng = random.Random(11)
    starts = 0
    for _ in range(3000):
        text = "".join(rng.choice(_SENTENCE_PIECES) for _ in range(rng.randint(0, 30)))
        assert sentences.boundaries(text, abbrevs) == _plain_boundaries(text, abbrevs), text
        got = splitter(nlp.make_doc(text)).to_array(SENT_START).tolist()
        assert got == _plain_split(nlp.make_doc(text), abbrevs), text
        starts += sum(v == 1 for v in got)
    assert starts > 5000


def test_sentence_splitter_refuses_a_parsed_doc_as_spacy_does() -> None:
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["A", "b", "."], heads=[0, 0, 0], deps=["ROOT", "dep", "punct"])
    with pytest.raises(ValueError, match="E043"):
        sentences.SentenceSplitter(sentences.abbreviations())(doc)


def test_boundaries_gate_on_abbreviation_tails() -> None:
    """The stop filter of ``boundaries`` (it cuts out the word before a stop only
    where an abbreviation or an initial can end) agrees with the plain form for
    abbreviation lists with one-letter and empty words too."""
    rng = random.Random(5)
    pieces = [*_SENTENCE_PIECES, "x.", "ab.", " . ", "Éb.", "é.", "Ab"]
    for abbrevs in (
        sentences.abbreviations(),
        frozenset({"x.", "ab.", "Inc"}),
        frozenset({".", "word."}),
        frozenset(),
    ):
        for _ in range(1500):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
            assert sentences.boundaries(text, abbrevs) == _plain_boundaries(text, abbrevs), text
