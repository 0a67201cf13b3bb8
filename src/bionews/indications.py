"""Disease and indication mentions from a gazetteer (``data/indications.txt``).

A gazetteer rather than a model: news names indications in a small, stable
vocabulary (psoriasis, type 2 diabetes, NSCLC ...), and the linker only needs to
know where they are to attach them to the nearest drug. All entries go into one
alternation, longest first, so "non-small cell lung cancer" wins over "lung
cancer" and "small cell lung cancer" at the same place. Short acronyms match
case-sensitively: "ALS" is a disease, "als" is not; "PsA" is psoriatic
arthritis, "PSA" is a lab test.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span

from .tokens import doc_text

SPAN_KEY = "indications"
LABEL = "INDICATION"


def _is_acronym(entry: str) -> bool:
    if not any(c.islower() for c in entry) and len(entry) <= 5:
        return True
    return " " not in entry and len(entry) <= 6 and sum(c.isupper() for c in entry) >= 2


def _entry_pattern(entry: str) -> str:
    """Spaces match white space or hyphens, hyphens are optional, either apostrophe."""
    out: list[str] = []
    for ch in entry:
        if ch == " ":
            out.append(r"[\s\-]+")
        elif ch == "-":
            out.append(r"[\s\-]?")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    return f"(?-i:{body})" if _is_acronym(entry) else body


@lru_cache(maxsize=1)
def gazetteer() -> tuple[str, ...]:
    """The gazetteer entries (comments and blank lines dropped), as listed."""
    text = resources.files("bionews").joinpath("data/indications.txt").read_text("utf-8")
    entries = (line.strip() for line in text.splitlines())
    return tuple(dict.fromkeys(e for e in entries if e and not e.startswith("#")))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    entries = sorted(gazetteer(), key=len, reverse=True)
    alternation = "|".join(_entry_pattern(e) for e in entries)
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)


def _first_char_pattern(entry: str) -> re.Pattern[str]:
    """What the first character of ``entry``'s pattern accepts, with the same flags."""
    first = re.escape(entry[0])
    if _is_acronym(entry):
        first = f"(?-i:{first})"
    return re.compile(first, re.IGNORECASE)


@lru_cache(maxsize=1)
def _dispatch() -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    """Where a match can start, and the entries that can match there, by first character.

    The single alternation tries all entries at every word start, which made
    this component cost twice the tokenizer. Any match begins at a word start
    whose character matches some entry's first character; at such a position
    only the entries whose first character accepts it can match, so each ASCII
    character gets its own alternation of just those entries, in the same
    longest-first order (so the same entry wins). Other characters (case folding
    lets e.g. the Kelvin sign match "k") fall back to the full alternation.
    """
    entries = sorted(gazetteer(), key=len, reverse=True)
    firsts = [_first_char_pattern(e) for e in entries]
    starts = "".join(sorted({re.escape(e[0]) for e in entries}))
    candidate = re.compile(rf"(?<![\w])[{starts}]", re.IGNORECASE)
    by_char: dict[str, re.Pattern[str]] = {}
    for code in range(128):
        ch = chr(code)
        group = [e for e, f in zip(entries, firsts, strict=True) if f.fullmatch(ch)]
        if group:
            alternation = "|".join(_entry_pattern(e) for e in group)
            by_char[ch] = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)
    return candidate, by_char


def find_indications(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text as written) of every indication in ``text``, in order.

    Same matches as ``_pattern().finditer(text)``, found faster (see :func:`_dispatch`).
    """
    candidate, by_char = _dispatch()
    full = _pattern()
    out: list[tuple[int, int, str]] = []
    pos = 0
    while (c := candidate.search(text, pos)) is not None:
        p = c.start()
        ch = text[p]
        pattern = by_char.get(ch) if ch.isascii() else full
        m = pattern.match(text, p) if pattern is not None else None
        if m is None:
            pos = p + 1
            continue
        out.append((m.start(), m.end(), m.group()))
        pos = max(m.end(), p + 1)
    return out


class IndicationFinder:
    """spaCy component: indication Spans (label INDICATION) in ``doc.spans["indications"]``."""

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for start, end, _ in find_indications(doc_text(doc)):
            span = doc.char_span(start, end, label=LABEL, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory("bionews_indications")
def make_indication_finder(nlp: Language, name: str) -> IndicationFinder:
    _pattern()  # compile at construction, not on the first document
    _dispatch()
    return IndicationFinder()
