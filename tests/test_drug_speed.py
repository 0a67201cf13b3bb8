"""The fast paths of the drug finder and merger agree with the plain code they replace.

Each shortcut (windows around code anchors, key-word prefilters before cue
regexes, the cached token table, the trigger-word index) rests on a property of
the data regexes or of spaCy; these tests check the property on the corpus
texts and on generated strings, so a data change that breaks one fails here
instead of silently changing output.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

import bionews
import bionews.nlp  # registers the Doc extensions the component reads
from bionews import drugs as D
from bionews import sentences  # noqa: F401  (registers bionews_sentences)
from bionews.tokens import TokenTable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paths = sorted((ROOT / "corpus").glob("text/*.txt")) + sorted(
        (ROOT / "corpus").glob("heldout*/*.txt")
    )
    return [bionews.clean(p.read_bytes()).text for p in paths[:60]]


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipe = spacy.blank("en")
    pipe.add_pipe("bionews_sentences")
    pipe.add_pipe("bionews_drugs")
    return pipe


def _code_like(rng: random.Random, n: int) -> str:
    alphabet = "ABCDHKMRSTXZabmnr0123456789--//.:@ ,()\n١٢３"
    pieces = ["mRNA-", "SHR-A", "BNT162b2", "COVID-19", "HX-FLU3", "ASCO2025", " ", "\u00a0"]
    out = []
    for _ in range(n):
        out.append(rng.choice(pieces) if rng.random() < 0.1 else rng.choice(alphabet))
    return "".join(out)


def test_code_windows_find_every_code(nlp: Language, texts: list[str]) -> None:
    finder = nlp.get_pipe("bionews_drugs")
    rng = random.Random(5)
    samples = texts + [_code_like(rng, 400) for _ in range(300)]
    for text in samples:
        windows = finder._code_windows(text)
        for rx in (finder.code_rx, finder.short_code_rx):
            expected = [m.span() for m in rx.finditer(text)]
            assert [m.span() for m in D._finditer_in(rx, text, windows)] == expected


def _cue_windows_hold_keywords(rx: re.Pattern[str], words: list[str], samples: list[str]) -> None:
    for text in samples:
        starts = sorted(D._keyword_starts(text, words))
        for pos in range(0, len(text) + 1, 3):
            lo = max(0, pos - 60)
            if rx.search(text, lo, pos):
                assert D._any_between(starts, lo, pos), (text[lo:pos], words)


def test_brand_and_alias_cues_hold_their_keywords(texts: list[str]) -> None:
    p = D.patterns()
    extra = [
        "It is marketed as Xyz. Sold under the trade name Abc, branded (Qrs), "
        "commercialised as Tuv; brand names: Wxy. Also known as PLM-1, a.k.a. Q, "
        "code-named R, dubbed S, designated as T, under the internal code U, "
        "known internally as V, called W, development code X.",
        "MARKETED AS XYZ, ALSO KNOWN AS ABC, Kelvin \u212aNOWN AS K",
        "maſketed as X, ſold as Y, alſo called Z, İnternal code Q",
    ]
    _cue_windows_hold_keywords(
        re.compile(p["brand_intro_regex"]), p["brand_intro_keywords"], texts + extra
    )
    _cue_windows_hold_keywords(
        re.compile(p["alias_intro_regex"]), p["alias_intro_keywords"], texts + extra
    )


def test_keyword_starts_covers_case_variants() -> None:
    words = ("brand", "sold")
    text = "BRAND x Brand y bRaNd z SOLD"
    assert sorted(D._keyword_starts(text, words)) == [0, 8, 16, 24]
    # Characters a regex folds unlike str.lower(): the regex scan answers.
    assert D._keyword_starts("ſold", words) == [0]
    assert D._keyword_starts("İx brand", words) == [3]


def test_window_cues_match_the_plain_scan(texts: list[str]) -> None:
    extra = ["An ANTIBODY-drug conjugate; a CAR-T and gene editing; ſiRNA; İnsulin. Oral TKI."]
    for text in texts + extra:
        for m in [*re.finditer(r"[.;]\s+|\n", text), None]:
            start = m.end() if m else 0
            end = min(len(text), start + 5)
            s0, s1 = D._sentence_window(text, start, end)
            cues = D._WindowCues(text, s0, s1)
            mods = [
                (rank, x.start(), x.end(), mod)
                for rank, (rx, mod) in enumerate(D._modality_cues())
                for x in rx.finditer(text, s0, s1)
            ]
            targets = [
                (rank, x.start(), x.end(), x.start(1), x.end(1), x.group(1))
                for rank, rx in enumerate(D._target_cues())
                for x in rx.finditer(text, s0, s1)
            ]
            assert cues.modality_cues() == mods
            assert cues.target_cues() == targets


def test_table_matches_token_table(nlp: Language, texts: list[str]) -> None:
    finder = nlp.get_pipe("bionews_drugs")
    for text in [*texts, "", "x"]:
        doc = nlp(text)
        table = D._Table(doc, finder.trigger_words)
        plain = TokenTable(doc)
        assert table.text_of == plain.text_of
        assert table.lower == plain.lower
        assert table.idx == plain.idx
        assert table.sent_ids == D._sentence_ids(doc)
        assert [D._space_after(table, i) for i in range(len(doc))] == [
            bool(t.whitespace_) for t in doc
        ]
        for words in (finder.context_words, finder.trial_words, D._COMMA, {"the", "of"}):
            expected = [i for i, w in enumerate(plain.lower) if w in words]
            assert table.positions(frozenset(words)) == expected


def test_sentence_numbers_before_the_first_opening() -> None:
    assert D._sentence_numbers([0, 0, 1, 0, 1]) == [0, 0, 0, 0, 1]
    assert D._sentence_numbers([1, 0, 1]) == [0, 0, 1]


def test_word_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    nlp = spacy.blank("en")
    monkeypatch.setattr(D, "_WORDS_MAX", 5)
    monkeypatch.setattr(D, "_WORDS", {})
    for text in ["Alpha beta Gamma delta", "epsilon Zeta eta theta iota", "Kappa lambda"]:
        doc: Doc = nlp(text)
        t = D._Table(doc, frozenset())
        assert t.text_of == [tok.text for tok in doc]
        assert t.lower == [tok.lower_ for tok in doc]
        assert len(D._WORDS) <= 5 + len(doc)


def test_sentence_break_matches_the_plain_alternation(texts: list[str]) -> None:
    plain = re.compile(r"\n|[.!?][\"”’)]?\s+(?=[A-Z\"“(])")
    rng = random.Random(3)
    fuzz = ["".join(rng.choice('ab A.!?\n"”’)“( \t') for _ in range(300)) for _ in range(300)]
    for text in texts + fuzz:
        for lo, hi in ((0, len(text)), (5, len(text) // 2), (len(text) // 3, len(text))):
            expected = [m.span() for m in plain.finditer(text, lo, hi)]
            assert [m.span() for m in D._SENT_BREAK.finditer(text, lo, hi)] == expected


def test_inn_memo_refills_when_a_doc_overflows_it(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The INN memo starts afresh when it would pass its size; an INN of the Doc
    # that overflowed it, already known before, must still be found.
    monkeypatch.setattr(D, "_INN_MEMO_MAX", 40)
    finder = nlp.get_pipe("bionews_drugs")
    filler = " ".join(f"word{i}" for i in range(60))
    # The first Doc fills the memo past its size, the second (one new word) empties it.
    for text in (f"Tovarimab entered a trial. {filler}", "Tovarimab entered a new trial."):
        # make_doc, not nlp(): the finder must meet each Doc once, as in a run.
        table = D._Table(nlp.make_doc(text), finder.trigger_words)
        assert finder._inn_positions(table) == [0], text


def _plain_modality(stems: D.InnStems, word: str) -> str | None:
    """The stem test as a scan of every stem, longest first (what ``by_length`` replaces)."""
    w = word.lower()
    if not w.isalpha() or not w.isascii() or w in stems.stoplist:
        return None
    for stem, modality, min_len in stems.stems:
        if w.endswith(stem) and len(w) >= min_len:
            return modality
    for stem, modality, min_len in stems.prefixes:
        if w.startswith(stem) and len(w) >= min_len:
            return modality
    return None


def test_stem_lookup_by_length_matches_the_stem_scan(texts: list[str]) -> None:
    stems = D.inn_stems()
    rng = random.Random(7)
    words = {w for t in texts for w in re.findall(r"\S+", t)}
    # Every stem at every length around its min_len, behind random letters.
    for stem, _, min_len in stems.stems:
        for k in range(max(0, min_len - len(stem) - 2), min_len - len(stem) + 3):
            words.add("".join(rng.choice("abcdeilmnortuz") for _ in range(k)) + stem)
            words.add(stem.upper()[:1] + "x" * k + stem)
    for stem, _, _ in stems.prefixes:
        words.update({stem + "azolin", stem + "x"})
    words.update({"", "a", "mab", "tide", "ase", "Insulin"})
    for w in sorted(words):
        assert stems._modality(w) == _plain_modality(stems, w), w


def test_keyword_offsets_memo_answers_per_text(texts: list[str]) -> None:
    words = tuple(D.patterns()["alias_intro_keywords"])
    other = tuple(D.patterns()["brand_intro_keywords"])
    for text in [*texts[:10], "known as X", "".join(["known", " as X"]), "sold as Y"]:
        for ws in (words, other, words):
            assert D.keyword_offsets(text, ws) == sorted(D._keyword_starts(text, ws))


def test_strict_token_span_matches_char_span(nlp: Language, texts: list[str]) -> None:
    rng = random.Random(11)
    samples = [*texts[:20], "  two  spaces\n\nand AB-12 (XY7)", "x", "a\u00a0b-c"]
    for text in samples:
        doc = nlp.make_doc(text)
        table = TokenTable(doc)
        pairs = {(m.start(), m.end()) for m in re.finditer(r"\S+|[A-Z]\w*", text)}
        pairs |= {tuple(sorted(rng.sample(range(len(text) + 1), 2))) for _ in range(200)}
        for a, b in sorted(pairs):
            if a >= b:
                continue
            span = doc.char_span(a, b, alignment_mode="strict")
            expected = None if span is None else (span.start, span.end)
            assert D._strict_token_span(table, a, b) == expected, (text[a:b], a, b)
            if span is not None:
                assert span.text == text[a:b]


def test_byte_anchors_match_the_anchor_regex(nlp: Language, texts: list[str]) -> None:
    finder = nlp.get_pipe("bionews_drugs")
    assert finder.code_anchor.pattern == D._ANCHOR_SHAPE  # else the fast path is off
    rng = random.Random(13)
    alphabet = "AZbq09-- ?\u00e9\u201c"
    fuzz = ["".join(rng.choice(alphabet) for _ in range(80)) for _ in range(2000)]
    fuzz += [_code_like(rng, 200) for _ in range(200)]
    for text in texts + fuzz + ["A\u0661", "\u0661A x", "A-1B2C-3", "1A-2"]:
        expected = [g.span() for g in finder.code_anchor.finditer(text)]
        got = D._byte_anchors(text)
        if got is None:  # a non-ASCII digit: the regex answers
            assert any(c.isdecimal() and not c.isascii() for c in text)
        else:
            assert got == expected, text
