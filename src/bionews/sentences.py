"""Sentence boundaries for news prose, by rule.

spaCy's stock ``sentencizer`` splits after every full stop, which cuts
"Chongqing Bovax Biopharmaceutical Co., Ltd. in biopharmaceuticals" and
"S. flexneri" in two; the linker attaches stages and indications per sentence, so
those splits would detach a drug from its stage. This component splits on
paragraph breaks and on ``. ! ?`` followed by a capitalised or quoted token,
except after a known abbreviation or a single capital initial.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc

_ENDERS = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")", "]"})


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    text = resources.files("bionews").joinpath("data/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_initial(text: str) -> bool:
    # "S." in "S. flexneri", "J." in "J. Smith": one capital letter and a stop.
    return len(text) == 2 and text[1] == "." and text[0].isupper()


class SentenceSplitter:
    def __init__(self, abbrevs: frozenset[str]) -> None:
        self.abbrevs = abbrevs

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        doc[0].is_sent_start = True
        start_next = False
        for i in range(1, n):
            tok = doc[i]
            prev = doc[i - 1]
            if start_next and not tok.is_space and not self._closes(doc, i):
                tok.is_sent_start = True
                start_next = False
                continue
            if prev.is_space and "\n" in prev.text:
                tok.is_sent_start = True
                start_next = False
                continue
            tok.is_sent_start = False
            ptext = prev.text
            if ptext in _ENDERS:
                start_next = self._opens_sentence(doc, i)
            elif (
                len(ptext) > 1
                and ptext.endswith(".")
                and ptext not in self.abbrevs
                and not _is_initial(ptext)
            ):
                # A word tokenised together with its full stop ("end.") ends a sentence too.
                start_next = self._opens_sentence(doc, i)
            if start_next and not tok.is_space and not self._closes(doc, i):
                tok.is_sent_start = True
                start_next = False
        return doc

    @staticmethod
    def _closes(doc: Doc, i: int) -> bool:
        # A quote or bracket glued to the token before it closes that sentence
        # ('grew."'); one after a space opens the next ('grew. "It').
        return doc[i].text in _CLOSERS and not doc[i - 1].whitespace_

    @staticmethod
    def _opens_sentence(doc: Doc, i: int) -> bool:
        # Look past closing quotes/brackets and spaces for the next word.
        j = i
        while j < len(doc) and (doc[j].is_space or doc[j].text in _CLOSERS):
            j += 1
        if j >= len(doc):
            return False
        first = doc[j].text[:1]
        return first.isupper() or first.isdigit() or first in "\"“‘'("


@Language.factory("bionews_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(abbreviations())
