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


_GATED = {
    "develop": L._DEVELOP,
    "device": L._device_words(),
    "company": L._COMPANY_REF,
    "definite": L._DEFINITE,
    "form": L._form_description(),
    "plural": L._PLURAL_THINGS,
    "unnamed": L._UNNAMED_SUBJECT,
    "anaphor": L._ANAPHOR_WITHIN,
}
# Words that make the gated patterns match, and near misses.
_GATE_WORDS = [
    *("the company", "This firm", "the group's", "the drugmaker", "a startup", "Biotech"),
    *("this PD-1 antibody", "the influenza vaccine", "its tablets", "the granules", "oral"),
    *("the oral liquid", "these capsules", "for injection", "Drugs", "drugs", "candidates"),
    *("an mRNA vaccine", "A novel therapy", "another conjugate", "programmes", "Products"),
    *("and it", ", it", "\tit", "with", "item", "It", "them", "biosimilar", "initiatives"),
]


def _gate_text(rng: random.Random) -> str:
    words = [rng.choice(_GATE_WORDS if rng.random() < 0.5 else _WORDS) for _ in range(12)]
    return " ".join(words[: rng.randint(0, 12)])


@pytest.mark.parametrize("name", sorted(_GATED))
def test_gated_regex_agrees_with_the_bare_regex(name: str) -> None:
    gated = _GATED[name]
    rng = random.Random(7)
    for _ in range(3000):
        text = _gate_text(rng)
        assert gated.search(text) == bool(gated.pattern.search(text)), text
        assert [m.span() for m in gated.finditer(text)] == [
            m.span() for m in gated.pattern.finditer(text)
        ], text


def test_leading_gates_start_every_match_at_a_needle() -> None:
    # A leading gate runs its regex from the first needle: no match may start before one.
    rng = random.Random(23)
    leading = [g for g in _GATED.values() if g.leading]
    assert leading
    for _ in range(3000):
        text = _gate_text(rng)
        low = text.lower() if text.isascii() else None
        for gated in leading:
            for m in gated.pattern.finditer(text):
                if low is not None:
                    assert low.startswith(gated.needles, m.start()), (text, m.group())


def test_gate_needles_fit_their_patterns() -> None:
    for gated in _GATED.values():
        assert all(n == n.lower() and n.isascii() for n in gated.needles) or not gated.fold
    # Non-ASCII text skips the gate: "'ſ" matches "'s" only by the regex's case folding.
    assert L._DEVELOP.search("Korvat'ſ drug") == bool(L._DEVELOP.pattern.search("Korvat'ſ drug"))
    with pytest.raises(ValueError):
        L._Gated(re.compile("Drug", re.IGNORECASE), ("Drug",))
    with pytest.raises(ValueError):
        L._Gated(re.compile("drug"), ("drug",))  # case-sensitive needs fold=False


# The single regex the opening / within pair replaces.
_ANAPHOR = re.compile(
    r"\b(?:it|its|this|these|the)\s+(?:drug|vaccine|product|therapy|candidate|injection|"
    r"antibody|medicine|treatment|molecule|asset|compound|biologic)s?\b|^\W*(?:it|its)\b|"
    r"(?:,|\band\b)\s+it\b|"
    r"^\W*(?:the|this|that)\s+(?:decision|approval|nod|clearance|filing|application|"
    r"submission|authori[sz]ation|NDA|BLA|MAA|sNDA|sBLA)\b",
    re.IGNORECASE,
)


def test_refers_back_matches_the_single_anaphor_regex() -> None:
    rng = random.Random(13)
    openings = ["", "It ", "(its ", "The decision ", "this sBLA ", '"That approval ', "Its"]
    for _ in range(4000):
        text = rng.choice(openings) + _gate_text(rng)
        assert L._refers_back(text) == bool(_ANAPHOR.search(text)), text


def _units_per_sentence(text: str, sents: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The clause split as it was written first: one scan per sentence."""
    starts: list[int] = []
    sent_of: list[int] = []
    for si, (lo, hi) in enumerate(sents):
        starts.append(lo)
        sent_of.append(si)
        depth = 0
        for m in L._CLAUSE_CHARS.finditer(text, lo, hi):
            ch = m.group()
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth = max(0, depth - 1)
            elif depth == 0:
                starts.append(m.end())
                sent_of.append(si)
    return starts, sent_of


def test_units_match_the_per_sentence_scan(nlp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(17)
    for _ in range(300):
        doc = nlp.get_pipe("bionews_sentences")(nlp.make_doc(_text(rng, rng.randint(1, 40))))
        text = doc_text(doc)
        sents = L._sentence_bounds(doc, text)
        assert L._units(text, sents) == _units_per_sentence(text, sents), text
    assert L._units("a; b", [(1, 4)]) == _units_per_sentence("a; b", [(1, 4)])


def test_span_text_is_its_slice_of_the_doc_text(nlp) -> None:  # type: ignore[no-untyped-def]
    # The linker reads indication names as text[start_char:end_char].
    rng = random.Random(19)
    for _ in range(200):
        doc = nlp.make_doc(_text(rng, rng.randint(1, 30)))
        for _ in range(5):
            a = rng.randrange(len(doc))
            span = doc[a : rng.randint(a + 1, len(doc))]
            assert span.text == doc_text(doc)[span.start_char : span.end_char]


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
