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
  granted ones.

The drug a mention is about is left empty; the linker fills it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from re import _constants as _C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc

from .records import STAGES, Stage, StageMention
from .tokens import doc_text

_SENTENCE_BREAK = re.compile(r"\n+|(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_CLAUSE_BREAK = re.compile(r";\s*")
_ADJACENT = re.compile(r"[\s\-–]*(?:[\w\-]+[\s\-]+)?")


@dataclass(frozen=True, slots=True)
class _Rule:
    stage: str | None
    regex: re.Pattern[str]
    regulatory: bool
    suppress: str | None  # None, "clause" or "document"
    verb: bool  # "approved": may have a non-drug object or subject
    noun: bool  # "approval": may be an approval to run a trial


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


def _rx(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    raw = json.loads(resources.files("bionews").joinpath("data/stages.json").read_text("utf-8"))
    rules = tuple(
        _Rule(
            stage=r["stage"],
            regex=_rx(r["pattern"], r.get("case_sensitive", False)),
            regulatory=r.get("context") == "regulatory",
            suppress=r.get("suppress"),
            verb=r.get("verb", False),
            noun=r.get("noun", False),
        )
        for r in raw["patterns"]
    )
    for rule in rules:
        if rule.stage is not None and rule.stage not in STAGES:
            raise ValueError(f"stages.json: unknown stage {rule.stage!r}")
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
    )


# --------------------------------------------------------------------------- scanning
#
# Each rule is a case-blind regex opening with a word boundary, and the engine
# tries every one of them at every position of the page: the rule scans cost
# twice the tokenizer. All rules are run instead from one scan over word starts:
# a rule is tried only where the word's first character is one its matches can
# open with, read off the parsed pattern. Per rule this visits every position
# where a match can start, in order, so it finds exactly what ``finditer`` finds.


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
            for kind, arg in av:
                if kind is _C.LITERAL:
                    chars.add(chr(arg))
                elif kind is _C.RANGE and arg[1] - arg[0] < 256:
                    chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
                else:
                    return None, False
            return frozenset(chars), False
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
    word_start: re.Pattern[str]  # where any dispatched regex can start
    # First character -> indices of the regexes that can open with it; filled as
    # characters turn up (the values never change, so sharing it is safe).
    by_char: dict[str, tuple[int, ...]]

    def _group(self, ch: str) -> tuple[int, ...]:
        group = self.by_char.get(ch)
        if group is None:
            group = tuple(i for i, f in enumerate(self.firsts) if f is not None and f.match(ch))
            self.by_char[ch] = group
        return group

    def matches(self, text: str) -> list[list[re.Match[str]]]:
        """``list(regex.finditer(text))`` for every regex, in one pass."""
        out: list[list[re.Match[str]]] = [[] for _ in self.regexes]
        next_pos = [0] * len(self.regexes)
        for i, (rx, first) in enumerate(zip(self.regexes, self.firsts, strict=True)):
            if first is None:
                out[i] = list(rx.finditer(text))
        for c in self.word_start.finditer(text):
            p = c.start()
            for i in self._group(text[p]):
                if p >= next_pos[i] and (m := self.regexes[i].match(text, p)) is not None:
                    out[i].append(m)
                    next_pos[i] = m.end()  # finditer resumes after a (non-empty) match
        return out


def _scanner(regexes: Sequence[re.Pattern[str]]) -> _Scanner:
    firsts: list[re.Pattern[str] | None] = []
    union: set[str] = set()
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
            continue
        cls = "".join(re.escape(c) for c in sorted(chars))
        # Case-blind even for case-sensitive rules: a superset of where they start.
        firsts.append(re.compile(f"[{cls}]", re.IGNORECASE))
        union |= chars
    cls = "".join(re.escape(c) for c in sorted(union))
    word_start = re.compile(rf"(?<!\w)[{cls}]" if union else r"(?!)", re.IGNORECASE)
    return _Scanner(tuple(regexes), tuple(firsts), word_start, {})


@lru_cache(maxsize=1)
def _rule_scanner() -> _Scanner:
    vocab = _vocab()
    return _scanner([p.regex for p in vocab.phases] + [r.regex for r in vocab.rules])


def _segments(text: str, pattern: re.Pattern[str]) -> list[int]:
    """Start offsets of the pieces ``text`` splits into at ``pattern``."""
    return [0, *(m.end() for m in pattern.finditer(text))]


class _Segmenter:
    """Sentence and clause bounds by offset (a light rule split: context only)."""

    def __init__(self, text: str) -> None:
        self.n = len(text)
        self.sentences = _segments(text, _SENTENCE_BREAK)
        starts = set(self.sentences)
        starts.update(m.end() for m in _CLAUSE_BREAK.finditer(text))
        self.clauses = sorted(starts)

    @staticmethod
    def _bounds(starts: list[int], n: int, pos: int) -> tuple[int, int]:
        i = max(0, bisect_right(starts, pos) - 1)
        return starts[i], starts[i + 1] if i + 1 < len(starts) else n

    def sentence(self, pos: int) -> tuple[int, int]:
        return self._bounds(self.sentences, self.n, pos)

    def clause(self, pos: int) -> tuple[int, int]:
        return self._bounds(self.clauses, self.n, pos)


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


def _regulatory_ok(rule: _Rule, m: re.Match[str], s: int, e: int, ctx: _Context) -> bool:
    """Whether a filed/approved match is about a drug's regulatory path."""
    text, vocab, pos = ctx.text, ctx.vocab, m.start()
    if rule.regulatory and not ctx.has("regulatory", pos):
        return False
    if rule.stage == "filed":
        return not ctx.has("filing_blockers", pos)
    if rule.stage != "approved":
        return True
    cs, ce = ctx.seg.clause(pos)
    before = text[max(cs, pos - 60) : pos]
    after = text[e : min(ce, e + 80)]
    if vocab.negated_before.search(before):
        return False
    just_before = text[max(cs, s - 40) : s]
    if vocab.trial_after.match(after) or vocab.trial_before.search(just_before):
        return False  # an approval to run a trial (IND), not to market
    if vocab.non_product_before.search(just_before):
        return False  # "GMP approval", "environmental approval": a site, not a product
    if (
        rule.noun
        and ctx.has("trial_words", pos)
        and not ctx.has("market_words", pos)
        and not _approval_of_drug(after, vocab)
    ):
        return False  # "will run phase II trials after receiving approval from the NMPA"
    if rule.verb and (vocab.object_blockers.match(after) or vocab.subject_blockers.search(before)):
        return False
    return not (ctx.has("device", pos) and not ctx.has("drug", pos))


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
    for k, rule in enumerate(vocab.rules):
        for m in matches[n_phases + k]:
            s, e = m.span("m") if "m" in rule.regex.groupindex and m.group("m") else m.span()
            if taken.overlaps(s, e):
                continue
            if rule.stage in ("filed", "approved") and not _regulatory_ok(rule, m, s, e, ctx):
                continue
            taken.add(s, e)
            if rule.stage is not None:
                found.append(_Found(s, e, rule.stage, rule.suppress))

    phase_starts = [p.start for p in phases]
    phase_ends = sorted(p.end for p in phases)
    kept = [f for f in found if not _suppressed(f, phase_starts, phase_ends, ctx)]
    kept.sort(key=lambda f: (f.start, f.end))
    return [
        StageMention(
            stage=cast(Stage, f.stage), text=text[f.start : f.end], start=f.start, end=f.end
        )
        for f in kept
    ]


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
