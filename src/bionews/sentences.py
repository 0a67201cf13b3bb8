"""Sentence boundaries for news prose, by rule.

spaCy's stock ``sentencizer`` splits after every full stop, which cuts
"Chongqing Bovax Biopharmaceutical Co., Ltd. in biopharmaceuticals" and
"S. flexneri" in two; the linker attaches stages and indications per sentence, so
those splits would detach a drug from its stage. This component splits on
paragraph breaks and on ``. ! ?`` followed by a capitalised, numeric or quoted
word, except after a known abbreviation or a single capital initial.

Boundaries are found with one regular expression over ``doc.text`` that opens at
the stop or newline itself, and the sentence starts are written to the Doc in
one array write: a Python loop over every token (or a Token per boundary) cost
more than the tokenizer itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy
from spacy.attrs import DEP, IDX, SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from .tokens import doc_text

# (word before the stop)(the stop)(closers glued to it)(space)(next word opens).
# The plain statement of a boundary; :func:`boundaries` finds the same ones faster.
_BOUNDARY = re.compile(
    r"(?P<word>\S*?)(?P<stop>[.!?…])(?P<close>[\"”’')\]]*)\s+(?=[\"“‘'(]?[A-Z0-9])"
    r"|\n\s*(?=\S)"
)
# The same matches, less the word: they open at the stop or the newline itself,
# so the engine jumps between those characters instead of trying the lazy
# ``\S*?`` at every character. The stop is the last one of its non-space run
# (only closers may follow it there), exactly the one ``\S*?`` settles on.
_BREAK = re.compile(r"[.!?…\n](?:(?<=\n)\s*(?=\S)|(?<=[.!?…])[\"”’')\]]*\s+(?=[\"“‘'(]?[A-Z0-9]))")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    text = resources.files("bionews").joinpath("data/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_initial(word: str) -> bool:
    # "S." in "S. flexneri", "J." in "J. Smith": one capital letter and a stop.
    return len(word) == 1 and word.isupper()


def _word_before(text: str, end: int) -> str:
    """The non-space characters just before ``end`` (what ``\\S*?`` took)."""
    chunk = text[max(0, end - 40) : end]
    if not chunk or chunk[-1].isspace():  # str.isspace and split are regex \\s
        return ""
    word = chunk.rsplit(None, 1)[-1]
    if len(word) < len(chunk) or len(chunk) == end:
        return word
    start = end - len(chunk)  # a longer run: walk back to its start
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


@lru_cache(maxsize=8)
def _abbreviation_tails(abbrevs: frozenset[str]) -> tuple[frozenset[str], frozenset[str], bool]:
    """(last two characters, one-character words, whether an empty word counts) of
    the words that an abbreviation's full stop follows ("Co" of "Co.").

    A stop whose two characters before it are none of these, and whose character
    before it is no capital (an initial), ends no abbreviation: most stops end a
    plain word, and for them the word before need not be cut out at all.
    """
    words = [a[:-1] for a in abbrevs if a.endswith(".")]
    tails = frozenset(w[-2:] for w in words if len(w) >= 2)
    ones = frozenset(w for w in words if len(w) == 1)
    return tails, ones, "" in words


def boundaries(text: str, abbrevs: frozenset[str]) -> list[int]:
    """Character offsets where a sentence starts (0 excluded)."""
    tails, ones, empty = _abbreviation_tails(abbrevs)
    out: list[int] = []
    for m in _BREAK.finditer(text):
        stop = m.start()
        if text[stop] == "." and (
            stop < 2
            or empty
            or text[stop - 2 : stop] in tails
            or text[stop - 1] in ones
            or text[stop - 1].isupper()  # "S." of an initial ends in a capital
        ):
            word = _word_before(text, stop)
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
        # One array read and one write instead of a Token per boundary.
        arr = doc.to_array([IDX, SENT_START, DEP])
        if arr[:, 2].any():  # doc.has_annotation("DEP"), without a Python loop
            raise ValueError(Errors.E043)  # what setting Token.is_sent_start raises
        idx = arr[:, 0]
        offsets = numpy.array(boundaries(doc_text(doc), self.abbrevs), dtype=idx.dtype)
        # The tokens that open at a boundary (a boundary inside a token marks none).
        at = numpy.searchsorted(idx, offsets)
        inside = at < n
        at, offsets = at[inside], offsets[inside]
        at = at[(idx[at] == offsets) & (at > 0)]
        # Other tokens keep their value. SENT_START is signed (-1: no start) in
        # spaCy's unsigned array.
        column = arr[:, 1].astype(numpy.int64)
        column[0] = 1
        column[at] = 1
        if not len(at) and n > 1:
            # spaCy counts boundaries as set only when a token after the first
            # carries a value; a one-sentence doc must say so explicitly.
            column[1] = -1
        doc.from_array([SENT_START], column.view(numpy.uint64).reshape(n, 1))
        return doc


@Language.factory("bionews_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(abbreviations())
