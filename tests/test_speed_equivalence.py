"""The fast paths of the finders agree with the plain code they replace.

Each speed-up keeps a slower, obviously correct form next to it (or is checked
against the spaCy property it stands in for); these tests run both over a few
hundred generated sentences, so a rule change that breaks an assumption of a
fast path (a new gazetteer entry, a new stem) fails here rather than silently
changing output.
"""

from __future__ import annotations

import random
import re

import pytest
from spacy.tokens import Doc

import bionews
from bionews import drugs, indications, orgs
from bionews.tokens import TokenTable, doc_text

_FILLER = [
    "the",
    "patients",
    "with",
    "a",
    "trial",
    "of",
    "Xyvaro",
    "Biotech",
    "Co.,",
    "Ltd.",
    "said",
    "on",
    "Monday",
    "in",
    "Chongqing",
    "(",
    ")",
    "-",
    "and",
    "or",
    "3",
    "mg",
    "2024",
    "US$5",
    "million",
    "\n\n",
    "PD-1",
    "inhibitor",
]


def _indication_text(rng: random.Random) -> str:
    """Sentences mixing gazetteer entries (odd case, glued, hyphenated) with filler."""
    entries = list(indications.gazetteer())
    parts: list[str] = []
    for _ in range(rng.randint(5, 25)):
        r = rng.random()
        if r < 0.35:
            e = rng.choice(entries)
            style = rng.randrange(6)
            if style == 1:
                e = e.upper()
            elif style == 2:
                e = e.lower()
            elif style == 3:
                e = e.replace(" ", "-")
            elif style == 4:
                e = "x" + e  # glued to a word: no match at its start
            elif style == 5:
                e = e + "s"  # glued after: the look-ahead refuses it
            parts.append(e)
        elif r < 0.4:
            # Characters that case-fold onto ASCII letters in a case-blind regex.
            parts.append(rng.choice(["\u212aidney disease", "\u017fepsis", "\u0130BD"]))
        else:
            parts.append(rng.choice(_FILLER))
    seps = [" ", " ", " ", ", ", "; ", ". ", "\n", "-", "/", "("]
    return "".join(p + rng.choice(seps) for p in parts)


def test_indications_dispatch_matches_the_single_alternation() -> None:
    rng = random.Random(7)
    reference = indications._pattern()
    hits = 0
    for _ in range(300):
        text = _indication_text(rng)
        expected = [(m.start(), m.end(), m.group()) for m in reference.finditer(text)]
        assert indications.find_indications(text) == expected, text
        hits += len(expected)
    assert hits > 300  # the generated texts do exercise the gazetteer


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return bionews.get_nlp()


def _sentences(rng: random.Random) -> str:
    words = [w for w in _FILLER if w.strip()]
    out = []
    for _ in range(rng.randint(1, 8)):
        sent = " ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))
        out.append(sent[:1].upper() + sent[1:] + rng.choice([".", "!", "?", ""]))
    return rng.choice([" ", "\n", "\n\n"]).join(out)


def _split(nlp, text: str) -> Doc:  # type: ignore[no-untyped-def]
    return nlp.get_pipe("bionews_sentences")(nlp.make_doc(text))


def test_sentence_ids_match_is_sent_start(nlp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    for _ in range(200):
        doc = _split(nlp, _sentences(rng))
        expected: list[int] = []
        n = -1
        for tok in doc:
            if tok.is_sent_start:
                n += 1
            expected.append(max(n, 0))
        assert drugs._sentence_ids(doc) == expected


def test_token_view_reads_like_the_doc(nlp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(13)
    for _ in range(100):
        doc = nlp.make_doc(_sentences(rng) + " Gardasil®9 (HPV vaccine)")
        view = TokenTable(doc)
        assert view.text == doc.text
        assert view.lower == [t.lower_ for t in doc]
        assert view.text_of == [t.text for t in doc]
        assert [t.i for t in view[2:5]] == [t.i for t in doc[2:5]]
        for _ in range(10):
            s = rng.randrange(len(doc))
            e = rng.randrange(s, len(doc) + 1)
            assert view.span_text(s, e) == doc[s:e].text


def test_doc_text_is_kept_and_survives_retokenizing(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp.make_doc("Innovent Biologics said on Monday that Tyvyt met its goal.")
    assert doc_text(doc) == doc.text
    with doc.retokenize() as retok:
        retok.merge(doc[0:2])
    assert doc_text(doc) == doc.text  # the kept copy is still the Doc's text
    part = doc[3:7].as_doc(copy_user_data=True)
    assert doc_text(part) == part.text == "Monday that Tyvyt met "


def test_name_form_matches_the_token_test(nlp) -> None:  # type: ignore[no-untyped-def]
    never = orgs.load_data().never_name
    rng = random.Random(17)
    text = " ".join(_sentences(rng) for _ in range(30)) + " \n\n  CEO iPhone X1 'S"
    for tok in nlp.make_doc(text):
        t = tok.text
        reference = (
            not tok.is_space
            and bool(t)
            and t not in never
            and t[0].isupper()
            and any(c.isalpha() for c in t)
        )
        assert orgs._name_form(t, never) == reference, t


def test_org_positions_and_caps_index(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp.make_doc("Zhifei said Zhifei and ZHIFEI Ltd. met eBay, Zhifei's partner.")
    x = orgs._Doc(doc, orgs.load_data())
    assert x.positions("Zhifei") == [i for i, t in enumerate(doc) if t.text == "Zhifei"]
    assert x.positions("absent") == []
    assert x.caps == [i for i, t in enumerate(doc) if re.match(r"[A-Z]", t.text)]


def test_inn_scan_matches_the_per_token_test(nlp) -> None:  # type: ignore[no-untyped-def]
    """The length shortcut of ``_inns`` drops no word the stem test accepts."""
    stems = drugs.inn_stems()
    finder = nlp.get_pipe("bionews_drugs")
    rng = random.Random(19)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = []
    for stem, _, min_len in stems.stems:
        for n in range(len(stem), min_len + 3):
            words.append("".join(rng.choice(letters) for _ in range(n - len(stem))) + stem)
    rng.shuffle(words)
    doc = nlp.make_doc(" ".join(words) + " " + " ".join(stems.second_words))
    view = TokenTable(doc)
    found = {c.start for c in finder._inns(view)}
    expected = {
        t.i
        for t in doc
        if stems.modality(t.text) is not None
        and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ in finder.company_words)
    }
    assert found == expected
    assert len(expected) > len(stems.stems) // 2


def _stage_text(rng: random.Random) -> str:
    words = [
        "Phase",
        "phase",
        "III",
        "IIb/III",
        "1b",
        "II",
        "clinical",
        "trial",
        "trials",
        "pre-clinical",
        "preclinical",
        "IND",
        "NDA",
        "sNDA",
        "BLA",
        "filed",
        "submitted",
        "approval",
        "approved",
        "the",
        "NMPA",
        "FDA",
        "marketing",
        "authorization",
        "application",
        "for",
        "of",
        "first-in-human",
        "human",
        "EUA",
        "granted",
        "received",
        "Bxyz-12",
        "drug",
        "in",
        "clinic",
        "second",
        "two",
        "\u212aey",
        "\u017fNDA",
    ]
    seps = [" ", " ", "-", ", ", ". ", "\n", "(", ")", "/"]
    return "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(5, 40)))


def test_stage_scanner_matches_finditer() -> None:
    from bionews import stages

    scanner = stages._rule_scanner()
    assert any(f is not None for f in scanner.firsts)  # the fast path is in use
    rng = random.Random(23)
    hits = 0
    for _ in range(300):
        text = _stage_text(rng)
        got = scanner.matches(text)
        for rx, found in zip(scanner.regexes, got, strict=True):
            expected = [(m.span(), m.group()) for m in rx.finditer(text)]
            assert [(m.span(), m.group()) for m in found] == expected, (rx.pattern, text)
            hits += len(expected)
    assert hits > 1000


def test_stage_scanner_falls_back_for_patterns_it_cannot_read() -> None:
    from bionews import stages

    regexes = [
        re.compile(r"\bfoo\w*", re.IGNORECASE),  # dispatched
        re.compile(r".oo"),  # wildcard first: scanned the plain way
        re.compile(r"(?:x)?\bbar"),  # may start with x or at a boundary: plain
        re.compile(r"\bbaz", re.ASCII | re.IGNORECASE),  # ASCII word boundaries: plain
    ]
    scanner = stages._scanner(regexes)
    assert [f is not None for f in scanner.firsts] == [True, False, False, False]
    text = "Foo food xbar bar éBAZ baz zoo foo"
    for rx, found in zip(regexes, scanner.matches(text), strict=True):
        assert [m.span() for m in found] == [m.span() for m in rx.finditer(text)]
