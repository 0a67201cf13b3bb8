"""Sentence boundaries for news prose, by rule.

spaCy's stock ``sentencizer`` splits after every full stop, which cuts
"Chongqing Bovax Biopharmaceutical Co., Ltd. in biopharmaceuticals" and
"S. flexneri" in two; the linker attaches stages and indications per sentence, so
those splits would detach a drug from its stage. This component splits on
paragraph breaks and on ``. ! ?`` followed by a capitalised, numeric or quoted
word, except after a known abbreviation or a single capital initial.

Boundaries are found with one regular expression over ``doc.text`` and only the
tokens that open a sentence are marked: a Python loop over every token cost more
than the tokenizer itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from importlib import resources

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from .tokens import doc_text

# (word before the stop)(the stop)(closers glued to it)(space)(next word opens)
_BOUNDARY = re.compile(
    r"(?P<word>\S*?)(?P<stop>[.!?…])(?P<close>[\"”’')\]]*)\s+(?=[\"“‘'(]?[A-Z0-9])"
    r"|\n\s*(?=\S)"
)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    text = resources.files("bionews").joinpath("data/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_initial(word: str) -> bool:
    # "S." in "S. flexneri", "J." in "J. Smith": one capital letter and a stop.
    return len(word) == 1 and word.isupper()


def boundaries(text: str, abbrevs: frozenset[str]) -> list[int]:
    """Character offsets where a sentence starts (0 excluded)."""
    out: list[int] = []
    for m in _BOUNDARY.finditer(text):
        stop = m.group("stop")
        if stop == ".":
            word = m.group("word")
            if word + "." in abbrevs or _is_initial(word.lstrip("(\"“'")):
                continue
        out.append(m.end())
    return out


class SentenceSplitter:
    def __init__(self, abbrevs: frozenset[str]) -> None:
        self.abbrevs = abbrevs

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = doc.to_array(IDX).tolist()
        doc[0].is_sent_start = True
        marked = False
        for off in boundaries(doc_text(doc), self.abbrevs):
            i = bisect_left(starts, off)
            if i < n and starts[i] == off and i > 0:
                doc[i].is_sent_start = True
                marked = True
        if not marked and n > 1:
            # spaCy counts boundaries as set only when a token after the first
            # carries a value; a one-sentence doc must say so explicitly.
            doc[1].is_sent_start = False
        return doc


@Language.factory("bionews_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(abbreviations())
