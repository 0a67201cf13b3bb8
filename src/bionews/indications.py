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


def find_indications(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text as written) of every indication in ``text``, in order."""
    return [(m.start(), m.end(), m.group()) for m in _pattern().finditer(text)]


class IndicationFinder:
    """spaCy component: indication Spans (label INDICATION) in ``doc.spans["indications"]``."""

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for start, end, _ in find_indications(doc.text):
            span = doc.char_span(start, end, label=LABEL, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory("bionews_indications")
def make_indication_finder(nlp: Language, name: str) -> IndicationFinder:
    _pattern()  # compile at construction, not on the first document
    return IndicationFinder()
