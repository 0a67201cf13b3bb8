"""Sentence boundaries that keep company suffixes and initials inside a sentence."""

from __future__ import annotations

import spacy

import bionews.sentences  # noqa: F401  (registers the factory)


def sents(text: str) -> list[str]:
    nlp = spacy.blank("en")
    nlp.add_pipe("bionews_sentences")
    return [s.text.strip() for s in nlp(text).sents]


def test_suffixes_and_initials_do_not_split() -> None:
    out = sents("Acme Biologics Co., Ltd. in Suzhou makes the S. sonnei vaccine. It grew fast.")
    assert out == [
        "Acme Biologics Co., Ltd. in Suzhou makes the S. sonnei vaccine.",
        "It grew fast.",
    ]


def test_quotes_and_paragraphs() -> None:
    out = sents('He said, "We filed." The agency agreed.\n\nA heading\n\nMore text here.')
    assert out == ['He said, "We filed."', "The agency agreed.", "A heading", "More text here."]


def test_lowercase_after_stop_does_not_split() -> None:
    assert len(sents("The U.S. market and approx. three rivals remain. Next.")) == 2


def test_one_sentence_doc_has_boundaries_set() -> None:
    assert sents("Only one sentence here") == ["Only one sentence here"]
