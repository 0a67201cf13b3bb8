"""Organisation names: a spaCy component (``bionews_orgs``) and the per-article merge.

News prose names an organisation the way a reader expects to recognise it: a
proper-noun run that ends in a sector or institution noun ("Chongqing Sintaho
Pharmaceutical", "Medical Research Council"), optionally a legal suffix
("Co., Ltd."), optionally an "of/for" complement ("Chinese Academy of
Engineering"). Well-known names that carry no such noun ("Pfizer", "NMPA") come
from a gazetteer. Everything else the component finds is derived from those
anchors, never guessed from capitalisation alone: short forms of a name already
found ("Zhifei"), acronyms defined or spelled by one ("(NMPA)", "BIA"), and
names enumerated in one list with found organisations.

The word lists behind the rules (sector nouns, legal suffixes, places, stop
lists) are data in ``data/org_patterns.json`` and ``data/orgs.jsonl``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress
from operator import itemgetter, sub
from typing import TypeVar

from spacy.attrs import IDX, SPACY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .records import ORG_KINDS, Mention, Organisation
from .tokens import WORD_MEMO_SIZE, doc_text

if not Span.has_extension("org_kind"):
    Span.set_extension("org_kind", default=None)
# The name of the organisation a derived mention (short form, acronym) belongs
# to; lets the merge keep "Baiyunshan" with the parent, not the subsidiary.
if not Span.has_extension("org_ref"):
    Span.set_extension("org_ref", default=None)
# Where the name starts when its first token carries a glued wire dateline
# ("WIRE)--Corvantis"): a character offset into the Doc's text, else None.
if not Span.has_extension("org_start"):
    Span.set_extension("org_start", default=None)

_K = TypeVar("_K")
_V = TypeVar("_V")

_CAMEL = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")
_ALLCAPS = re.compile(r"^[A-Z][A-Z&]{1,7}$")
_QUOTES = re.compile(r"[\"'“”‘’`«»()\[\]{}®™]")
_WS = re.compile(r"\s+")
_LEGAL_TAIL = re.compile(
    r"(?:[\s,]+(?:co|ltd|inc|corp|corporation|limited|llc|plc|gmbh|ag|kgaa|s\.a|n\.v|pc|"
    r"llp|l\.p|ab|oyj?|sa|nv|bv|b\.v|spa|s\.p\.a|srl|s\.r\.l|k\.?k|a/s|aps|asa|se|pte|pty|"
    r"group|holdings|company|and company|& co)\.?)+\s*$"
)
# The longest name (in tokens) checked for being written twice in a row: a
# heading joined to its paragraph; the bound keeps an all-caps page linear.
_MAX_REPEAT = 8
# A wire dateline glued to the first word of the release: "WIRE)--Corvantis".
_GLUED = re.compile(r"^.*(?:--|—)(?=[A-Z])")
# A ticker code after "Exchange:": letters and digits, with a digit or in capitals.
_CODE = re.compile(r"^(?=[A-Za-z0-9.\-]*(?:\d|[A-Z]{2}))[A-Za-z0-9][A-Za-z0-9.\-]{0,11}$")
_CAMEL_PARTS = re.compile(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|\d+")
_FUNCTION = frozenset({"of", "and", "for", "the", "&", "de", "in", "on", "at"})


@dataclass(frozen=True)
class GazEntry:
    name: str
    aliases: tuple[str, ...]
    kind: str
    media: bool
    # A national body whose name does not say its country: the lower-case forms of
    # that country, which an "of" complement after the full name only repeats
    # ("National Medical Products Administration of China").
    country: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrgData:
    """Everything the rules read, loaded once per process."""

    head_kind: dict[str, str]
    legal: frozenset[str]
    legal_re: re.Pattern[str]
    institution: frozenset[str]
    inst_need_distinctive: frozenset[str]
    of_heads: frozenset[str]
    bare_of_heads: frozenset[str]
    of_words: frozenset[str]
    tails: frozenset[str]
    venue_words: frozenset[str]
    venue_heads: frozenset[str]
    non_org_phrases: tuple[str, ...]
    compound_heads: frozenset[str]
    generic: frozenset[str]
    places: frozenset[str]
    regions: tuple[tuple[str, ...], ...]
    market_re: re.Pattern[str]  # a subsidiary's market closing a name (lower case, no suffix)
    and_joinable: frozenset[str]
    twin_heads: frozenset[str]
    unit_heads: frozenset[str]
    core_sector: frozenset[str]
    unit_functions: dict[str, tuple[tuple[str, ...], ...]]  # last word -> phrases, longest first
    hyphen_breakers: frozenset[str]
    leading_strip: frozenset[str]
    titles: frozenset[str]
    never_name: frozenset[str]
    sentence_initial_stop: frozenset[str]
    media_cues: frozenset[str]
    report_verbs: frozenset[str]
    camel_before: frozenset[str]
    camel_after: frozenset[str]
    camel_stop: frozenset[str]
    media_endings: tuple[str, ...]
    media_words: frozenset[str]
    line_labels: re.Pattern[str]
    inner_words: frozenset[str]
    descriptors: frozenset[str]
    descriptor_followers: frozenset[str]
    lower_before_suffix: frozenset[str]
    tickers: frozenset[str]
    hospital_center_mods: frozenset[str]
    possessive_names: frozenset[str]
    head_extenders: frozenset[str]
    non_developer: frozenset[str]
    place_entity_heads: frozenset[str]
    place_adjectives: frozenset[str]
    sub_unit_heads: frozenset[str]
    parent_heads: frozenset[str]
    portfolio_heads: frozenset[str]
    of_openers: frozenset[str]
    portfolios: frozenset[str]
    connectors: frozenset[str]
    heading_cues: frozenset[str]
    heading_phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> phrases, longest first
    gazetteer: tuple[GazEntry, ...]
    media_names: frozenset[str]  # gazetteer names of media outlets (a span's org_ref)
    gaz_index: dict[str, int]  # org_key of every name/alias -> entry index


def _low(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def _phrases_by_first(phrases: Iterable[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Lower-case token tuples of ``phrases`` (split like the tokenizer: words and "-"), by
    first token, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        toks = tuple(re.findall(r"[^\s\-]+|-", p.lower()))
        out.setdefault(toks[0], []).append(toks)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _phrases_by_last(phrases: Iterable[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Lower-case word tuples of ``phrases``, by last word, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        words = tuple(p.lower().split())
        out.setdefault(words[-1], []).append(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=1)
def load_data() -> OrgData:
    root = resources.files("bionews").joinpath("data")
    p = json.loads(root.joinpath("org_patterns.json").read_text("utf-8"))
    head_kind: dict[str, str] = {}
    for kind, words in p["heads"].items():
        for w in words:
            head_kind.setdefault(w.lower(), kind)
    gaz: list[GazEntry] = []
    for line in root.joinpath("orgs.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            gaz.append(
                GazEntry(
                    d["name"],
                    tuple(d.get("aliases", ())),
                    d["kind"],
                    d.get("media", False),
                    tuple(c.lower() for c in d.get("country", ())),
                )
            )
    index: dict[str, int] = {}
    for i, e in enumerate(gaz):
        for form in (e.name, *e.aliases):
            index.setdefault(org_key(form), i)
    return OrgData(
        head_kind=head_kind,
        legal=frozenset(p["legal_suffixes"]),
        legal_re=re.compile(p["legal_suffix_regex"].replace(r"\s", r"[ \t]")),
        institution=_low(p["institution_heads"]),
        inst_need_distinctive=_low(p["need_distinctive_institution_heads"]),
        of_heads=_low(p["of_heads"]),
        bare_of_heads=_low(p["bare_of_heads"]),
        of_words=frozenset(p["of_words"]),
        tails=_low(p["non_org_tails"]),
        venue_words=_low(p["venue_words"]),
        venue_heads=_low(p["venue_heads"]),
        non_org_phrases=tuple(x.lower() for x in p["non_org_phrases"]),
        compound_heads=frozenset(p["compound_heads"]),
        generic=_low(p["generic_words"]),
        places=_low(p["places"]),
        regions=tuple(tuple(r.split()) for r in p["region_suffixes"]),
        market_re=re.compile(
            r"(?:\(\s*|\s)(?:"
            + "|".join(re.escape(m.lower()) for m in p["subsidiary_markets"])
            + r")\s*\)?\s*,?$"
        ),
        and_joinable=_low(p["and_joinable"]),
        twin_heads=_low(p["twin_institution_heads"]),
        unit_heads=_low(p["company_unit_heads"]),
        core_sector=_low(p["core_sector_words"] + p["inner_name_words"]),
        unit_functions=_phrases_by_last(p["company_functions"]),
        hyphen_breakers=_low(p["hyphen_breakers"]),
        leading_strip=_low(p["leading_strip"]),
        titles=frozenset(p["title_words"]),
        never_name=frozenset(p["never_name"]),
        sentence_initial_stop=frozenset(p["sentence_initial_stop"]),
        media_cues=_low(p["media_cues_before"]),
        report_verbs=_low(p["report_verbs"]),
        camel_before=_low(p["camel_cues_before"]),
        camel_after=_low(p["camel_cues_after"]),
        camel_stop=frozenset(p["camel_stop"]),
        media_endings=tuple(w.lower() for w in p["media_name_endings"]),
        media_words=_low(p["media_name_words"]),
        line_labels=re.compile(
            r"(?im)^[ \t]*(?:" + "|".join(map(re.escape, p["line_labels"])) + r")[ \t]*:[^\n]*"
            # A "| Source: X Division |" field of a page-metadata line.
            r"|\|[ \t]*(?:" + "|".join(map(re.escape, p["line_labels"])) + r")[ \t]*:[^\n|]*"
        ),
        inner_words=frozenset(p["inner_name_words"]),
        descriptors=_low(p["descriptor_nouns"]),
        descriptor_followers=_low(p["descriptor_followers"]),
        lower_before_suffix=_low(p["generic_lowercase_before_suffix"]),
        tickers=frozenset(p["ticker_exchanges"]),
        hospital_center_mods=_low(p["hospital_center_modifiers"]),
        possessive_names=frozenset(p["possessive_in_names"]),
        head_extenders=_low(p["head_extenders"]),
        non_developer=_low(p["non_developer_words"]),
        place_entity_heads=_low(p["place_entity_heads"]),
        place_adjectives=_low(p["place_adjectives"]),
        sub_unit_heads=_low(p["sub_unit_heads"]),
        parent_heads=_low(p["parent_heads"]),
        portfolio_heads=_low(p["portfolio_heads"]),
        of_openers=frozenset(p["of_name_openers"]),
        portfolios=_low(p["government_portfolios"]),
        connectors=frozenset(p["complement_connectors"]),
        heading_cues=frozenset(p["heading_cues"]),
        heading_phrases=_phrases_by_first(p["heading_phrases"]),
        gazetteer=tuple(gaz),
        media_names=frozenset(e.name for e in gaz if e.media),
        gaz_index=index,
    )


@lru_cache(maxsize=4096)
def never_develops(name: str) -> bool:
    """Whether a name marks a securities firm, bank, fund, investor, consultancy or
    market-research firm ("Dongjin Securities", "Qiyuan Pharma Insight"): a word of
    that kind after the name's first word ("Capital Medical University" is a
    university). Such an organisation comments on or pays for a drug; it does not
    develop it."""
    words = [w for w in re.split(r"[\s,]+", name.lower()) if w]
    return any(w in load_data().non_developer for w in words[1:])


def org_key(name: str) -> str:
    """Normalised form for comparing organisation names.

    NFKC, lower case, quotes and brackets removed, white space collapsed, a
    leading "the" and trailing legal suffixes dropped: the same equivalence the
    evaluation uses, so that merging and scoring agree on what "same" means.
    """
    s = unicodedata.normalize("NFKC", name).lower()
    s = _WS.sub(" ", _QUOTES.sub(" ", s)).strip()
    s = re.sub(r"^the\s+", "", s)
    s = _LEGAL_TAIL.sub("", s).strip(" ,.")
    return s


# --------------------------------------------------------------------------- tokens


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _name_form(t: str, never_name: frozenset[str]) -> bool:
    """Whether a token written ``t`` can be part of a name: capitalised, with a letter.

    A pure function of the word form (``Token.is_space`` is ``str.isspace`` of
    the text), memoised because every token of every article asks it.
    """
    if t.isspace() or not t or t in never_name:
        return False
    return t[0].isupper() and any(c.isalpha() for c in t)


def _words(key: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(key) if w]


_WORD_SPLIT = re.compile(r"[\s\-]+")


class _Memo:
    """Facts about word forms that every article asks again, kept across Docs.

    Keyed by the token's text; the data they depend on (never-name list, stop
    lists) is bound in.
    Bounded: each table is emptied when it reaches ``_MEMO_MAX`` entries, so a
    long run's memory stays flat while the common words stay cached.
    """

    __slots__ = (
        "camel_never",
        "code",
        "compound_tails",
        "cores",
        "d",
        "dist",
        "initials",
        "judged",
        "name",
        "phrase_spaces",
        "phrases",
        "punct",
        "stop",
        "strip",
    )

    def __init__(self, d: OrgData) -> None:
        self.d = d
        # Every text that ends a compound head after a space: "Committee" of
        # "Standing Committee". Only such a word can close a compound.
        self.compound_tails = frozenset(
            h[j + 1 :] for h in d.compound_heads for j, ch in enumerate(h) if ch == " "
        )
        self.phrases = frozenset(d.non_org_phrases)
        self.phrase_spaces = max((p.count(" ") for p in self.phrases), default=0) + 1
        self.name: dict[str, bool] = {}  # token text -> _name_form
        self.dist: dict[str, bool] = {}  # token text -> _distinctive_text
        self.code: dict[str, int] = {}  # token text -> _head_code
        self.punct: dict[str, bool] = {}  # token text -> Lexeme.is_punct
        self.stop: dict[str, bool] = {}  # token text -> Lexeme.is_stop
        self.strip: dict[str, bool] = {}  # token text -> _may_strip_text
        # (token texts, has_of, has_suffix, parent) -> _judge's verdict
        self.judged: dict[tuple[tuple[str, ...], bool, bool, bool], str | None] = {}
        # A found name's token texts -> (_core, words that are not punctuation),
        # and -> the initials of its words (all, and without place words).
        self.cores: dict[tuple[str, ...], tuple[tuple[str, ...], int]] = {}
        self.initials: dict[tuple[str, ...], tuple[str, str]] = {}
        # A token opening with A-Z is a name token or a never-name word; the
        # CamelCase scan takes of the latter only these ("YoY"), the acronym
        # scan none.
        self.camel_never = tuple(
            sorted(w for w in d.never_name if _CAMEL.match(w) and w not in d.camel_stop)
        )

    def name_form(self, t: str) -> bool:
        """:func:`_name_form` of a token written ``t``, kept."""
        got = self.name.get(t)
        if got is None:
            if len(self.name) >= _MEMO_MAX:
                self.name.clear()
            got = self.name[t] = _name_form(t, self.d.never_name)
        return got

    @staticmethod
    def keep(table: dict[_K, _V], key: _K, value: _V) -> None:
        """``table[key] = value``, the table emptied first when it is full."""
        if len(table) >= _MEMO_MAX:
            table.clear()
        table[key] = value

    def head_code(self, t: str) -> int:
        """Which head tests of :func:`_pattern_cands` a token written ``t`` can pass."""
        got = self.code.get(t)
        if got is None:
            if len(self.code) >= _MEMO_MAX:
                self.code.clear()
            d, low = self.d, t.lower()
            got = self.code[t] = (
                (_HEAD if low in d.head_kind else 0)
                | (_LEGAL if t in d.legal or t.rstrip(".") in d.legal else 0)
                | (_EXTENDER if low in d.head_extenders else 0)
                | (_COMPOUND_TAIL if t in self.compound_tails else 0)
            )
        return got

    def distinctive(self, t: str) -> bool:
        got = self.dist.get(t)
        if got is None:
            if len(self.dist) >= _MEMO_MAX:
                self.dist.clear()
            got = self.dist[t] = _distinctive_text(t, self.d)
        return got


_MEMO_MAX = WORD_MEMO_SIZE
# What _Memo.judged.get returns for a name not judged yet (None is a verdict).
_UNJUDGED = object()
# Bits of _Memo.head_code.
_HEAD, _LEGAL, _EXTENDER, _COMPOUND_TAIL = 1, 2, 4, 8
# OrgData (by identity) -> its memo; load_data() keeps one OrgData per process.
_MEMOS: dict[int, tuple[OrgData, _Memo]] = {}


def _memo(d: OrgData) -> _Memo:
    got = _MEMOS.get(id(d))
    if got is None or got[0] is not d:
        got = _MEMOS[id(d)] = (d, _Memo(d))
    return got[1]


def _distinctive_text(t: str, d: OrgData) -> bool:
    """Whether a token written ``t`` can carry a name by itself: not a sector,
    place, generic, legal or function word (see :meth:`_Doc.distinctive`)."""
    low = t.lower()
    return (
        (low.isalpha() or any(c.isalpha() for c in low))
        and low not in d.generic
        and low not in d.places
        and low not in d.head_kind
        and low not in d.head_extenders
        and low not in d.tails
        and low not in d.leading_strip
        and t not in d.legal
        and low not in _FUNCTION
    )


_SENT_END = frozenset({".", "!", "?", ":", '"', "“", "”", "|", "--", "—", "-"})
_HYPHENS = frozenset({"-", "‐"})
_JOINERS = frozenset({"-", "‐", "and", "&"})
_POSSESSIVE = frozenset({"'s", "’s"})
_SEP_OPENERS = frozenset({",", "and", "or", ";"})


class _Doc:
    """Token facts over one Doc, read as plain lists, with the data bound in.

    Every rule below works on token indices: ``raw[i]`` is the token's text
    (``Token.text``), ``texts[i]`` the same past a glued wire dateline, ``ws[i]``
    its trailing-space flag (``Token.whitespace_``), ``idx[i]`` its character
    offset. spaCy makes a new Token object on every ``doc[i]``, which cost more
    than the rules themselves; the lexeme flags the rules read are plain string
    tests (``is_alpha`` is ``str.isalpha``, ``is_space`` ``str.isspace``,
    ``lower_`` ``str.lower``), and only ``is_punct`` and ``is_stop`` come from
    spaCy, on demand.
    """

    def __init__(self, doc: Doc, data: OrgData) -> None:
        self.spacy_doc = doc
        self.d = data
        self.text = doc_text(doc)
        n = self.n = len(doc)
        memo = self.memo = _memo(data)
        text = self.text
        if n:
            self.ws, self.idx = doc.to_array([SPACY, IDX]).T.tolist()
            # The tokenizer is non-destructive (the text is every token's text and
            # trailing space, at most one " ", in order), so a token ends where the
            # next one starts, less its space: its text is a slice of the Doc's,
            # cut in C. (Reading each string from the StringStore by orth hash
            # decodes it afresh; a memo of them thrashed once a run's vocabulary
            # outgrew it, and then cost half of this method.)
            ends = list(map(sub, self.idx[1:], self.ws))
            ends.append(len(text) - self.ws[-1])
            self.raw: list[str] = list(map(text.__getitem__, map(slice, self.idx, ends)))
        else:
            self.ws, self.idx, self.raw = [], [], []
        self.texts = self.raw
        # Name tokens open with an upper-case character: the first characters
        # come from the text in one C pass, and only those tokens are looked up.
        firsts = itemgetter(*self.idx)(text) if n > 1 else [text[i] for i in self.idx]
        # Their flags are read from the memo in one C pass too; a form missing
        # there (None) is tested and kept.
        caps = list(compress(range(n), map(str.isupper, firsts)))
        cap_texts = itemgetter(*caps)(self.raw) if len(caps) > 1 else [self.raw[i] for i in caps]
        flags = list(map(memo.name.get, cap_texts))
        if None in flags:
            flags = [
                memo.name_form(t) if f is None else f for f, t in zip(flags, cap_texts, strict=True)
            ]
        name_idx = list(compress(caps, flags))
        # Name flags of ``texts`` (past a dateline) and of ``raw`` (``is_name``):
        # the same list unless a dateline is glued.
        self.names: list[bool] = [False] * n
        for i in name_idx:
            self.names[i] = True
        self.raw_names = self.names
        self.glued = self._unglue()
        self.name_idx = list(compress(range(n), self.names)) if self.glued else name_idx
        # Name tokens opening with A-Z: the only ones the CamelCase and acronym
        # patterns can match (with the never-name words of _Memo.camel_never),
        # so those scans skip the rest without a regex call.
        texts = self.texts
        self.name_caps = [i for i in self.name_idx if "A" <= texts[i][:1] <= "Z"]
        self._positions: dict[str, list[int]] = {}

    @property
    def caps(self) -> list[int]:
        """Every token opening with A-Z (in ``texts``)."""
        return [i for i, t in enumerate(self.texts) if "A" <= t[:1] <= "Z"]

    def _unglue(self) -> dict[int, int]:
        """Tokens that glue a wire dateline to a name ("WIRE)--Corvantis"): index -> cut.

        The tokenizer keeps "--(BUSINESS WIRE)--Name" in one token; the finders
        read only the part after the dashes (``texts`` holds it), and a name
        starting there starts at the cut, not at the dateline.
        """
        text, raw = self.text, self.raw
        if "--" not in text and "—" not in text:
            return {}
        # The tokens holding a dash pair or an em dash, found from the text:
        # the token that covers an occurrence is the one holding it, if any.
        dashed: set[int] = set()
        for dash in ("--", "—"):
            p = text.find(dash)
            while p >= 0:
                i = bisect_right(self.idx, p) - 1
                if i >= 0 and dash in raw[i]:
                    dashed.add(i)
                p = text.find(dash, p + 1)
        never = self.d.never_name
        cuts = {}
        for t in {raw[i] for i in dashed}:
            m = _GLUED.match(t)
            if m and _name_form(t[m.end() :], never):
                cuts[t] = m.end()
        if not cuts:
            return {}
        self.texts = list(raw)
        self.names = list(self.names)
        glued = {}
        for i in sorted(dashed):
            t = raw[i]
            if t in cuts:
                glued[i] = cuts[t]
                self.texts[i] = t[cuts[t] :]
                self.names[i] = _name_form(self.texts[i], never)
        return glued

    def positions(self, text: str) -> list[int]:
        """Indices of the tokens written ``text`` (in ``texts``), in order."""
        got = self._positions.get(text)
        if got is None:
            # Found in the text (a C scan), kept where a token starts there
            # and is written so.
            got = []
            idx, raw, full = self.idx, self.raw, self.text
            p = full.find(text) if text else -1
            while p >= 0:
                i = bisect_left(idx, p)
                if i < self.n and idx[i] == p and raw[i] == text:
                    got.append(i)
                p = full.find(text, p + 1)
            if self.glued:
                # A glued token reads as the part after its dateline.
                got = sorted(
                    [i for i in got if i not in self.glued]
                    + [i for i in self.glued if self.texts[i] == text]
                )
            self._positions[text] = got
        return got

    def punct(self, i: int) -> bool:
        """``Token.is_punct`` of token ``i``: its lexeme's flag, kept by text."""
        t = self.raw[i]
        got = self.memo.punct.get(t)
        if got is None:
            if len(self.memo.punct) >= _MEMO_MAX:
                self.memo.punct.clear()
            got = self.memo.punct[t] = self.spacy_doc.vocab[t].is_punct
        return got

    def is_stop(self, i: int) -> bool:
        """``Token.is_stop`` of token ``i``: its lexeme's flag, kept by text."""
        t = self.raw[i]
        got = self.memo.stop.get(t)
        if got is None:
            if len(self.memo.stop) >= _MEMO_MAX:
                self.memo.stop.clear()
            got = self.memo.stop[t] = self.spacy_doc.vocab[t].is_stop
        return got

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` without building the Span."""
        if end <= start:
            return ""
        return self.text[self.idx[start] : self.idx[end - 1] + len(self.raw[end - 1])]

    def end_char(self, end: int) -> int:
        """Character offset just past token ``end - 1``."""
        return self.idx[end - 1] + len(self.raw[end - 1])

    def cand_text(self, c: Cand) -> str:
        """The name a candidate covers, past a glued dateline (:func:`span_text`)."""
        a = self.idx[c.start] + self.glued.get(c.start, 0)
        return self.text[a : self.end_char(c.end)]

    def is_name(self, i: int) -> bool:
        return self.raw_names[i]

    def is_head(self, i: int) -> bool:
        return self.raw_names[i] and self.raw[i].lower() in self.d.head_kind

    def is_legal(self, i: int) -> bool:
        t = self.raw[i]
        return t in self.d.legal or t.rstrip(".") in self.d.legal

    def sentence_initial(self, i: int) -> bool:
        if i in self.glued:
            return True  # the dateline ends where the first sentence starts
        raw = self.raw
        j = i - 1
        while j >= 0 and raw[j].isspace() and "\n" not in raw[j]:
            j -= 1
        if j < 0 or "\n" in raw[j]:
            return True
        return raw[j] in _SENT_END

    def prev_word(self, i: int, k: int = 1) -> int | None:
        """Index of the ``k``-th word before token ``i`` on its line, else None."""
        raw = self.raw
        j = i - 1
        while j >= 0:
            t = raw[j]
            if not t.isspace():
                k -= 1
                if k == 0:
                    return j
            elif "\n" in t:
                return None
            j -= 1
        return None

    def next_word(self, i: int) -> int | None:
        """Index of the first word at or after token ``i`` on its line, else None."""
        raw = self.raw
        j = i
        while j < self.n:
            t = raw[j]
            if not t.isspace():
                return j
            if "\n" in t:
                return None
            j += 1
        return None

    def distinctive(self, i: int) -> bool:
        return self.memo.distinctive(self.raw[i])


# --------------------------------------------------------------------------- runs


def _atomic_runs(x: _Doc) -> list[list[int]]:
    """Maximal runs of capitalised tokens (hyphen compounds kept whole).

    Title and role words ("CEO", "Professor") cut a run: what follows them is a
    person, what precedes them may still be an organisation. Every way to
    extend a run needs one already open, so between runs the scan jumps from
    name token to name token.
    """
    d = x.d
    runs: list[list[int]] = []
    cur: list[int] = []
    texts, names, raw, ws, n, glued = x.texts, x.names, x.raw, x.ws, x.n, x.glued
    titles, inner_words = d.titles, d.inner_words
    codes, head_code = x.memo.code, x.memo.head_code
    starts = x.name_idx
    n_starts = len(starts)
    p = 0
    i = 0
    while True:
        if not cur:
            while p < n_starts and starts[p] < i:
                p += 1
            if p == n_starts:
                break
            i = starts[p]
        elif i >= n:
            break
        text = texts[i]
        if names[i] and text not in titles:
            # (A token's trailing space is " " or nothing, so only a glued
            # dateline or a legal suffix cuts two adjacent names apart.)
            if cur:
                last = texts[cur[-1]]
                code = codes.get(last)
                if code is None:
                    code = head_code(last)
                if i in glued or (code & _LEGAL and _after_suffix(x, cur, i)):
                    runs.append(cur)
                    cur = []
            cur.append(i)
            i += 1
            continue
        if not cur:
            i += 1
            continue
        if text in inner_words and i + 1 < n and names[i + 1] and ws[i - 1] and ws[i]:
            cur.append(i)  # "Lanxin mRNA Biotechnology": a technology word inside a name
            i += 1
            continue
        if (
            text == "("
            and i + 3 < n
            and raw[i + 2] == ")"
            and names[i + 3]
            and raw[i + 1].lower() in d.places
            and ws[i - 1]
            and ws[i + 2]
        ):
            # "Lanmei (Hangzhou) Pharmaceutical Co., Ltd.": the seat of a
            # company in brackets inside its legal name.
            cur.extend([i, i + 1, i + 2])
            i += 3
            continue
        if text in _POSSESSIVE and texts[i - 1] in d.possessive_names:
            cur.append(i)  # "People's Hospital", "Women's and Children's"
            i += 1
            continue
        if (
            text in _HYPHENS
            and not ws[i - 1]
            and not ws[i]
            and i + 1 < n
            and raw[i + 1].isalpha()
            and raw[i + 1].lower() not in d.hyphen_breakers
        ):
            cur.extend([i, i + 1])
            i += 2
            continue
        runs.append(cur)
        cur = []
        i += 1
    if cur:
        runs.append(cur)
    out = []
    strip_of = x.memo.strip
    for run in runs:
        # _may_strip, its memo read inline: most runs open with a word it keeps.
        may = None if run[0] in glued else strip_of.get(texts[run[0]])
        if may is None:
            may = _may_strip(x, run[0])
        if may:
            run = _strip_leading(x, run)
        if len(run) > 1:
            out.extend(_split_repeat(x, run))
        elif run:
            out.append(run)
    return out


def _after_suffix(x: _Doc, cur: list[int], i: int) -> bool:
    """A legal suffix ends a name: "... Co., Ltd. Hailan ..." starts a second one.

    Suffix sequences ("Co. Ltd", "Pte Ltd") go on, and "Company" or
    "Corporation", which are also sector nouns, do not end a run by themselves.
    """
    d = x.d
    last = x.texts[cur[-1]]
    if not (last in d.legal or last.rstrip(".") in d.legal):
        return False
    if len(cur) < 2 and (cur[0] == 0 or x.texts[cur[0] - 1] != ","):
        return False  # a run that opens with it ("AB Sciex") or a ", Ltd." after a comma
    if last.lower() in d.head_kind:
        return False
    nxt = x.texts[i]
    return not (nxt in d.legal or nxt.rstrip(".") in d.legal)


def _split_repeat(x: _Doc, run: list[int]) -> list[list[int]]:
    """Split a run that says its name twice: a heading the cleaner joined to its paragraph.

    "About Corvantis Therapeutics" over "Corvantis Therapeutics, Inc. is ..."
    reads as one run; no name repeats its own opening words, so the repeat
    starts a second name. A one-word repeat ("Walla Walla") splits only after a
    heading cue ("About").
    """
    if len(run) < 2:
        return [run]
    t = itemgetter(*run[: 2 * _MAX_REPEAT])(x.texts)  # a tuple: the run has two tokens or more
    if t[0] not in t[1:]:
        return [run]
    for k in range(1, min(len(run) // 2, _MAX_REPEAT) + 1):
        if t[k : 2 * k] == t[:k] and (k > 1 or _after_heading_cue(x, run[0])):
            return [run[:k], run[k:]]
    return [run]


def _after_heading_cue(x: _Doc, i: int) -> bool:
    """Whether token ``i`` follows a heading word that opens its line or sentence ("About")."""
    prev = x.prev_word(i)
    return prev is not None and x.raw[prev] in x.d.heading_cues and x.sentence_initial(prev)


def _heading_prefix(x: _Doc, run: list[int]) -> int:
    """How many tokens of ``run`` a press-release heading takes ("Forward-Looking Statements").

    Plain-text dumps join a heading line to the paragraph under it, so the
    heading's capitalised words open the run of the first name in it.
    """
    raw = x.raw
    phrases = x.d.heading_phrases.get(raw[run[0]].lower(), ())
    if not phrases or not x.sentence_initial(run[0]):
        return 0
    for phrase in phrases:
        n = len(phrase)
        # A one-word heading leaves at least two words: "Source Biotech" is a name.
        rest = 1 if n > 1 else 2
        if len(run) >= n + rest and tuple(raw[k].lower() for k in run[:n]) == phrase:
            return n
    return 0


def _may_strip(x: _Doc, i: int) -> bool:
    """Whether :func:`_strip_leading` can strip a run opening with token ``i``:
    most runs open with a word none of its tests can strip."""
    text = x.texts[i]
    if i in x.glued:
        return _may_strip_text(text, x.raw[i], x.d)
    got = x.memo.strip.get(text)
    if got is None:
        if len(x.memo.strip) >= _MEMO_MAX:
            x.memo.strip.clear()
        got = x.memo.strip[text] = _may_strip_text(text, text, x.d)
    return got


def _may_strip_text(text: str, raw: str, d: OrgData) -> bool:
    return (
        text in d.sentence_initial_stop
        or "-" in text
        or text.lower() in d.leading_strip
        or raw.lower() in d.heading_phrases
    )


def _strip_leading(x: _Doc, run: list[int]) -> list[int]:
    d = x.d
    while run:
        text = x.texts[run[0]]
        cut = _heading_prefix(x, run)
        if cut:
            run = run[cut:]
            continue
        if (
            text.lower() in d.leading_strip
            or (text in d.sentence_initial_stop and x.sentence_initial(run[0]))
            or ("-" in text and text.rsplit("-", 1)[1].lower() in d.hyphen_breakers)
        ):
            run = run[1:]
            while run and x.raw[run[0]] in _HYPHENS:
                run = run[1:]
            continue
        break
    return run


def _join_and(x: _Doc, runs: list[list[int]]) -> list[list[int]]:
    """Join "Food and Drug Administration", "Piper Jaffray & Co." across the conjunction.

    Only when the word before it is a common noun that such names coordinate
    (science, technology, research ...) or a legal "& Co." follows, so that two
    companies named side by side ("Innovent and Lilly") stay two.
    """
    d, raw = x.d, x.raw
    out: list[list[int]] = []
    for run in runs:
        if out:
            prev = out[-1]
            gap = prev[-1] + 1
            if run[0] == gap + 1 and raw[gap] in {"and", "&"}:
                b_words = [k for k in run if raw[k].isalpha() or x.is_name(k)]
                b_ok = all(raw[k].lower() in d.and_joinable for k in b_words) or any(
                    x.is_head(k) or x.is_legal(k) for k in b_words
                )
                joinable = (
                    raw[prev[-1]].lower() in d.and_joinable and b_ok and not _opens_name(x, b_words)
                )
                amp_co = raw[gap] == "&" and x.is_legal(run[0])
                amp_name = raw[gap] == "&" and _amp_joins(x, prev, run)
                twin = _twin_head(x, prev, run)
                cut = _joinable_prefix(x, prev, gap, run) or (twin if twin < len(run) else 0)
                if cut:
                    # "... Agriculture and Rural Affairs Home > News": a line the
                    # cleaner joined to the name goes on after its coordinated nouns.
                    out[-1] = [*prev, gap, *run[:cut]]
                    rest = run[cut:]
                    rest = _strip_leading(x, rest) if _may_strip(x, rest[0]) else rest
                    if rest:
                        out.append(rest)
                    continue
                if joinable or amp_co or amp_name or twin:
                    out[-1] = [*prev, gap, *run]
                    continue
        out.append(run)
    return out


def _join_of_title(x: _Doc, runs: list[list[int]]) -> list[list[int]]:
    """Join "Prince" "of" "Wales Hospital": a title that opens an institution's name
    with its own "of" (data ``of_name_openers``), when the run after the "of" ends
    in an institution head. "the Prince of Wales opened it" stays no name."""
    d, raw, n = x.d, x.raw, x.n
    out: list[list[int]] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        k = run[-1]
        if (
            len(run) == 1
            and raw[k] in d.of_openers
            and i + 1 < len(runs)
            and k + 2 < n
            and raw[k + 1] == "of"
            and runs[i + 1][0] == k + 2
            and raw[runs[i + 1][-1]].lower() in d.institution
            and x.is_head(runs[i + 1][-1])
        ):
            out.append([k, k + 1, *runs[i + 1]])
            i += 2
            continue
        out.append(run)
        i += 1
    return out


def _twin_head(x: _Doc, prev: list[int], run: list[int]) -> int:
    """How many words of ``run`` after "and"/"&" join a second institution head to
    ``prev``, a name ending in one (0: none). "Cancer Institute and Hospital",
    "Cancer Hospital & Institute" name one institution. The words after the
    conjunction have no word of their own (no place, no distinctive word:
    "... Hospital and Lanzhou Institute" is two) and end in another such head,
    with no "of" complement after it ("Hospital and Institute of Neurology" may
    name a second body); a word that never goes inside a name after the head
    ("Hospital Home > News", a heading joined to its navigation line) is left out.
    """
    d, raw = x.d, x.raw
    first = raw[prev[-1]].lower()
    if first not in d.twin_heads or raw[prev[-1] + 1] not in {"and", "&"}:
        return 0
    j = 0
    while True:
        if j == len(run):
            return 0
        low = raw[run[j]].lower()
        if x.distinctive(run[j]) or low in d.places:
            return 0
        if low in d.twin_heads:
            break
        j += 1
    if low == first:
        return 0
    if j + 1 < len(run):
        after = raw[run[j + 1]].lower()
        return j + 1 if after in d.leading_strip and after not in d.media_words else 0
    nxt = x.next_word(run[-1] + 1)
    return len(run) if nxt is None or raw[nxt] not in d.of_words else 0


def _joinable_prefix(x: _Doc, prev: list[int], gap: int, run: list[int]) -> int:
    """How many words of ``run`` after "and" coordinate with the word before it when
    a word that never goes inside a name ("Home", "Monday") follows them: "Department
    of Agriculture and Rural Affairs Home"; 0 if that is not the case."""
    d, raw = x.d, x.raw
    if raw[gap] != "and" or raw[prev[-1]].lower() not in d.and_joinable:
        return 0
    j = 0
    while j < len(run) and raw[run[j]].lower() in d.and_joinable:
        j += 1
    nxt = raw[run[j]].lower() if 0 < j < len(run) else ""
    # "Science and Technology News" is an outlet's name, not a name and a label.
    if nxt not in d.leading_strip or nxt in d.media_words:
        return 0
    return j


def _opens_name(x: _Doc, words: Sequence[int]) -> bool:
    """Whether the words after "and" start a name of their own, not a coordinated noun.

    A place first ("... Pharmaceutical and Xiamen Kangyu Technology") or a
    distinctive word such names do not coordinate ("... and Kangyu Technology").
    """
    d = x.d
    if not words:
        return False
    if x.raw[words[0]].lower() in d.places:
        return True
    return any(x.distinctive(k) and x.raw[k].lower() not in d.and_joinable for k in words)


def _amp_joins(x: _Doc, left: list[int], right: list[int]) -> bool:
    """Whether "&" joins two runs into one name: "Whitfield & Crane LLP", "Lin & Sun Capital".

    The part before "&" has no sector noun or legal suffix of its own and is not a
    known name, and the part after it ends the name with a legal suffix, or with
    a sector noun after a word of its own: two companies named side by side
    ("Velora Pharma & Kestrel Biologics") stay two.
    """
    d = x.d
    if len(left) > 3 or any(_head_or_legal(x, k) for k in left):
        return False
    if _org_key(x.span_text(left[0], left[-1] + 1)) in d.gaz_index:
        return False
    if any(x.texts[k] in d.legal or x.texts[k].rstrip(".") in d.legal for k in right):
        return True
    # Without a suffix the part after "&" needs a word of its own: "Info & Tech"
    # coordinates two sector words, it does not end a name.
    return any(_head_or_legal(x, k) for k in right) and any(x.distinctive(k) for k in right)


def _head_or_legal(x: _Doc, k: int) -> bool:
    t = x.texts[k]
    return (
        (x.names[k] and t.lower() in x.d.head_kind) or t in x.d.legal or t.rstrip(".") in x.d.legal
    )


# --------------------------------------------------------------------------- candidates


@dataclass
class Cand:
    start: int  # token index
    end: int  # token index, exclusive
    kind: str
    ref: str | None = None
    gaz: int | None = None


def _legal_extend(x: _Doc, end_tok: int) -> int:
    """Token end after any legal suffix that follows (", Inc.", " Co., Ltd.")."""
    last = end_tok - 1
    m = x.d.legal_re.match(x.text, x.end_char(end_tok))
    if not m or m.end() == m.start():
        return end_tok
    span = x.spacy_doc.char_span(x.idx[last], m.end(), alignment_mode="contract")
    if span is None:
        return end_tok
    new_end = span.end
    raw = x.raw
    # Drop punctuation the contraction left at the end (", " before a glued token).
    while new_end > end_tok and x.punct(new_end - 1) and raw[new_end - 1] != ".":
        new_end -= 1
    if new_end > end_tok and raw[new_end - 1] == ".":
        new_end -= 1  # a lone full stop ends the sentence, not the name
    return max(new_end, end_tok)


def _of_chain(x: _Doc, end: int, runs_by_start: dict[int, list[int]]) -> tuple[int, bool]:
    """Extend "University" over "of Nottingham", "Institute" over "for Immunology".

    The complement may go on: over "of <place>" ("University of Science and
    Technology of China"), over a parent organisation when the head names a unit
    ("Institute of Medical Biology of the Chinese Academy of Medical Sciences"),
    and over further capitalised words with no name of their own ("Committee
    for Medicinal Products for Human Use"). Returns the end and whether a
    parent organisation was taken in.
    """
    d, raw = x.d, x.raw
    head = raw[end - 1].lower()
    if head not in d.of_heads or end >= x.n or raw[end] not in d.of_words:
        return end, False
    j = end + 1
    if j < x.n and raw[j] == "the":
        j += 1
    run = runs_by_start.get(j)
    if run is None:
        return end, False
    end = run[-1] + 1
    parent = False
    if head in d.sub_unit_heads:
        # "Institute of the Chinese Academy of Agricultural Sciences": the parent
        # is named at once and has its own "of" complement.
        parent_end = _parent_end(x, run, runs_by_start)
        if parent_end:
            end, parent = parent_end, True
    for _ in range(3):  # a few hops at most: a name, not a sentence
        nxt, is_parent = _chain_hop(x, end, head, runs_by_start)
        if nxt == end:
            break
        end, parent = nxt, parent or is_parent
    return end, parent


def _chain_hop(
    x: _Doc, end: int, head: str, runs_by_start: dict[int, list[int]]
) -> tuple[int, bool]:
    """The end of one more "of/for/and" hop of a complement (``end`` if none), and
    whether the hop took in a parent organisation."""
    d, raw = x.d, x.raw
    if end + 1 >= x.n or raw[end] not in d.connectors:
        return end, False
    word = raw[end]
    j = end + 1
    the = raw[j] == "the"
    nxt = runs_by_start.get(j + 1 if the else j)
    if nxt is None:
        return end, False
    words = [k for k in nxt if raw[k].isalpha()]
    if word == "of" and not the and words and all(raw[k].lower() in d.places for k in words):
        return nxt[-1] + 1, False  # "... of China"
    if word == "of" and head in d.sub_unit_heads:
        parent = _parent_end(x, nxt, runs_by_start)
        if parent:
            return parent, True
    if the or not words or not _plain_complement(x, nxt, word):
        return end, False
    return nxt[-1] + 1, False


def _parent_end(x: _Doc, run: list[int], runs_by_start: dict[int, list[int]]) -> int:
    """End of a parent organisation named after "of (the)", 0 when ``run`` is none."""
    d, raw = x.d, x.raw
    if raw[run[-1]].lower() not in d.parent_heads or any(raw[k].lower() in d.tails for k in run):
        return 0
    end = _of_chain(x, run[-1] + 1, runs_by_start)[0]
    if len(run) < 2 and end == run[-1] + 1:
        return 0  # a bare "of the University" names no parent
    return end


def _plain_complement(x: _Doc, run: list[int], word: str) -> bool:
    """A capitalised run that continues a complement, not a name of its own.

    No legal suffix, no head after a distinctive word ("of Medical Sciences" is
    fine, "of Kestrel Biologics" is not), no place alone, no known name; after
    "and" only words that such names coordinate ("Health and Human Services");
    never a title or an acronym.
    """
    d, raw = x.d, x.raw
    if any(x.texts[k] in d.legal or x.texts[k].rstrip(".") in d.legal for k in run):
        return False
    if any(_head_or_legal(x, k) for k in run) and any(x.distinctive(k) for k in run):
        return False  # a name of its own ("... and Kestrel Biologics")
    for k in run:
        if raw[k] in d.titles or raw[k].lower() in d.tails or raw[k].isupper():
            return False
    if all(raw[k].lower() in d.places for k in run if raw[k].isalpha()):
        return False
    if _org_key(x.span_text(run[0], run[-1] + 1)) in d.gaz_index:
        return False
    if word == "and":
        return all(
            raw[k].lower() in d.and_joinable or raw[k].lower() in d.generic
            for k in run
            if raw[k].isalpha()
        )
    return True


def _pattern_cands(x: _Doc, runs: list[list[int]]) -> list[Cand]:
    d = x.d
    runs_by_start = {r[0]: r for r in runs}
    out: list[Cand] = []
    texts, names, raw = x.texts, x.names, x.raw
    codes, head_code = x.memo.code, x.memo.head_code
    judged = x.memo.judged
    for run in runs:
        heads: list[int] = []
        for i, k in enumerate(run):
            t = texts[k]
            c = codes.get(t)
            if c is None:
                c = head_code(t)
            if c and (
                (c & _HEAD and names[k])
                or c & _LEGAL
                or (c & _COMPOUND_TAIL and i and f"{texts[run[i - 1]]} {t}" in d.compound_heads)
                or (c & _EXTENDER and heads and heads[-1] == i - 1 and names[k])
            ):
                heads.append(i)
        if not heads:
            continue
        last = heads[-1]
        if last and texts[run[last]].lower() in d.unit_heads:
            cut = _function_unit(x, run, last)
            if cut is not None:
                # "Huaxia Group Brand Department": a company's unit, not an
                # organisation; the company before it still is one.
                run = run[:cut]
                heads = [h for h in heads if h < cut]
                if not heads:
                    continue
                last = heads[-1]
        if any(raw[k].lower() in d.tails for k in run[last + 1 :]):
            continue
        if last == 0 and x.is_legal(run[0]):
            c = _suffix_only(x, run[: last + 1])
            if c:
                out.append(c)
            continue
        end = run[last] + 1
        full_run = last == len(run) - 1
        if not full_run and _region_before_suffix(x, run, last):
            # "Kangyuan Pharma USA, Inc.": the market a subsidiary serves,
            # between its name and its legal suffix, is part of the name.
            end, full_run = run[-1] + 1, True
        of_end, parent = _of_chain(x, end, runs_by_start) if full_run else (end, False)
        if of_end > end and not parent and _own_country(x, run[0], end, of_end):
            of_end = end  # "National Medical Products Administration" + "of China"
        has_of = of_end > end
        if has_of and not parent and _portfolio(x, end, of_end):
            parent = True  # "the Department of Health": a bare head named by its portfolio
        # Past the head the run may hold a suffix the tokenizer split ("S.p" "." "A.").
        legal_end = _legal_extend(x, of_end)
        # The verdict depends on the words alone (see _judge), and a name
        # comes back again and again, within an article and across articles.
        key = (tuple(raw[run[0] : end]), has_of, legal_end > of_end, parent)
        kind = judged.get(key, _UNJUDGED)
        if kind is _UNJUDGED:
            if len(judged) >= _MEMO_MAX:
                judged.clear()
            kind = judged[key] = _judge(x, range(run[0], end), has_of, legal_end > of_end, parent)
        if kind is None:
            continue
        out.append(Cand(run[0], legal_end, kind))
    return out


def _portfolio(x: _Doc, end: int, of_end: int) -> bool:
    """Whether the "of" complement ``x[end:of_end]`` of a portfolio head names a
    government portfolio: "Department of Health", "Department of Health and Human
    Services"; not "Department of Oncology", a unit of a hospital."""
    d, raw = x.d, x.raw
    if raw[end - 1].lower() not in d.portfolio_heads:
        return False
    words = [raw[k].lower() for k in range(end + 1, of_end) if not raw[k].isspace()]
    return bool(words) and all(w in d.portfolios for w in words)


def _region_before_suffix(x: _Doc, run: list[int], last: int) -> bool:
    """Whether the words of ``run`` after its head ``run[last]`` are a region
    ("USA", "Asia Pacific", "International") that a legal suffix closes:
    "Kangyuan Pharma USA, Inc.", "Corvel Biologics Europe GmbH"."""
    raw = x.raw
    rest = tuple(raw[k] for k in run[last + 1 :])
    if rest not in x.d.regions or run[-1] - run[last] != len(rest):
        return False
    m = x.d.legal_re.match(x.text, x.end_char(run[-1] + 1))
    return m is not None and m.end() > m.start()


def _own_country(x: _Doc, start: int, end: int, of_end: int) -> bool:
    """Whether the "of" complement ``x[end:of_end]`` after a known national body's
    full name ``x[start:end]`` only names that body's own country: "National
    Medical Products Administration of (the People's Republic of) China" is the
    NMPA. Only bodies the gazetteer gives a country are cut."""
    d = x.d
    g = d.gaz_index.get(_org_key(x.span_text(start, end)))
    if g is None or not d.gazetteer[g].country:
        return False
    complement = " ".join(x.span_text(end + 1, of_end).lower().split())
    return complement.removeprefix("the ") in d.gazetteer[g].country


def _function_unit(x: _Doc, run: list[int], head: int) -> int | None:
    """Where a company unit named by its function starts in ``run`` when
    ``run[head]`` ("Department", "Office") closes one: "Investor Relations
    Department", "Press Office"; None if the words before the head name no function."""
    texts = x.texts
    phrases = x.d.unit_functions.get(texts[run[head - 1]].lower(), ())
    for phrase in phrases:
        n = len(phrase)
        if n <= head and tuple(texts[k].lower() for k in run[head - n : head]) == phrase:
            return head - n
    return None


def _judge(
    x: _Doc, toks: Sequence[int], has_of: bool, has_suffix: bool, parent: bool = False
) -> str | None:
    """The kind of organisation tokens ``toks`` (head included, of-chain excluded)
    name, or None.

    ``parent``: the of-chain names a parent organisation, which makes even a
    bare unit head ("Laboratory of X of the Y Academy") a name.

    A pure function of the tokens' texts (``raw``; their name flags and every
    word test here are functions of the text) and the three flags, so
    :func:`_pattern_cands` keeps its verdicts in ``_Memo.judged``.
    """
    d, raw, raw_names = x.d, x.raw, x.raw_names
    codes, head_code = x.memo.code, x.memo.head_code
    words: list[int] = []
    word_codes: list[int] = []
    for k in toks:
        t = raw[k]
        if t not in _JOINERS:
            c = codes.get(t)
            words.append(k)
            word_codes.append(head_code(t) if c is None else c)
    # is_legal and is_head from the head codes of the raw texts.
    non_legal = [k for k, c in zip(words, word_codes, strict=True) if not c & _LEGAL]
    heads = [
        k
        for k, c in zip(words, word_codes, strict=True)
        if not c & _LEGAL and c & _HEAD and raw_names[k]
    ]
    legal = has_suffix or len(non_legal) < len(words)
    if not heads and not legal:
        return None
    head = heads[-1] if heads else None
    hlow = raw[head].lower() if head is not None else ""
    # Modifiers: the words before the last head ("Medical Research" of "... Council").
    mods = non_legal[: non_legal.index(head)] if head is not None else non_legal
    lows = [raw[k].lower() for k in words]
    text = " ".join(lows)
    # "... equals a phrase, or ends with one after words that are not distinctive":
    # look the text and each of its tails after a space up in a set, rather than
    # testing every phrase against every run.
    # A tail in the set has no more spaces than the longest phrase, so only the
    # last few spaces can open one (long all-caps runs made this quadratic).
    phrases = x.memo.phrases
    if text in phrases:
        return None
    j = len(text)
    for _ in range(x.memo.phrase_spaces):
        j = text.rfind(" ", 0, j)
        if j < 0:
            break
        phrase = text[j + 1 :]
        if phrase in phrases and not any(
            x.distinctive(k) for k in words[: len(words) - len(phrase.split())]
        ):
            return None
    if hlow in d.venue_heads and any(raw[k].lower() in d.venue_words for k in mods):
        return None
    if head is not None and hlow in d.institution:
        if not mods and not (has_of and (hlow in d.bare_of_heads or parent)):
            return None
        compound = len(mods) > 0 and f"{raw[mods[-1]]} {raw[head]}" in d.compound_heads
        if (
            hlow in d.inst_need_distinctive
            and not has_of
            and not compound
            and not any(x.distinctive(k) for k in words)
        ):
            return None
        if mods and all(raw[k].lower() in d.leading_strip for k in mods):
            return None
    elif (
        not (legal and mods)
        and not any(x.distinctive(k) for k in words)
        and not _place_entity(x, words, hlow, mods)
    ):
        return None
    if legal and (head is None or hlow not in d.institution):
        return "company"
    kind = d.head_kind.get(hlow, "company")
    if hlow in {"center", "centre"} and any(raw[k].lower() in d.hospital_center_mods for k in mods):
        kind = "hospital"
    if "hospital" in lows:
        kind = "hospital"
    return kind if kind in ORG_KINDS else "other"


def _place_entity(x: _Doc, words: Sequence[int], hlow: str, mods: Sequence[int]) -> bool:
    """ "Hubei Provincial Investment Group": a place, a sector noun, then "Group"/"Holdings".

    Such names have no distinctive word, but a place-qualified sector noun
    under a corporate head is a name, not a description.
    """
    d = x.d
    first = x.raw[words[0]].lower() if words else ""
    return (
        hlow in d.place_entity_heads
        and len(words) >= 3
        and first in d.places
        and first not in d.place_adjectives
        and any(x.is_head(k) for k in mods)
    )


def _suffix_only(x: _Doc, run: list[int]) -> Cand | None:
    """A legal suffix after lower-case words: "dievini Hopp BioTech holding GmbH"."""
    d, raw = x.d, x.raw
    i = run[0] - 1
    start = run[0]
    capitalised = 0
    while i >= 0 and run[0] - i <= 6:
        if x.is_name(i):
            capitalised += 1
        elif not (
            raw[i].isalpha() and raw[i].lower() not in d.lower_before_suffix and not x.is_stop(i)
        ):
            break
        start = i
        i -= 1
    if start == run[0] or not capitalised:
        return None
    return Cand(start, _legal_extend(x, run[-1] + 1), "company")


# --------------------------------------------------------------------------- gazetteer


def _heading_context(x: _Doc, i: int) -> bool:
    """An all-caps acronym among all-caps words is a heading ("WHO WE ARE"), not a name."""
    for k in (x.prev_word(i), x.next_word(i + 1)):
        if k is not None:
            t = x.raw[k]
            if t.isalpha() and len(t) > 1 and t.isupper():
                return True
    return False


def _ticker(x: _Doc, i: int, end: int) -> bool:
    nxt = x.next_word(end)
    return (nxt is not None and x.raw[nxt].startswith(":")) or ":" in x.raw[i]


def _bracketed(x: _Doc, start: int, end: int) -> bool:
    text = x.text
    a = x.idx[start] - 1
    while a >= 0 and text[a] == " ":
        a -= 1
    if a >= 0 and text[a] in "([/":
        return True
    b = x.end_char(end)
    while b < len(text) and text[b] == " ":
        b += 1
    return b < len(text) and text[b] in ")]/"


def _media_ok(x: _Doc, start: int, end: int) -> bool:
    """Media are organisations only as actors or sources in running prose."""
    if _bracketed(x, start, end):
        return False
    d, raw = x.d, x.raw
    prev = [x.prev_word(start, k) for k in (1, 2)]
    if any(p is not None and raw[p] in {":", "|"} for p in prev):
        return False
    p1 = prev[0]
    if p1 is not None and raw[p1].lower() == "by" and prev[1] is None:
        return False  # byline
    if any(p is not None and raw[p].lower() in d.media_cues for p in prev):
        return True
    j = end
    seen = 0
    while j < x.n and seen < 5:
        t = raw[j]
        if "\n" in t:
            break
        if not t.isspace():
            seen += 1
            if t.lower() in d.report_verbs:
                return True
            if x.punct(j) and t not in {",", "'s", "’s"}:
                break
        j += 1
    return False


def _gaz_cands(
    x: _Doc, matcher: PhraseMatcher, single_forms: Sequence[frozenset[str]]
) -> list[Cand]:
    """Gazetteer names: a one-word form as written, a longer one in any case.

    ``matcher`` matches every form on lower-case text; a one-token match counts
    only when the token is written as one of its entry's one-word forms.
    """
    d, raw, ws, n = x.d, x.raw, x.ws, x.n
    out: list[Cand] = []
    sdoc = x.spacy_doc
    strings = sdoc.vocab.strings
    matches = set()
    for m, s, e in matcher(sdoc):
        gi = int(strings[m])
        if e - s > 1 or raw[s] in single_forms[gi]:
            matches.add((s, e, gi))
    for s, e, gi in sorted(matches):
        entry = d.gazetteer[gi]
        if (
            e - s == 1
            and _ALLCAPS.match(raw[s])
            and (_heading_context(x, s) or _ticker(x, s, e) or _bracketed_ticker(x, s))
        ):
            continue
        if e < n and raw[e] in _HYPHENS and not ws[e - 1]:
            continue  # part of a hyphen compound ("Pfizer-BioNTech" is handled as two)
        if s > 0 and raw[s - 1] in _HYPHENS and not ws[s - 1]:
            continue
        if entry.media:
            end = _edition_end(x, e)
            if not _media_ok(x, s, end):
                continue
            out.append(Cand(s, end, entry.kind, entry.name, gi))
            continue
        # Extend left over a place prefix ("Jiangsu Hengrui"), right over sector
        # nouns, a legal suffix and a region ("Hengrui Pharmaceuticals Co., Ltd.").
        start = s
        while (
            start > 0
            and ws[start - 1]
            and x.is_name(start - 1)
            and raw[start - 1].lower() in d.places
        ):
            start -= 1
        end = e
        while (
            end < n
            and ws[end - 1]
            and (
                x.is_head(end)
                or (end > e and x.names[end] and raw[end].lower() in d.head_extenders)
            )
        ):
            end += 1
        if end < n and ws[end - 1] and x.is_name(end) and raw[end].lower() in d.tails:
            continue  # "Zhifei Biopharmaceutical Park" is a place, not the company
        end = _legal_extend(x, end)
        end = _region_extend(x, end)
        out.append(Cand(start, end, entry.kind, entry.name, gi))
    return out


def _ticker_label(x: _Doc, start: int, end: int) -> bool:
    """A name that labels a ticker code in brackets: "(Nasdaq: CRVT)", "(Nasdaq Stockholm: X)".

    An exchange named in a ticker is no organisation mention; up to four more
    capitalised words may sit between the name and the colon ("Nasdaq Global
    Select Market: X"). Outside brackets "Name: ..." is a headline, not a ticker.
    """
    after = x.end_char(end)
    if ":" not in x.text[after : after + 60] or not _in_brackets(x, x.idx[start]):
        return False
    j = end
    for _ in range(5):
        nxt = x.next_word(j)
        if nxt is None:
            return False
        if x.raw[nxt] == ":":
            code = x.next_word(nxt + 1)
            return code is not None and bool(_CODE.match(x.raw[code]))
        if not x.names[nxt]:
            return False
        j = nxt + 1
    return False


def _in_brackets(x: _Doc, char: int) -> bool:
    """Whether ``char`` sits inside an open "(" or "[" on its line, near the bracket."""
    line = x.text[max(0, char - 80) : char]
    line = line[line.rfind("\n") + 1 :]
    opened = max(line.rfind("("), line.rfind("["))
    return opened >= 0 and opened > max(line.rfind(")"), line.rfind("]"))


def _bracketed_ticker(x: _Doc, i: int) -> bool:
    """Exchange codes in "(SHA:600351)" or "[HK: 1276]"."""
    return x.raw[i] in x.d.tickers and ":" in x.text[x.idx[i] : x.idx[i] + 12]


@lru_cache(maxsize=4)
def _regions_by_first(
    regions: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Region suffixes by first word, longest first: a gazetteer match tries only the
    regions its next word can open."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for region in sorted(regions, key=len, reverse=True):
        if region:
            out.setdefault(region[0], []).append(region)
    return {k: tuple(v) for k, v in out.items()}


def _region_extend(x: _Doc, end: int) -> int:
    raw, ws, n = x.raw, x.ws, x.n
    if end >= n or not ws[end - 1]:
        return end
    for region in _regions_by_first(x.d.regions).get(raw[end], ()):
        k = end
        ok = True
        for w in region:
            if k >= n or not ws[k - 1] or raw[k] != w:
                ok = False
                break
            k += 1
        if ok and not (k < n and ws[k - 1] and x.is_name(k)):
            return k
    return end


def _edition_end(x: _Doc, end: int) -> int:
    """End of a brand name over a region word after it: an outlet's or a company's
    regional edition ("BioSpace Asia", "FiercePharma Europe", "Caixin Global").
    Not before a possessive: in "told MedWire China's regulator" the region is
    the subject of what follows."""
    got = _region_extend(x, end)
    if got > end and got < x.n and x.raw[got] in _POSSESSIVE:
        return end
    return got


# --------------------------------------------------------------------------- derived mentions


def _enumerated(x: _Doc, runs: list[list[int]], spans: list[Cand]) -> list[Cand]:
    """Names listed with found organisations: "A Therapeutics, B UK, C and D Ltd"."""
    d, raw = x.d, x.raw
    if len(spans) < 2:
        return []  # a list needs two found organisations
    covered = {k for c in spans for k in range(c.start, c.end)}
    items: list[tuple[int, int, bool]] = [(c.start, c.end, True) for c in spans]
    for run in runs:
        if not covered.isdisjoint(run):
            continue
        items.append((run[0], run[-1] + 1, False))
    items.sort()
    out: list[Cand] = []
    texts = x.texts

    def sep(a: tuple[int, int, bool], b: tuple[int, int, bool]) -> bool:
        gap: list[str] = []
        for k in range(a[1], b[0]):
            if not texts[k].isspace():
                gap.append(texts[k])
                if len(gap) > 2:
                    return False  # every separator below has at most two words
        return gap in ([","], ["and"], [",", "and"], ["or"], [",", "or"], [";"])

    def listed(chain: list[tuple[int, int, bool]]) -> None:
        orgs = sum(1 for c in chain if c[2])
        if orgs >= 2 and 2 * orgs >= len(chain):
            for s, e, is_org in chain:
                if is_org or e - s > 5:
                    continue
                if not any(x.distinctive(k) for k in range(s, e)):
                    continue
                if any(raw[k].lower() in d.tails or raw[k] in d.titles for k in range(s, e)):
                    continue
                out.append(Cand(s, e, "company"))

    # Chains of items joined by separators: items[first:j].
    first = 0
    for j in range(1, len(items) + 1):
        if j < len(items):
            end, nxt = items[j - 1][1], items[j][0]
            # Every separator opens with one of those (or white space before it).
            opens = end < nxt and (texts[end] in _SEP_OPENERS or texts[end].isspace())
            if opens and sep(items[j - 1], items[j]):
                continue
        if j - first >= 3:
            listed(items[first:j])
        first = j
    return out


def _descriptor_cands(x: _Doc, runs: list[list[int]], covered: set[int]) -> list[Cand]:
    """Names introduced by what they are: "partner Vaxelle", "Yaozhi Data, a consultancy"."""
    d, raw, ws, n = x.d, x.raw, x.ws, x.n
    out: list[Cand] = []
    for run in runs:
        if len(run) > 4 or not covered.isdisjoint(run):
            continue
        # The cue first: most runs have none, and the other tests cost more.
        end = run[-1] + 1
        p = run[0] - 1
        before = p >= 0 and bool(ws[p]) and raw[p].lower() in d.descriptors and raw[p].islower()
        after = False
        if end + 2 < n and raw[end] == "," and raw[end + 1].lower() in {"a", "an"}:
            for k in range(end + 2, min(end + 7, n)):
                t = raw[k]
                if t.lower() in d.descriptors and t.islower():
                    after = (
                        k + 1 >= n or x.punct(k + 1) or raw[k + 1].lower() in d.descriptor_followers
                    )
                    break
                if t not in _HYPHENS and x.punct(k):
                    break  # "a Beijing-based consultancy" goes on over the hyphen
        if not (before or after):
            continue
        if not any(x.distinctive(k) for k in run) or any(raw[k].lower() in d.tails for k in run):
            continue
        if end < n and raw[end] in _HYPHENS and not ws[end - 1]:
            continue  # a code name ("ABC-123"), not a company
        out.append(Cand(run[0], end, "company"))
        covered.update(run)
    return out


def _source_cue(x: _Doc, start: int, end: int) -> bool:
    """Whether the words around ``start:end`` cite it as a source: "told X",
    "according to X", "X reported"."""
    if _cue_before(x, start):
        return True
    nxt = x.next_word(end)
    return nxt is not None and x.raw[nxt].lower() in x.d.camel_after


def _cue_before(x: _Doc, start: int) -> bool:
    """Whether the words before ``start`` cite what follows: "told", "according to"."""
    d, raw = x.d, x.raw
    p1 = x.prev_word(start)
    if p1 is not None:
        low = raw[p1].lower()
        if low in d.camel_before:
            return True
        if low == "to":
            p2 = x.prev_word(start, 2)
            if p2 is not None and raw[p2].lower() == "according":
                return True
    return False


def _media_name(x: _Doc, run: list[int]) -> bool:
    """A run that reads as a news outlet's name: "Pipelinewire", "Kestrel Report"."""
    d = x.d
    if len(run) > 3:
        return False
    last = x.texts[run[-1]].lower()
    if len(run) == 1:
        if not last.endswith(d.media_endings):
            return False
    elif last not in d.media_words:
        return False
    if not all(x.names[k] for k in run):
        return False
    words = [x.texts[k] for k in run]
    if any(w in d.never_name or w.lower() in d.places for w in words):
        return False
    if len(run) == 1:
        return any(last.endswith(e) and len(last) > len(e) + 2 for e in d.media_endings)
    return x.distinctive(run[0])


def _media_cands(x: _Doc, runs: list[list[int]], covered: set[int]) -> list[Cand]:
    """Outlets not in the gazetteer, cited in prose: "told Pipelinewire", "Kestrel
    Report reported". Bylines and credits carry no such cue."""
    out: list[Cand] = []
    for run in runs:
        if len(run) > 3 or not covered.isdisjoint(run) or not _media_name(x, run):
            continue
        if _source_cue(x, run[0], run[-1] + 1) and not _bracketed(x, run[0], run[-1] + 1):
            out.append(Cand(run[0], run[-1] + 1, "other"))
    return out


def _label_lines(x: _Doc) -> list[tuple[int, int]]:
    """Character ranges of navigation and credit lines ("Related: ...", "Source: ...
    Editor: ..."): such lines name no organisation in prose."""
    # Every label ends with a colon on its line and no match crosses a line
    # break, so only lines with a colon are searched: the case-insensitive
    # pattern has no literal prefix for the regex engine to skip ahead with.
    text, labels = x.text, x.d.line_labels
    out: list[tuple[int, int]] = []
    p = text.find(":")
    while p >= 0:
        a = text.rfind("\n", 0, p) + 1
        b = text.find("\n", p)
        if b < 0:
            b = len(text)
        out.extend(m.span() for m in labels.finditer(text, a, b))
        p = text.find(":", b)
    return out


def _on_label_line(x: _Doc, c: Cand, lines: list[tuple[int, int]]) -> bool:
    a = x.idx[c.start]
    return any(s <= a < e for s, e in lines)


def _camel_cands(x: _Doc, covered: set[int]) -> list[Cand]:
    """CamelCase names used as a source or actor: "told PharmCube", "by MedFirm",
    "told Asia BioCurrent" (a region word before the brand)."""
    d = x.d
    out: list[Cand] = []
    scan = x.name_caps
    if x.memo.camel_never:
        extra = [i for w in x.memo.camel_never if w in x.text for i in x.positions(w)]
        if extra:
            scan = sorted({*scan, *extra})
    for i in scan:
        text = x.texts[i]
        # CamelCase has a capital after the first letter: most names have none.
        if text[1:].islower() or i in covered or not _CAMEL.match(text) or text in d.camel_stop:
            continue
        end = _edition_end(x, i + 1)
        if end > i + 1 and any(k in covered for k in range(i + 1, end)):
            end = i + 1
        p = i - 1
        # "told Asia BioCurrent": a region word between the cue and the brand
        # opens the outlet's name.
        if (
            p >= 0
            and x.ws[p]
            and p not in covered
            and (x.texts[p],) in d.regions
            and _cue_before(x, p)
        ):
            out.append(Cand(p, end, "company"))
            continue
        if _source_cue(x, i, end):
            out.append(Cand(i, end, "company"))
    return out


def _core(x: _Doc, toks: Sequence[int]) -> list[str]:
    """The distinctive part of a company name: "Zhifei" of "Chongqing Zhifei Biological ..."."""
    d = x.d
    words = [k for k in toks if x.raw[k] not in _HYPHENS]
    i = 0
    while i < len(words) and x.texts[words[i]].lower() in d.places:
        i += 1
    j = len(words)
    while j > i and not x.distinctive(words[j - 1]):
        j -= 1
    # Sector words before the head go too ("Qiyuan" of "Qiyuan mRNA Therapeutics",
    # "Xinyu" of "Xinyu Gene Therapy"), while a word of the name's own is left.
    k = j
    while k > i + 1 and x.texts[words[k - 1]].lower() in d.core_sector:
        k -= 1
    if k < j and any(x.distinctive(w) for w in words[i:k]):
        j = k
    core = words[i:j]
    if not core or (len(core) == 1 and not x.distinctive(core[0])):
        return []
    return [x.texts[k] for k in core]


def _by_words(x: _Doc, c: Cand) -> bool:
    """Whether what :func:`_core` and the acronym initials read of ``c`` is a function
    of its tokens' texts alone, so it may be kept by them (``_Memo.cores``,
    ``_Memo.initials``): true unless a glued dateline sits inside, where the
    name reads past the dateline (``texts``), not the token's text (``raw``)."""
    glued = x.glued
    return not glued or all(k not in glued for k in range(c.start, c.end))


def _short_forms(x: _Doc, spans: list[Cand], covered: set[int]) -> list[Cand]:
    """Later (or earlier) bare mentions of a found company's distinctive core."""
    d, raw, ws = x.d, x.raw, x.ws
    cores: dict[tuple[str, ...], tuple[str, str]] = {}
    memo = x.memo
    for sp in spans:
        if sp.kind in {"government", "hospital", "academic"} or sp.ref in d.media_names:
            continue  # a media outlet's core ("Daily") is no short name of it
        key = tuple(raw[sp.start : sp.end])
        got = memo.cores.get(key) if _by_words(x, sp) else None
        if got is None:
            got = (
                tuple(_core(x, range(sp.start, sp.end))),
                sum(1 for k in range(sp.start, sp.end) if not x.punct(k)),
            )
            if _by_words(x, sp):
                memo.keep(memo.cores, key, got)
        core, n_words = got
        if not core or (len(core) == 1 and (len(core[0]) < 3 or core[0].lower() in d.generic)):
            continue
        if len(core) == n_words:
            continue  # the name is its own core
        if core not in cores:
            cores[core] = (x.cand_text(sp), sp.kind or "company")
    out: list[Cand] = []
    texts = x.texts
    for core, (ref, kind) in cores.items():
        n = len(core)
        words = list(core)
        for i in x.positions(core[0]):
            if i > x.n - n or texts[i : i + n] != words:
                continue
            if any(k in covered for k in range(i, i + n)):
                continue
            nxt = i + n
            if nxt < x.n and ws[nxt - 1] and x.is_name(nxt) and raw[nxt] not in d.titles:
                continue  # part of another name ("Zhirui Biopharmaceutical Park")
            prv = i - 1
            if (
                prv >= 0
                and ws[prv]
                and x.is_name(prv)
                and raw[prv].lower() not in d.places
                and not x.sentence_initial(prv)
            ):
                continue  # the tail of a longer name
            out.append(Cand(i, i + n, kind, ref))
            covered.update(range(i, i + n))
    return out


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _word_initials(w: str) -> str:
    """The initials one word gives an acronym: "" for function words, one per
    CamelCase part ("BioNTech" gives "BNT")."""
    if w.lower() in _FUNCTION or not w[:1].isalpha():
        return ""
    parts = _CAMEL_PARTS.findall(w) or [w]
    return "".join(p[0].upper() for p in parts)


def _initials(toks: Iterable[str]) -> str:
    return _initials_of(tuple(toks))


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _initials_of(toks: tuple[str, ...]) -> str:
    return "".join(_word_initials(w) for w in toks)


def _acronyms(x: _Doc, spans: list[Cand], covered: set[int]) -> list[Cand]:
    """Acronyms defined after a name "(NMPA)" or spelling one found ("BIA")."""
    d, raw, texts, names = x.d, x.raw, x.texts, x.names
    out: list[Cand] = []
    by_initials: dict[str, Cand] = {}
    memo = x.memo
    for sp in spans:
        key = tuple(raw[sp.start : sp.end])
        got = memo.initials.get(key) if _by_words(x, sp) else None
        if got is None:
            words = [texts[k] for k in range(sp.start, sp.end) if raw[k].isalpha() or names[k]]
            words = [w for w in words if w not in d.legal]
            got = (_initials(words), _initials([w for w in words if w.lower() not in d.places]))
            if _by_words(x, sp):
                memo.keep(memo.initials, key, got)
        for ini in got:
            if len(ini) >= 2:
                by_initials.setdefault(ini, sp)
        # "(NMPA)" / "(MSD, NYSE: MRK)" right after the name.
        j = sp.end
        if j + 1 < x.n and raw[j] == "(" and _ALLCAPS.match(raw[j + 1]):
            k = j + 1
            if (
                k + 1 < x.n
                and raw[k + 1] in {")", ","}
                and k not in covered
                and raw[k] not in d.tickers
            ):
                out.append(Cand(k, k + 1, sp.kind or "other", x.cand_text(sp)))
                covered.add(k)
    if not by_initials:
        return out
    for i in x.name_caps:
        text = texts[i]
        found = by_initials.get(text)
        if found is None or i in covered or not _ALLCAPS.match(text) or text in d.never_name:
            continue
        if _heading_context(x, i) or _ticker(x, i, i + 1):
            continue
        out.append(Cand(i, i + 1, found.kind or "other", x.cand_text(found)))
        covered.add(i)
    return out


# --------------------------------------------------------------------------- component


def _blocked_chars(doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges already claimed by money, stage and drug finders, and
    (second) those of the stage mentions alone."""
    out: list[tuple[int, int]] = []
    stages: list[tuple[int, int]] = []
    for n in ("amounts", "stage_mentions"):
        if not Doc.has_extension(n):
            continue
        got = out if n == "amounts" else stages
        for it in doc._.get(n) or ():
            if isinstance(it, tuple):
                got.append((int(it[0]), int(it[1])))
            else:
                got.append((int(it.start), int(it.end)))
    if "drugs" in doc.spans:
        out += [(s.start_char, s.end_char) for s in doc.spans["drugs"]]
    return out + stages, stages


def _select(cands: list[Cand]) -> list[Cand]:
    """Non-overlapping candidates, longest first, then leftmost: what spaCy's
    ``filter_spans`` keeps, on (start, end) pairs instead of Span objects.

    Of two candidates over the same tokens the one with a reference wins.
    """
    by_span: dict[tuple[int, int], Cand] = {}
    for c in cands:
        key = (c.start, c.end)
        old = by_span.get(key)
        if old is None or (old.ref is None and c.ref is not None):
            by_span[key] = c
    keep: list[tuple[int, int]] = []
    seen: set[int] = set()
    for s, e in sorted(by_span, key=lambda k: (k[1] - k[0], -k[0]), reverse=True):
        # Inclusive bounds, as in filter_spans.
        if s not in seen and e - 1 not in seen:
            keep.append((s, e))
            seen.update(range(s, e))
    keep.sort()
    return [by_span[k] for k in keep]


_LIST_WORDS = frozenset({"and", "or", "&", ",", "as well as"})


def _affiliated(x: _Doc, cands: list[Cand]) -> list[Cand]:
    """Join "<Hospital>, <University>" and "<Hospital> Affiliated to <University>"
    into one name: "Zhongshan Hospital, Fudan University" is the hospital of that
    university, named the way such hospitals name themselves. The comma form not
    inside a list ("Ruijin Hospital, Fudan University and
    Peking University"): a list word or comma before the hospital, or after the
    university a list word, or a comma and another name, leaves them two."""
    if len(cands) < 2:
        return cands
    raw, n = x.raw, x.n
    out: list[Cand] = []
    k = 0
    while k < len(cands):
        c = cands[k]
        nxt = cands[k + 1] if k + 1 < len(cands) else None
        if (
            nxt is not None
            and c.kind == "hospital"
            and nxt.kind in {"academic", "research"}
            and nxt.start == c.end + 2
            and raw[c.end].lower() == "affiliated"
            and raw[c.end + 1] in {"to", "with"}
        ):
            # "Renji Hospital Affiliated to Shanghai Jiao Tong University School
            # of Medicine": the hospital names its university in its own name.
            out.append(Cand(c.start, nxt.end, "hospital"))
            k += 2
            continue
        if (
            nxt is not None
            and c.kind == "hospital"
            and nxt.kind == "academic"
            and nxt.start == c.end + 1
            and raw[c.end] == ","
            and "\n" not in x.text[x.idx[c.end] : x.idx[nxt.start]]
            and (c.start == 0 or raw[c.start - 1].lower() not in _LIST_WORDS)
            and not _continues_list(x, nxt.end, n)
        ):
            out.append(Cand(c.start, nxt.end, "hospital"))
            k += 2
            continue
        out.append(c)
        k += 1
    return out


def _continues_list(x: _Doc, end: int, n: int) -> bool:
    """Whether a list goes on after token ``end``: "and"/"or", or a comma and a name."""
    if end >= n:
        return False
    t = x.raw[end].lower()
    if t in _LIST_WORDS and t != ",":
        return True
    if t == "," and end + 1 < n:
        after = x.raw[end + 1]
        return after.lower() in _LIST_WORDS or x.is_name(end + 1)
    return False


class OrgFinder:
    def __init__(self, nlp: Language) -> None:
        self.data = load_data()
        # One-word forms match as written ("Lilly", not "lilly"), longer ones in
        # any case ("BEIGENE LTD"): one lower-case matcher finds both, and the
        # written form of a one-word match is checked against its entry's.
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.single_forms: list[frozenset[str]] = []
        for i, e in enumerate(self.data.gazetteer):
            pdocs = [nlp.make_doc(form) for form in (e.name, *e.aliases)]
            self.matcher.add(str(i), pdocs)
            self.single_forms.append(frozenset(p[0].text for p in pdocs if len(p) == 1))
        self.direct_ext = _direct_ext_ok(nlp)

    def __call__(self, doc: Doc) -> Doc:
        x = _Doc(doc, self.data)
        # Blocked ranges by start, with the furthest end so far: a candidate
        # [a, b) overlaps one iff some range starting before b ends after a.
        blocked, stage_ranges = _blocked_chars(doc)
        blocked.sort()
        b_starts = [s for s, _ in blocked]
        b_reach = list(accumulate((e for _, e in blocked), max))
        idx, raw = x.idx, x.raw

        def free(c: Cand) -> bool:
            if c.end <= c.start:
                return False
            k = bisect_left(b_starts, idx[c.end - 1] + len(raw[c.end - 1]))
            return k == 0 or b_reach[k - 1] <= idx[c.start] or regulator_in_stage(c)

        def regulator_in_stage(c: Cand) -> bool:
            """A regulator named inside a filing or approval phrase ("submitted to
            the US Food and Drug Administration for review") is still named: the
            stage finder claimed the whole phrase, not the name. Only inside one
            stage mention and clear of every other claimed range."""
            if c.kind != "government" or not stage_ranges:
                return False
            a, b = idx[c.start], idx[c.end - 1] + len(raw[c.end - 1])
            inside = [r for r in stage_ranges if r[0] <= a and b <= r[1]]
            if len(inside) != 1:
                return False
            return not any(s < b and a < e and (s, e) != inside[0] for s, e in blocked)

        runs = _join_of_title(x, _join_and(x, _atomic_runs(x)))
        cands = [
            c
            for c in _pattern_cands(x, runs) + _gaz_cands(x, self.matcher, self.single_forms)
            if free(c) and not _ticker_label(x, c.start, c.end)
        ]
        primary = _select(cands)
        taken = {k for c in primary for k in range(c.start, c.end)}
        extra = _enumerated(x, runs, primary)
        extra += _descriptor_cands(x, runs, taken) + _camel_cands(x, taken)
        extra += _media_cands(x, runs, taken)
        primary = _select(primary + [c for c in extra if free(c)])
        lines = _label_lines(x)
        if lines:
            primary = [c for c in primary if c.gaz is not None or not _on_label_line(x, c, lines)]
        # The derived finders read the kept names as candidates: the spans the
        # Doc gets would say the same (kind, reference, start past a dateline).
        covered = {k for c in primary for k in range(c.start, c.end)}
        derived = _acronyms(x, primary, covered)
        derived += _short_forms(x, primary, covered)
        derived = [c for c in derived if free(c)]
        final = _affiliated(x, _select(primary + derived))
        doc.spans["orgs"] = self._spans(doc, final, x)
        return doc

    def _spans(self, doc: Doc, cands: list[Cand], x: _Doc) -> list[Span]:
        out = []
        direct = self.direct_ext
        user_data = doc.user_data
        for c in cands:
            sp = Span(doc, c.start, c.end, label="ORG")
            start = x.idx[c.start] + x.glued[c.start] if c.start in x.glued else None
            if direct:
                a, b = sp.start_char, sp.end_char
                user_data[("._.", "org_kind", a, b)] = c.kind
                user_data[("._.", "org_ref", a, b)] = c.ref
                if start is not None:
                    user_data[("._.", "org_start", a, b)] = start
                out.append(sp)
                continue
            ext = sp._
            ext.org_kind = c.kind
            ext.org_ref = c.ref
            if start is not None:
                ext.org_start = start
            out.append(sp)
        return out


def _direct_ext_ok(nlp: Language) -> bool:
    """Whether spaCy keeps the org extensions of a Span in ``doc.user_data`` under
    ``("._.", name, start_char, end_char)``, with no getter or setter in between.

    Then :meth:`OrgFinder._spans` writes them there itself: each ``span._`` makes
    an Underscore object, which cost more than the rest of building the span.
    Checked once on a probe Doc, so a spaCy that keys them otherwise gets the
    plain ``span._`` writes.
    """
    return _ext_in_user_data(nlp.make_doc("probe words"))


def _ext_in_user_data(doc: Doc) -> bool:
    """:func:`_direct_ext_ok` on a probe Doc written "probe words" (no extension set)."""
    span = Span(doc, 1, 2, label="ORG")
    ext = span._
    values = {"org_kind": "kind", "org_ref": "ref", "org_start": 7}
    for name, value in values.items():
        setattr(ext, name, value)
    expected = {("._.", name, 6, 11): value for name, value in values.items()}
    return doc.user_data == expected and all(
        getattr(Span(doc, 1, 2)._, name) == value for name, value in values.items()
    )


@Language.factory("bionews_orgs")
def make_org_finder(nlp: Language, name: str) -> OrgFinder:
    return OrgFinder(nlp)


# --------------------------------------------------------------------------- merge


def span_start(span: Span) -> int:
    """Character offset where an organisation span's name starts (past a glued dateline)."""
    start = span._.org_start
    return span.start_char if start is None else start


def span_text(span: Span) -> str:
    """The name an organisation span covers: its text without a glued dateline."""
    start = span._.org_start
    if start is None:
        return span.text
    return doc_text(span.doc)[start : span.end_char]


@lru_cache(maxsize=1)
def _direct_ext_read() -> bool:
    """Whether the merge may read the org extensions of a span straight from
    ``doc.user_data``: spaCy keeps them there (:func:`_direct_ext_ok`) and a span
    with none set reads None from ``span._`` as from a missing key.

    Each ``span._`` makes an Underscore object and each read through it runs
    Python code in spaCy: three reads per span were a third of the merge.
    """
    doc = Doc(Vocab(), words=["probe", "words"], spaces=[True, False])
    unset = Span(doc, 0, 1)._
    if any(getattr(unset, name) is not None for name in ("org_kind", "org_ref", "org_start")):
        return False
    return _ext_in_user_data(doc)


# A span as the merge reads it: (span_start, end_char, span_text, org_kind, org_ref, span).
_SpanRow = tuple[int, int, str, str | None, str | None, Span]


def _span_rows(spans: Iterable[Span]) -> list[_SpanRow]:
    """What the merge reads of each span, read once, in text order (by start, end)."""
    rows: list[_SpanRow] = []
    direct = _direct_ext_read()
    last_doc, text = None, ""
    for span in spans:
        doc = span.doc
        if doc is not last_doc:
            last_doc, text = doc, doc_text(doc)
        a, end = span.start_char, span.end_char
        if direct:
            user_data = doc.user_data
            org_start = user_data.get(("._.", "org_start", a, end))
            kind = user_data.get(("._.", "org_kind", a, end))
            ref = user_data.get(("._.", "org_ref", a, end))
        else:
            ext = span._
            org_start, kind, ref = ext.org_start, ext.org_kind, ext.org_ref
        start = a if org_start is None else org_start
        # span_text: the Doc's text over the span (``Span.text`` joins its tokens).
        rows.append((start, end, text[start:end], kind, ref, span))
    rows.sort(key=itemgetter(0, 1))
    return rows


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _org_key(name: str) -> str:
    """:func:`org_key`, kept: a Doc asks it for the same names several times."""
    return org_key(name)


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _key_words(key: str) -> tuple[str, ...]:
    """The words of a normalised name the merge compares, places at either end
    stripped; kept, as a Doc names the same organisation several times."""
    return tuple(_strip_places(_words(key), load_data().places))


def _strip_places(words: list[str], places: frozenset[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and words[i] in places:
        i += 1
    j = len(words)
    while j > i + 1 and words[j - 1] in places:
        j -= 1
    return words[i:j]


def _edit1(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion or substitution."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def _contains(small: list[str], big: list[str]) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def _joins(a: list[str], b: list[str], d: OrgData) -> int:
    """How strongly short form ``a`` belongs to fuller form ``b`` (0 = not at all)."""
    if a == b:
        return 3
    a_head = any(w in d.head_kind for w in a)
    if not a_head and _contains(a, b):
        b_core = [w for w in b if w not in d.head_kind and w not in d.generic]
        return 2 if b_core[: len(a)] == a else 1
    if (
        a_head
        and len(a) < len(b)
        and b[-len(a) :] == a
        and b[-len(a) - 1] not in d.of_words
        and b[-len(a) - 1] != "the"
        and any(w not in d.head_kind and w not in d.generic and w not in d.places for w in a)
    ):
        # A subsidiary's own name inside "Parent Subsidiary Pharmaceutical"; not
        # the parent named after "of" ("Hospital of Sanxia University").
        return 1
    if a_head and len(a) < len(b) and b[: len(a) - 1] == a[:-1] and b[len(a) - 1] == a[-1] + ",":
        return 2  # "Zhongshan Hospital" in "Zhongshan Hospital, Fudan University"
    if a_head and len(a) + 1 < len(b) and b[: len(a)] == a and b[len(a)] == "affiliated":
        return 2  # "Renji Hospital" of "Renji Hospital Affiliated to ... University"
    if len(a) == len(b) and len(a) > 1:
        diff = [(p, q) for p, q in zip(a, b, strict=True) if p != q]
        if len(diff) == 1 and min(len(diff[0][0]), len(diff[0][1])) >= 5 and _edit1(*diff[0]):
            return 1
    return 0


@lru_cache(maxsize=WORD_MEMO_SIZE)
def _market_form(name: str) -> tuple[bool, bool]:
    """Whether ``name`` ends in a legal suffix, and whether a subsidiary's market
    closes it before that suffix ("Kexin Pharma (Hong Kong) Limited", "Kangyuan
    Pharma USA, Inc.")."""
    s = _WS.sub(" ", unicodedata.normalize("NFKC", name).lower()).strip()
    m = _LEGAL_TAIL.search(s)
    if m is None or m.start() == 0:
        return False, False
    return True, load_data().market_re.search(s, 0, m.start()) is not None


def _spells(acronym: str, name: str) -> bool:
    """Whether ``acronym``'s letters are, in order, initials of ``name``'s words
    ("FDA" in "United States Food and Drug Administration")."""
    initials = [w[0].upper() for w in name.split() if w[:1].isalpha()]
    pos = 0
    for ch in acronym:
        while pos < len(initials) and initials[pos] != ch:
            pos += 1
        if pos == len(initials):
            return False
        pos += 1
    return True


def _defined_acronyms(spans: list[Span], texts: list[str]) -> list[tuple[int, int]]:
    """Pairs (name, acronym) where the acronym is defined in brackets right after
    the name: "... Drug Administration (FDA)", even when the two forms were found
    by different rules."""
    out = []
    for i in range(len(spans) - 1):
        a, b = spans[i], spans[i + 1]
        doc = a.doc
        if b.start != a.end + 1 or doc[a.end].text != "(" or len(b) != 1:
            continue
        acr = texts[i + 1]
        closed = b.end < len(doc) and doc[b.end].text == ")"
        if closed and _ALLCAPS.match(acr) and _spells(acr, texts[i]):
            out.append((i, i + 1))
    return out


_OPEN_QUOTES = frozenset({'"', "“", "'", "‘"})
_CLOSE_QUOTES = frozenset({'"', "”", "'", "’"})


def _defined_short_forms(spans: list[Span], keys: list[str]) -> list[tuple[int, int]]:
    """Pairs (name, short form) where the short form is defined in quotes in brackets
    right after the name: 'Zhejiang Xianju Kangyuan Pharmaceutical Co., Ltd.
    ("Kangyuan Pharma" or the "Company")'. The short form shares a word's opening
    with the name ("Pharma" of "Pharmaceutical"), so a quoted role ("the Company")
    or another company named there is none."""
    out = []
    for i in range(len(spans) - 1):
        a, b = spans[i], spans[i + 1]
        doc = a.doc
        if (
            b.start != a.end + 2
            or doc[a.end].text != "("
            or doc[a.end + 1].text not in _OPEN_QUOTES
            or b.end >= len(doc)
            or doc[b.end].text not in _CLOSE_QUOTES
        ):
            continue
        long_words = _words(keys[i])
        short_words = [w for w in _words(keys[i + 1]) if len(w) > 3]
        if short_words and all(any(w.startswith(s) for w in long_words) for s in short_words):
            out.append((i, i + 1))
    return out


def merge_organisations(spans: list[Span]) -> list[Organisation]:
    """One Organisation per distinct organisation among ``spans`` (one Doc's).

    Forms join when they normalise alike, share a gazetteer entry, one was derived
    from the other (short form, acronym), differ only by a place prefix, or one is
    the bare distinctive core of the other. A former name or a parent company is
    its own entry (CFDA is not NMPA, "Yabao Pharmaceutical" is not "Suzhou Yabao
    Pharmaceutical Research and Development").
    """
    if not spans:
        return []
    d = load_data()
    # Each span's extension values read once: the merge below asks for them
    # again and again.
    rows = _span_rows(spans)
    starts = [r[0] for r in rows]
    ends = [r[1] for r in rows]
    texts_of = [r[2] for r in rows]
    org_kinds = [r[3] for r in rows]
    refs = [r[4] for r in rows]
    spans = [r[5] for r in rows]
    keys = [_org_key(t) for t in texts_of]
    parent = list(range(len(spans)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    gaz_of: list[int | None] = []
    for ref, k in zip(refs, keys, strict=True):
        g = d.gaz_index.get(k)
        if g is None and ref:
            g = d.gaz_index.get(_org_key(ref))
        gaz_of.append(g)
    first_by: dict[object, int] = {}
    for i, (k, g) in enumerate(zip(keys, gaz_of, strict=True)):
        for token in (("k", k), ("g", g) if g is not None else None):
            if token is None:
                continue
            if token in first_by:
                union(i, first_by[token])
            else:
                first_by[token] = i
    for i, ref in enumerate(refs):
        if ref:
            j = first_by.get(("k", _org_key(ref)))
            if j is not None:
                union(i, j)

    for i, j in (*_defined_acronyms(spans, texts_of), *_defined_short_forms(spans, keys)):
        if gaz_of[i] is None or gaz_of[j] is None or gaz_of[i] == gaz_of[j]:
            union(i, j)

    # Short forms, place prefixes, subsidiaries' tails and typos between groups.
    words = [list(_key_words(k)) for k in keys]
    reps = sorted({find(i) for i in range(len(spans))})

    def longer(i: int, j: int) -> int:
        # The longest key of a group, the earliest on a tie.
        if len(keys[i]) != len(keys[j]):
            return i if len(keys[i]) > len(keys[j]) else j
        return min(i, j)

    # Longest member per group, kept up to date on union: recomputing the
    # members for every pair made this quadratic in the mentions.
    longest: dict[int, int] = {}
    for i in range(len(spans)):
        r = find(i)
        longest[r] = longer(longest[r], i) if r in longest else i
    # Each rep's root, read again only after a union: no pair test below
    # changes the groups, so a's root and longest member hold over its pairs.
    key_len = [len(k) for k in keys]
    # A subsidiary named for its market ("Lingxi Therapeutics (Australia) Pty
    # Ltd") is not its parent, whose words it shares once places are stripped:
    # it never joins a full legal name without that market, and a bare form
    # ("Lingxi Therapeutics") joins it only when no other name takes that form.
    forms = [_market_form(t) for t in texts_of]
    roots = [find(b) for b in reps]
    for a in reps:
        best, best_score = None, 0.0
        ra = find(a)
        ga, la = gaz_of[a], longest[ra]
        a_len, a_words = key_len[la], words[la]
        a_suffixed, a_market = forms[la]
        for b, rb in zip(reps, roots, strict=True):
            if rb == ra:  # b is a, or already in a's group
                continue
            gb = gaz_of[b]
            if ga is not None and gb is not None and ga != gb:
                continue
            lb = longest[rb]
            if a_len > key_len[lb]:
                continue
            score: float = _joins(a_words, words[lb], d)
            b_suffixed, b_market = forms[lb]
            if score and a_market != b_market:
                if b_suffixed if a_market else a_suffixed:
                    continue
                score -= 0.5
            if score > best_score:
                best, best_score = b, score
        if best is not None:
            merged = longer(longest[ra], longest[find(best)])
            union(a, best)
            longest[find(a)] = merged
            roots = [find(b) for b in reps]

    groups: dict[int, list[int]] = {}
    for i in range(len(spans)):
        groups.setdefault(find(i), []).append(i)
    out: list[Organisation] = []
    for members in sorted(groups.values(), key=lambda m: starts[m[0]]):
        texts = [texts_of[i] for i in members]
        name_i = max(members, key=lambda i: (len(texts_of[i]), -starts[i]))
        name = texts_of[name_i]
        aliases: list[str] = []
        seen = {name}
        for t in texts:
            if t not in seen:
                seen.add(t)
                aliases.append(t)
        kinds = [org_kinds[i] for i in members if org_kinds[i] in ORG_KINDS]
        kind = org_kinds[name_i]
        if kind not in ORG_KINDS:
            kind = max(set(kinds), key=kinds.count) if kinds else "other"
        mentions = [Mention(start=starts[i], end=ends[i], text=texts_of[i]) for i in members]
        out.append(Organisation(name=name, aliases=aliases, kind=kind, mentions=mentions))
    return out
