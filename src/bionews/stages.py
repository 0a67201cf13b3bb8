"""Development-stage mentions: "Phase Ⅲ clinical trial" -> phase_3, "filed the NDA" -> filed.

Every pattern lives in ``data/stages.json``; this module holds the judgement that
cannot be a single regex:

* phases are read in any numeral system and folded (Phase IIb -> phase_2,
  Phase 1b/2 -> phase_1_2), but "Phase II of the industrial park" is construction;
* ``clinical`` is only the stage of a programme with no phase: a "clinical trial"
  in a clause that also states a phase is that phased trial, and an anaphoric
  "the clinical trials" (or an IND approval) in an article that states a phase
  almost always refers back to it;
* ``filed`` and ``approved`` need regulatory or drug words in the same sentence,
  because "approved" is also what boards do to plans and investments, and an
  approval "to start clinical trials" is an IND, not a marketing approval;
  hoped-for approvals ("key to their market approval", "upon approval") are not
  granted ones, and sought or applied-for ones are filings;
* a news story repeats an approval in short forms ("won approval in 2019",
  "and approvals for X and Y") once it has stated one: right after a granted
  approval (or filing) such a form needs no regulator or drug word of its own;
* a drug's "listing application" / "approved for listing" is its marketing
  application / approval, but only with a regulator named and no shares or
  exchange in the sentence (else it is an IPO);
* "clinical development" is a programme's stage only when said of one ("in
  clinical development", "clinical development of X"); money, teams and a
  company's focus spent on it are no stage.

The drug a mention is about is left empty; the linker fills it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc

from .records import STAGES, Stage, StageMention
from .tokens import doc_text

# No break after a two-letter abbreviation: "received U.S. FDA approval" is one sentence.
_SENTENCE_BREAK = re.compile(
    r"\n+|(?<=[.!?])(?<![A-Z]\.[A-Z]\.)[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])"
)
# The same breaks (the same match ends), found faster: it opens with the newline
# or the stop itself, so the engine jumps between those characters instead of
# trying the lookbehinds at every position. A stop right before a newline is
# left to the newline, as the plain form does.
_SENTENCE_BREAK_SCAN = re.compile(
    r"[\n.!?](?:(?<=\n)\n*|(?<=[.!?])(?!\n)(?<![A-Z]\.[A-Z]\.)[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9]))"
)
_CLAUSE_BREAK = re.compile(r";\s*")
_ADJACENT = re.compile(r"[\s\-–]*(?:[\w\-]+[\s\-]+)?")
# The object of "approval of ..." up to the next comma: "Nod for X, Plans New Base"
# is two headlines, not an approval of plans.
_OBJECT = re.compile(r"\s+(?:of|for)\b([^,;:()]*)")


@dataclass(frozen=True, slots=True)
class _Rule:
    stage: str | None
    regex: re.Pattern[str]
    context: str | None  # a _Vocab regex the sentence must match: "regulatory", "regulator"
    suppress: str | None  # None, "clause" or "document"
    verb: bool  # "approved": may have a non-drug object or subject
    noun: bool  # "approval", "application": may be one to run a trial, or for a merger
    explicit: bool  # "new drug application": a filing whatever else the sentence names
    needs_approval: bool  # only right after a granted approval ("approvals for X")
    blockers: str | None  # a _Vocab regex barred from the sentence, for filing_blockers
    before: re.Pattern[str] | None  # must match the clause text just before the mention


@dataclass(frozen=True, slots=True)
class _PhaseRule:
    regex: re.Pattern[str]
    check_blockers: bool


@dataclass(frozen=True, slots=True)
class _Vocab:
    numerals: dict[str, int]
    combined: dict[str, str]
    phases: tuple[_PhaseRule, ...]
    rules: tuple[_Rule, ...]
    blockers_after: re.Pattern[str]
    blockers_before: re.Pattern[str]
    regulatory: re.Pattern[str]
    device: re.Pattern[str]
    drug: re.Pattern[str]
    negated_before: re.Pattern[str]
    trial_after: re.Pattern[str]
    trial_before: re.Pattern[str]
    non_product_before: re.Pattern[str]
    trial_words: re.Pattern[str]
    market_words: re.Pattern[str]
    object_blockers: re.Pattern[str]
    subject_blockers: re.Pattern[str]
    filing_blockers: re.Pattern[str]
    approval_context_sentences: int
    exchange_words: re.Pattern[str]
    regulator: re.Pattern[str]
    purpose_blockers: re.Pattern[str]
    negated_after: re.Pattern[str]
    boilerplate_heading: re.Pattern[str]
    evidence_after: re.Pattern[str]
    licensing_deal_words: re.Pattern[str]


# Vocabulary regexes a rule may name as the context its sentence needs, and as
# its own sentence blockers.
_SENTENCE_CONTEXTS = frozenset({"regulatory", "regulator"})
_SENTENCE_BLOCKERS = frozenset({"filing_blockers", "exchange_words", "licensing_deal_words"})


def _rx(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    raw = json.loads(resources.files("bionews").joinpath("data/stages.json").read_text("utf-8"))
    rules = tuple(
        _Rule(
            stage=r["stage"],
            regex=_rx(r["pattern"], r.get("case_sensitive", False)),
            context=r["context"] if r.get("context") in _SENTENCE_CONTEXTS else None,
            suppress=r.get("suppress"),
            verb=r.get("verb", False),
            noun=r.get("noun", False),
            explicit=r.get("explicit", False),
            needs_approval=r.get("context") == "approval",
            blockers=r.get("blockers"),
            before=_rx(r["before"]) if "before" in r else None,
        )
        for r in raw["patterns"]
    )
    for rule in rules:
        if rule.stage is not None and rule.stage not in STAGES:
            raise ValueError(f"stages.json: unknown stage {rule.stage!r}")
        if rule.blockers is not None and rule.blockers not in _SENTENCE_BLOCKERS:
            raise ValueError(f"stages.json: unknown blockers {rule.blockers!r}")
    return _Vocab(
        numerals={k.lower(): v for k, v in raw["numerals"].items()},
        combined=raw["combined_phases"],
        phases=tuple(
            _PhaseRule(_rx(p["pattern"]), p["check_blockers"]) for p in raw["phase_patterns"]
        ),
        rules=rules,
        blockers_after=_rx(raw["phase_blockers_after"]),
        blockers_before=_rx(raw["phase_blockers_before"]),
        regulatory=_rx(raw["regulatory_context"]),
        device=_rx(raw["device_words"]),
        drug=_rx(raw["drug_words"]),
        negated_before=_rx(raw["approval_negated_before"]),
        trial_after=_rx(raw["trial_approval_after"]),
        trial_before=_rx(raw["trial_approval_before"]),
        non_product_before=_rx(raw["non_product_approval_before"]),
        trial_words=_rx(raw["trial_words"]),
        market_words=_rx(raw["market_words"]),
        object_blockers=_rx(raw["approval_object_blockers"]),
        subject_blockers=_rx(raw["approval_subject_blockers"]),
        filing_blockers=_rx(raw["filing_blockers"]),
        approval_context_sentences=int(raw["approval_context_sentences"]),
        exchange_words=_rx(raw["exchange_words"]),
        regulator=_rx(raw["regulator_names"]),
        purpose_blockers=_rx(raw["approval_purpose_blockers"]),
        negated_after=_rx(raw["approval_negated_after"]),
        boilerplate_heading=re.compile(raw["boilerplate_heading"], re.IGNORECASE | re.MULTILINE),
        evidence_after=_rx(raw["approval_evidence_after"]),
        licensing_deal_words=_rx(raw["licensing_deal_words"]),
    )


# --------------------------------------------------------------------------- scanning
#
# Each rule is a case-blind regex opening with a word boundary, and the engine
# tries every one of them at every position of the page: the rule scans cost
# twice the tokenizer. All rules are run instead from one scan over word starts:
# a rule is tried only where the word's first characters are ones its matches
# can open with, read off the parsed pattern (the first character alone where
# the pattern does not tell), and only where it matches (see "candidates"). Per
# rule this visits every position where a match can start, in order, so it
# finds exactly what ``finditer`` finds.


# What ``\s`` matches in a str pattern (test_speed_stages checks this against
# every code point): openings such as "in " must tell "in the clinic" from "into".
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _set_chars(members: Any) -> set[str] | None:
    r"""The characters of a parsed ``[...]`` set; None for ``\w``, negated or huge
    sets (too many characters to dispatch on)."""
    chars: set[str] = set()
    for kind, arg in members:
        if kind is _C.LITERAL:
            chars.add(chr(arg))
        elif kind is _C.RANGE and arg[1] - arg[0] < 256:
            chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif kind is _C.CATEGORY and arg is _C.CATEGORY_SPACE:
            chars |= _WHITESPACE
        else:
            return None
    return chars


def _first_chars(items: Any) -> tuple[frozenset[str] | None, bool]:
    r"""(characters a match of parsed ``items`` can open with, whether it can be empty).

    None when the analysis cannot tell (wildcards, classes such as ``\w``,
    back-references): such a rule is scanned the plain way.
    """
    chars: set[str] = set()
    for op, av in items:
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue  # zero width: the next item opens the match
        if op is _C.LITERAL:
            return frozenset(chars | {chr(av)}), False
        if op is _C.IN:
            members = _set_chars(av)
            if members is None:
                return None, False
            return frozenset(chars | members), False
        if op is _C.SUBPATTERN:
            sub, nullable = _first_chars(av[3])
        elif op is _C.BRANCH:
            sub, nullable = frozenset(), False
            for branch in av[1]:
                b, b_nullable = _first_chars(branch)
                if b is None:
                    return None, False
                sub, nullable = sub | b, nullable or b_nullable
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            sub, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if sub is None:
            return None, False
        chars |= sub
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


_MAX_OPENINGS = 512  # beyond this many openings, shorter ones (or the first character) will do
# How many opening characters the scan dispatches on: three tell "third" from
# "the" and "IND" from "in".
_OPENING = 4
# Opening keys remembered at most (a few hundred occur on real pages).
_MAX_KEYS = 4096


def _concat(heads: set[str], tails: set[str], k: int) -> set[str] | None:
    """Every head followed by every tail, cut to ``k`` characters; None when that
    makes more than ``_MAX_OPENINGS`` (the caller falls back to shorter openings)."""
    full = {h for h in heads if len(h) >= k}
    short = [h for h in heads if len(h) < k]
    if len(full) + len(short) * len(tails) > _MAX_OPENINGS * 4:
        return None  # not worth building: the result could hardly shrink below the cap
    out = full | {(h + t)[:k] for h in short for t in tails}
    return out if len(out) <= _MAX_OPENINGS else None


def _item_openings(op: Any, av: Any, k: int) -> set[str] | None:
    """What one parsed item can match, cut to ``k`` characters; None: cannot tell."""
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return {""}  # zero width
    if op is _C.LITERAL:
        return {chr(av)}
    if op is _C.IN:
        return _set_chars(av)
    if op is _C.SUBPATTERN:
        return _openings(av[3], k)
    if op is _C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            b = _openings(branch, k)
            if b is None:
                return None
            out |= b
        return out
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        lo, hi, sub = av
        once = _openings(sub, k)
        if once is None:
            return None
        # k repetitions of a non-empty piece already fill k characters.
        out: set[str] | None = set()
        cur: set[str] | None = {""}
        for n in range(min(hi, max(lo, k)) + 1):
            if cur is None:
                return None
            if n >= lo:
                out |= cur
            cur = _concat(cur, once, k)
        return out
    return None


def _openings(items: Any, k: int) -> set[str] | None:
    """The first ``k`` characters a match of parsed ``items`` can have (a whole
    match where it is shorter); None when the analysis cannot tell."""
    acc = {""}
    for op, av in items:
        if all(len(a) >= k for a in acc):
            break
        step = _item_openings(op, av, k)
        if step is None:
            return None
        joined = _concat(acc, step, k)
        if joined is None:
            return None
        acc = joined
    return acc


def _opening(found: set[str]) -> re.Pattern[str]:
    """A case-blind regex for the one or two characters a match can open with,
    matched at the start of a two-character key."""
    alternatives = sorted(found, key=lambda o: (-len(o), o))
    return re.compile("|".join(re.escape(o) for o in alternatives), re.IGNORECASE)


def _opens_at_word_start(items: Any) -> bool:
    r"""Whether every match begins with ``\b``: then it starts where a word starts."""
    if not items:
        return False
    op, av = items[0]
    if op is _C.AT:
        return av is _C.AT_BOUNDARY
    if op is _C.BRANCH:
        return all(_opens_at_word_start(b) for b in av[1])
    if op is _C.SUBPATTERN and not av[1] and not av[2]:
        return _opens_at_word_start(av[3])
    return False


@dataclass(frozen=True, slots=True)
class _Scanner:
    regexes: tuple[re.Pattern[str], ...]
    firsts: tuple[re.Pattern[str] | None, ...]  # None: scan that regex the plain way
    # What the first ``_OPENING`` characters of a match can be (a superset), per
    # dispatched regex: most rules open with a word, so a few characters rule
    # out far more places than one ("is" is no start of "investigator").
    openings: tuple[re.Pattern[str] | None, ...]
    # The character before each word start where some dispatched regex matches
    # (see _dispatch); offset 0 has none, so the rules are tried there anyway.
    candidates: re.Pattern[str]
    # Opening characters -> indices of the regexes that can open with them;
    # filled as they turn up (the values never change, so sharing it is safe).
    # Only candidates are looked up, so the keys are mostly the rules' own openings.
    by_char: dict[str, tuple[int, ...]]

    def _group(self, key: str) -> tuple[int, ...]:
        group = self.by_char.get(key)
        if group is None:
            group = tuple(i for i, f in enumerate(self.openings) if f is not None and f.match(key))
            if len(self.by_char) >= _MAX_KEYS:  # odd text can vary the keys: stay bounded
                self.by_char.clear()
            self.by_char[key] = group
        return group

    def matches(self, text: str) -> list[list[re.Match[str]]]:
        """``list(regex.finditer(text))`` for every regex, in one pass."""
        out: list[list[re.Match[str]]] = [[] for _ in self.regexes]
        next_pos = [0] * len(self.regexes)
        for i, (rx, first) in enumerate(zip(self.regexes, self.firsts, strict=True)):
            if first is None:
                out[i] = list(rx.finditer(text))
        regexes = self.regexes
        for p in [0, *(c.end() for c in self.candidates.finditer(text))]:
            for i in self._group(text[p : p + _OPENING]):
                if p >= next_pos[i] and (m := regexes[i].match(text, p)) is not None:
                    out[i].append(m)
                    next_pos[i] = m.end()  # finditer resumes after a (non-empty) match
        return out


# --------------------------------------------------------------------------- candidates
#
# Trying the rules from Python at every word start that could open one of them
# cost more than the rules themselves (hundreds of word starts a page, for a
# handful of matches). So one regex finds, in C, the word starts where some rule
# really matches, and Python tries the rules only there. Its shape:
#
#     \W(?=[tT](?:[hH][eE](?<=(?=R1|R2)[\s\S]{3})|...)|...)
#
# Opening with ``\W`` lets the engine jump from one non-word character to the
# next; the lookahead then branches on up to ``_OPENING`` characters of the word
# with case-sensitive classes, which the engine skips without entering a branch,
# and at the end looks back over the consumed characters to run the rules of
# that opening (their own patterns, group names dropped) from the word start.
# Each class holds what its key character matches case-blind (for a
# case-sensitive rule, the character itself), so "\u212aey" still reaches "key".
# Being a superset filter, it never decides a match; the rules do, from Python.
# Offset 0 has no character before it: the rules that can open with its first
# characters are simply tried there.

# The only characters outside ASCII that match an ASCII one case-blind ("İ", "ı",
# "ſ" and the Kelvin sign); test_speed_stages checks this against every code point.
_ASCII_FOLDS = "\u0130\u0131\u017f\u212a"
_NON_ASCII = "\x80-\U0010ffff"
_SCOPED_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _fold_class(c: str) -> str:
    """A case-sensitive ``[...]`` body holding every character ``c`` matches
    case-blind (every non-ASCII character when ``c`` is one)."""
    key = re.compile(re.escape(c), re.IGNORECASE)
    pool = [chr(d) for d in range(128)] + list(_ASCII_FOLDS)
    chars = sorted({d for d in pool if key.fullmatch(d)} | {c})
    return "".join(re.escape(d) for d in chars) + ("" if c.isascii() else _NON_ASCII)


def _shape(items: Any) -> Any:
    """A parsed pattern with group numbers left out; None if it refers to a group
    (a back-reference would follow the renumbering)."""
    out = []
    for op, av in items:
        if op in (_C.GROUPREF, _C.GROUPREF_EXISTS):
            return None
        if op is _C.SUBPATTERN:
            sub = _shape(av[3])
            if sub is None:
                return None
            out.append((op, (av[1], av[2], sub)))
        elif op is _C.BRANCH:
            branches = [_shape(b) for b in av[1]]
            if any(b is None for b in branches):
                return None
            out.append((op, tuple(branches)))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
            sub = _shape(av[2])
            if sub is None:
                return None
            out.append((op, (av[0], av[1], sub)))
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            sub = _shape(av[1])
            if sub is None:
                return None
            out.append((op, (av[0], sub)))
        elif op is _C.ATOMIC_GROUP:
            sub = _shape(av)
            if sub is None:
                return None
            out.append((op, sub))
        elif op is _C.IN:
            out.append((op, tuple(av)))
        else:
            out.append((op, av))
    return tuple(out)


def _embedded(rx: re.Pattern[str]) -> str | None:
    """``rx`` as a piece of a larger pattern: its flags scoped, its named groups
    unnamed (names would clash where a rule is used twice); None when that could
    change what it matches."""
    letters = {flag: c for flag, c in _SCOPED_FLAGS}
    if rx.flags & ~(re.UNICODE | re.IGNORECASE | re.MULTILINE | re.DOTALL):
        return None
    unnamed = _NAMED_GROUP.sub("(", rx.pattern)
    try:
        original = _shape(_parser.parse(rx.pattern, rx.flags).data)
        same = original is not None and (
            unnamed == rx.pattern or _shape(_parser.parse(unnamed, rx.flags).data) == original
        )
    except Exception:  # an unknown parser
        return None
    if not same:
        return None
    on = "".join(c for flag, c in letters.items() if rx.flags & flag)
    off = "".join(c for flag, c in letters.items() if not rx.flags & flag)
    return f"(?{on}-{off}:{unnamed})" if off else f"(?{on}:{unnamed})"


def _case_exact(rx: re.Pattern[str]) -> bool:
    """Whether every letter of ``rx`` matches in its own case only (no IGNORECASE,
    not even in an inline group): then its openings need no case folding."""
    if rx.flags & re.IGNORECASE:
        return False
    try:
        pending = list(_parser.parse(rx.pattern, rx.flags).data)
    except Exception:  # an unknown parser
        return False
    while pending:
        op, av = pending.pop()
        if op is _C.SUBPATTERN and (av[1] | av[2]) & re.IGNORECASE:
            return False
        for part in av if isinstance(av, (tuple, list)) else ():
            if isinstance(part, _parser.SubPattern):
                pending.extend(part.data)
            elif isinstance(part, list):  # a branch's alternatives
                pending.extend(x for b in part if isinstance(b, _parser.SubPattern) for x in b.data)
    return True


@dataclass
class _Node:
    """A trie of opening characters: character class -> node, and the rules
    whose openings end here."""

    children: dict[str, _Node]
    rules: list[int]


def _dispatch(keys: Sequence[set[str] | None], regexes: Sequence[re.Pattern[str]]) -> str:
    """The pattern that matches at a word start where a rule matches (see above),
    for the rules' opening ``keys`` (strings of up to ``_OPENING`` characters;
    None: not dispatched)."""
    root = _Node({}, [])
    for i, ks in enumerate(keys):
        exact = _case_exact(regexes[i])
        for k in sorted(ks or ()):
            node = root
            for c in k:
                cls = re.escape(c) if exact else _fold_class(c)
                node = node.children.setdefault(cls, _Node({}, []))
            if i not in node.rules:
                node.rules.append(i)
    if not root.children:
        return r"(?!)"
    embedded = [_embedded(rx) for rx in regexes]

    def check(rules: list[int], width: int) -> str:
        bodies = [embedded[i] for i in rules]
        if any(b is None for b in bodies):
            return ""  # a rule that cannot be embedded: every such opening is a candidate
        alternatives = "|".join(cast(list[str], bodies))
        return rf"(?<=(?={alternatives})[\s\S]{{{width}}})"

    def pattern(node: _Node, depth: int) -> str:
        # Characters with the same continuation share one class ("in" + any space).
        classes: dict[str, str] = {}
        for cls, child in node.children.items():
            rest = pattern(child, depth + 1)
            classes[rest] = classes.get(rest, "") + cls
        inner = [f"[{cls}]{rest}" for rest, cls in classes.items()]
        if node.rules:  # last: the longer openings skip fast
            inner.append(check(node.rules, depth))
        return inner[0] if len(inner) == 1 else f"(?:{'|'.join(inner)})"

    return pattern(root, 0)


def _scanner(regexes: Sequence[re.Pattern[str]]) -> _Scanner:
    firsts: list[re.Pattern[str] | None] = []
    openings: list[re.Pattern[str] | None] = []
    keys: list[set[str] | None] = []
    word = re.compile(r"\w")
    for rx in regexes:
        try:
            parsed = _parser.parse(rx.pattern, rx.flags).data
        except Exception:  # an unknown parser: fall back to plain scanning
            parsed = None
        chars, nullable = _first_chars(parsed) if parsed is not None else (None, True)
        if (
            chars is None
            or rx.flags & re.ASCII  # its \b would disagree with the Unicode scan
            or nullable
            or not chars
            or not _opens_at_word_start(parsed)
            or not all(word.match(c) for c in chars)
        ):
            firsts.append(None)
            openings.append(None)
            keys.append(None)
            continue
        cls = "".join(re.escape(c) for c in sorted(chars))
        # Case-blind even for case-sensitive rules: a superset of where they start.
        firsts.append(re.compile(f"[{cls}]", re.IGNORECASE))
        found = set(chars)  # the first character, if the analysis can tell no more
        for k in range(_OPENING, 1, -1):  # the longest openings it can tell
            longest = _openings(parsed, k)
            if longest and "" not in longest:
                found = longest
                break
        openings.append(_opening(found))
        keys.append(found)
    dispatch = _dispatch(keys, regexes)
    return _Scanner(
        tuple(regexes),
        tuple(firsts),
        tuple(openings),
        re.compile(rf"\W(?={dispatch})"),
        {},
    )


@lru_cache(maxsize=1)
def _rule_scanner() -> _Scanner:
    vocab = _vocab()
    return _scanner([p.regex for p in vocab.phases] + [r.regex for r in vocab.rules])


def _segments(text: str, pattern: re.Pattern[str]) -> list[int]:
    """Start offsets of the pieces ``text`` splits into at ``pattern``."""
    return [0, *(m.end() for m in pattern.finditer(text))]


class _Segmenter:
    """Sentence and clause bounds by offset (a light rule split: context only).

    Both are found on first use: many pages have no match whose verdict needs them.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)

    @cached_property
    def sentences(self) -> list[int]:
        return _segments(self.text, _SENTENCE_BREAK_SCAN)

    @cached_property
    def clauses(self) -> list[int]:
        starts = set(self.sentences)
        starts.update(m.end() for m in _CLAUSE_BREAK.finditer(self.text))
        return sorted(starts)

    @staticmethod
    def _bounds(starts: list[int], n: int, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(starts, pos) - 1)
        return starts[i], starts[i + 1] if i + 1 < len(starts) else n

    def sentence(self, pos: int) -> tuple[int, int]:
        return self._bounds(self.sentences, self.n, pos)

    def clause(self, pos: int) -> tuple[int, int]:
        return self._bounds(self.clauses, self.n, pos)

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect_right(self.sentences, pos) - 1)


def _phase_value(m: re.Match[str], vocab: _Vocab) -> str | None:
    a = m.group("a")
    b = m.group("b") if "b" in m.re.groupindex else None
    first = vocab.numerals.get(a.lower())
    second = vocab.numerals.get(b.lower()) if b else None
    if first is None:
        return None
    if second is None or second == first:
        return f"phase_{first}"
    lo, hi = sorted((first, second))
    return vocab.combined.get(f"{lo}-{hi}", f"phase_{hi}")


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    stage: str
    suppress: str | None = None


def _find_phases(
    text: str, vocab: _Vocab, matches: Sequence[list[re.Match[str]]] | None = None
) -> list[_Found]:
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for k, rule in enumerate(vocab.phases):
        for m in matches[k] if matches is not None else rule.regex.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if rule.check_blockers and (
                vocab.blockers_after.match(text[e : e + 80])
                or vocab.blockers_before.search(text[max(0, s - 40) : s])
            ):
                continue
            stage = _phase_value(m, vocab)
            if stage is None:
                continue
            taken.append((s, e))
            found.append(_Found(s, e, stage))
    return found


def _approval_of_drug(after: str, vocab: _Vocab) -> bool:
    """ "approval of the drug ...": the object is a product, not a trial."""
    head = after[:50]
    if not re.match(r"\s+(?:of|for)\s", head):
        return False
    drug = vocab.drug.search(head)
    trial = vocab.trial_words.search(head)
    return drug is not None and (trial is None or drug.start() < trial.start())


class _Spans:
    """Non-overlapping claimed spans, kept sorted: overlap tests by bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self.starts, e) - 1
        return i >= 0 and self.ends[i] > s

    def add(self, s: int, e: int) -> None:
        i = bisect_left(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)


class _Context:
    """Sentence-level facts about ``text``, each computed once per sentence.

    Pages with thousands of stage words in one run-on "sentence" (lists, tables)
    would otherwise rescan the same sentence once per match.
    """

    def __init__(self, text: str, vocab: _Vocab) -> None:
        self.text = text
        self.vocab = vocab
        self.seg = _Segmenter(text)
        self._cache: dict[tuple[str, int], bool] = {}

    def has(self, what: str, pos: int) -> bool:
        ss, se = self.seg.sentence(pos)
        key = (what, ss)
        if key not in self._cache:
            pattern: re.Pattern[str] = getattr(self.vocab, what)
            self._cache[key] = pattern.search(self.text, ss, se) is not None
        return self._cache[key]


# Verdicts on a filed / approved match. The two "needs" verdicts hold a match
# back until the whole text is read: it counts only a few sentences after a
# granted approval (or, for a missing regulator or drug word, after any
# filing or approval): "It won approval in 2019", "and approvals for X and Y".
_OK, _NO = "ok", "no"
_NEEDS_APPROVAL, _NEEDS_CONTEXT = "needs approval", "needs context"
_CONTEXT_STAGES = {_NEEDS_APPROVAL: ("approved",), _NEEDS_CONTEXT: ("approved", "filed")}
_BEFORE_WINDOW = 80  # characters of left context a rule's "before" pattern sees
# A sentence end inside one match: "granted priority review. Approval is expected"
# (a lower-case word before the stop, so "U.S. FDA" and "Co., Ltd." do not count).
_HARD_BREAK = re.compile(r"[a-z]{2}[.!?][\"”’')\]]*\s+[\"“‘(\[]?[A-Z0-9]")


def _object_not_product(after: str, vocab: _Vocab) -> bool:
    """ "approval of the merger", "application for the construction": no product."""
    m = _OBJECT.match(after)
    return m is not None and vocab.object_blockers.match(m.group(1)) is not None


def _keyword_start(m: re.Match[str], s: int) -> int:
    """Where the approval word of a longer match starts ("sought FDA *approval*")."""
    return m.start("k") if "k" in m.re.groupindex and m.group("k") else s


def _filing_verdict(rule: _Rule, m: re.Match[str], s: int, e: int, ctx: _Context) -> str:
    """Whether a filed match is a marketing application for a product.

    Not a listing or patent filing (unless the match names the application in
    full), not an application to run a trial (that is an IND) and not one for a
    merger, a plan or a new plant.
    """
    text, vocab, pos = ctx.text, ctx.vocab, m.start()
    if rule.blockers is not None:
        if ctx.has(rule.blockers, pos):
            return _NO  # "listing application" next to shares or an exchange: an IPO
    elif not rule.explicit and ctx.has("filing_blockers", pos):
        return _NO
    if rule.noun:
        cs, ce = ctx.seg.clause(pos)
        after = text[e : min(ce, e + 80)]
        if vocab.trial_after.match(after) and not _approval_of_drug(after, vocab):
            return _NO  # "applied for approval to start clinical trials"
        kpos = _keyword_start(m, s)
        if vocab.non_product_before.search(text[max(cs, kpos - 40) : kpos]):
            return _NO  # "sought shareholder approval"
        if _object_not_product(after, vocab) or vocab.purpose_blockers.match(after):
            return _NO  # "sought approval of its plan", "approval to build a plant"
    return _in_context(rule, pos, ctx)


def _in_context(rule: _Rule, pos: int, ctx: _Context) -> str:
    if rule.needs_approval:
        return _NEEDS_APPROVAL
    # "X began a Phase III trial, and the company expects to file for approval":
    # a trial in the sentence names the product being filed.
    if (
        rule.context is not None
        and not ctx.has(rule.context, pos)
        and not (rule.stage == "filed" and ctx.has("trial_words", pos))
    ):
        return _NEEDS_CONTEXT
    return _OK


def _approval_verdict(rule: _Rule, m: re.Match[str], s: int, e: int, ctx: _Context) -> str:
    """Whether an approved match is a granted marketing approval of a drug."""
    text, vocab, pos = ctx.text, ctx.vocab, m.start()
    if rule.blockers is not None and ctx.has(rule.blockers, pos):
        return _NO  # "approved for listing" next to shares or an exchange: an IPO
    cs, ce = ctx.seg.clause(pos)
    before = text[max(cs, pos - 60) : pos]
    after = text[e : min(ce, e + 80)]
    lead = text[max(cs, s - 60) : s]  # up to the approval word itself
    if vocab.negated_before.search(before) or (
        lead != before and vocab.negated_before.search(lead)
    ):
        return _NO  # "The company sought approval", "hopes to gain approval"
    if rule.noun and vocab.negated_after.match(after):
        return _NO  # "approvals for generics are not expected until 2030"
    just_before = text[max(cs, s - 40) : s]
    if vocab.trial_after.match(after) or vocab.trial_before.search(just_before):
        return _NO  # an approval to run a trial (IND), not to market
    if vocab.non_product_before.search(just_before) or vocab.purpose_blockers.match(after):
        return _NO  # "GMP approval"; "approval from the city government to build a plant"
    if rule.noun and (
        _object_not_product(after, vocab)
        or (
            ctx.has("trial_words", pos)
            and not ctx.has("market_words", pos)
            and not _approval_of_drug(after, vocab)
            and not vocab.evidence_after.match(text, e, ce)
        )
    ):
        # "approval of the merger"; "will run phase II trials after receiving approval"
        # (but "won approval for X after two Phase III trials": the trial is the evidence)
        return _NO
    if rule.verb and (vocab.object_blockers.match(after) or vocab.subject_blockers.search(before)):
        return _NO
    if _device_approval(pos, ctx):
        return _NO
    return _in_context(rule, pos, ctx)


def _device_approval(pos: int, ctx: _Context) -> bool:
    """An approval of a device: its sentence names a device and no drug, or names
    neither and follows a sentence that does ("registered as a Class III medical
    device. A second model won approval in May")."""
    if ctx.has("drug", pos):
        return False
    if ctx.has("device", pos):
        return True
    return _previous_sentence_has(ctx, "device", pos) and not _previous_sentence_has(
        ctx, "drug", pos
    )


def _before_ok(rule: _Rule, s: int, ctx: _Context) -> bool:
    """Whether the clause text before a match is what the rule wants there.

    A rule that needs a left context ("head of" clinical development) opens at
    its rarer right-hand word, so the scan tries it at few places.
    """
    if rule.before is None:
        return True
    cs = ctx.seg.clause(s)[0]
    return rule.before.search(ctx.text, max(cs, s - _BEFORE_WINDOW), s) is not None


def _verdict(rule: _Rule, m: re.Match[str], s: int, e: int, ctx: _Context) -> str:
    if rule.stage == "filed":
        return _filing_verdict(rule, m, s, e, ctx)
    if rule.stage == "approved":
        return _approval_verdict(rule, m, s, e, ctx)
    return _OK


def _mention_span(m: re.Match[str]) -> tuple[int, int]:
    """The mention span of a rule match: group "m" when the rule has one; for a
    filing with an approval word "k" ("submitted to the US Food and Drug
    Administration for review"), from "k" on when a name lies before it, so the
    stage span does not hide the regulator from the organisation finder."""
    groups = m.re.groupindex
    if "m" in groups and m.group("m"):
        return m.span("m")
    if "k" in groups and m.group("k"):
        s, k = m.start(), m.start("k")
        text = m.string
        first = text.find(" ", s, k)
        if first != -1 and any(c.isupper() for c in text[first:k]):
            return k, m.end()
    return m.span()


def find_stages(text: str) -> list[StageMention]:
    """Every development-stage mention in ``text``, in order (``drug`` left None)."""
    vocab = _vocab()
    ctx = _Context(text, vocab)
    matches = _rule_scanner().matches(text)
    n_phases = len(vocab.phases)
    phases = sorted(_find_phases(text, vocab, matches[:n_phases]), key=lambda f: f.start)
    taken = _Spans()
    for f in phases:
        taken.add(f.start, f.end)
    found: list[_Found] = list(phases)
    # (start, end, stage, verdict, the context the rule wants)
    waiting: list[tuple[int, int, str, str, str | None]] = []
    for k, rule in enumerate(vocab.rules):
        for m in matches[n_phases + k]:
            s, e = _mention_span(m)
            if (
                taken.overlaps(s, e)
                or not _before_ok(rule, m.start(), ctx)
                or _HARD_BREAK.search(text, m.start(), m.end())
            ):
                continue
            verdict = _verdict(rule, m, s, e, ctx)
            if verdict in _CONTEXT_STAGES and rule.stage is not None:
                waiting.append((s, e, rule.stage, verdict, rule.context))
            if verdict != _OK:
                continue
            taken.add(s, e)
            if rule.stage is not None:
                found.append(_Found(s, e, rule.stage, rule.suppress))
    _add_in_context(waiting, found, taken, ctx)

    phase_starts = [p.start for p in phases]
    phase_ends = sorted(p.end for p in phases)
    boiler = _boilerplate_start(text, vocab)
    kept = [
        f
        for f in found
        if not _suppressed(f, phase_starts, phase_ends, ctx)
        and not (f.stage == "clinical" and f.start >= boiler)
    ]
    kept.sort(key=lambda f: (f.start, f.end))
    return [
        StageMention(
            stage=cast(Stage, f.stage), text=text[f.start : f.end], start=f.start, end=f.end
        )
        for f in kept
    ]


def _boilerplate_start(text: str, vocab: _Vocab) -> int:
    """Where a press release's forward-looking-statements section starts (len(text)
    if none): its "timing of clinical trials" names no programme."""
    m = vocab.boilerplate_heading.search(text)
    return m.start() if m else len(text)


def _add_in_context(
    waiting: list[tuple[int, int, str, str, str | None]],
    found: list[_Found],
    taken: _Spans,
    ctx: _Context,
) -> None:
    """Take the held-back matches that follow a filing or approval closely, in text order.

    A match that lacked only its context word also counts when the sentence just
    before supplies it: "X, a T-cell therapy, began a Phase II trial. The company
    hopes to file for approval by 2027" files X, though the second sentence
    names no drug or regulator.
    """
    if not waiting:
        return
    starts = {
        stage: sorted(f.start for f in found if f.stage == stage) for stage in ("approved", "filed")
    }
    for s, e, stage, verdict, context in sorted(waiting):
        if taken.overlaps(s, e):
            continue
        near = any(_shortly_after(s, starts[c], ctx) for c in _CONTEXT_STAGES[verdict])
        if not near and not (
            verdict == _NEEDS_CONTEXT and context and _previous_sentence_has(ctx, context, s)
        ):
            continue
        taken.add(s, e)
        found.append(_Found(s, e, stage))
        insort(starts[stage], s)


def _previous_sentence_has(ctx: _Context, what: str, pos: int) -> bool:
    ss, _ = ctx.seg.sentence(pos)
    back = ss - 1
    while back > 0 and ctx.text[back].isspace():
        back -= 1
    return back > 0 and ctx.has(what, back)


def _shortly_after(s: int, earlier: list[int], ctx: _Context) -> bool:
    """Whether a mention (sorted starts) lies in the few sentences up to ``s``."""
    i = bisect_left(earlier, s) - 1
    if i < 0:
        return False
    seg = ctx.seg
    return seg.sentence_index(s) - seg.sentence_index(earlier[i]) <= (
        ctx.vocab.approval_context_sentences
    )


def _suppressed(f: _Found, phase_starts: list[int], phase_ends: list[int], ctx: _Context) -> bool:
    """Drop a ``clinical`` mention that is really about a phased trial."""
    if f.stage != "clinical" or not phase_starts:
        return False
    i = bisect_right(phase_ends, f.start) - 1
    if (
        i >= 0
        and f.start - phase_ends[i] <= 40
        and _ADJACENT.fullmatch(ctx.text, phase_ends[i], f.start)
    ):
        return True  # "Phase III clinical trial", "Phase 2 pivotal clinical study"
    if f.suppress == "document":
        return True
    if f.suppress == "clause":
        cs, ce = ctx.seg.clause(f.start)
        j = bisect_left(phase_starts, cs)
        return j < len(phase_starts) and phase_starts[j] < ce
    return False


def normalise_stage(s: str) -> str | None:
    """A stage value for a stage phrase: "Phase IIb" -> "phase_2", "NDA" -> "filed".

    Accepts the vocabulary values themselves, any phase form the finder reads and
    the stage words of ``data/stages.json`` (without the sentence-context checks
    that :func:`find_stages` applies); None when the phrase is no stage.
    """
    text = s.strip()
    key = re.sub(r"[\s\-]+", "_", text.lower())
    if key in STAGES:
        return key
    vocab = _vocab()
    # The word and ordinal forms want a following "trial"; a bare phrase has none.
    probe = f"{text} trial"
    for rule in vocab.phases:
        m = rule.regex.search(probe)
        if m and m.start() < len(text):
            return _phase_value(m, vocab)
    for r in vocab.rules:
        if r.regex.search(text):
            return r.stage
    return None


class StageFinder:
    """spaCy component: ``doc._.stage_mentions`` = :func:`find_stages` of the Doc text."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.stage_mentions = find_stages(doc_text(doc))
        return doc


@Language.factory("bionews_stages")
def make_stage_finder(nlp: Language, name: str) -> StageFinder:
    if not Doc.has_extension("stage_mentions"):
        Doc.set_extension("stage_mentions", default=None)
    _rule_scanner()  # compile at construction, not on the first document
    return StageFinder()
