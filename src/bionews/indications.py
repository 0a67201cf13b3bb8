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
from dataclasses import dataclass
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


_PREFIX = 3  # characters of an entry that pick its group in :func:`_by_prefix`
_LOOKAHEAD = 4  # characters of an entry that :func:`_candidates` checks
_FLEXIBLE = frozenset(" -'’")  # entry characters whose pattern is not the character itself
# The only characters a case-blind regex matches to an ASCII letter that
# lower-casing does not turn into that letter ("ſ" is "s", "ı" and "İ" are "i");
# checked in tests/test_indication_prefixes.py. Text holding one takes the
# first-character dispatch; without them, lower-cased text shows each letter
# as the case-blind entry patterns read it.
_FOLDS_ONTO_ASCII = ("\u0130", "\u0131", "\u017f")


@dataclass(frozen=True, slots=True)
class _Prefixes:
    """Where entries can start in lower-cased text, and the entries to try there.

    Nearly every word start passes the first-character test of :func:`_dispatch`,
    and the Python work at each cost more than the matching. Here the regex
    engine itself skips to word starts followed by the first four characters of
    some entry (``candidate``, run over the lower-cased text, about one word in
    twenty), and there only the entries sharing the first three characters are
    tried: an entry can only match where the text's first three characters,
    lower-cased, equal its own. Entries whose first three characters are not
    literal (a space matches any white space, a hyphen is optional) or not
    ASCII join every group of their first letter (and ``flexible``), so no entry
    is left out where it could match, and each group keeps the longest-first
    order of the full alternation: the same entry wins.
    """

    candidate: re.Pattern[
        str
    ]  # over " " + lower-cased text: a non-word character, then an entry head
    groups: dict[str, re.Pattern[str]]  # lower-cased first three characters -> entries
    flexible: dict[str, re.Pattern[str]]  # lower-cased first character -> flexible entries


def _is_flexible(entry: str) -> bool:
    head = entry[:_PREFIX]
    return len(head) < _PREFIX or not head.isascii() or any(ch in _FLEXIBLE for ch in head)


def _lower_unit(ch: str) -> str:
    """What one entry character's pattern accepts, as it reads in lower-cased text."""
    if ch == " ":
        return r"[\s\-]+"
    if ch == "-":
        return r"[\s\-]?"
    if ch in "'’":
        return "['’]"
    if ch.isascii():
        return re.escape(ch.lower())
    return f"(?i:{re.escape(ch)})"


def _trie(heads: list[tuple[str, ...]]) -> str:
    """One alternation accepting what any of the unit sequences ``heads`` accepts.

    Factored by first unit, so the regex engine rules out most alternatives by
    one character comparison each.
    """
    rests: dict[str, list[tuple[str, ...]]] = {}
    for head in heads:
        rests.setdefault(head[0], []).append(head[1:])
    alternatives = []
    for first, after in sorted(rests.items()):
        if any(not a for a in after):  # this unit alone already decides
            alternatives.append(first)
        else:
            alternatives.append(f"{first}(?:{_trie(after)})")
    return "|".join(alternatives)


def _candidates(entries: list[str]) -> re.Pattern[str]:
    """A non-word character followed by the head of some entry, in lower-cased text.

    Run over ``" " + text.lower()``, a match at ``i`` is a candidate start at
    ``i`` in ``text``. Starting with a character class lets the regex engine
    skip from one non-word character to the next without entering the pattern.
    Lower-casing keeps each character's word-ness (checked in the tests).
    """
    heads = {tuple(_lower_unit(ch) for ch in e[:_LOOKAHEAD]) for e in entries}
    return re.compile(rf"[^\w](?={_trie(sorted(heads))})")


def _compile_group(entries: list[str]) -> re.Pattern[str]:
    alternation = "|".join(_entry_pattern(e) for e in entries)
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _by_prefix() -> _Prefixes:
    entries = sorted(gazetteer(), key=len, reverse=True)
    keys = {e[:_PREFIX].lower() for e in entries if not _is_flexible(e)}
    groups = {}
    for key in keys:
        group = [
            e
            for e in entries
            if e[:_PREFIX].lower() == key or (_is_flexible(e) and e[0].lower() == key[0])
        ]
        groups[key] = _compile_group(group)
    firsts = {e[0].lower() for e in entries if _is_flexible(e)}
    flexible = {
        f: _compile_group([e for e in entries if _is_flexible(e) and e[0].lower() == f])
        for f in firsts
    }
    return _Prefixes(_candidates(entries), groups, flexible)


def find_indications(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text as written) of every indication in ``text``, in order.

    Same matches as ``_pattern().finditer(text)``, found faster (see
    :class:`_Prefixes`; text that lower-casing would not show faithfully takes
    :func:`_find_by_first_char`).
    """
    low = text.lower()
    if len(low) != len(text) or any(ch in text for ch in _FOLDS_ONTO_ASCII):
        return _find_by_first_char(text)
    _, by_char = _dispatch()
    prefixes = _by_prefix()
    out: list[tuple[int, int, str]] = []
    pos = 0
    for c in prefixes.candidate.finditer(" " + low):
        p = c.start()  # the space put in front shifts every index by one
        if p < pos:
            continue  # inside the last match
        head = low[p : p + _PREFIX]
        pattern: re.Pattern[str] | None
        if len(head) == _PREFIX and head.isascii():
            pattern = prefixes.groups.get(head) or prefixes.flexible.get(head[0])
        else:
            ch = text[p]
            pattern = by_char.get(ch) if ch.isascii() else _pattern()
        m = pattern.match(text, p) if pattern is not None else None
        if m is not None:
            out.append((m.start(), m.end(), m.group()))
            pos = m.end()
    return out


def _find_by_first_char(text: str) -> list[tuple[int, int, str]]:
    """:func:`find_indications` by the first-character dispatch alone (see :func:`_dispatch`)."""
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
    _by_prefix()
    return IndicationFinder()
