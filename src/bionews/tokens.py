"""Cheap views of a spaCy Doc shared by the pipeline components.

spaCy rebuilds ``doc.text`` and makes a new Token object on every access; the
rule components read each token's text several times, so these views read the
strings once per Doc. They sit in their own module because every finder and the
linker use them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import overload

from spacy.attrs import IDX, LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Token

#: Entries in each per-word memo of the finders (word -> verdict). News vocabulary
#: is Zipfian, so a few thousand recent words hold nearly every hit, while a
#: larger table only fills up over a long run and shows as memory growth.
WORD_MEMO_SIZE = 4096

# Doc -> its text; entries go when their Doc is garbage-collected.
_TEXTS: weakref.WeakKeyDictionary[Doc, str] = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc and shared by the pipeline components.

    spaCy rebuilds ``doc.text`` from Token objects on every access, which on a
    news page costs a fair share of tokenizing it, and every finder needs the
    text. Kept by Doc identity (not in ``doc.user_data``, which copies and
    serialises with the Doc); retokenizing never changes a Doc's text, so the
    kept copy cannot go stale.
    """
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> Doc:
    """Keep ``text`` as the Doc's text, so :func:`doc_text` never rebuilds it.

    spaCy's tokenizer is non-destructive (``make_doc(text).text == text``), so
    the string the Doc was made from already is its text; rebuilding it costs
    about a tenth of tokenizing. Call right after ``make_doc``.
    """
    _TEXTS[doc] = text
    return doc


class TokenTable:
    """One Doc's token texts, lower-case forms and offsets, read once per Doc.

    ``doc.text`` is rebuilt from Token objects on every access and ``doc[i]``
    makes a new Token each time; the finders test every token's text or lower
    form several times but look closer at only a few. So the strings come from
    one array read, and a Token is made only when a finder asks for index ``i``
    (then kept). The table indexes and slices (to a list) like the Doc, so rule
    code reads as if it worked on the Doc itself.
    """

    __slots__ = ("_toks", "doc", "idx", "lower", "text", "text_of")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        strings = doc.vocab.strings
        orth, lower, idx = doc.to_array([ORTH, LOWER, IDX]).T.tolist() if len(doc) else ([], [], [])
        self.text_of: list[str] = [strings[h] for h in orth]
        self.lower: list[str] = [strings[h] for h in lower]
        self.idx: list[int] = idx
        self._toks: list[Token | None] = [None] * len(doc)

    def __len__(self) -> int:
        return len(self._toks)

    def __iter__(self) -> Iterator[Token]:
        return (self[i] for i in range(len(self._toks)))

    @overload
    def __getitem__(self, i: int) -> Token: ...
    @overload
    def __getitem__(self, i: slice) -> list[Token]: ...
    def __getitem__(self, i: int | slice) -> Token | list[Token]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._toks)))]
        tok = self._toks[i]  # IndexError past the end, as for a Doc
        if tok is None:
            tok = self._toks[i] = self.doc[i]
        return tok

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` without building the Span."""
        if end <= start:
            return ""
        return self.text[self.idx[start] : self.idx[end - 1] + len(self.text_of[end - 1])]


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Character (start, end) of each sentence, from one array read.

    ``doc.sents`` makes a Span per sentence and walks Token objects; the linker
    only needs the offsets.
    """
    n = len(doc)
    if n == 0:
        return []
    arr = doc.to_array([SENT_START, IDX])
    idx = arr[:, 1].tolist()
    firsts = [0, *(i for i in range(1, n) if arr[i, 0] == 1)]
    text = doc_text(doc)
    ends = [*(idx[i] for i in firsts[1:]), len(text)]
    return [(idx[f], e) for f, e in zip(firsts, ends, strict=True)]
