"""Drug names: INN, brand, code name, product name with dosage form, named vaccines.

News prose names a drug in many ways within one article ("Tyvyt (sintilimab
injection)", later "sintilimab"); a downstream table wants one row per drug. So
this module does two jobs that have to agree with each other: the
``bionews_drugs`` component finds every surface form as a ``DRUG`` span in
``doc.spans["drugs"]``, and :func:`merge_drugs` folds the spans of one Doc into
:class:`~bionews.records.Drug` records using :func:`drug_key` plus the links the
text itself states (brackets, "marketed as", a gazetteer of brand/INN pairs).

Everything that is knowledge rather than logic (INN stems, the gazetteer, dosage
forms, code-name shapes, context words) lives in ``bionews/data`` and is read
once per process.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import compress, count, repeat
from operator import is_
from typing import Any

import numpy as np
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .records import Drug, Mention
from .tokens import WORD_MEMO_SIZE, TokenTable, doc_text

LABEL = "DRUG"
SPAN_KEY = "drugs"

# ---------------------------------------------------------------------------
# Data, loaded once per process.


def _data_text(name: str) -> str:
    return resources.files("bionews").joinpath(f"data/{name}").read_text("utf-8")


def _lines(name: str) -> list[str]:
    return [
        ln.strip()
        for ln in _data_text(name).splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity, for the memo below
class InnStems:
    stems: tuple[tuple[str, str, int], ...]  # (stem, modality, min_len), longest stem first
    second_words: dict[str, str | None]
    stoplist: frozenset[str]
    gene_first: tuple[str, ...] = ()  # "-gene" of "nadofaragene firadenovec"
    gene_second: tuple[str, ...] = ()  # "-vec" of the same
    second_stems: tuple[str, ...] = ()  # "-tecan" of "nelvatuzumab sovatecan"
    prefixes: tuple[tuple[str, str, int], ...] = ()  # "cef-" of the cephalosporins
    tail_gated: tuple[tuple[str, str, int, frozenset[str]], ...] = ()  # "-ase" + "alfa"
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # two-word INNs
    salts: frozenset[str] = frozenset()  # "sodium" of "cefazolin sodium"
    # The stems by length, longest first: (length, stem -> [(modality, min_len)]).
    by_length: tuple[tuple[int, dict[str, list[tuple[str, int]]]], ...] = ()

    def tail_joins(self, first: str, second: str) -> bool:
        """Whether ``second`` is the tail of a two-word INN that starts with ``first``.

        A listed tail ("alfa", "vedotin") or salt ("mesylate", "etexilate") always joins; a tail known
        only by its stem (an ADC payload "-tecan", a chelator "-xetan") joins only
        an INN, because alone such a word is a drug of its own ("irinotecan").
        """
        b = second.lower()
        if b in self.second_words or b in self.salts or self.gene_pair(first, second):
            return True
        return (
            b.isalpha()
            and any(b.endswith(s) for s in self.second_stems)
            and self.modality(first) is not None
        )

    def gene_pair(self, first: str, second: str) -> bool:
        """Whether two words are one two-word gene-therapy INN ("rovimogene pelparvovec").

        WHO names a gene therapy by its gene component and its vector, written as
        two words; each word alone also ends in a stem, so without this the two
        halves would become two drugs.
        """
        a, b = first.lower(), second.lower()
        return any(
            any(a.endswith(s) for s in firsts)
            and any(b.endswith(s) for s in seconds)
            and self.modality(a) is not None
            and self.modality(b) is not None
            for firsts, seconds in ((self.gene_first, self.gene_second), *self.pairs)
        )

    def gated_modality(self, word: str, following: str) -> str | None:
        """Modality of ``word`` read as an INN only because ``following`` is its tail.

        Some stems ("-ase") end too many English words to stand alone; an enzyme
        INN is still recognisable when its "alfa"/"beta" tail follows it.
        """
        w, f = word.lower(), following.lower()
        if not w.isalpha() or not w.isascii() or w in self.stoplist:
            return None
        for stem, modality, min_len, tails in self.tail_gated:
            if f in tails and w.endswith(stem) and len(w) >= min_len:
                return modality
        return None

    def modality(self, word: str) -> str | None:
        """Modality of an INN-looking word, or None when ``word`` is no INN.

        Called for every token of every article: the answer is memoised per word
        form (news vocabulary is small and repetitive), so the stem loop runs
        once per distinct word rather than once per token.
        """
        return _stem_modality(self, word)

    def _modality(self, word: str) -> str | None:
        w = word.lower()
        if not w.isalpha() or not w.isascii() or w in self.stoplist:
            return None
        # The suffix of each stem length is looked up instead of testing every
        # stem: the same answer as "the first stem of ``stems`` (longest first)
        # that ends ``w`` and whose min_len ``w`` reaches".
        n = len(w)
        for length, table in self.by_length:
            for modality, min_len in table.get(w[n - length :] if length <= n else "", ()):
                if n >= min_len:
                    return modality
        for stem, modality, min_len in self.prefixes:
            if w.startswith(stem) and len(w) >= min_len:
                return modality
        return None


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _stem_modality(stems: InnStems, word: str) -> str | None:
    return stems._modality(word)


@lru_cache(maxsize=1)
def inn_stems() -> InnStems:
    raw = json.loads(_data_text("inn_stems.json"))
    default = int(raw.get("default_min_len", 7))
    stems = sorted(
        ((s["stem"], s["modality"], int(s.get("min_len", default))) for s in raw["stems"]),
        key=lambda t: -len(t[0]),
    )
    by_length: dict[int, dict[str, list[tuple[str, int]]]] = {}
    for stem, modality, min_len in stems:
        by_length.setdefault(len(stem), {}).setdefault(stem, []).append((modality, min_len))
    return InnStems(
        stems=tuple(stems),
        by_length=tuple(by_length.items()),
        second_words=dict(raw.get("second_words", {})),
        stoplist=frozenset(w.lower() for w in raw.get("stoplist", [])),
        gene_first=tuple(raw.get("gene_first_stems", ())),
        gene_second=tuple(raw.get("gene_second_stems", ())),
        second_stems=tuple(raw.get("second_word_stems", ())),
        prefixes=tuple(
            (p["stem"], p["modality"], int(p.get("min_len", default)))
            for p in raw.get("prefixes", ())
        ),
        tail_gated=tuple(
            (g["stem"], g["modality"], int(g.get("min_len", default)), frozenset(g["tails"]))
            for g in raw.get("tail_gated_stems", ())
        ),
        salts=frozenset(raw.get("salt_words", ())),
        pairs=(
            (
                tuple(raw.get("conjugate_first_stems", ())),
                tuple(raw.get("conjugate_second_stems", ())),
            ),
        ),
    )


@lru_cache(maxsize=1)
def known_non_drugs() -> frozenset[str]:
    """Lower-case single words that name an organisation or a place: the one-word
    names and aliases of the organisation gazetteer and the place words of the
    organisation rules. A name an apposition calls a drug is none of these."""
    words: set[str] = set()
    for line in _data_text("orgs.jsonl").splitlines():
        if line.strip():
            entry = json.loads(line)
            words.update(
                f.lower() for f in [entry["name"], *entry.get("aliases", ())] if " " not in f
            )
    words.update(w.lower() for w in json.loads(_data_text("org_patterns.json")).get("places", ()))
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class GazEntry:
    forms: tuple[str, ...]
    descriptors: tuple[str, ...]
    modality: str | None


@lru_cache(maxsize=1)
def gazetteer() -> tuple[GazEntry, ...]:
    entries: list[GazEntry] = []
    for line in _lines("drugs.txt"):
        forms: list[str] = []
        descriptors: list[str] = []
        modality: str | None = None
        for part in (p.strip() for p in line.split("|")):
            if not part:
                continue
            if part.startswith("@"):
                modality = part[1:]
            elif part.startswith("~"):
                descriptors.append(part[1:])
            else:
                forms.append(part)
        if forms:
            entries.append(GazEntry(tuple(forms), tuple(descriptors), modality))
    return tuple(entries)


@lru_cache(maxsize=1)
def dosage_forms() -> tuple[str, ...]:
    """Dosage-form phrases, lower case, longest first."""
    return tuple(sorted({ln.lower() for ln in _lines("dosage_forms.txt")}, key=len, reverse=True))


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    return json.loads(_data_text("drug_patterns.json"))


@lru_cache(maxsize=1)
def _gaz_keys() -> tuple[dict[str, int], dict[str, int]]:
    """drug_key of every gazetteer form / descriptor -> entry index."""
    forms: dict[str, int] = {}
    descriptors: dict[str, int] = {}
    for i, entry in enumerate(gazetteer()):
        for f in entry.forms:
            forms.setdefault(drug_key(f), i)
        for d in entry.descriptors:
            descriptors.setdefault(drug_key(d), i)
    return forms, descriptors


# ---------------------------------------------------------------------------
# Normalisation.

_STRIP = re.compile(r"[\"'“”‘’`«»()\[\]{}®™*]")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_HYPHENS = re.compile(r"[-‐‑‒–—]")
_WS = re.compile(r"\s+")
_VALENT = re.compile(r"\b([a-z]+|\d{1,2})\s*-?\s*valent\b")


def _valency_number(prefix: str) -> int | None:
    if prefix.isdigit():
        return int(prefix)
    words: dict[str, int] = patterns()["valency_words"]
    return words.get(prefix.rstrip("-"))


def _norm_valency(s: str) -> str:
    def repl(m: re.Match[str]) -> str:
        n = _valency_number(m.group(1))
        return f"{n}valent" if n is not None else m.group(0)

    return _VALENT.sub(repl, s)


@lru_cache(maxsize=1)
def _dosage_tail() -> re.Pattern[str]:
    forms = sorted({_WS.sub(" ", _HYPHENS.sub(" ", f)) for f in dosage_forms()}, key=len)
    alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in reversed(forms))
    return re.compile(rf"\s+(?:{alts})$")


@lru_cache(maxsize=1)
def _pathogen_abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over the long pathogen names of ``pathogen_abbreviations``, longest first."""
    table: dict[str, str] = {k.lower(): v for k, v in patterns()["pathogen_abbreviations"].items()}
    alts = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b"), table


@lru_cache(maxsize=1)
def _radionuclide_prefix() -> re.Pattern[str]:
    """The element and isotope before a radioligand's carrier INN, lower case."""
    alts = "|".join(re.escape(e) for e in patterns()["radionuclide_elements"])
    return re.compile(
        rf"^(?:{alts})\s+(?:\(\s*\d{{1,3}}m?[a-z]{{1,2}}\s*\)|[a-z]{{1,2}}\s+\d{{1,3}}m?)\s+(?=\S)"
    )


@lru_cache(maxsize=1)
def _radionuclide_code_prefix() -> re.Pattern[str]:
    """The radionuclide glued before a code name, lower case: "225ac-", "[177lu]lu-"."""
    alts = "|".join(re.escape(x.lower()) for x in patterns()["radionuclide_symbols"])
    return re.compile(rf"^\[?\d{{1,3}}m?(?:{alts})(?:\](?:{alts}))?-(?=[a-z])")


def _abbreviate_pathogens(s: str) -> str:
    rx, table = _pathogen_abbreviations()
    return rx.sub(lambda m: table[m.group(0)], s)


@lru_cache(maxsize=4096)
def drug_key(name: str) -> str:
    """The merge key of a drug name: forms of one drug in one article share it.

    Beyond the scoring normalisation (NFKC, case, quotes, brackets, ®/™, dosage
    words) it drops a trailing parenthetical (an expression system such as
    "(Pichia Pastoris)"), reads valencies as numbers ("pentavalent" and
    "five-valent" are one word), treats hyphens as spaces ("Gardasil-9") and
    singularises "vaccines", because news repeats a product in all of these ways.
    Long pathogen names take their usual short form ("human papillomavirus" ->
    "hpv"), because one article names the same vaccine both ways.
    """
    s = unicodedata.normalize("NFKC", name).lower().strip()
    # "lutetium (177Lu) zadotretide" and a later "zadotretide" are one drug.
    s = _radionuclide_prefix().sub("", s)
    # "225Ac-XY0712" and a later "XY0712" are one drug too.
    s = _radionuclide_code_prefix().sub("", s)
    stripped = _TRAILING_PAREN.sub("", s)
    if stripped.strip():
        s = stripped
    s = _norm_valency(s)
    s = _STRIP.sub(" ", s)
    s = _HYPHENS.sub(" ", s)
    s = re.sub(r"\bvaccines\b", "vaccine", s)
    s = _WS.sub(" ", s).strip()
    s = _abbreviate_pathogens(s)
    tail = _dosage_tail()
    while True:
        m = tail.search(s)
        if not m or m.start() == 0:
            break
        s = s[: m.start()].strip()
    return s


# ---------------------------------------------------------------------------
# Modality and targets from context.

# A sentence break: a newline, or a full stop (question/exclamation mark), an
# optional closing quote or bracket and whitespace before a capital, quote or
# bracket. Written to start with one character class, "\n|[.!?]..." in effect,
# because the regex engine skips quickly to a leading class and tries a
# leading alternation at every character.
_SENT_BREAK = re.compile(r"[\n.!?](?:(?<=\n)|(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(]))")


def _sentence_window(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 600)
    s0 = lo
    for m in _SENT_BREAK.finditer(text, lo, start):
        s0 = m.end()
    m = _SENT_BREAK.search(text, end, min(len(text), end + 600))
    s1 = m.start() + 1 if m else min(len(text), end + 600)
    return s0, s1


@lru_cache(maxsize=1)
def _modality_cues() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(rx), mod) for rx, mod in patterns()["modality_cues"])


@lru_cache(maxsize=1)
def _target_cues() -> tuple[re.Pattern[str], ...]:
    tok = patterns()["target_token_regex"]
    return tuple(re.compile(t.replace("{T}", tok)) for t in patterns()["target_cue_templates"])


@lru_cache(maxsize=1)
def _clause_break() -> re.Pattern[str]:
    # A cue across "and" / ";" describes the other drug of a coordination.
    return re.compile(patterns()["clause_breaks_regex"])


@lru_cache(maxsize=8192)
def _own_modality(name: str) -> str | None:
    """Modality stated by the name itself: an INN stem, a gazetteer tag, a product word.

    Memoised: an article names a drug several times, and news repeats names.
    """
    stems = inn_stems()
    low = name.lower()
    forms, _ = _gaz_keys()
    entry = forms.get(drug_key(name))
    if entry is not None:
        e = gazetteer()[entry]
        if e.modality:
            return e.modality
        for f in e.forms:
            for w in re.findall(r"[a-z]+", f.lower()):
                mod = stems.second_words.get(w) or stems.modality(w)
                if mod:
                    return mod
    if re.search(r"\bvaccines?\b", low):
        return "vaccine"
    if re.match(r"insulin\b", low):
        return "insulin"
    if re.search(r"\bantibod(?:y|ies)\b", low):
        return "antibody"
    words = re.findall(r"[a-z]+", low)
    for w in words:
        mod = stems.second_words.get(w)
        if mod:
            return mod
    for w in words:
        mod = stems.modality(w)
        if mod:
            return mod
    return None


def _split_targets(t: str) -> list[str]:
    t = _WS.sub(" ", t.strip())
    parts = t.split("/")
    if len(parts) == 2 and sum(c.isalpha() for c in parts[1]) >= 2:
        return parts
    return [t]


@lru_cache(maxsize=1)
def _target_blacklist() -> frozenset[str]:
    return frozenset(t.upper() for t in patterns()["target_blacklist"])


@lru_cache(maxsize=1)
def _cue_keywords() -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Key words of the modality cues and of the target cues (see drug_patterns.json)."""
    p = patterns()
    mods = tuple(tuple(k) for k in p["modality_cue_keywords"])
    targets = tuple(tuple(k) for k in p["target_cue_keywords"])
    if len(mods) != len(p["modality_cues"]) or len(targets) != len(p["target_cue_templates"]):
        raise ValueError("drug_patterns.json: one keyword list per cue")
    return mods, targets


# Characters that a case-insensitive regex matches to an ASCII letter but whose
# str.lower() holds no such letter in their place ("ı" to "i", "ſ" to "s", and
# "İ", which lower-cases to two characters).
_CASE_FOLD_TRAPS = ("ı", "ſ", "İ")


def _has_keyword(low: str, keywords: Sequence[str]) -> bool:
    return any(k in low for k in keywords)


# (rank, start, end, modality) of the modality cues in one window, and (rank,
# start, end, group-1 start, group-1 end, group-1 text) of the target cues.
_ModCues = list[tuple[int, int, int, str]]
_TargetCues = list[tuple[int, int, int, int, int, str]]


class _WindowCues:
    """The cue matches of one sentence window, each kind scanned when first asked for.

    A cue regex runs only when the window holds one of its key words
    (:func:`_cue_keywords`): the cue regexes are case-insensitive alternations
    that try every character, a substring test is a C scan.
    """

    __slots__ = ("_low", "_mods", "_targets", "s0", "s1", "text")

    def __init__(self, text: str, s0: int, s1: int) -> None:
        self.text, self.s0, self.s1 = text, s0, s1
        window = text[s0:s1]
        # None: test no key word (a character a regex folds unlike str.lower()).
        self._low: str | None = (
            None if any(c in window for c in _CASE_FOLD_TRAPS) else window.lower()
        )
        self._mods: _ModCues | None = None
        self._targets: _TargetCues | None = None

    def _may_match(self, keywords: Sequence[str]) -> bool:
        return self._low is None or _has_keyword(self._low, keywords)

    def modality_cues(self) -> _ModCues:
        """The modality cue matches, cue by cue, left to right."""
        if self._mods is None:
            words, _ = _cue_keywords()
            self._mods = [
                (rank, m.start(), m.end(), mod)
                for rank, (rx, mod) in enumerate(_modality_cues())
                if self._may_match(words[rank])
                for m in rx.finditer(self.text, self.s0, self.s1)
            ]
        return self._mods

    def target_cues(self) -> _TargetCues:
        """The target cue matches, cue by cue, left to right."""
        if self._targets is None:
            _, words = _cue_keywords()
            self._targets = [
                (rank, m.start(), m.end(), m.start(1), m.end(1), m.group(1))
                for rank, rx in enumerate(_target_cues())
                if self._may_match(words[rank])
                for m in rx.finditer(self.text, self.s0, self.s1)
            ]
        return self._targets


def describe(
    text: str,
    start: int,
    end: int,
    *,
    others: Sequence[tuple[int, int]] = (),
    cue_cache: dict[tuple[int, int], _WindowCues] | None = None,
) -> tuple[str | None, list[str]]:
    """Modality and targets of the drug named at ``text[start:end]``.

    The name's own evidence (INN stem, "Vaccine", "Monoclonal Antibody") wins;
    otherwise the nearest cue in the same sentence, so that in "PD-1 inhibitor
    camrelizumab and VEGFR inhibitor apatinib" each drug gets its own target.
    A cue beyond another drug mention (``others``) belongs to that drug instead.

    ``cue_cache`` (window -> its cue matches) lets the mentions of one text that
    share a sentence scan it once; it must belong to this ``text`` only.
    """
    s0, s1 = _sentence_window(text, start, end)
    max_gap = 90
    blockers = [(a, b) for a, b in others if s0 <= a < s1 and not (a < end and start < b)]
    clause = _clause_break()

    def gap(a: int, b: int) -> int | None:
        if a < end and start < b:
            return 0
        lo, hi = (b, start) if b <= start else (end, a)
        if hi - lo > max_gap or clause.search(text, lo, hi):
            return None
        # A cue before the name must qualify it directly ("PD-1 inhibitor
        # camrelizumab"); after a comma it belongs to the clause before.
        if b <= start and "," in text[lo:hi]:
            return None
        if any(lo <= x and y <= hi for x, y in blockers):
            return None
        return hi - lo

    cues = cue_cache.get((s0, s1)) if cue_cache is not None else None
    if cues is None:
        cues = _WindowCues(text, s0, s1)
        if cue_cache is not None:
            cue_cache[(s0, s1)] = cues

    modality = _own_modality(text[start:end])
    if modality is None:
        best: tuple[int, int] | None = None
        for rank, a, b, mod in cues.modality_cues():
            g = gap(a, b)
            if g is not None and (best is None or (g, rank) < best):
                best, modality = (g, rank), mod

    blacklist = _target_blacklist()
    best_t: tuple[int, int] | None = None
    targets: list[str] = []
    for rank, a, b, a1, b1, group in cues.target_cues():
        g = gap(a, b)
        if g is None or (best_t is not None and (g, rank) >= best_t):
            continue
        found = [t for t in _split_targets(group) if t.upper() not in blacklist]
        if found and not (a1 < end and start < b1):
            best_t, targets = (g, rank), found
    return modality, targets


# ---------------------------------------------------------------------------
# The component.


@dataclass(slots=True)
class _Cand:
    start: int  # token index
    end: int
    kind: str  # gaz, inn, code, brand, vaccine, product, combo, acronym
    prio: int


_PRIO = {
    "combo": 0,
    "gaz": 1,
    "inn": 1,
    "code": 2,
    "vaccine": 2,
    "product": 3,
    "brand": 3,
    "acronym": 4,
    "camel": 5,
}
_CORE = {"gaz", "inn", "code", "brand", "acronym", "camel"}
_INITIAL = re.compile(r"^[A-Z]\.$")
_CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z][A-Za-z]*$")
_TRADEMARKS = frozenset({"®", "™"})
_INSULIN = frozenset({"insulin"})
_VACCINE = frozenset({"vaccine", "vaccines"})
_ONE_VACCINE = frozenset({"vaccine"})
_COMMA = frozenset({","})


def _space_after(doc: TokenTable, i: int) -> bool:
    """``doc[i].whitespace_`` without making the Token: the gap to the next token.

    spaCy keeps at most one trailing space on a token (more whitespace becomes
    a token of its own), so the token has one exactly when the next token (or
    the end of the text) starts later than the token ends.
    """
    nxt = doc.idx[i + 1] if i + 1 < len(doc.idx) else len(doc.text)
    return nxt > doc.idx[i] + len(doc.text_of[i])


def _positions(seq: list[str], words: Iterable[str]) -> list[int]:
    """Ascending indices of the items of ``seq`` that are in ``words``.

    Each word is looked for with ``list.index`` (a C loop), so a rule whose
    trigger words are rare visits only their tokens instead of every token.
    """
    out: list[int] = []
    for w in words:
        i = -1
        try:
            while True:
                i = seq.index(w, i + 1)
                out.append(i)
        except ValueError:
            pass
    out.sort()
    return out


# Characters that a case-insensitive regex matches to an ASCII letter but that
# str.lower() keeps as they are ("ı" to "i", "ſ" to "s").
_FOLDS_TO_ASCII = ("ı", "ſ")


def _keyword_starts(text: str, words: Sequence[str]) -> list[int]:
    """Offsets in ``text`` where one of ``words`` (lower-case ASCII) may start, in any case.

    Every offset where a case-insensitive regex finds one of the words is in the
    answer (the answer may hold a few more), so a cue regex that needs one of
    the words need only be tried near these offsets. ``str.find`` on the
    lower-cased text is a C scan; where lower-casing would shift offsets or a
    regex would fold a non-ASCII letter, a regex scan answers instead.
    """
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _FOLDS_TO_ASCII):
        rx = re.compile("(?i)(?=" + "|".join(re.escape(w) for w in words) + ")")
        return [m.start() for m in rx.finditer(text)]
    out: list[int] = []
    for w in words:
        k = low.find(w)
        while k >= 0:
            out.append(k)
            k = low.find(w, k + 1)
    return out


# The last text whose key-word offsets were asked for, and its answers by word
# list. The finder and, for the same Doc, merge_drugs (run by the linker) look
# for the same cue key words in the same text string.
_KEYWORD_MEMO: tuple[str | None, dict[tuple[str, ...], list[int]]] = (None, {})


def keyword_offsets(text: str, words: Sequence[str]) -> list[int]:
    """Ascending :func:`_keyword_starts` of ``words`` in ``text``, found once per text.

    Kept for the last text only, by identity (a Doc's text is one string, see
    :func:`bionews.tokens.doc_text`); an equal text in another string object
    is scanned afresh. The list is shared: callers must not change it.
    """
    global _KEYWORD_MEMO
    memo_text, found = _KEYWORD_MEMO
    if memo_text is not text:
        found = {}
        _KEYWORD_MEMO = (text, found)
    key = tuple(words)
    hits = found.get(key)
    if hits is None:
        hits = found[key] = sorted(_keyword_starts(text, key))
    return hits


# Orth hash -> text of the words seen in this process. spaCy decodes a fresh
# str from its StringStore on every lookup; news vocabulary is small and
# repetitive, so most words of a Doc are already here. The hash is a hash of the
# string alone (the same in every Vocab). Bounded: a full table is replaced by
# an empty one.
_WORDS: dict[int, str] = {}
_WORDS_MAX = WORD_MEMO_SIZE
_INN_MEMO_MAX = WORD_MEMO_SIZE


def _word_strings(doc: Doc, orth: list[int]) -> tuple[list[str], list[str]]:
    """Text and lower-case form of every token, from the orth hashes of ``doc``.

    The lower-case form is ``str.lower()`` of the text, which is how spaCy
    makes ``Token.lower_``; on short words that call costs less than a second
    table lookup would. Nearly every Doc brings a few words the table does not
    hold yet (and a Doc right after it starts afresh brings many), so only the
    missing tokens are filled in, found by a C-level scan for None.
    """
    global _WORDS
    texts = _WORDS
    text_of = list(map(texts.get, orth))
    if None in text_of:  # a word not seen yet
        if len(texts) > _WORDS_MAX:
            texts = _WORDS = {}
        strings = doc.vocab.strings
        for i in compress(count(), map(is_, text_of, repeat(None))):
            h = orth[i]
            w = texts.get(h)
            if w is None:  # not met earlier in this Doc either
                w = texts[h] = strings[h]
            text_of[i] = w
    return text_of, list(map(str.lower, text_of))  # type: ignore[arg-type]


_NON_SPACE_RUN = re.compile(r"\S*")


def _finditer_in(
    rx: re.Pattern[str], text: str, windows: Sequence[tuple[int, int]]
) -> Iterable[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern whose every match lies inside one of
    ``windows`` (disjoint, ascending, each ending at whitespace or the end of the
    text): the same matches, scanning only the windows.

    Each window is searched from where the last match ended, as ``finditer``
    does; a look-behind sees the text before a window, and a window's end is a
    space (or the text's end), which a match cannot cross or see differently.
    """
    last = 0
    for a, b in windows:
        for m in rx.finditer(text, max(a, last), b):
            last = m.end()
            yield m


# A code-shaped match that is a run of whole tokens: (start, end, text).
_CodeSpan = tuple[int, int, str]


def _strict_token_span(doc: TokenTable, start_char: int, end_char: int) -> tuple[int, int] | None:
    """Token start and end of ``doc.char_span(start_char, end_char)`` in strict
    alignment, or None where that gives None; for a non-empty range.

    The Span's own text is the text between the offsets, so the rules keep the
    match string and token indices instead of building a Span (and its text from
    Token objects). spaCy's tokens cover the text without gaps (a token with its
    trailing space), so the token holding a character is the last one starting
    at or before it.
    """
    idx = doc.idx
    i = bisect_left(idx, start_char)
    if i == len(idx) or idx[i] != start_char:
        return None
    k = bisect_right(idx, end_char - 1) - 1
    if k < 0 or idx[k] + len(doc.text_of[k]) != end_char:
        return None
    return i, k + 1


#: The ``code_anchor_regex`` that :func:`_byte_anchors` reproduces: a capital
#: with a digit after it (a hyphen between allowed), or a digit with a capital
#: after it.
_ANCHOR_SHAPE = r"[A-Z\d](?:(?<=[A-Z])-?\d|(?<=\d)[A-Z])"
# Each character as its class for the anchor: capital "A", digit "0", hyphen
# "-", anything else " " (non-ASCII characters arrive as "?").
_ANCHOR_CLASSES = bytes.maketrans(
    bytes(range(128)),
    bytes(
        ord("A") if chr(c).isupper() else ord("0") if chr(c).isdigit() else c if c == 45 else 32
        for c in range(128)
    ),
)


def _byte_anchors(text: str) -> list[tuple[int, int]] | None:
    """The spans of ``_ANCHOR_SHAPE``'s ``finditer`` over ``text``, from C-level byte scans.

    The regex tries its look-behinds at every capital and digit of the text; here
    the text becomes one byte per character (non-ASCII as "?", so offsets stay),
    each byte its class, and ``bytes.find`` looks for the three shapes. At most
    one shape starts at any offset, so taking them left to right without overlap
    is what ``finditer`` does. None when a non-ASCII character is a decimal digit,
    which the regex's digit class matches and the byte classes do not.
    """
    raw = text.encode("ascii", "replace")  # one "?" per non-ASCII character
    if not text.isascii():
        k = raw.find(b"?")
        while k >= 0:
            if text[k].isdecimal():
                return None
            k = raw.find(b"?", k + 1)
    classes = raw.translate(_ANCHOR_CLASSES)
    found: list[tuple[int, int]] = []
    for shape in (b"A0", b"A-0", b"0A"):
        k = classes.find(shape)
        while k >= 0:
            found.append((k, k + len(shape)))
            k = classes.find(shape, k + 1)
    found.sort()
    out: list[tuple[int, int]] = []
    last = 0
    for a, b in found:
        if a >= last:
            out.append((a, b))
            last = b
    return out


def _any_between(starts: list[int], lo: int, hi: int) -> bool:
    """Whether one of the ascending offsets ``starts`` is in ``[lo, hi)``."""
    k = bisect_left(starts, lo)
    return k < len(starts) and starts[k] < hi


class _Table(TokenTable):
    """A :class:`TokenTable` with what the drug rules look up per Doc: the sentence
    number of every token and where the rules' trigger words occur.

    Token strings come from :func:`_word_strings` rather than the StringStore
    (the lower-case form is ``str.lower()`` of the text, which is how spaCy
    makes ``Token.lower_``). The positions of every word of ``indexed`` are
    found in one pass, so a rule visits only the tokens of its trigger words.
    """

    __slots__ = ("_indexed", "_where", "sent_ids")

    def __init__(self, doc: Doc, indexed: AbstractSet[str]) -> None:
        # The attributes of TokenTable.__init__, read faster.
        self.doc = doc
        self.text = doc_text(doc)
        n = len(doc)
        annotated = doc.has_annotation("SENT_START")
        if n == 0:
            orth: list[int] = []
            idx: list[int] = []
            self.sent_ids: list[int] = []
        else:
            arr = doc.to_array([ORTH, IDX, SENT_START] if annotated else [ORTH, IDX])
            orth, idx = arr[:, 0].tolist(), arr[:, 1].tolist()
            self.sent_ids = _sentence_numbers(arr[:, 2]) if annotated else _sentence_ids(doc)
        self.text_of, self.lower = _word_strings(doc, orth)
        self.idx = idx
        self._toks = [None] * n
        self._indexed = indexed
        where: dict[str, list[int]] = {}
        lower = self.lower
        for i in compress(range(n), map(indexed.__contains__, lower)):
            where.setdefault(lower[i], []).append(i)
        self._where = where

    def keyword_starts(self, words: tuple[str, ...]) -> list[int]:
        """Ascending :func:`_keyword_starts` of ``words`` in the text, found once per Doc."""
        return keyword_offsets(self.text, words)

    def positions(self, words: AbstractSet[str]) -> list[int]:
        """Ascending indices of the tokens whose lower-case form is in ``words``."""
        if not words <= self._indexed:
            return _positions(self.lower, set(self.lower).intersection(words))
        where = self._where
        found = [where[w] for w in where.keys() & words]
        if len(found) == 1:
            return list(found[0])
        return sorted(i for hits in found for i in hits)


# One antigen of a combination vaccine's string: "DTaP", "HepB", "Hib", "IPV", "MenC".
_ANTIGEN_PART = re.compile(r"^(?=[a-z]*[A-Z])[A-Za-z][A-Za-z0-9]{1,5}$")
_CHAIN_JOINS = frozenset({"-", "/"})
_ISOTOPE = re.compile(r"^\d{1,3}m?[A-Z][a-z]?$")  # "177Lu", "99mTc", "18F"
_YEAR_TAIL = re.compile(r"^[A-Za-z]+(\d{4})$")
_CODE_PREFIX = re.compile(r"^([A-Za-z]{2,})-?\d")
# A series lettered after the hyphen: "TX-F801", "TX-IG10" ("TX-" and a letter code).
_LETTERED_PREFIX = re.compile(r"^([A-Za-z]{2,})-[A-Za-z]{1,3}\d")
# Two or three lower-case letters glued to a code's last digit: "XY-0420iv".
_LOWER_TAIL = re.compile(r"\d([a-z]{2,3})$")
_CODE_BEFORE = re.compile(r"[\w./:@-]")  # what may not stand right before a code


def _year_shaped(code: str) -> bool:
    """Letters glued to a four-digit number that reads as a year ("ASCO2025", "OVB2033")."""
    m = _YEAR_TAIL.match(code)
    return m is not None and 1990 <= int(m.group(1)) <= 2035


def _code_prefix(code: str) -> str:
    """The letter prefix of a code ("SLV" of "SLV-41" and of "SLV-88"), upper case;
    for a series lettered after its hyphen, that prefix and "-*" ("TX-*" of "TX-F801"
    and of "TX-IG10"); "" when the code has no prefix of two or more letters."""
    m = _CODE_PREFIX.match(code)
    if m:
        return m.group(1).upper()
    m = _LETTERED_PREFIX.match(code)
    return m.group(1).upper() + "-*" if m else ""


def _offsets(items: Iterable[Any] | None) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for it in items or ():
        if isinstance(it, dict):
            s, e = it.get("start"), it.get("end")
        else:
            s, e = getattr(it, "start", None), getattr(it, "end", None)
        if isinstance(s, int) and isinstance(e, int):
            out.append((s, e))
    return out


def _sentence_numbers(starts: Sequence[int] | np.ndarray) -> list[int]:
    """Sentence number of every token from its SENT_START values (1 opens a
    sentence), with tokens before the first opening in sentence 0. The same as
    :func:`_sentence_ids` on an annotated Doc, from an array already read (a
    cumulative sum in numpy, not a Python step per token)."""
    return np.maximum(np.cumsum(np.asarray(starts) == 1) - 1, 0).tolist()


def _sentence_ids(doc: Doc) -> list[int]:
    """Sentence number of every token; a rough split when no sentencizer ran."""
    if doc.has_annotation("SENT_START"):
        # One array read instead of a Token object per token.
        starts = doc.to_array(SENT_START) == 1
        return np.maximum(np.cumsum(starts) - 1, 0).tolist()
    ids: list[int] = []
    n = 0
    prev: Token | None = None
    for tok in doc:
        if prev is not None and (
            (prev.is_space and "\n" in prev.text)
            or (prev.text in {".", "!", "?"} and tok.text[:1].isupper())
        ):
            n += 1
        ids.append(n)
        prev = tok
    return ids


class DrugFinder:
    """Finds drug names and stores them as ``doc.spans["drugs"]``."""

    def __init__(self, nlp: Language) -> None:
        p = patterns()
        self.stems = inn_stems()
        # No INN is shorter than its stem's min_len: shorter words skip the lookup.
        self.inn_min_len = min((m for _, _, m in self.stems.stems), default=0)
        # Words already put to the stem test, and those of them that are INNs.
        self._inn_memo: tuple[set[str], set[str]] = (set(), set())
        # Words after which a gated stem ("-ase" before "alfa") reads as an INN.
        self.gate_tails = frozenset(t for *_, tails in self.stems.tail_gated for t in tails)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for i, entry in enumerate(gazetteer()):
            self.matcher.add(f"GAZ{i}", [nlp.make_doc(f) for f in entry.forms])
        # Token sequences of the dosage forms, longest first.
        self.dosage = [tuple(t.lower_ for t in nlp.make_doc(f)) for f in dosage_forms()]
        # Forms that can end a Title-case product name with no known drug inside
        # ("Lianhua Qingwen Capsules"); "Ice Cream" or "Android Tablet" cannot.
        self.title_forms = sorted(
            (tuple(t.lower_ for t in nlp.make_doc(f)) for f in p["title_run_forms"]),
            key=len,
            reverse=True,
        )
        self.dosage_first = frozenset(f[0] for f in self.dosage)
        self.dosage_last = frozenset(f[-1] for f in self.dosage)
        # The same forms by their first word / title forms by their last, order kept.
        self.dosage_by_first: dict[str, list[tuple[str, ...]]] = {}
        for f in self.dosage:
            self.dosage_by_first.setdefault(f[0], []).append(f)
        self.title_by_last: dict[str, list[tuple[str, ...]]] = {}
        for f in self.title_forms:
            self.title_by_last.setdefault(f[-1], []).append(f)
        self.code_rx = re.compile(p["code_regex"])
        self.code_paren_rx = re.compile(p["code_paren_regex"])
        self.short_code_rx = re.compile(p["short_code_regex"])
        self.code_anchor = re.compile(p["code_anchor_regex"])
        self.code_anchor_back = int(p["code_anchor_back"])
        self.code_intro = frozenset(p["code_intro_words"])
        self.apposition_heads = frozenset(p["code_apposition_heads"])
        self.apposition_stops = frozenset(p["code_apposition_stops"])
        self.name_cues = frozenset(p["name_cue_words"])
        self.inn_heads = frozenset(p["inn_apposition_heads"])
        self.inn_bad_suffixes = tuple(p["inn_apposition_bad_suffixes"])
        self.determiners = frozenset(p["determiners"])
        # Words that are drug-class nouns, not names: "antidepressant, a drug".
        self.inn_not = (
            frozenset(p["inn_apposition_heads"])
            | frozenset(p["code_apposition_heads"])
            | frozenset(p["drug_nouns"])
            | frozenset(p["brand_stopwords"])
            | frozenset(p["title_run_stopwords"])
            | frozenset(p["disease_words"])
            | frozenset(p["inn_apposition_stoplist"])
        )
        # Words after "insulin" that are no part of an INN ("insulin analogue").
        self.insulin_not = (
            self.inn_not
            | frozenset(p["insulin_second_word_stoplist"])
            | frozenset(p["code_context_words"])
            | frozenset(p["trial_words"])
            | frozenset(p["device_heads"])
            | frozenset(f[0] for f in self.dosage)
            | frozenset(p["code_apposition_stops"])
            | frozenset(p["determiners"])
        )
        self.code_blacklist = {x.upper() for x in p["code_prefix_blacklist"]}
        self.code_suffix_stop = frozenset(p["code_suffix_stoplist"])
        self.of_heads = frozenset(p["apposition_of_heads"])
        self.rival_heads = frozenset(p["rival_heads"])
        self.list_heads = frozenset(p["class_list_heads"])
        self.list_cues = tuple(tuple(cue) for cue in p["class_list_cues"])
        self.list_cue_first = frozenset(cue[0] for cue in self.list_cues)
        self.list_of_words = frozenset(p["class_list_of_words"])
        self.rival_qualifiers = frozenset(p["rival_qualifiers"])
        self.not_drug_names = known_non_drugs()
        self.single_letter_digits = int(p["single_letter_min_digits"])
        self.exchange_before = re.compile(
            r"(?i)\b(?:"
            + "|".join(re.escape(x) for x in p["exchange_markers"])
            + r")\s*[:：]?\s*[\[(]?\s*$"
        )
        self.exchange_after = re.compile(p["exchange_suffix_regex"])
        self.device_heads = frozenset(p["device_heads"])
        self.device_gap = int(p["device_max_modifiers"])
        self.code_before_block = frozenset(p["code_preceding_blockers"])
        self.code_after_block = frozenset(p["code_following_blockers"])
        self.context_words = frozenset(p["code_context_words"])
        self.brand_intro = re.compile(p["brand_intro_regex"])
        self.brand_keywords = tuple(p["brand_intro_keywords"])
        self.alias_intro = re.compile(p["alias_intro_regex"])
        self.alias_keywords = tuple(p["alias_intro_keywords"])
        self.brand_stop = frozenset(p["brand_stopwords"])
        self.brand_after = frozenset(p["brand_after_stopwords"])
        self.company_words = frozenset(p["company_words"])
        self.drug_nouns = frozenset(p["drug_nouns"])
        self.not_brand_followers = frozenset(p["not_brand_followers"])
        self.trial_words = frozenset(p["trial_words"])
        self.trial_preps = frozenset(p["trial_object_preps"])
        self.disease_words = frozenset(p["disease_words"])
        self.run_stop = frozenset(p["title_run_stopwords"])
        self.possessive_ok = frozenset(p["possessive_name_words"])
        self.headline_min = int(p["headline_min_words"])
        self.headline_ratio = float(p["headline_title_ratio"])
        self.valency_rx = re.compile(p["valency_regex"])
        self.serogroup_rx = re.compile(p["serogroup_regex"])
        self.vaccine_strong = frozenset(p["vaccine_strong_words"])
        self.pathogens = frozenset(p["pathogen_words"])
        self.vaccine_min = int(p["vaccine_proper_min_tokens"])
        self.inn_reference_followers = frozenset(p["inn_reference_followers"])
        self.vaccine_platforms = frozenset(p["vaccine_platform_words"])
        self.sentence_openers = frozenset(p["sentence_opener_words"])
        self.qualified_heads = frozenset(p["qualified_class_heads"])
        self.head_qualifiers = frozenset(p["class_head_qualifiers"])
        self.code_intro_phrases = tuple(tuple(ph.split()) for ph in p["code_intro_phrases"])
        self.code_heads = self.apposition_heads | frozenset(p["code_only_apposition_heads"])
        self.suffix_stop = frozenset(p["biosimilar_suffix_stoplist"])
        self.elements = frozenset(p["radionuclide_elements"])
        self.radio_code_rx = re.compile(p["radionuclide_code_regex"])
        self.radio_symbols = frozenset(p["radionuclide_symbols"])
        # The words whose positions the rules look up (see _Table.positions).
        self.trigger_words = (
            self.context_words
            | self.drug_nouns
            | self.trial_words
            | self.dosage_last
            | _VACCINE
            | _INSULIN
            | _COMMA
            | self.gate_tails
            | self.list_cue_first
        )

    # -- the pieces -------------------------------------------------------

    def _gazetteer(self, doc: TokenTable) -> list[_Cand]:
        return [_Cand(s, e, "gaz", _PRIO["gaz"]) for _, s, e in self.matcher(doc.doc)]

    def _before_company_word(self, doc: TokenTable, end: int) -> bool:
        # "Alphamab Oncology", "SinoMab BioScience": a firm named like a drug.
        return end < len(doc.idx) and doc.lower[end] in self.company_words

    def _inns(self, doc: TokenTable) -> list[_Cand]:
        """INNs by their WHO stem, with the words that belong to the name.

        A two-word INN takes its tail ("trastuzumab deruxtecan", "zonitresgene
        autoleucel"), a biosimilar its four-letter FDA suffix ("vexilizumab-mxtr"),
        a radioligand its radionuclide ("lutetium (177Lu) zadotretide").
        :meth:`_not_names` then drops the stem words that name no drug.
        """
        out: list[_Cand] = []
        n = len(doc.idx)
        for i in self._inn_positions(doc):
            word = doc.text_of[i]
            if self._before_company_word(doc, i + 1):
                continue
            end = i + 1
            if end < n and self.stems.tail_joins(word, doc.text_of[end]):
                end += 1
            end = self._biosimilar_suffix(doc, end)
            out.append(_Cand(self._radionuclide_start(doc, i), end, "inn", _PRIO["inn"]))
        return out

    def _inn_positions(self, doc: TokenTable) -> list[int]:
        """Tokens that read as an INN by their stem, or by a gated stem ("-ase")
        before its tail ("alfa"); no INN is shorter than ``inn_min_len``.

        The stem test runs once per distinct word of the Doc (and is memoised
        across Docs), the gated test only before a tail word.
        """
        text_of = doc.text_of
        min_len = self.inn_min_len
        words = set(text_of)
        seen, inns = self._inn_memo
        new = words - seen
        if new:
            if len(seen) > _INN_MEMO_MAX:
                # Bounded: start a new memo (a thread still reading the old
                # pair keeps a consistent one).
                seen, inns = self._inn_memo = (set(), set())
                new = words  # the memo is new: this Doc's known words are new again
            modality = self.stems.modality
            inns.update(w for w in new if len(w) >= min_len and modality(w) is not None)
            seen.update(new)
        hits = _positions(text_of, words & inns)
        if isinstance(doc, _Table):  # the finder's table indexes the tail words
            tail_positions = doc.positions(self.gate_tails)
        else:
            tail_positions = _positions(doc.lower, self.gate_tails.intersection(doc.lower))
        if not tail_positions:
            return hits
        gated = [
            j - 1
            for j in tail_positions
            if j > 0
            and len(text_of[j - 1]) >= min_len
            and self.stems.gated_modality(text_of[j - 1], text_of[j])
        ]
        return sorted(set(hits).union(gated))

    def _not_names(self, doc: TokenTable, cands: list[_Cand]) -> list[_Cand]:
        """Stem words that name no drug: a two-word INN's tail alone ("autoleucel"),
        or a word before "receptor" or "analogues" ("somatostatin receptor type 2",
        "somatostatin analogues"), which names a target or a class."""
        n = len(doc.idx)
        return [
            c
            for c in cands
            if not (c.end - c.start == 1 and doc.lower[c.start] in self.stems.second_words)
            and not (c.end < n and doc.lower[c.end] in self.inn_reference_followers)
        ]

    def _biosimilar_suffix(self, doc: TokenTable, end: int) -> int:
        """End of an FDA biosimilar suffix glued to an INN ending at ``end``: "-mxtr".

        The suffix is four meaningless lower-case letters; an English word in that
        place ("adalimumab-like", "-free") is a compound, not a suffix.
        """
        if end + 1 >= len(doc.idx) or doc.text_of[end] != "-" or _space_after(doc, end - 1):
            return end
        suffix = doc.text_of[end + 1]
        if _space_after(doc, end) or not (
            len(suffix) == 4 and suffix.isalpha() and suffix.islower()
        ):
            return end
        if suffix in self.suffix_stop:
            return end
        if (
            end + 2 < len(doc.idx)
            and doc.text_of[end + 2] == "-"
            and not _space_after(doc, end + 1)
        ):
            return end  # "-mxtr-treated": a longer compound
        return end + 2

    def _radionuclide_start(self, doc: TokenTable, i: int) -> int:
        """Start of a radioligand INN whose INN word is token ``i``.

        WHO writes the radionuclide before the carrier: "lutetium (177Lu)
        zadotretide", and US labels "lutetium Lu 177 zadotretide"; both are one name.
        """
        if (
            i >= 4
            and doc.text_of[i - 3] == "("
            and doc.text_of[i - 1] == ")"
            and doc.lower[i - 4] in self.elements
            and _ISOTOPE.match(doc.text_of[i - 2])
        ):
            return i - 4
        if i >= 3 and doc.lower[i - 3] in self.elements:
            symbol, mass = doc.text_of[i - 2], doc.text_of[i - 1]
            if symbol.istitle() and len(symbol) <= 2 and re.fullmatch(r"\d{1,3}m?", mass):
                return i - 3
        return i

    def _codes(self, doc: _Table, sent_ids: list[int], cores: list[_Cand]) -> list[_Cand]:
        """Code names (GR1803, SHR-A1811, BNT162b2), kept only where drugs are discussed.

        The shape alone also fits tickers, model numbers and standards, so a code
        needs a drug word in its sentence (or a drug beside it); once accepted,
        every other occurrence of the same code is taken too. Short codes
        (MRT-19, HX-FLU3) look like targets and viruses as well ("IL-17",
        "HPV-16"), so they need the text to introduce them as a drug.
        """
        # Tokens near a known drug: a code in an enumeration with one is a drug too.
        near_drug: set[int] = set()
        for c in cores:
            near_drug.update(range(max(0, c.start - 3), min(len(doc.idx), c.end + 3)))
        found: list[tuple[_CodeSpan, bool]] = []
        n = len(doc.idx)
        context = doc.positions(self.context_words)
        windows = self._code_windows(doc.text)
        for m in _finditer_in(self.code_rx, doc.text, windows):
            span = self._code_span(doc, m)
            if span is None:
                continue
            start, end, code = span
            if _year_shaped(code):
                # "OVB2033" reads like a year glued to letters ("ASCO2025"): only
                # an introduction as a drug (or a sibling code, below) takes it.
                found.append((span, self._introduced_as_drug(doc, sent_ids, start, end)))
                continue
            # A drug word within 40 tokens, in the same sentence.
            sid = sent_ids[start]
            lo = bisect_left(context, max(0, start - 40))
            hi = bisect_left(context, min(n, end + 40))
            about_drugs = any(sent_ids[k] == sid for k in context[lo:hi])
            listed = start in near_drug and any(
                w in {"and", "or", ",", "/", "("} for w in doc.lower[start - 2 : end + 2]
            )
            found.append((span, about_drugs or listed))
        for m in _finditer_in(self.short_code_rx, doc.text, windows):
            span = self._code_span(doc, m)
            if span is not None:
                found.append((span, self._introduced_as_drug(doc, sent_ids, span[0], span[1])))
        accepted = {code for (_, _, code), ok in found if ok}
        accepted |= self._sibling_codes(doc, sent_ids, found, accepted)
        return [
            _Cand(start, end, "code", _PRIO["code"])
            for (start, end, code), _ in found
            if code in accepted
        ]

    def _radionuclide_codes(self, doc: TokenTable) -> list[_Cand]:
        """Code names glued to their radionuclide by a hyphen: "225Ac-XY0712",
        "177Lu-PSMA-617", "[177Lu]Lu-PSMA-617". The radionuclide says the code is a
        radiopharmaceutical, so no drug word need stand near it."""
        text = doc.text
        out: list[_Cand] = []
        for m in self.radio_code_rx.finditer(text):
            if m.group("sym") not in self.radio_symbols:
                continue
            start = m.start()
            if "]" in text[start : m.start("code")]:
                if start == 0 or text[start - 1] != "[":
                    continue
                start -= 1  # "[177Lu]Lu-": the bracket opens the name
            if start > 0 and _CODE_BEFORE.match(text, start - 1):
                continue  # inside a longer word, number or address
            span = doc.doc.char_span(start, m.end(), alignment_mode="strict")
            if span is not None:
                out.append(_Cand(span.start, span.end, "code", _PRIO["code"]))
        return out

    def _code_windows(self, text: str) -> list[tuple[int, int]]:
        """Disjoint, ascending character windows that hold every code-shaped match.

        A code (``code_regex``, ``short_code_regex``) has an anchor (a capital
        letter and a digit side by side) within ``code_anchor_back`` characters
        of its start and no whitespace, so it lies between ``back`` characters
        before an anchor and the end of the anchor's run of non-space
        characters. The anchor regex starts with a character class, which the
        regex engine skips to quickly; the code regexes start with a look-behind
        and would try every character of the text.
        """
        back = self.code_anchor_back
        windows: list[tuple[int, int]] = []
        anchors = _byte_anchors(text) if self.code_anchor.pattern == _ANCHOR_SHAPE else None
        if anchors is None:
            anchors = [g.span() for g in self.code_anchor.finditer(text)]
        for start, end in anchors:
            a = max(0, start - back)
            b = _NON_SPACE_RUN.match(text, end).end()  # type: ignore[union-attr]
            if windows and a <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], b))
            else:
                windows.append((a, b))
        return windows

    def _sibling_codes(
        self,
        doc: TokenTable,
        sent_ids: list[int],
        found: Sequence[tuple[_CodeSpan, bool]],
        accepted: set[str],
    ) -> set[str]:
        """Codes that share the letter prefix of an accepted drug code: "SLV-88" beside "SLV-41".

        A company numbers its pipeline under one prefix, so once the article has
        shown one code of a series to be a drug, another of the series is a drug
        too, even where the text introduces it in words no rule knows ("our next
        act is SLV-88"). A trial name is still no drug.
        """
        prefixes = {_code_prefix(c) for c in accepted} - {""}
        if not prefixes:
            return set()
        out: set[str] = set()
        for (start, end, code), _ in found:
            if code in accepted or _code_prefix(code) not in prefixes:
                continue
            if end < len(doc.idx) and doc.lower[end] in self.trial_words:
                continue
            if not self._names_a_trial(doc, sent_ids, start):
                out.add(code)
        return out

    def _code_span(self, doc: TokenTable, m: re.Match[str]) -> _CodeSpan | None:
        """The tokens of a code-shaped match (start, end, text), or None when the match
        is not a whole run of tokens or its shape or neighbours say it is a ticker, a
        standard, a year, a target or a model number."""
        text = doc.text
        code = m.group(0)
        prefix = re.match(r"[A-Za-z]+", code)
        letters = prefix.group(0) if prefix else ""
        digits = re.search(r"\d+", code)
        ndig = len(digits.group(0)) if digits else 0
        if letters.upper() in self.code_blacklist and not letters.startswith("mRNA"):
            return None
        if len(letters) == 1 and ndig < self.single_letter_digits:
            return None
        tail = _LOWER_TAIL.search(code)
        if tail is not None and tail.group(1) in self.code_suffix_stop:
            return None  # "AB-100mg", "XY-2021st": a dose or an ordinal, not a code
        if self.exchange_before.search(text, max(0, m.start() - 20), m.start()):
            return None
        if self.exchange_after.match(text[m.end() : m.end() + 4]):
            return None
        tokens = _strict_token_span(doc, m.start(), m.end())
        if tokens is None:
            return None
        start, end = tokens
        # "flight CA981", "the C929 jet", "HEK293 cells", "an ST-500 rapid test
        # analyser": codes of other things.
        if start > 0 and doc.lower[start - 1] in self.code_before_block:
            return None
        if end < len(doc.idx) and doc.lower[end] in self.code_after_block:
            return None
        if self._device_follows(doc, end):
            return None
        return start, end, code

    def _device_follows(self, doc: TokenTable, end: int) -> bool:
        """Whether a device noun heads the words after a code: "the BJP-300 reusable pen
        injector", "an XR-20 insulin pump". A model number, not a drug.

        Up to a few lower-case modifiers may come between; a dosage form right
        after the code ("GR1803 pre-filled pen") makes it a drug product instead.
        """
        if self._extend_dosage(doc, end) > end:
            return False
        for k in range(end, min(len(doc.idx), end + 1 + self.device_gap)):
            low = doc.lower[k]
            if low in self.device_heads:
                return True
            word = doc.text_of[k]
            if word == "-" or (
                word.isalpha()
                and word.islower()
                and low not in self.apposition_stops
                and low not in self.brand_stop
                and not (low.endswith("s") and not low.endswith(("ss", "us", "is")))
            ):
                continue
            return False
        return False

    def _introduced_as_drug(self, doc: TokenTable, sent_ids: list[int], s: int, e: int) -> bool:
        """Whether the text presents the code at tokens ``s:e`` as a drug.

        "a vaccine, coded KV-Z07", "its candidate HX-FLU3", "MRT-24, a pan-RAS
        molecular glue", "MRT-19 is an oral inhibitor", "a zoster vaccine (KV-Z07)".
        """
        sid = sent_ids[s]
        n = len(doc.idx)
        if e < n and doc.lower[e] in self.trial_words:
            return False  # "the ORIENT-11 trial": a trial's name
        if self._names_a_trial(doc, sent_ids, s):
            return False  # "the 16-week trial, known as HALO-2"
        j = s - 1
        while j >= 0 and sent_ids[j] == sid and doc.text_of[j] in {",", "(", '"', "“", "'"}:
            j -= 1
        if j >= 0 and sent_ids[j] == sid:
            if doc.lower[j] in self.code_intro or self._intro_phrase_ends(doc, j):
                return True
            if doc.lower[j] == "as" and j > 0:
                # "known as", "coded as", "known internally as"
                k = j - 1
                if k > 0 and doc.lower[k].endswith("ly") and doc.lower[k - 1] == "known":
                    k -= 1
                if doc.lower[k] in {"known", "coded"}:
                    return True
        if e + 1 < n and (doc.text_of[e] == "," or doc.lower[e] in {"is", "was"}):
            k = self._after_determiner(doc, e + 1)
            if k is not None:
                return self._apposition_head(doc, sent_ids, k, self.code_heads)
        return False

    def _intro_phrase_ends(self, doc: TokenTable, j: int) -> bool:
        """Whether a two-word class noun that introduces a code ends at token ``j``:
        "a PD-1/IL-2 fusion protein, XYZ-08" (a "protein" alone may be a target)."""
        return any(
            j >= len(ph) - 1 and tuple(doc.lower[j - len(ph) + 1 : j + 1]) == ph
            for ph in self.code_intro_phrases
        )

    def _after_determiner(self, doc: TokenTable, k: int) -> int | None:
        """The token after the determiner that opens an apposition at ``k``: "a",
        "the", "its", or a possessive name ("Baishi's generic version of ..."); None
        when no determiner opens there."""
        n = len(doc.idx)
        if k >= n:
            return None
        low = doc.lower[k]
        if low in {"a", "an", "the", "its", "their", "our"}:
            return k + 1
        if (
            k + 2 < n
            and doc.text_of[k].istitle()
            and doc.text_of[k].isalpha()
            and doc.lower[k + 1] in {"'s", "’s"}
        ):
            return k + 2
        return None

    def _names_a_trial(self, doc: TokenTable, sent_ids: list[int], s: int) -> bool:
        """Whether a trial word stands before a code, with only name cues between.

        The cue words between them ("the study, named CARE-7", "the trial, known
        as HALO-2") and adverbs ("internally known as") are skipped: they
        introduce a name, not say what it names. Any other word ends the look
        back: in "a trial in May, and ZY-09, an oral drug" the code is no name
        of the trial.
        """
        sid = sent_ids[s]
        for j in range(s - 1, max(-1, s - 7), -1):
            if sent_ids[j] != sid:
                return False
            low = doc.lower[j]
            if low in self.trial_words:
                return True
            if low in self.name_cues or (low.endswith("ly") and low.isalpha()):
                continue  # "the study, internally known as"
            # Any other word ("a trial in May, and ZY-09, an oral drug"): the
            # code starts a phrase of its own.
            return False
        return False

    def _apposition_head(
        self, doc: TokenTable, sent_ids: list[int], k: int, heads: frozenset[str]
    ) -> bool:
        """Whether the noun phrase from token ``k`` ("an oral, selective small-molecule
        inhibitor of ...") ends in one of ``heads``.

        The head is the last word of the phrase: a word of ``heads`` followed by
        another noun ("a drug maker", "a vaccine plant") is a modifier, so the
        scan goes on; a preposition, verb or punctuation ends the phrase.
        """
        sid = sent_ids[k - 1]
        n = len(doc.idx)
        for i in range(k, min(n, k + 10)):
            if sent_ids[i] != sid:
                return False
            low = doc.lower[i]
            if low in heads:
                nxt = doc.lower[i + 1] if i + 1 < n and sent_ids[i + 1] == sid else "."
                if nxt == "-":
                    continue  # "a drug-maker": the word goes on
                if nxt in self.apposition_stops or not nxt[:1].isalpha() or nxt in heads:
                    return True
                if nxt.endswith(("ly", "ed")):
                    return True  # "an antidepressant usually prescribed for ..."
                continue
            if low in self.apposition_stops:
                return False
            if low in self.code_after_block and not (
                i + 1 < n and (doc.text_of[i + 1] == "-" or doc.lower[i + 1] in heads)
            ):
                return False  # "a cell line", but "a rapid-acting insulin", "a gene therapy" go on
        return False

    def _appositions(self, doc: _Table) -> list[int]:
        """Tokens followed by ", a" or ", an" (and at least one more token): where
        prose defines a name by its class."""
        n = len(doc.idx)
        lower = doc.lower
        return [
            c - 1 for c in doc.positions(_COMMA) if 1 <= c <= n - 3 and lower[c + 1] in {"a", "an"}
        ]

    def _appositive_inns(
        self, doc: TokenTable, sent_ids: list[int], appositions: list[int]
    ) -> list[_Cand]:
        """INNs of no known stem, defined by their class: "corvelatine, an antidepressant"."""
        out: list[_Cand] = []
        for i in appositions:
            word = doc.text_of[i]
            if not (len(word) >= 6 and word.isascii() and word.isalpha() and word.islower()):
                continue
            if (
                word in self.stems.stoplist
                or word in self.inn_not
                or word.endswith(self.inn_bad_suffixes)
            ):
                continue
            if i > 0 and sent_ids[i - 1] == sent_ids[i] and doc.lower[i - 1] in self.determiners:
                continue  # "the compound, an inhibitor": a common noun
            if self._apposition_head(doc, sent_ids, i + 3, self.inn_heads):
                out.append(_Cand(i, i + 1, "inn", _PRIO["inn"]))
        return out

    def _apposed_classes(
        self, doc: TokenTable, sent_ids: list[int], appositions: list[int], cores: list[_Cand]
    ) -> list[_Cand]:
        """Drop drug words that head an indefinite apposition to another drug: in
        "tolvaparin sodium injection, a low-molecular-weight heparin used after
        surgery" the second word names the class of the first, not a drug.

        The word must end the apposition's noun phrase (a participle, a relative
        pronoun, a preposition or punctuation follows) after only modifiers;
        "X, an adalimumab biosimilar" or "X, a copy of adalimumab" name a drug.
        """
        if not appositions:
            return cores
        n = len(doc)
        by_start = {c.start: c for c in cores if c.end - c.start == 1}
        ends = {c.end - 1 for c in cores} | {self._extend_dosage(doc, c.end) - 1 for c in cores}
        drop: set[int] = set()
        for i in appositions:
            if i not in ends:
                continue
            sid = sent_ids[i]
            for j in range(i + 3, min(n, i + 11)):
                if sent_ids[j] != sid:
                    break
                word, low = doc.text_of[j], doc.lower[j]
                if j in by_start and word.islower():
                    nxt = doc.lower[j + 1] if j + 1 < n and sent_ids[j + 1] == sid else "."
                    if (
                        nxt in self.apposition_stops
                        or not nxt[:1].isalnum()
                        or (nxt.endswith("ed") and nxt.isalpha())
                    ):
                        drop.add(j)
                    break
                if word == "-" or (
                    word.isalpha() and word.islower() and low not in self.apposition_stops
                ):
                    continue
                break
        return [c for c in cores if c.start not in drop or c.end - c.start != 1]

    def _appositive_names(
        self,
        doc: TokenTable,
        sent_ids: list[int],
        appositions: list[int],
        core_tokens: AbstractSet[int] = frozenset(),
    ) -> list[_Cand]:
        """Unknown names defined by their class: "including Baiyuning, a rapid-acting
        insulin analogue approved in 2022".

        A lone Title-case word inside a sentence (not its first word, not part of
        a longer capitalised name, not after a determiner) followed by ", a/an"
        and a noun phrase whose head is a drug class is a product name. The
        phrase is read strictly (it ends at a comma or an "-ing" verb), because
        firms and people are introduced the same way ("Akeso, an antibody
        developer").
        """
        out: list[_Cand] = []
        for i in appositions:
            word = doc.text_of[i]
            if not (len(word) >= 4 and word.isalpha() and word.istitle()):
                continue
            low = doc.lower[i]
            if i == 0 or sent_ids[i - 1] != sent_ids[i]:
                # First word of a sentence: "Meanwhile, a vaccine ..." opens with
                # an adverb, "Xinfu, a vaccine ..." with a name.
                if low.endswith("ly") or low in self.sentence_openers:
                    continue
            else:
                prev = doc.text_of[i - 1]
                if prev[:1].isupper() or prev in {"'s", "’s"}:
                    continue
                if doc.lower[i - 1] in self.determiners:
                    continue
            if low in self.inn_not or low in self.company_words or low in self.pathogens:
                continue
            if low in self.not_drug_names:
                continue
            if self._class_phrase(doc, sent_ids, i + 3, core_tokens):
                out.append(_Cand(i, i + 1, "brand", _PRIO["brand"]))
        return out

    def _named_after_class(self, doc: _Table, sent_ids: list[int]) -> list[_Cand]:
        """A name in apposition after a drug-class noun phrase: "a PD-1 antibody,
        Xyzza, was approved", "an imported rival, Xyzza, holds approval".

        The phrase opens with a determiner and ends, right before the comma, in a
        drug noun, or in a "rival"-like noun after a word that only a product takes
        ("imported", "generic"); a firm ("a domestic rival, Hengrui,") gets
        neither. The name is one Title-case word closed by another comma, and no
        known organisation or place.
        """
        out: list[_Cand] = []
        text_of, lower = doc.text_of, doc.lower
        n = len(doc.idx)
        for c in doc.positions(_COMMA):
            b = c + 1
            if c < 2 or b + 1 >= n or text_of[b + 1] != ",":
                continue
            word = text_of[b]
            if not (len(word) >= 4 and word.isalpha() and word.istitle()):
                continue
            h = c - 1
            head = lower[h]
            if not (
                head in self.apposition_heads
                or (head in self.rival_heads and lower[h - 1] in self.rival_qualifiers)
            ):
                continue
            sid = sent_ids[c]
            if sent_ids[b] != sid or not self._determiner_opens(doc, sent_ids, h):
                continue
            low = lower[b]
            if (
                low in self.inn_not
                or low in self.company_words
                or low in self.pathogens
                or low in self.run_stop
                or low in self.sentence_openers
                or low in self.not_drug_names
                or not self._is_namey(doc, b)
            ):
                continue
            out.append(_Cand(b, b + 1, "brand", _PRIO["brand"]))
        return out

    def _determiner_opens(self, doc: TokenTable, sent_ids: list[int], h: int) -> bool:
        """Whether a determiner opens, a few modifiers before it, the noun phrase
        whose head is token ``h`` ("an imported rival", "its PD-1 antibody")."""
        sid = sent_ids[h]
        for j in range(h - 1, max(-1, h - 7), -1):
            if sent_ids[j] != sid:
                return False
            low = doc.lower[j]
            if low in self.determiners:
                return low not in {"which", "what", "whose", "no", "each", "every", "any"}
            word = doc.text_of[j]
            if low in self.apposition_stops or not (word == "-" or any(c.isalnum() for c in word)):
                return False
        return False

    def _class_phrase(
        self,
        doc: TokenTable,
        sent_ids: list[int],
        k: int,
        core_tokens: AbstractSet[int] = frozenset(),
    ) -> bool:
        """Whether the noun phrase from token ``k`` ends in a drug-class noun, read
        strictly: "a rapid-acting insulin analogue approved in 2022" does, "an
        antibody developer, said its drug" and "a vaccine and drug company" do not.

        The phrase ends at punctuation (a hyphen joins a compound), a stop word,
        an "-ing" verb, or an "-ed"/"-ly" word right after a class noun (before
        one it is a modifier: "a newly approved drug"); what decides is whether
        its last word is a class noun ("and" does not end it).
        """
        sid = sent_ids[k - 1]
        n = len(doc.idx)
        last_head = False
        words = 0
        # Ten words at most; a hyphenated compound ("DTaP-IPV-Hib-HepB") is one.
        for i in range(k, min(n, k + 20)):
            if sent_ids[i] != sid:
                return last_head
            word, low = doc.text_of[i], doc.lower[i]
            if word == "-" or (i > k and doc.text_of[i - 1] == "-"):
                continue  # "rapid-acting", "once-weekly": one modifier
            words += 1
            if words > 10:
                return False
            if low in self.of_heads and i + 1 < n and doc.lower[i + 1] in {"of", "to"}:
                # "a copy of the antibody zorvesumab": a version of a drug is one.
                return self._of_drug(doc, sent_ids, i + 2, core_tokens)
            if low in self.apposition_heads or (
                low in self.qualified_heads and i > k and doc.lower[i - 1] in self.head_qualifiers
            ):
                last_head = True
                continue
            if low in {"and", "or", "&"}:
                continue
            if low in self.head_qualifiers:
                last_head = False  # "imaging" of "imaging agent" is no verb
                continue
            if low.endswith(("ed", "ly")) and word.isalpha():
                if last_head:
                    return True  # "an analogue approved in 2022"
                continue  # "a newly approved drug"
            if not any(c.isalnum() for c in word) or low in self.apposition_stops:
                return last_head
            if low.endswith("ing"):
                return last_head
            last_head = False  # another noun: "a drug developer", or "GLP-1" before its head
        return False

    def _of_drug(
        self, doc: TokenTable, sent_ids: list[int], k: int, core_tokens: AbstractSet[int]
    ) -> bool:
        """Whether the phrase from token ``k`` (after "a copy of") names a drug: it
        holds a drug found by its stem or the gazetteer, or ends in a class noun."""
        n = len(doc.idx)
        if k >= n or sent_ids[k] != sent_ids[k - 1]:
            return False
        for i in range(k, min(n, k + 8)):
            word = doc.text_of[i]
            if i in core_tokens:
                return True
            if sent_ids[i] != sent_ids[k] or not (word == "-" or any(c.isalnum() for c in word)):
                break
        j = k + 1 if doc.lower[k] in self.determiners else k
        return j < n and self._class_phrase(doc, sent_ids, j, core_tokens)

    def _insulins(self, doc: _Table) -> list[_Cand]:
        """Insulin INNs, written as two words: "insulin ferodec", "Insulin Tregopil".

        WHO names an insulin analogue "insulin" plus one word of no common stem,
        so the second word is taken when it is no English word the news puts
        after "insulin" ("insulin analogue", "insulin resistance", "insulin
        market"): not in the stop lists, and without an English ending. A
        following "alfa" joins as for other INNs.
        """
        out: list[_Cand] = []
        n = len(doc.idx)
        for i in doc.positions(_INSULIN):
            if i + 1 >= n:
                continue
            word = doc.text_of[i + 1]
            second = doc.lower[i + 1]
            shape_ok = word.islower() or (word.istitle() and doc.text_of[i].istitle())
            if not (shape_ok and word.isalpha() and word.isascii() and len(word) >= 5):
                continue
            if second in self.insulin_not or second.endswith(self.inn_bad_suffixes):
                continue
            end = i + 2
            if end < n and doc.lower[end] in self.stems.second_words:
                end += 1
            out.append(_Cand(i, end, "inn", _PRIO["inn"]))
        return out

    def _is_namey(self, doc: TokenTable, i: int) -> bool:
        """Whether token ``i`` could be a name: capitalised, no stop word, not the
        first word of a firm's name, with a letter, and no initial ("S.")."""
        t = doc.text_of[i]
        if not t[:1].isupper() or doc.lower[i] in self.brand_stop:
            return False
        if self._before_company_word(doc, i + 1):
            return False
        return any(c.isalpha() for c in t) and not _INITIAL.match(t)

    def _brands(self, doc: _Table, cores: list[_Cand], sent_ids: list[int]) -> list[_Cand]:
        """Brand names not in the gazetteer, recognised by how news introduces them.

        Each rule looks only at the tokens its trigger picks out (a trademark
        sign, a drug in brackets, a drug noun, "vaccine ,", a brand cue word), and
        reads token strings from the table rather than making Token objects.
        """
        out = self._trademarked(doc, sent_ids)
        out += self._bracketed_brands(doc, cores)
        out += self._after_drug_noun(doc)
        out += self._vaccine_apposition(doc)
        out += self._after_brand_cue(doc)
        out += self._class_examples(doc, sent_ids)
        return out

    def _class_examples(self, doc: _Table, sent_ids: list[int]) -> list[_Cand]:
        """Names given as examples of a plural drug class: "imported PD-1 inhibitors
        such as Xyzza", "GLP-1 drugs like Xyzza, Qorva and Lentra".

        The class noun (``class_list_heads``, lower case) comes right before the
        cue ("such as", "including", "like"), a comma between allowed; "companies
        such as", "markets such as" have no class noun. The list that follows is
        read item by item, one word each, joined by commas, "and", "or": a
        Title-case word is a name when it is no known firm, place or class word
        and no other capitalised word, "'s" or number follows it; a lower-case item
        (an INN other rules find) is passed over. A name after a passed-over item
        and a comma must end the list ("such as surgery, Smith said" is no list).
        """
        out: list[_Cand] = []
        text_of, lower = doc.text_of, doc.lower
        n = len(doc.idx)
        for i in doc.positions(self.list_cue_first):
            b = next(
                (i + len(cue) for cue in self.list_cues if tuple(lower[i : i + len(cue)]) == cue),
                None,
            )
            h = i - 1 if i == 0 or text_of[i - 1] != "," else i - 2
            if b is None or b >= n or h < 0 or lower[h] not in self.list_heads:
                continue
            sid = sent_ids[i]
            if sent_ids[h] != sid or not text_of[h].islower() or self._of_other(doc, h):
                continue
            j = b
            while j < n and sent_ids[j] == sid:
                word = text_of[j]
                follow = lower[j + 1] if j + 1 < n else "."
                ends = not any(c.isalnum() for c in follow) or follow in {"and", "or"}
                if word.isalpha() and word.islower():
                    if not ends:
                        break  # a lower-case item is one word, then the list goes on
                elif self._example_name(doc, j):
                    nxt = text_of[j + 1] if j + 1 < n else ""
                    if nxt[:1].isupper() or nxt[:1].isdigit() or nxt == "'s":
                        break  # "such as Hengrui Medicine", "Xyzza's", "Xyzza 10"
                    if not (ends or j == b or lower[j - 1] in {"and", "or"}):
                        break
                    out.append(_Cand(j, j + 1, "brand", _PRIO["brand"]))
                else:
                    break
                k = j + 1
                if k < n and text_of[k] == ",":
                    k += 1
                if k < n and lower[k] in {"and", "or"}:
                    k += 1
                if k == j + 1:
                    break
                j = k
        return out

    def _of_other(self, doc: TokenTable, h: int) -> bool:
        """Whether the class noun at ``h`` is the object of "of" after a word that
        is no quantity or kind: "makers of PD-1 drugs" (the list names makers),
        not "a range of PD-1 drugs"."""
        lower = doc.lower
        for k in range(h - 1, max(0, h - 4), -1):
            if lower[k] == "of":
                return lower[k - 1] not in self.list_of_words
            word = doc.text_of[k]
            if word != "-" and not any(c.isalnum() for c in word):
                return False
        return False

    def _example_name(self, doc: TokenTable, j: int) -> bool:
        """Whether token ``j`` can be a brand named as an example of a class."""
        word, low = doc.text_of[j], doc.lower[j]
        return (
            len(word) >= 4
            and word.isalpha()
            and word[0].isupper()
            and not word.isupper()
            and low not in self.inn_not
            and low not in self.company_words
            and low not in self.pathogens
            and low not in self.run_stop
            and low not in self.sentence_openers
            and low not in self.not_drug_names
            and self._is_namey(doc, j)
        )

    def _trademarked(self, doc: TokenTable, sent_ids: list[int]) -> list[_Cand]:
        """Marked with (R) or TM: "Tyvyt®", "Prevnar 13®"."""
        out: list[_Cand] = []
        text = doc.text
        if "®" not in text and "™" not in text:
            return out
        text_of, lower = doc.text_of, doc.lower
        n = len(doc.idx)
        for i in _positions(text_of, _TRADEMARKS):
            if i == 0:
                continue
            j = i - 1
            if _space_after(doc, j):
                continue
            if i + 1 < n and lower[i + 1] in self.brand_after:
                continue
            # A trademark is a drug only where the sentence is about drugs, or
            # when the drug's INN follows in brackets ("Tyvyt® (sintilimab)").
            nxt = text_of[i + 1] if i + 1 < n else ""
            if nxt != "(":
                sid = sent_ids[i]
                about_drugs = any(
                    lower[k] in self.context_words
                    for k in range(max(0, j - 40), min(n, i + 40))
                    if sent_ids[k] == sid
                )
                word = text_of[j]
                if not about_drugs or (word.isupper() and len(word) <= 5):
                    continue  # "IGN®", "DICOM®": short capitals are names of firms and standards
            if doc[j].like_num and j > 0 and self._is_namey(doc, j - 1):
                out.append(_Cand(j - 1, j + 1, "brand", _PRIO["brand"]))
            elif self._is_namey(doc, j):
                out.append(_Cand(j, j + 1, "brand", _PRIO["brand"]))
        return out

    def _bracketed_brands(self, doc: _Table, cores: list[_Cand]) -> list[_Cand]:
        """A capitalised word right before a drug in brackets, or in brackets after one,
        or the name an alias cue gives it ("Pelmora, also known as PLM-104")."""
        out: list[_Cand] = []
        text_of = doc.text_of
        n = len(doc.idx)
        for c in cores:
            if c.kind not in {"gaz", "inn", "code"}:
                continue
            end = self._extend_dosage(doc, c.end)
            if c.start >= 2 and text_of[c.start - 1] == "(" and end < n and text_of[end] == ")":
                j = c.start - 2
                if text_of[j] in _TRADEMARKS and j > 0:
                    j -= 1
                if self._is_namey(doc, j) and text_of[j].isalpha():
                    out.append(_Cand(j, j + 1, "brand", _PRIO["brand"]))
            if end + 2 < n and text_of[end] == "(" and text_of[end + 2] == ")":
                b = end + 1
                word = text_of[b]
                shape_ok = word.istitle() or (word.isupper() and len(word) >= 6)
                if shape_ok and word.isalpha() and self._is_namey(doc, b):
                    out.append(_Cand(b, b + 1, "brand", _PRIO["brand"]))
            j = self._name_before_alias_cue(doc, c.start)
            if j is not None:
                out.append(_Cand(j, j + 1, "brand", _PRIO["brand"]))
        return out

    def _after_drug_noun(self, doc: _Table) -> list[_Cand]:
        """A drug noun right before an unknown name: "the weight-loss drug Xyzza"."""
        out: list[_Cand] = []
        text_of, lower = doc.text_of, doc.lower
        n = len(doc.idx)
        for i in doc.positions(self.drug_nouns):
            if not (1 <= i < n - 1) or not text_of[i].islower():
                continue
            b = i + 1
            word = text_of[b]
            nxt = text_of[b + 1] if b + 1 < n else None
            if (
                word.isalpha()
                and len(word) >= 4
                and word[0].isupper()
                and not word.isupper()
                and self._is_namey(doc, b)
                and lower[b] not in self.run_stop
                and (nxt is None or not (nxt[:1].isupper() or nxt == "'s"))
                and (nxt is None or lower[b + 1] not in self.not_brand_followers)
            ):
                out.append(_Cand(b, b + 1, "brand", _PRIO["brand"]))
        return out

    def _vaccine_apposition(self, doc: _Table) -> list[_Cand]:
        """A name in apposition to a valent vaccine: "its 9-valent HPV vaccine, Zervacin 9, was"."""
        out: list[_Cand] = []
        text_of, lower = doc.text_of, doc.lower
        n = len(doc.idx)
        for i in doc.positions(_ONE_VACCINE):
            if i >= n - 3 or text_of[i + 1] != ",":
                continue
            if not any("valent" in w for w in lower[max(0, i - 5) : i]):
                continue
            b = i + 2
            e = b + 1
            if e < n and doc[e].like_num:
                e += 1
            if (
                text_of[b].isalpha()
                and self._is_namey(doc, b)
                and e < n
                and text_of[e] in {",", "."}
            ):
                out.append(_Cand(b, e, "brand", _PRIO["brand"]))
        return out

    def _after_brand_cue(self, doc: _Table) -> list[_Cand]:
        """A name after a brand cue: "marketed as X", "under the brand name X".

        The cue regex is tried only before tokens that have one of its key words
        (``brand_intro_keywords_regex``) in the 60 characters before them; every
        cue contains one, so the rest could never match.
        """
        text, idx, text_of = doc.text, doc.idx, doc.text_of
        near: set[int] = set()
        for start in doc.keyword_starts(self.brand_keywords):
            # Tokens whose 60-character look-back window holds the key word.
            lo = bisect_right(idx, start)
            hi = bisect_right(idx, start + 60)
            near.update(range(max(lo, 1), hi))
        out: list[_Cand] = []
        for i in sorted(near):
            if (
                self._is_namey(doc, i)
                and text_of[i].isalpha()
                and self.brand_intro.search(text, max(0, idx[i] - 60), idx[i])
            ):
                out.append(_Cand(i, i + 1, "brand", _PRIO["brand"]))
        return out

    def _name_before_alias_cue(self, doc: _Table, start: int) -> int | None:
        """The Title-case word an alias cue gives another name for: "Pelmora" in
        "Pelmora, also known as PLM-104", when that drug starts at token ``start``.

        The cue regex runs only where one of its key words is in its window.
        """
        if start < 3:
            return None
        text = doc.text
        pos = doc.idx[start]
        if not _any_between(doc.keyword_starts(self.alias_keywords), max(0, pos - 40), pos):
            return None
        cue = self.alias_intro.search(text, max(0, pos - 40), pos)
        if cue is None:
            return None
        j = bisect_left(doc.idx, cue.start()) - 1
        while j >= 0 and doc.text_of[j] in {",", "("}:
            j -= 1
        if j < 0 or not _BEFORE_CUE.fullmatch(text, doc.idx[j] + len(doc.text_of[j]), cue.start()):
            return None
        word = doc.text_of[j]
        low = doc.lower[j]
        if low.endswith("ly") or low in self.sentence_openers:
            return None  # "Internally designated X, ...": an adverb, no name
        if word.istitle() and word.isalpha() and len(word) >= 4 and self._is_namey(doc, j):
            return j
        return None

    def _extend_dosage(self, doc: TokenTable, end: int) -> int:
        """End of the dosage-form phrase that follows a name ending at ``end``.

        Only the forms that start with the word at ``end`` are compared, in the
        order of ``self.dosage`` (longest first), so the first match is the one
        a scan of every form would find.
        """
        if end >= len(doc.idx):
            return end
        forms = self.dosage_by_first.get(doc.lower[end])
        if forms is None:
            return end
        for form in forms:
            n = len(form)
            if end + n <= len(doc.idx) and tuple(doc.lower[end : end + n]) == form:
                return end + n
        return end

    def _title_form_ending_at(self, doc: TokenTable, last: int) -> int | None:
        """Start of the longest of ``title_forms`` ending with token ``last``.

        Only the forms that end with the word at ``last`` are compared, in the
        order of ``title_forms``; a word that ends no dosage form ends no title form.
        """
        low = doc.lower[last]
        if low not in self.dosage_last:
            return None
        for form in self.title_by_last.get(low, ()):
            n = len(form)
            s = last - n + 1
            if s >= 0 and tuple(doc.lower[s : last + 1]) == form:
                return s
        return None

    def _is_headline(self, doc: TokenTable, sent_ids: list[int], i: int) -> bool:
        lo, hi = i, i
        while lo > 0 and sent_ids[lo - 1] == sent_ids[i]:
            lo -= 1
        while hi + 1 < len(doc.idx) and sent_ids[hi + 1] == sent_ids[i]:
            hi += 1
        sent = [t for t in doc[lo : hi + 1] if not t.is_space]
        words = [t for t in sent if t.is_alpha]
        if len(words) < self.headline_min:
            return False
        ends = [t.text for t in sent if not t.is_quote and t.text not in {")", "]"}]
        if ends and ends[-1] in {".", "!", "?"}:
            return False  # headlines carry no full stop
        upper = sum(1 for t in words if t.text[0].isupper() or t.lower_ in self.run_stop)
        titled = sum(1 for t in words if t.text[0].isupper())
        return titled >= 3 and upper / len(words) >= self.headline_ratio

    def _run_start(self, doc: TokenTable, i: int, sent_ids: list[int], *, vaccine: bool) -> int:
        """Leftmost token of the Title-case name run that ends just before token ``i``."""
        sid = sent_ids[i]
        j = i - 1
        start = i
        while j >= 0 and sent_ids[j] == sid:
            t = doc[j]
            low = t.lower_
            if t.text in {"-", "/"} and not t.whitespace_ and j > 0 and not doc[j - 1].whitespace_:
                j -= 1
                continue
            if t.text == "'s" or t.text == "’s":
                if j > 0 and (doc[j - 1].lower_ + t.lower_) in self.possessive_ok:
                    start = j - 1
                    j -= 2
                    continue
                break
            if vaccine and t.is_lower and t.is_alpha and j > 0 and _INITIAL.match(doc[j - 1].text):
                start = j - 1
                j -= 2
                # "S. flexneri and S. sonnei": an "and" between two binomials.
                if (
                    j >= 2
                    and doc[j].lower_ in {"and", "&", ","}
                    and doc[j - 1].is_lower
                    and _INITIAL.match(doc[j - 2].text)
                ):
                    j -= 1
                continue
            if low in self.run_stop and not (vaccine and low in self.vaccine_strong):
                break
            if t.like_num or (t.text[:1].isupper() and any(c.isalpha() for c in t.text)):
                if t.text.endswith(".") and len(t.text) > 2:
                    break
                start = j
                j -= 1
                continue
            break
        # A leading hyphen or slash never starts a name.
        while start < i and doc[start].text in {"-", "/"}:
            start += 1
        return start

    def _paren_tail(self, doc: TokenTable, end: int) -> int:
        """Include "(Pichia Pastoris)" / "(Vero Cell)" / "(Hansenula polymorpha)" after a product name."""
        if end < len(doc.idx) and doc[end].text == "(":
            k = end + 1
            while k < len(doc.idx) and k - end <= 5 and doc[k].text != ")":
                k += 1
            inner = doc[end + 1 : k]
            if (
                k < len(doc.idx)
                and doc[k].text == ")"
                and len(inner) > 0
                and (
                    all(t.text[:1].isupper() or t.like_num for t in inner if t.is_alpha)
                    or self._is_binomial(inner)
                )
                and inner[0].text[:1].isupper()
                and not any(t.text in {",", ";"} for t in inner)
                and not (len(inner) == 1 and inner[0].is_upper)
            ):
                return k + 1
        return end

    def _is_binomial(self, inner: Sequence[Token]) -> bool:
        """A Latin species name, the expression system of a vaccine: "Hansenula polymorpha".

        The species word is lower case, unlike the rest of a Title-case product
        name, so the genus must be a capitalised word (or "E.") and the species a
        lone lower-case word that is no English function word.
        """
        if len(inner) != 2:
            return False
        genus, species = inner
        return (
            ((genus.is_title and genus.is_alpha) or bool(_INITIAL.match(genus.text)))
            and species.is_lower
            and species.is_alpha
            and len(species) >= 3
            and species.lower_ not in self.run_stop
            and species.lower_ not in self.brand_stop
        )

    def _vaccines(self, doc: _Table, sent_ids: list[int]) -> list[_Cand]:
        """Named vaccines: a Title-case name with a valency, conjugate, recombinant or
        pathogen word, or a lower-case one with a stated valency."""
        out: list[_Cand] = []
        for i in doc.positions(_VACCINE):
            tok = doc[i]
            if tok.text[0].isupper():
                s = self._run_start(doc, i, sent_ids, vaccine=True)
                if s == i:
                    continue
                end = self._paren_tail(doc, i + 1)
                run = doc[s:end]
                lows = [t.lower_ for t in run]
                joined = "".join(t.text_with_ws for t in run).lower()
                valent = bool(re.search(r"valent\b", joined))
                strong = valent or any(w in self.vaccine_strong for w in lows) or end > i + 1
                names = [t for t in doc[s:i] if t.is_alpha]
                proper = any(w in self.pathogens for w in lows) and len(names) + 1 >= (
                    self.vaccine_min
                )
                # "COVID-19 Vaccine Injury Compensation Program": the name goes on.
                goes_on = end < len(doc.idx) and doc[end].is_title and doc[end].is_alpha
                if strong or (proper and not goes_on):
                    out.append(_Cand(s, end, "vaccine", _PRIO["vaccine"]))
                continue
            # Lower case: only a stated valency makes it specific ("five-valent
            # rotavirus vaccine"); "influenza vaccines" is a class.
            j = i - 1
            start: int | None = None
            sid = sent_ids[i]
            glued = 0  # tokens of antigen strings and bracketed abbreviations
            while j >= 0 and i - j - glued <= 7 and sent_ids[j] == sid:
                t = doc[j]
                if t.is_upper and self.serogroup_rx.match(t.text):
                    start = j  # "ACYW135 meningococcal polysaccharide vaccine"
                    j -= 1
                    continue
                if t.text == ")" and j >= 2 and doc[j - 2].text == "(" and doc[j - 1].is_upper:
                    j -= 3  # "bivalent human papillomavirus (HPV) vaccine"
                    glued += 3
                    continue
                if (
                    _ANTIGEN_PART.match(t.text) or t.text in _CHAIN_JOINS
                ) and self._in_antigen_chain(doc, j):
                    j -= 1  # "pentavalent DTP-HepB-Hib vaccine", "DTaP-IPV/Hib"
                    glued += 1
                    continue
                if self.valency_rx.match(t.text) or t.lower_ == "valent":
                    k = j
                    if t.lower_ == "valent" and j >= 2 and doc[j - 1].text == "-":
                        k = j - 2
                    start = k
                    j = k - 1
                    continue
                if (
                    t.text == "-"
                    or t.is_lower
                    or t.is_upper
                    or t.like_num
                    or t.lower_ in self.vaccine_platforms  # "quadrivalent mRNA influenza vaccine"
                ):
                    if t.lower_ in self.run_stop or (t.is_punct and t.text != "-"):
                        break
                    j -= 1
                    continue
                break
            if start is not None:
                out.append(_Cand(start, i + 1, "vaccine", _PRIO["vaccine"]))
        return out

    @staticmethod
    def _in_antigen_chain(doc: _Table, j: int) -> bool:
        """Whether token ``j`` is glued by a hyphen or slash to a neighbour: a part
        of a combination antigen string ("DTaP-IPV-Hib", "DTaP-IPV/Hib")."""
        text_of = doc.text_of
        if text_of[j] in _CHAIN_JOINS:
            return j >= 1 and not _space_after(doc, j - 1) and not _space_after(doc, j)
        if j + 1 < len(text_of) and text_of[j + 1] in _CHAIN_JOINS and not _space_after(doc, j):
            return True
        return j >= 1 and text_of[j - 1] in _CHAIN_JOINS and not _space_after(doc, j - 1)

    def _products(self, doc: _Table, sent_ids: list[int], cores: list[_Cand]) -> list[_Cand]:
        """Title-case product names ending in a dosage form: "Children's Xiaochaihu Granules"."""
        out: list[_Cand] = []
        text_of = doc.text_of
        n = len(doc.idx)
        core_tokens: set[int] | None = None  # built for the first run that needs it
        # Token.is_title and Token.is_alpha are str.istitle() and str.isalpha()
        # of the token's text: the strings of the table answer without Tokens.
        for i in doc.positions(self.dosage_last):  # elsewhere _dosage_ending_at finds no form
            if not text_of[i].istitle():
                continue
            s_form = self._title_form_ending_at(doc, i)
            if s_form is None or not all(w.istitle() or not w.isalpha() for w in text_of[s_form:i]):
                continue
            if i + 1 < n and text_of[i + 1].istitle():
                continue  # "Injection Molding Machine": the form word does not end the name
            s = self._run_start(doc, s_form, sent_ids, vaccine=False)
            if s == s_form:
                continue
            if core_tokens is None:
                core_tokens = {k for c in cores for k in range(c.start, c.end)}
            if not any(k in core_tokens for k in range(s, s_form)) and self._is_headline(
                doc, sent_ids, i
            ):
                continue
            out.append(_Cand(s, i + 1, "product", _PRIO["product"]))
        return out

    def _trial_objects(self, doc: _Table, sent_ids: list[int]) -> list[_Cand]:
        """What a trial tests: "a Phase 3 trial for NeuVax", "a trial of Folate Binding Protein-E39".

        Only names shaped like products are taken (an inner capital, or a
        Title-case run ending in a code), so "a trial for Parkinson's disease" or
        "a study of Chinese patients" stay out.
        """
        out: list[_Cand] = []
        n = len(doc.idx)
        for i in doc.positions(self.trial_words):
            if i + 2 >= n:
                continue
            if doc.lower[i + 1] not in self.trial_preps:
                continue
            tok = doc[i]
            s = tok.i + 2
            e = s
            while e < n and e - s < 6 and sent_ids[e] == sent_ids[s]:
                t = doc[e]
                glued = t.text in {"-", "/"} and not t.whitespace_ and not doc[e - 1].whitespace_
                if glued or (t.text[:1].isupper() and not t.is_punct):
                    e += 1
                    continue
                break
            while e > s and doc[e - 1].text in {"-", "/"}:
                e -= 1
            if e == s:
                continue
            run = doc[s:e]
            lows = {t.lower_ for t in run}
            after = doc[e].lower_ if e < n else ""
            if (
                lows & (self.brand_stop | self.run_stop | self.disease_words | self.pathogens)
                or after in {"'s", "’s"} | self.disease_words
            ):
                continue
            # "a Trial of Oral NLRP3 Inhibitor LXT-0457": a Title-case description
            # (route, target, class noun) before a code is not part of its name.
            heads = [k for k in range(s, e - 1) if doc.lower[k] in self.code_intro]
            if heads and any(c.isdigit() for c in run[-1].text):
                s = heads[-1] + 1
                run = doc[s:e]
                if len(run) == 1:
                    out.append(_Cand(s, e, "camel", _PRIO["camel"]))
                    continue
            camel = len(run) == 1 and bool(_CAMEL.match(doc.span_text(s, e)))
            coded = len(run) >= 2 and any(c.isdigit() for c in run[-1].text)
            if (camel or coded) and not self._before_company_word(doc, e):
                out.append(_Cand(s, e, "camel", _PRIO["camel"]))
        return out

    def _acronyms(self, doc: TokenTable, cands: list[_Cand]) -> list[_Cand]:
        """An acronym in brackets made of the initials: "Folate Binding Protein-E39 (FBP)"."""
        out: list[_Cand] = []
        text_of = doc.text_of
        n = len(doc.idx)
        for c in cands:
            e = c.end
            if e + 2 < n and text_of[e] == "(" and text_of[e + 2] == ")":
                acr = text_of[e + 1]
                if not (acr.isupper() and acr.isalpha() and 2 <= len(acr) <= 6):
                    continue
                # Token.is_alpha is str.isalpha() of the token's text.
                words = text_of[c.start : c.end]
                initials = "".join(w[0] for w in words if w.isalpha()).upper()
                if len(initials) >= 2 and initials.startswith(acr):
                    out.append(_Cand(e + 1, e + 2, "acronym", _PRIO["acronym"]))
        return out

    def _paren_codes(self, doc: TokenTable, cands: list[_Cand]) -> list[_Cand]:
        """Short code names accepted only beside a drug: "disitamab vedotin (RC48)"."""
        out: list[_Cand] = []
        n = len(doc.idx)
        for c in cands:
            e = self._extend_dosage(doc, c.end)
            if e + 2 >= n or doc.text_of[e] != "(":
                continue
            # The code may be several tokens written together: "(XGH-A3)".
            k = e + 2
            while k < min(n, e + 5) and doc.text_of[k] != ")" and not _space_after(doc, k - 1):
                k += 1
            closed = k < n and doc.text_of[k] == ")" and not _space_after(doc, k - 1)
            if closed and self.code_paren_rx.match(doc.span_text(e + 1, k)):
                out.append(_Cand(e + 1, k, "code", _PRIO["code"]))
        return out

    def _combos(self, doc: TokenTable, cands: list[_Cand]) -> list[_Cand]:
        """Two drugs joined by a bare slash are one product: "Insulin Degludec/Insulin Aspart"."""
        by_start = {c.start: c for c in cands if c.kind in _CORE}
        out: list[_Cand] = []
        text_of = doc.text_of
        n = len(doc.idx)
        for a in cands:
            if a.kind not in _CORE or a.end >= n or text_of[a.end] != "/":
                continue
            if _space_after(doc, a.end - 1) or _space_after(doc, a.end):
                continue
            b = by_start.get(a.end + 1)
            if b is not None:
                out.append(_Cand(a.start, b.end, "combo", _PRIO["combo"]))
        return out

    def _propagate(self, doc: TokenTable, cands: list[_Cand]) -> list[_Cand]:
        """Later mentions of a brand, code, acronym or INN found once by its context
        ("tovanistat, an oral inhibitor" defines the word for the whole article)."""
        forms = {
            doc.span_text(c.start, c.end): c.kind
            for c in cands
            if c.kind in {"brand", "acronym", "code", "camel", "inn"} and c.end - c.start == 1
        }
        return [
            _Cand(i, i + 1, forms[doc.text_of[i]], _PRIO[forms[doc.text_of[i]]])
            for i in _positions(doc.text_of, forms)
        ]

    def _propagate_products(self, doc: TokenTable, products: list[_Cand]) -> list[_Cand]:
        """The one-word name alone: "Mizorb" after "Mizorb Monoclonal Antibody Injection"."""
        names: set[str] = set()
        for c in products:
            s_form = self._title_form_ending_at(doc, c.end - 1)
            if s_form is not None and s_form - c.start == 1 and doc[c.start].is_alpha:
                names.add(doc[c.start].text)
        return [
            _Cand(i, i + 1, "brand", _PRIO["brand"])
            for i in _positions(doc.text_of, names)
            if not self._before_company_word(doc, i + 1)
        ]

    # -- putting them together ------------------------------------------

    def find(self, spacy_doc: Doc) -> list[Span]:
        doc = _Table(spacy_doc, self.trigger_words)
        sent_ids = doc.sent_ids
        inns = self._not_names(doc, self._inns(doc))
        appositions = self._appositions(doc)
        cores = self._gazetteer(doc) + inns + self._appositive_inns(doc, sent_ids, appositions)
        cores = self._apposed_classes(doc, sent_ids, appositions, cores)
        core_tokens = {k for c in cores for k in range(c.start, c.end)}
        cores += self._insulins(doc) + self._appositive_names(
            doc, sent_ids, appositions, core_tokens
        )
        cores += self._named_after_class(doc, sent_ids)
        cores += self._codes(doc, sent_ids, cores)
        cores += self._radionuclide_codes(doc)
        cores += self._trial_objects(doc, sent_ids)
        cands = cores + self._brands(doc, cores, sent_ids)
        cands += self._paren_codes(doc, cands)
        cands += self._propagate(doc, cands)
        extended: list[_Cand] = []
        for c in cands:
            e = self._extend_dosage(doc, c.end)
            if e > c.end:
                extended.append(_Cand(c.start, e, c.kind, c.prio))
        cands += extended
        cands += self._combos(doc, cands)
        cands += self._vaccines(doc, sent_ids)
        products = self._products(doc, sent_ids, cands)
        cands += products + self._propagate_products(doc, products)
        cands += self._acronyms(doc, cands)

        if not cands:
            return []
        blocked = _offsets(_ext(spacy_doc, "amounts")) + _offsets(_ext(spacy_doc, "stage_mentions"))
        taken = [False] * len(doc.idx)
        chosen: list[Span] = []
        seen: set[tuple[int, int]] = set()
        idx, text_of = doc.idx, doc.text_of
        for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.prio, c.start)):
            if (c.start, c.end) in seen or any(taken[c.start : c.end]):
                continue
            seen.add((c.start, c.end))
            # The Span's start_char and end_char, from the table.
            start_char = idx[c.start]
            end_char = idx[c.end - 1] + len(text_of[c.end - 1])
            if any(a < end_char and start_char < b for a, b in blocked):
                continue
            for k in range(c.start, c.end):
                taken[k] = True
            chosen.append(Span(spacy_doc, c.start, c.end, label=LABEL))
        return sorted(chosen, key=lambda s: s.start)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[SPAN_KEY] = self.find(doc)
        return doc


def _ext(doc: Doc, name: str) -> Any:
    return getattr(doc._, name) if Doc.has_extension(name) else None


@Language.factory("bionews_drugs")
def make_drug_finder(nlp: Language, name: str) -> DrugFinder:
    return DrugFinder(nlp)


# ---------------------------------------------------------------------------
# Merging spans into records.


@dataclass(frozen=True, slots=True)
class _Mark:
    """What the merger reads of a drug Span, read once."""

    start_char: int
    end_char: int
    text: str
    doc: Doc


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_OPEN_BETWEEN = re.compile(r"^\s*[®™]?\s*\(\s*$")
_CLOSE_AFTER = re.compile(r"^\s*\)")
# ", an inactivated" / ", a live attenuated": platform words may come before a
# description that starts at its valency ("quadrivalent influenza vaccine").
_DESCRIPTION_AFTER = re.compile(
    r",\s+(?:an?|the)\s+(?:(?:[a-z]+-)?(?:[a-z]+ed|recombinant|live|oral|(?:intra)?nasal)\s+){0,2}"
)


def _is_description(name: str) -> bool:
    """A lower-case vaccine description ("13-valent pneumococcal vaccine"), not a name."""
    return (name[:1].islower() or name[:1].isdigit()) and bool(re.search(r"\bvaccines?$", name))


_APPOSITION_END = re.compile(r"^\s*(?:[.;)]|,(?!\s*(?:and|or)\b))")


_BEFORE_CUE = re.compile(r"[\s,(]*$")


@lru_cache(maxsize=1)
def _intro_regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    p = patterns()
    return (
        re.compile(p["brand_intro_regex"]),
        re.compile(p["alias_intro_regex"]),
        re.compile(p["anaphor_np_regex"]),
    )


def _referent(
    spans: Sequence[_Mark], before: int, text: str, limit: int = 1000, np_text: str = ""
) -> int | None:
    """Index of the last drug span ending before offset ``before`` (within ``limit``
    characters): what "the drug" / "the molecule" refers back to.

    A noun phrase that names a pathogen or a valency ("its rabies vaccine")
    describes a drug with those words; an earlier drug without them is another
    product, so there is no referent. One whose head names a class ("the ADC",
    "the antibody") refers back past drugs whose own name says they are of
    another class (a naked "-mab" antibody is no ADC) to the last one that fits.
    """
    best: int | None = None
    for j, t in enumerate(spans):
        if t.end_char <= before and before - t.end_char <= limit:
            best = j
    if best is None or not np_text:
        return best
    if not _description_fits(np_text, spans[best].text):
        return None
    want = _anaphor_class(np_text)
    if want is None:
        return best
    for j in range(best, -1, -1):
        if before - spans[j].end_char > limit:
            break
        if _class_fits(want, spans[j].text):
            return j
    return None


def _anaphor_class(np_text: str) -> str | None:
    """The drug class an anaphor's head noun names ("the ADC" -> "conjugate"), if any."""
    head = np_text.rsplit(None, 1)[-1].lower()
    classes: dict[str, str] = patterns()["anaphor_class_heads"]
    return classes.get(head)


@lru_cache(maxsize=4096)
def _class_fits(want: str, name: str) -> bool:
    """Whether a drug named ``name`` may be of class ``want`` as far as its name tells.

    A code or a brand tells nothing and fits any class; an INN fits by its stem's
    modality, and a conjugate ("conjugate") only as a two-word name with a payload
    ("tesatug elvotecan"), never as a bare antibody or small molecule.
    """
    mod = _own_modality(name)
    if mod is None or mod == "other":
        return True
    if want != "conjugate":
        return mod == want
    stems = inn_stems()
    words = re.findall(r"[a-z]+", name.lower())
    return any(
        stems.second_words.get(w) == "antibody" or w.endswith(stems.second_stems) for w in words[1:]
    )


@lru_cache(maxsize=1)
def _pathogen_keys() -> frozenset[str]:
    return frozenset(drug_key(w) for w in patterns()["pathogen_words"])


def _description_fits(description: str, name: str) -> bool:
    """Whether the pathogens and valencies a description names are all in ``name``.

    "the vaccine" fits any vaccine; "its rabies vaccine" does not fit a
    20-valent pneumococcal vaccine, and "the 13-valent vaccine" does not fit a
    20-valent one.
    """
    desc_words = drug_key(description).split()
    name_words = set(drug_key(name).split())
    pathogens = _pathogen_keys()
    return all(w in name_words for w in desc_words if w in pathogens or w.endswith("valent"))


def _join_introduced_names(
    spans: Sequence[_Mark], keys: Sequence[str], text: str, uf: _Union
) -> None:
    """Join a name to the drug the text introduces it for.

    * "Pelmora, also known as PLM-104", "a 20-valent vaccine, coded QP-PCV20": an
      alias cue right after a drug name gives that drug another name;
    * "the molecule, also known as HCR-221": right after a noun phrase that
      refers back, the name belongs to the drug named last before it;
    * "marketed as X", "under the brand name X": the nearest other drug of the
      sentence, else (in "The drug, to be sold under the brand name X") the
      drug the sentence refers back to.
    """
    brand_rx, alias_rx, anaphor_rx = _intro_regexes()
    p = patterns()
    # The cue regexes run only where one of their key words is in the window.
    alias_near = keyword_offsets(text, p["alias_intro_keywords"])
    brand_near = keyword_offsets(text, p["brand_intro_keywords"])
    for i, s in enumerate(spans):
        lo = max(0, s.start_char - 60)
        cue = (
            alias_rx.search(text, lo, s.start_char)
            if _any_between(alias_near, lo, s.start_char)
            else None
        )
        if cue is not None:
            j = _alias_owner(spans, keys, i, cue.start(), text, anaphor_rx)
            if j is not None:
                uf.join(i, j)
            continue
        if not _any_between(brand_near, lo, s.start_char) or not brand_rx.search(
            text, lo, s.start_char
        ):
            continue
        s0, s1 = _sentence_window(text, s.start_char, s.end_char)
        near = [
            (abs(t.start_char - s.start_char), j)
            for j, t in enumerate(spans)
            if j != i and keys[j] != keys[i] and s0 <= t.start_char < s1
        ]
        if near:
            uf.join(i, min(near)[1])
            continue
        np_m = anaphor_rx.search(text, s0, s.start_char) or _pronoun_rx().search(
            text, s0, s.start_char
        )
        if np_m is not None:
            j = _referent(spans, np_m.start(), text, np_text=np_m.group(0))
            if j is not None and keys[j] != keys[i]:
                uf.join(i, j)


@lru_cache(maxsize=1)
def _apposition_gap() -> re.Pattern[str]:
    return re.compile(patterns()["alias_apposition_gap_regex"])


@lru_cache(maxsize=1)
def _participle_gap() -> re.Pattern[str]:
    return re.compile(patterns()["alias_participle_gap_regex"])


@lru_cache(maxsize=1)
def _pronoun_rx() -> re.Pattern[str]:
    return re.compile(patterns()["pronoun_referent_regex"])


def _alias_owner(
    spans: Sequence[_Mark],
    keys: Sequence[str],
    i: int,
    cue_start: int,
    text: str,
    anaphor_rx: re.Pattern[str],
) -> int | None:
    """The drug whose other name span ``i`` is, given the alias cue before it."""
    for j in range(i - 1, -1, -1):
        t = spans[j]
        if t.end_char <= cue_start:
            # "Pelmora, also known as PLM-104"; "Pelmora, an oral inhibitor coded
            # PLM-104"; "Pelmora, developed by Xyz under the code PLM-104": the
            # cue names the drug its apposition describes.
            if keys[j] != keys[i] and (
                _BEFORE_CUE.fullmatch(text, t.end_char, cue_start)
                or _apposition_gap().fullmatch(text, t.end_char, cue_start)
                or _participle_gap().fullmatch(text, t.end_char, cue_start)
            ):
                return j
            break
    s0, _ = _sentence_window(text, cue_start, cue_start)
    for np_m in anaphor_rx.finditer(text, s0, cue_start):
        if _BEFORE_CUE.fullmatch(text, np_m.end(), cue_start):
            j = _referent(spans, np_m.start(), text, np_text=np_m.group(0))
            if j is not None and keys[j] != keys[i]:
                return j
    return _owner_named_after(spans, keys, i, cue_start, text, anaphor_rx)


_COMMA_GAP = re.compile(r"\s*,\s*")
# What may stand before an alias cue that opens a sentence: nothing, or one
# participle ("Developed under the code name X, ...").
_OPENER_PREFIX = re.compile(r"[\s\"“‘'(]*(?:[A-Z][a-z]+\s+)?")


def _owner_named_after(
    spans: Sequence[_Mark],
    keys: Sequence[str],
    i: int,
    cue_start: int,
    text: str,
    anaphor_rx: re.Pattern[str],
) -> int | None:
    """The drug a noun phrase right after the alias names, in a participial opener:
    "Developed under the code name X, the product was ..." gives X to the drug
    "the product" refers back to (the one named last before the cue), and
    "Known internally as X, zorbalimab completed ..." gives it to the drug named
    as the subject. A pronoun subject ("Coded X, it completed ...") names no
    drug here, so X stays a drug of its own."""
    gap = _COMMA_GAP.match(text, spans[i].end_char)
    if gap is None:
        return None
    if i + 1 < len(spans) and spans[i + 1].start_char == gap.end():
        # One character in, so that the break before the cue is seen whole.
        s0, _ = _sentence_window(text, cue_start + 1, cue_start + 1)
        if keys[i + 1] != keys[i] and _OPENER_PREFIX.fullmatch(text, s0, cue_start):
            return i + 1
    np_m = anaphor_rx.match(text, gap.end())
    if np_m is None:
        return None
    j = _referent(spans, cue_start, text, np_text=np_m.group(0))
    return j if j is not None and keys[j] != keys[i] else None


_DEFINITE_BEFORE = re.compile(r"(?i)\b(?:the|this|that|its)\s+$")


def _join_short_descriptions(
    spans: Sequence[_Mark], keys: Sequence[str], text: str, uf: _Union
) -> None:
    """Join "the bivalent vaccine" to the fuller description named before it.

    A definite lower-case vaccine description whose words (valency, pathogens)
    are all in an earlier description ("its bivalent human papillomavirus (HPV)
    vaccine" ... "the bivalent vaccine") refers back to that product, the
    nearest one that fits; "the 13-valent vaccine" does not fit a 20-valent one.
    """
    for i, k in enumerate(keys):
        if i == 0 or not _is_description(spans[i].text):
            continue
        a = spans[i].start_char
        if not _DEFINITE_BEFORE.search(text, max(0, a - 6), a):
            continue
        words = set(k.split())
        for j in range(i - 1, -1, -1):
            if keys[j] != k and _is_description(spans[j].text) and words <= set(keys[j].split()):
                uf.join(j, i)
                break


def _join_salt_forms(keys: list[str], first_by_key: dict[str, int], uf: _Union) -> None:
    """Join "X sodium" to a bare "X" of the same article.

    News names the active ingredient both with and without its salt ("the
    cefazolin sodium raw material" after "cefazolin"); both are one drug, and
    without this the salt form would be a duplicate row.
    """
    salts = inn_stems().salts
    for i, k in enumerate(keys):
        base, _, last = k.rpartition(" ")
        if base and last in salts and base in first_by_key:
            uf.join(first_by_key[base], i)


def merge_drugs(spans: list[Span]) -> list[Drug]:
    """Group the drug spans of one Doc into one :class:`Drug` per drug.

    Spans join when their :func:`drug_key` is equal, when one is written in
    brackets right after the other ("Tyvyt (sintilimab injection)", "IBI362
    (mazdutide)"), when a brand is introduced for a drug of the same sentence
    ("marketed as Tyvyt"), or when the gazetteer lists both as forms of one drug.
    A gazetteer descriptor ("9-valent HPV vaccine") joins its brand only when the
    brand itself is named in the article.
    """
    # A Span computes its offsets and text from its tokens on every access:
    # read them once. Its text is the Doc's text between its offsets (spaCy's
    # tokenizer keeps every character), sliced instead of joined from Tokens.
    marks: list[_Mark] = []
    for span in spans:
        a, b, doc = span.start_char, span.end_char, span.doc
        marks.append(_Mark(a, b, doc_text(doc)[a:b], doc))
    marks.sort(key=lambda s: s.start_char)
    n = len(marks)
    if n == 0:
        return []
    text = doc_text(marks[0].doc)
    keys = [drug_key(s.text) for s in marks]
    uf = _Union(n)
    form_keys, desc_keys = _gaz_keys()

    first_by_key: dict[str, int] = {}
    first_by_entry: dict[int, int] = {}
    for i, k in enumerate(keys):
        if k in first_by_key:
            uf.join(first_by_key[k], i)
        else:
            first_by_key[k] = i
        entry = form_keys.get(k)
        if entry is not None:
            if entry in first_by_entry:
                uf.join(first_by_entry[entry], i)
            else:
                first_by_entry[entry] = i
    _join_salt_forms(keys, first_by_key, uf)
    descriptor = [False] * n
    for i, k in enumerate(keys):
        entry = desc_keys.get(k)
        if entry is not None and k not in form_keys and entry in first_by_entry:
            uf.join(first_by_entry[entry], i)
            descriptor[i] = True

    for i in range(n - 1):
        a, b = marks[i], marks[i + 1]
        if _OPEN_BETWEEN.match(text[a.end_char : b.start_char]) and _CLOSE_AFTER.match(
            text[b.end_char : b.end_char + 3]
        ):
            uf.join(i, i + 1)

    # "a 9-valent HPV vaccine, Cecolin 9, was approved" and "TRX-A5, a
    # quadrivalent flu vaccine": a generic vaccine description in apposition to
    # the product's name, before or after it.
    for i in range(n - 1):
        a, b = marks[i], marks[i + 1]
        gap = text[a.end_char : b.start_char]
        if (
            gap == ", "
            and _is_description(a.text)
            and _APPOSITION_END.match(text[b.end_char : b.end_char + 12])
        ):
            uf.join(i, i + 1)
            descriptor[i] = True
        elif _DESCRIPTION_AFTER.fullmatch(gap) and _is_description(b.text):
            uf.join(i, i + 1)
            descriptor[i + 1] = True

    _join_introduced_names(marks, keys, text, uf)
    _join_short_descriptions(marks, keys, text, uf)

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)

    all_offsets = [(s.start_char, s.end_char) for s in marks]
    cue_cache: dict[tuple[int, int], _WindowCues] = {}
    drugs: list[Drug] = []
    for members in sorted(groups.values(), key=lambda m: m[0]):
        # A brand word names the group before a generic description of it
        # (Dianbao, "bivalent oral polio vaccine"); a code does not ("PCV13").
        named = [i for i in members if not descriptor[i]] or members
        if any(_is_description(marks[i].text) for i in named):
            brands = [
                i
                for i in named
                if not _is_description(marks[i].text)
                and not any(c.isdigit() for c in marks[i].text)
            ]
            named = brands or named
        name_i = max(named, key=lambda i: (len(marks[i].text), -i))
        name = marks[name_i].text
        aliases: list[str] = []
        seen = {name.casefold()}
        for i in members:
            t = marks[i].text
            if t.casefold() not in seen:
                seen.add(t.casefold())
                aliases.append(t)
        own = [all_offsets[i] for i in members]
        others = [o for o in all_offsets if o not in own]
        modality: str | None = None
        targets: list[str] = []
        for i in sorted(members, key=lambda i: (i != name_i, i)):
            mod, tg = describe(
                text, marks[i].start_char, marks[i].end_char, others=others, cue_cache=cue_cache
            )
            modality = modality or mod
            for t in tg:
                if t not in targets:
                    targets.append(t)
        drugs.append(
            Drug(
                name=name,
                aliases=aliases,
                modality=modality,  # type: ignore[arg-type]
                targets=targets,
                mentions=[
                    Mention(start=marks[i].start_char, end=marks[i].end_char, text=marks[i].text)
                    for i in members
                ],
            )
        )
    return drugs
