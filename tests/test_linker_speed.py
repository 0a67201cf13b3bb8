"""The linker's fast paths agree with the plain forms they replace.

The linker reads sentence offsets from one numpy comparison, runs some regexes
only behind a substring test, and finds the drug mentions before or after a
position by scanning from the right end; each is checked here against the
obvious form over generated text, so a new pattern or word list that breaks an
assumption fails here rather than silently changing links.
"""

from __future__ import annotations

import random
import re

import pytest

import bionews
from bionews import linker as L
from bionews.tokens import doc_text, sentence_bounds

_WORDS = [
    "The",
    "drug",
    "developed",
    "by",
    "Korvat",
    "Pharma's",
    "owns",
    "Own",
    "down",
    "it",
    "It",
    "its",
    "valve",
    "Valves",
    "CE",
    "mark",
    "510(k)",
    "Class",
    "III",
    "licensor",
    "Marketed",
    "markets",
    "'s",
    "’s",
    "ſ",
    "İ",
    "\u212a",  # Kelvin sign: matches "k" ignoring case
    "DEVICE",
    "stent;",
    "(for",
    "lung",
    "cancer)",
    "[note]",
    "Phase",
    "2.",
    "approved.",
    "\n\n",
    "and",
    ",",
    "vaccine",
    "surgical",
    "robot",
    "monitoring",
    "system",
]


def _text(rng: random.Random, n: int) -> str:
    out: list[str] = []
    for _ in range(n):
        w = rng.choice(_WORDS)
        out.append(w if rng.random() < 0.8 else w.upper())
    return " ".join(out) if rng.random() < 0.7 else "".join(out)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return bionews.get_nlp()


def test_sentence_bounds_match_the_token_helper(nlp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    texts = ["", "x", "One. Two", "  Lead space. Next one!\n\nThird"]
    texts += [_text(rng, rng.randint(1, 40)) for _ in range(200)]
    for text in texts:
        doc = nlp.get_pipe("bionews_sentences")(nlp.make_doc(text))
        assert L._sentence_bounds(doc, doc_text(doc)) == sentence_bounds(doc), text


@pytest.mark.parametrize("gated", [L._DEVELOP, L._device_words()], ids=["develop", "device"])
def test_gated_search_agrees_with_the_regex(gated: L._Gated) -> None:
    rng = random.Random(7)
    for _ in range(3000):
        text = _text(rng, rng.randint(0, 12))
        assert gated.search(text) == bool(gated.pattern.search(text)), text


def test_gate_needles_are_lower_case_literals_every_match_holds() -> None:
    # Every alternative of each gated pattern contains one of its needles.
    for gated in (L._DEVELOP, L._device_words()):
        assert all(n == n.lower() and n.isascii() for n in gated.needles)
    # Non-ASCII text skips the gate: "'ſ" matches "'s" only by the regex's case folding.
    assert L._DEVELOP.search("Korvat'ſ drug") == bool(L._DEVELOP.pattern.search("Korvat'ſ drug"))


def test_non_ascii_case_folds_are_the_known_few() -> None:
    # The gate trusts str.lower only on ASCII text; these are the only non-ASCII
    # characters the regex engine matches to an ASCII letter ignoring case.
    chars = "".join(chr(i) for i in range(0x80, 0x110000) if not 0xD800 <= i < 0xE000)
    assert set(re.findall(r"(?i)[a-z]", chars)) == {
        "\u0130",
        "\u0131",
        "\u017f",
        "\u212a",
    }  # İ ı ſ, Kelvin sign


def test_ref_scans_match_the_list_forms() -> None:
    rng = random.Random(11)
    for _ in range(500):
        refs: list[L._Ref] = []
        pos = 0
        for i in range(rng.randint(0, 8)):
            pos += rng.randint(0, 6)
            refs.append(L._Ref(pos, pos + rng.randint(0, 12), i))
        at = rng.randint(0, pos + 10)
        after = [k for k, r in enumerate(refs) if r.start >= at]
        assert list(range(L._first_from(refs, at), len(refs))) == after
        before = [k for k, r in enumerate(refs) if r.end <= at]
        assert L._last_ending_by(refs, at) == (before[-1] if before else -1)
