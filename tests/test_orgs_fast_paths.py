"""The organisation finder's plain-list views agree with the spaCy objects they replace.

The finder reads token facts from per-Doc lists and per-process memos instead of
Token and Span objects (see ``orgs._Doc``); these tests check each stand-in
against the spaCy property on generated text, so a spaCy upgrade or a data
change that breaks an assumption fails here rather than silently changing output.
"""

from __future__ import annotations

import random

import pytest
from spacy.tokens import Span
from spacy.util import filter_spans

import bionews
from bionews import orgs

_WORDS = [
    "Zhifei",
    "Biological",
    "Products",
    "Co.,",
    "Ltd.",
    "said",
    "the",
    "University",
    "of",
    "Hong",
    "Kong",
    "and",
    "&",
    "YoY",
    "PharmCube",
    "told",
    "NMPA",
    "(",
    ")",
    "-",
    "—",
    "--(BUSINESS",
    "WIRE)--Corvantis",
    "WIRE)--the",
    "People's",
    "Hospital",
    "mRNA",
    "\n\n",
    "  ",
    "3.5",
    "US$5",
    "Écija",
    "Ünal",
    "GmbH",
    "is",
    "a",
    "consultancy",
]


def _text(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(5, 120)):
        out.append(rng.choice(_WORDS))
        out.append(rng.choice([" ", " ", " ", "", "\n"]))
    return "".join(out)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return bionews.get_nlp()


def test_doc_lists_match_the_tokens(nlp) -> None:  # type: ignore[no-untyped-def]
    data = orgs.load_data()
    rng = random.Random(23)
    for _ in range(150):
        doc = nlp.make_doc(_text(rng))
        x = orgs._Doc(doc, data)
        assert x.raw == [t.text for t in doc]
        assert [bool(w) for w in x.ws] == [bool(t.whitespace_) for t in doc]
        assert x.idx == [t.idx for t in doc]
        assert [x.punct(i) for i in range(len(doc))] == [t.is_punct for t in doc]
        assert [x.is_stop(i) for i in range(len(doc))] == [t.is_stop for t in doc]
        assert x.raw_names == [orgs._name_form(t.text, data.never_name) for t in doc]
        assert x.names == [orgs._name_form(t, data.never_name) for t in x.texts]
        assert x.name_idx == [i for i, f in enumerate(x.names) if f]
        # The A-Z tokens left out of name_caps are never-name words.
        assert set(x.caps) - set(x.name_caps) <= {
            i for i in x.caps if x.texts[i] in data.never_name
        }
        for i in range(len(doc)):
            for end in (i + 1, min(len(doc), i + 3)):
                assert x.span_text(i, end) == doc[i:end].text
        for w in {*x.texts, *x.raw, "Corvantis", "absent"}:
            assert x.positions(w) == [i for i, t in enumerate(x.texts) if t == w], w


def test_unglue_finds_every_dateline_token(nlp) -> None:  # type: ignore[no-untyped-def]
    """Dashed tokens found from the text are those a scan of every token finds."""
    data = orgs.load_data()
    rng = random.Random(29)
    seen = 0
    for _ in range(150):
        doc = nlp.make_doc(_text(rng))
        x = orgs._Doc(doc, data)
        expected = {}
        for i, t in enumerate(doc):
            m = orgs._GLUED.match(t.text)
            dashed = "--" in t.text or "—" in t.text
            if dashed and m and orgs._name_form(t.text[m.end() :], data.never_name):
                expected[i] = m.end()
        assert x.glued == expected
        seen += bool(expected)
    assert seen > 10


def test_select_keeps_what_filter_spans_keeps(nlp) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(31)
    doc = nlp.make_doc(" ".join(["word"] * 60))
    for _ in range(300):
        cands = []
        for _ in range(rng.randint(0, 12)):
            s = rng.randrange(59)
            e = rng.randint(s + 1, min(60, s + 6))
            cands.append(orgs.Cand(s, e, "company", rng.choice([None, "X"])))
        kept = orgs._select(cands)
        spans = filter_spans([Span(doc, c.start, c.end) for c in cands])
        assert [(c.start, c.end) for c in kept] == [(s.start, s.end) for s in spans]
        for c in kept:  # of two candidates over the same tokens, one with a reference
            same = [o for o in cands if (o.start, o.end) == (c.start, c.end)]
            assert c.ref is not None or all(o.ref is None for o in same)


def test_one_matcher_finds_what_the_two_found(nlp) -> None:  # type: ignore[no-untyped-def]
    """One-word gazetteer forms as written, longer ones in any case: the lower-case
    matcher with a written-form check equals an exact matcher plus a lower-case one."""
    from spacy.matcher import PhraseMatcher

    data = orgs.load_data()
    finder = nlp.get_pipe("bionews_orgs")
    exact_m = PhraseMatcher(nlp.vocab, attr="ORTH")
    lower_m = PhraseMatcher(nlp.vocab, attr="LOWER")
    for i, e in enumerate(data.gazetteer):
        pdocs = [nlp.make_doc(f) for f in (e.name, *e.aliases)]
        exact_m.add(str(i), pdocs)
        longer = [p for p in pdocs if len(p) > 1]
        if longer:
            lower_m.add(str(i), longer)
    rng = random.Random(37)
    forms = [f for e in data.gazetteer for f in (e.name, *e.aliases)]
    for _ in range(100):
        parts = []
        for _ in range(rng.randint(3, 30)):
            f = rng.choice(forms) if rng.random() < 0.5 else rng.choice(_WORDS)
            f = rng.choice([f, f.lower(), f.upper(), f.title()])
            parts.append(f)
        doc = nlp.make_doc(" ".join(parts))
        x = orgs._Doc(doc, data)
        strings = nlp.vocab.strings
        ref = {(s, e, int(strings[m])) for m, s, e in exact_m(doc)}
        ref |= {(s, e, int(strings[m])) for m, s, e in lower_m(doc)}
        got = {
            (s, e, int(strings[m]))
            for m, s, e in finder.matcher(doc)
            if e - s > 1 or x.raw[s] in finder.single_forms[int(strings[m])]
        }
        assert got == ref


def test_direct_extension_writes_match_the_public_ones(nlp) -> None:  # type: ignore[no-untyped-def]
    """The spans' extension values written straight into ``user_data`` are what
    ``span._`` writes: same keys, same values, same order."""
    finder = nlp.get_pipe("bionews_orgs")
    assert finder.direct_ext
    text = (
        "--(BUSINESS WIRE)--Corvantis Therapeutics, Inc. said Monday that Zhifei and "
        "the National Medical Products Administration (NMPA) met Pfizer. Corvantis said."
    )
    docs = []
    for direct in (True, False):
        finder.direct_ext = direct
        try:
            docs.append(nlp(text))
        finally:
            finder.direct_ext = True
    fast, plain = docs
    assert list(fast.user_data.items()) == list(plain.user_data.items())
    assert any(k[1] == "org_start" for k in fast.user_data if isinstance(k, tuple))
    assert [(s.start, s.end) for s in fast.spans["orgs"]] == [
        (s.start, s.end) for s in plain.spans["orgs"]
    ]


def test_word_memo_refills_when_a_doc_overflows_it(nlp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The per-word memo is emptied when it would pass its size; the forms of the
    # Doc that overflowed it, including ones it already knew, must come back.
    monkeypatch.setattr(orgs, "_MEMO_MAX", 40)
    filler = " ".join(f"word{i}" for i in range(60))
    first = nlp("Zhelun Biopharma Co., Ltd. said the trial went well.")
    second = nlp(f"Zhelun Biopharma Co., Ltd. said {filler} and more.")
    names = [[o.name for o in d._.organisations] for d in (first, second)]
    assert names == [["Zhelun Biopharma Co., Ltd."]] * 2


def test_token_texts_cut_from_the_text_match_the_tokens(nlp) -> None:  # type: ignore[no-untyped-def]
    """Token texts are slices of the Doc's text (each token ends where the next one
    starts, less its space): true of Docs made from words and spaces and of
    retokenized Docs too, not only of the tokenizer's."""
    from spacy.tokens import Doc

    data = orgs.load_data()
    rng = random.Random(41)
    for _ in range(100):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 40))]
        spaces = [rng.random() < 0.7 for _ in words]
        docs = [Doc(nlp.vocab, words=words, spaces=spaces), nlp.make_doc(_text(rng))]
        merged = nlp.make_doc(_text(rng))
        if len(merged) > 3:
            with merged.retokenize() as retok:
                retok.merge(merged[1:3])
        docs.append(merged)
        for doc in docs:
            x = orgs._Doc(doc, data)
            assert x.raw == [t.text for t in doc]
            assert x.names == [orgs._name_form(t, data.never_name) for t in x.texts]


def test_merge_reads_the_extensions_as_span_underscore_does(nlp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The merge reads the spans' org extensions straight from ``user_data``; what
    it builds is what it builds from ``span._`` reads, spans with a glued
    dateline, a reference or no value set included."""
    assert orgs._direct_ext_read()
    data = orgs.load_data()
    rng = random.Random(43)
    forms = [f for e in data.gazetteer for f in (e.name, *e.aliases)]
    texts = [
        "--(BUSINESS WIRE)--Corvantis Therapeutics, Inc. said Monday that Zhifei and "
        "the National Medical Products Administration (NMPA) met Pfizer. Corvantis said."
    ]
    for _ in range(40):
        parts = [rng.choice(forms) if rng.random() < 0.4 else rng.choice(_WORDS) for _ in range(30)]
        texts.append(" ".join(parts) + ".")
    for text in texts:
        doc = nlp(text)
        spans = list(doc.spans["orgs"])
        # A span with no extension value set reads None either way.
        spans.append(Span(doc, 0, 1, label="ORG"))
        fast = orgs.merge_organisations(spans)
        monkeypatch.setattr(orgs, "_direct_ext_read", lambda: False)
        plain = orgs.merge_organisations(spans)
        monkeypatch.undo()
        assert [o.model_dump() for o in fast] == [o.model_dump() for o in plain]


def test_judge_depends_on_the_words_alone(nlp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """_pattern_cands keeps _judge's verdicts by (token texts, flags): the same key
    must get the same verdict in every Doc and context, datelines included."""
    data = orgs.load_data()
    memo = orgs._memo(data)
    seen: dict[object, object] = {}
    real = orgs._judge

    def spy(x, toks, has_of, has_suffix, parent=False):  # type: ignore[no-untyped-def]
        got = real(x, toks, has_of, has_suffix, parent)
        key = (tuple(x.raw[k] for k in toks), has_of, has_suffix, parent)
        assert seen.setdefault(key, got) == got, key
        return got

    monkeypatch.setattr(orgs, "_judge", spy)
    rng = random.Random(47)
    forms = [f for e in data.gazetteer for f in (e.name, *e.aliases)]
    heads = ["Pharmaceutical", "University", "Hospital", "Institute", "Group", "Council"]
    words = [*_WORDS, *heads, "Medical", "Research", "Chongqing", "Holdings"]
    for _ in range(150):
        memo.judged.clear()  # every Doc judges afresh
        parts = [rng.choice(forms) if rng.random() < 0.2 else rng.choice(words) for _ in range(40)]
        nlp(" ".join(parts))
    assert len(seen) > 100


def test_label_lines_searched_per_colon_line_match_one_search(nlp) -> None:  # type: ignore[no-untyped-def]
    """_label_lines searches only the lines holding a colon; the ranges are those
    one search of the whole text finds."""
    data = orgs.load_data()
    rng = random.Random(53)
    bits = ["Source", "source", "EDITOR", "Related", "Tags", "Photo", "Pfizer", "said", ":"]
    bits += [" : ", " ", "\t", "\n", "\r\n", "| ", " |", "||", "Credit:", "x", "\u2028"]
    for _ in range(400):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 40)))
        x = orgs._Doc(nlp.make_doc(text), data)
        assert orgs._label_lines(x) == [m.span() for m in data.line_labels.finditer(text)], text


def test_name_memos_give_what_a_fresh_doc_computes(nlp) -> None:  # type: ignore[no-untyped-def]
    """Verdicts, cores and initials kept by a name's token texts (``_Memo.judged``,
    ``cores``, ``initials``) come back the same in another article: each Doc's
    organisations with the memos warmed by all the other Docs equal those
    computed with the memos empty, glued datelines included."""
    data = orgs.load_data()
    memo = orgs._memo(data)
    rng = random.Random(59)
    forms = [f for e in data.gazetteer for f in (e.name, *e.aliases)]
    words = [*_WORDS, "Pharmaceutical", "Hospital", "Holdings", "Chongqing", "(", "Sintaho"]
    texts = []
    for _ in range(120):
        parts = [rng.choice(forms) if rng.random() < 0.3 else rng.choice(words) for _ in range(40)]
        texts.append(" ".join(parts))

    def found(text: str) -> list[tuple[int, int, object, object]]:
        doc = nlp(text)
        return [(s.start, s.end, s._.org_kind, s._.org_ref) for s in doc.spans["orgs"]]

    warm = [found(t) for t in texts]
    for text, expected in zip(texts, warm, strict=True):
        for table in (memo.judged, memo.cores, memo.initials):
            table.clear()
        assert found(text) == expected, text
