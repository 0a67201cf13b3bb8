"""Money amounts: "12 billion yuan (about 1.67 billion U.S. dollars)" -> two Amounts.

An amount needs an explicit currency next to its number (before: ``RMB 5 billion``,
``US$50 million``; after: ``100 billion yuan``, ``5亿元``), because news prose is
full of currency-less numbers (doses, hectares, patients, stock codes) that must
never become money. The vocabulary lives in ``data/currencies.json``; this module
only knows the shape of an amount:

    [between] [PREFIX][sign] NUMBER [MULT] [(-|to|and) [PREFIX] NUMBER [MULT]] [+] [SUFFIX]

Values are exact :class:`~decimal.Decimal` products of the digits as written and
the multiplier, never floats, so "1.67 billion" is exactly 1670000000.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc

from .records import Amount
from .tokens import doc_text

_SEP = r"[ \u00a0\u202f-]"  # between number, multiplier and currency word
_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")
_MAX_GAP = 60  # longest text between an amount and its bracketed restatement
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


# Characters an amount never has right before white space: most never occur in
# one at all, and its only comma is a thousands separator, always before a digit.
_BARRIER = frozenset(',()[]{}"“”‘’;:!?/%&*#@<>|\\^~=«»…•（）：；，。！？、')
# The only characters that a case-blind regex matches to an ASCII letter while
# lower-casing does not turn them into it ("ſ" is "s", "ı" and "İ" are "i"). Text
# holding one is scanned whole; without them, lower-cased text shows every word
# of the pattern as written.
_FOLDS_ONTO_ASCII = ("İ", "ı", "ſ")
# Words of the amount pattern itself (not of the vocabulary) that white space follows.
_PATTERN_WORDS = ("between", "to", "and")


@dataclass(frozen=True, slots=True)
class _Windows:
    """Where amounts can be: short stretches of text around currency markers.

    The amount pattern has no literal start, so scanning a whole page with it
    tries every alternative at every character, and most of what it finds
    (plain numbers, the article "a") has no currency and is dropped. Every kept
    amount contains a currency form, so only text around one needs the scan.

    The scan must still find exactly what a whole-text scan finds, which
    depends on where earlier matches ended. So a window runs between two *cuts*:
    spaces that no match can span. No match contains the character before a
    cut together with the cut space, so matches never straddle it, a whole-text
    scan and a scan started at the cut agree from there on, and bounding a scan
    by a cut (``endpos``) changes nothing either: the pattern's look-aheads read
    a space and the end of the string alike. A space is a cut when what precedes
    it never comes before white space inside an amount: a barrier character, a
    full stop not ending "U.S.", or a word that does not end in one of the
    pattern's words (codes, number words, multipliers, "to", "Hong" of "Hong
    Kong dollars" ...). Anything else (digits, symbols, hyphens) is no cut.
    """

    markers: re.Pattern[str]  # currency signs and codes, case-sensitive
    stems: tuple[str, ...]  # last words of the currency words, searched in lower-cased text
    word_ends: tuple[str, ...]  # lower-case words that white space may follow in an amount
    dot_keep: re.Pattern[str]  # a full stop that white space may follow in an amount

    @classmethod
    def build(cls, raw: dict) -> _Windows:
        signs = sorted({s[-1] for s in raw["prefix_symbols"]})
        codes = sorted({f(c) for c in raw["codes"] for f in (str, str.title)})
        # Literal alternatives only, so the regex engine skips ahead by first character.
        markers = re.compile("|".join(re.escape(m) for m in [*signs, *codes]))
        words = [*raw["suffix_words"], *raw["suffix_words_needing_multiplier"]]
        lasts = {w.lower().split()[-1] for w in words}  # "Korean won" -> "won"
        # Only the shortest are needed: "dollar" finds "dollars", "元" finds "美元".
        stems = tuple(sorted(s for s in lasts if not any(o != s and o in s for o in lasts)))
        spaced = [*raw["prefix_symbols"], *words]
        ends = {
            *_PATTERN_WORDS,
            *(c.lower() for c in raw["codes"]),
            *(w.lower() for w in raw["word_multipliers"]),
            *(w.lower() for w in raw["letter_multipliers"]),
            *(run.lower() for w in raw["number_words"] for run in re.findall("[A-Za-z]+", w)),
            *(run.lower() for f in spaced for run in re.findall(r"([A-Za-z]+)\s", f)),
        }
        before_dot = sorted({m for f in spaced for m in re.findall(r"(.)\.\s", f)})
        dot_keep = re.compile(
            "(?:" + "|".join(re.escape(c) for c in before_dot) + r")\.", re.IGNORECASE
        )
        return cls(markers, stems, tuple(sorted(ends)), dot_keep)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Disjoint (start, end) windows, in order, holding every currency form."""
        low = text.lower()
        if len(low) != len(text) or any(ch in text for ch in _FOLDS_ONTO_ASCII):
            return [(0, len(text))]
        anchors = [m.start() for m in self.markers.finditer(text)]
        for stem in self.stems:
            i = low.find(stem)
            while i >= 0:
                anchors.append(i)
                i = low.find(stem, i + 1)
        out: list[tuple[int, int]] = []
        end = 0
        for a in sorted(anchors):
            if a < end:
                continue  # inside the last window
            end = self._cut_after(text, low, a)
            out.append((self._cut_before(text, low, a), end))
        return out

    def _cut_before(self, text: str, low: str, i: int) -> int:
        while (i := text.rfind(" ", 0, i)) > 0:
            if self._is_cut(text, low, i):
                return i
        return 0

    def _cut_after(self, text: str, low: str, i: int) -> int:
        while (i := text.find(" ", i + 1)) >= 0:
            if self._is_cut(text, low, i):
                return i
        return len(text)

    def _is_cut(self, text: str, low: str, i: int) -> bool:
        """Can no amount contain both ``text[i - 1]`` and the space at ``i``?"""
        prev = low[i - 1]
        if prev in _BARRIER:
            return True
        if prev == ".":
            return i < 2 or self.dot_keep.match(text, i - 2) is None
        if "a" <= prev <= "z":
            return not low.endswith(self.word_ends, 0, i)
        return False


@dataclass(frozen=True, slots=True)
class _Vocab:
    pattern: re.Pattern[str]
    approx_before: re.Pattern[str]
    approx_longest: int  # characters of the longest approximator
    equivalence_gap: re.Pattern[str]
    exchange_after: re.Pattern[str]
    currency: dict[str, str]  # lower-cased surface form -> ISO code
    needs_multiplier: frozenset[str]
    #: Words after which a bare year opens no range ("in 2025 to 5 billion yuan").
    year_words: frozenset[str]
    multipliers: dict[str, Decimal]  # lower-cased surface form -> factor
    number_words: dict[str, Decimal]
    windows: _Windows


def _alternation(forms: list[str]) -> str:
    # Longest first, so "US$" wins over "$" and "U.S. dollars" over "dollars".
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


def _spaced(form: str) -> str:
    """A multi-word currency name whose spaces may be any run of white space."""
    return r"\s+".join(re.escape(part) for part in form.split(" "))


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    raw = json.loads(resources.files("bionews").joinpath("data/currencies.json").read_text("utf-8"))
    currency: dict[str, str] = {}
    for table in ("prefix_symbols", "codes", "suffix_words", "suffix_words_needing_multiplier"):
        currency.update({k.lower(): v for k, v in raw[table].items()})
    multipliers = {
        k.lower(): Decimal(v)
        for table in ("word_multipliers", "letter_multipliers", "cjk_multipliers")
        for k, v in raw[table].items()
    }
    number_words = {k: Decimal(str(v)) for k, v in raw["number_words"].items()}

    symbols = _alternation(list(raw["prefix_symbols"]))
    # Codes as written in news: "RMB", "Rmb" (FT style); never lower case ("rmb8090").
    codes = "(?-i:" + _alternation([f(c) for c in raw["codes"] for f in (str, str.title)]) + ")"
    prefix = rf"(?:{symbols}|(?<![A-Za-z]){codes}(?![A-Za-z]))"
    words = sorted(
        [*raw["suffix_words"], *raw["suffix_words_needing_multiplier"]], key=len, reverse=True
    )
    suffix = rf"(?:{'|'.join(_spaced(w) for w in words)}|{codes})(?![A-Za-z])"
    word_mult = _alternation(list(raw["word_multipliers"]))
    letter_mult = _alternation(list(raw["letter_multipliers"]))
    cjk_mult = _alternation(list(raw["cjk_multipliers"]))
    mult = rf"(?:{_SEP}?(?:{word_mult})(?![A-Za-z])|(?:{letter_mult})(?![A-Za-z])|{cjk_mult})"
    tens = [w for w, v in raw["number_words"].items() if 20 <= v < 100]
    units = [w for w, v in raw["number_words"].items() if 1 <= v < 10 and w != "a"]
    word_number = (
        rf"\b(?:(?:{'|'.join(tens)})(?:[ -](?:{'|'.join(units)}))?|"
        rf"{_alternation([w for w in raw['number_words'] if w not in tens])})"
    )
    number = rf"(?:{_NUMBER}|{word_number})"
    pattern = re.compile(
        rf"""
        (?P<between>\bbetween\s+)?
        (?:(?P<pre1>{prefix})[ \u00a0]?(?P<sign>[+\-−](?=\d))?|(?<![A-Za-z0-9_.,]))
        (?P<n1>{number})(?P<m1>{mult})?
        (?:\s*(?P<sep>(?(between)and|(?:[-–—]|to)))\s*
           (?:(?P<pre2>{prefix})[ \u00a0]?)?
           (?P<n2>{_NUMBER})(?P<m2>{mult})?)?
        (?P<plus>\+(?!\d))?
        (?:{_SEP}?(?P<suf>{suffix}))?
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    approx = _alternation(raw["approximators"])
    approx_before = re.compile(rf"(?:(?<![A-Za-z])(?:{approx}))\s*$", re.IGNORECASE)
    equivalence = _alternation(raw["equivalence_words"])
    equivalence_gap = re.compile(
        rf"^\s*(?:[(\[（]|,\s*(?=(?:{equivalence}|{approx})\b))\s*"
        rf"(?:(?:{equivalence})\s+)?(?:(?:{approx})\s*)?(?:(?:{equivalence})\s+)?$",
        re.IGNORECASE,
    )
    exchange_after = re.compile(
        rf"\s*(?:{_alternation(raw['exchange_rate_words'])})", re.IGNORECASE
    )
    windows = _Windows.build(raw)
    return _Vocab(
        pattern=pattern,
        approx_before=approx_before,
        approx_longest=max(len(a) for a in raw["approximators"]),
        equivalence_gap=equivalence_gap,
        exchange_after=exchange_after,
        currency=currency,
        needs_multiplier=frozenset(k.lower() for k in raw["suffix_words_needing_multiplier"]),
        year_words=frozenset(w.lower() for w in raw["year_words"]),
        multipliers=multipliers,
        number_words=number_words,
        windows=windows,
    )


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _normalise_space(s: str) -> str:
    """Lower case, outer spaces and hyphens dropped, inner white space runs made one space.

    Called on the few short forms an amount is made of ("million", "US$"), so
    the cache stays small and hits nearly always.
    """
    return _SPACES.sub(" ", s.strip(" \u00a0\u202f-")).lower()


def _number(text: str, vocab: _Vocab) -> Decimal | None:
    text = _normalise_space(text)
    if text[:1].isdigit():
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    if text in vocab.number_words:
        return vocab.number_words[text]
    parts = re.split(r"[ -]", text)
    if len(parts) == 2 and all(p in vocab.number_words for p in parts):
        return vocab.number_words[parts[0]] + vocab.number_words[parts[1]]
    return None


def _approximated(text: str, start: int, vocab: _Vocab) -> bool:
    """Does an approximator ("about", "more than", "约") end right before ``start``?

    Only white space may come between, so a match begins at most the longest
    approximator before the trailing white space (``rstrip`` strips what ``\\s``
    matches); searching from there, not from 40 characters back, gives the
    same answer for a fraction of the work.
    """
    before = text[max(0, start - 40) : start]
    first = len(before.rstrip()) - vocab.approx_longest
    return vocab.approx_before.search(before, max(0, first)) is not None


def _exact(value: Decimal) -> Decimal:
    """Drop trailing zeros from integral values: 1.67 * 10**9 -> 1670000000, not 1670000000.00."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _is_name(text: str, m: re.Match[str]) -> bool:
    """ "2019 Yuan Ming said": a capitalised currency word followed by a name, no multiplier."""
    suf = m.group("suf")
    if not suf or not suf[:1].isupper() or m.group("m1") or m.group("m2") or suf.isupper():
        return False
    return _NAME_AFTER.match(text, m.end()) is not None


_YEAR = re.compile(r"(?:19|20)\d\d")


def _year_opens_range(text: str, m: re.Match[str], vocab: _Vocab) -> bool:
    """Is the first end of a range a bare year after a word like "in" or "since"?

    "Profit rose in 2025 to 5.86 billion yuan" is no range from 2025: the year has
    neither currency nor multiplier and follows a word that introduces a date.
    "Priced at 1980 to 2380 yuan" stays a range: "at" introduces no date.
    """
    if m.group("pre1") or m.group("m1") or not _YEAR.fullmatch(m.group("n1")):
        return False
    before = text[max(0, m.start("n1") - 12) : m.start("n1")].split()
    return bool(before) and before[-1].lower() in vocab.year_words


def _loose_range(m: re.Match[str]) -> bool:
    """A "to"/"and" range whose second end carries neither currency nor multiplier."""
    if m.group("sep").lower() not in ("to", "and"):
        return False
    return not (m.group("pre2") or m.group("m2") or m.group("suf"))


@dataclass(slots=True)
class _Group:
    """One regex match: a single amount or the two ends of a range."""

    start: int
    end: int
    indices: list[int]
    currency: str


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in ``text``, in order, with offsets into ``text``.

    Ranges give two amounts (both ends); a bracketed restatement in another
    currency points back at what it restates through ``equivalent_of``.
    """
    vocab = _vocab()
    return _amounts_in(text, vocab.windows.spans(text), vocab)


def _amounts_in(text: str, windows: list[tuple[int, int]], vocab: _Vocab) -> list[Amount]:
    """The amounts of ``text`` found by scanning only ``windows`` (see :class:`_Windows`).

    ``[(0, len(text))]`` scans the whole text: the plain form the windows must agree with.
    """
    amounts: list[Amount] = []
    groups: list[_Group] = []
    for start, end in windows:
        _scan(text, start, end, vocab, amounts, groups)
    _link_equivalents(text, groups, amounts, vocab)
    return amounts


def _scan(
    text: str,
    pos: int,
    endpos: int,
    vocab: _Vocab,
    amounts: list[Amount],
    groups: list[_Group],
) -> None:
    """Append the amounts matched in ``text[pos:endpos]`` (and their groups)."""
    while (m := vocab.pattern.search(text, pos, endpos)) is not None:
        pos = max(m.end(), m.start() + 1)
        cur_form = m.group("pre1") or m.group("pre2") or m.group("suf")
        if not cur_form:
            continue
        currency = vocab.currency.get(_normalise_space(cur_form))
        if currency is None:
            continue
        m1, m2 = m.group("m1"), m.group("m2")
        suf = m.group("suf")
        if suf and _normalise_space(suf) in vocab.needs_multiplier and not (m1 or m2):
            continue
        if not m.group("n1")[:1].isdigit() and not (m1 or m2):
            # "two billion yuan" yes, "one yuan"/"a dollar" no: words need a multiplier.
            # Scan on from after the word: in "a RMB 5 billion fund" the article is
            # no number, but the amount right behind it is.
            pos = m.end("n1")
            continue
        if _is_name(text, m):
            continue
        if m.group("n2") and _year_opens_range(text, m, vocab):
            # "in 2025 to 5.86 billion yuan": a year, then the amount; scan on from it.
            pos = m.start("pre2") if m.group("pre2") else m.start("n2")
            continue
        v1 = _number(m.group("n1"), vocab)
        if v1 is None:
            continue
        mult2 = vocab.multipliers[_normalise_space(m2)] if m2 else Decimal(1)
        mult1 = vocab.multipliers[_normalise_space(m1)] if m1 else mult2
        sign = Decimal(-1) if m.group("sign") in ("-", "−") else Decimal(1)

        start = m.start("pre1") if m.group("pre1") else m.start("n1")
        approx = _approximated(text, start, vocab)
        approx = approx or bool(m.group("plus"))
        ends: list[tuple[int, int, Decimal]] = []
        if m.group("n2") and _loose_range(m):
            # "$5 million to 20 patients": the second number has no money marker.
            first_end = m.end("m1") if m1 else m.end("n1")
            ends.append((start, first_end, sign * v1 * mult1))
        elif m.group("n2"):
            v2 = _number(m.group("n2"), vocab)
            if v2 is None:
                continue
            first_end = m.end("m1") if m1 else m.end("n1")
            second_start = m.start("pre2") if m.group("pre2") else m.start("n2")
            ends.append((start, first_end, sign * v1 * mult1))
            ends.append((second_start, m.end(), v2 * mult2))
        else:
            ends.append((start, m.end(), sign * v1 * mult1))

        group = _Group(start=start, end=m.end(), indices=[], currency=currency)
        for s, e, value in ends:
            group.indices.append(len(amounts))
            amounts.append(
                Amount(
                    text=text[s:e],
                    value=_exact(value),
                    currency=currency,
                    approximate=approx,
                    start=s,
                    end=e,
                )
            )
        groups.append(group)


def _link_equivalents(
    text: str, groups: list[_Group], amounts: list[Amount], vocab: _Vocab
) -> None:
    """Mark "X (about Y)" restatements: Y.equivalent_of = index of X.

    Only across currencies, and never for an exchange-rate note ("US$1 = 6.90
    yuan"), where both sides are amounts but neither restates the other.
    """
    for prev, cur in pairwise(groups):
        if prev.currency == cur.currency:
            continue
        if cur.start - prev.end > _MAX_GAP:
            continue
        if not vocab.equivalence_gap.match(text[prev.end : cur.start]):
            continue
        if vocab.exchange_after.match(text, cur.end) or vocab.exchange_after.match(text, prev.end):
            continue
        if prev.indices and amounts[prev.indices[0]].equivalent_of is not None:
            continue  # prev is itself a restatement: "A (B) (C)" is not a chain
        for k, idx in enumerate(cur.indices):
            target = prev.indices[k] if len(prev.indices) == len(cur.indices) else prev.indices[0]
            amounts[idx].equivalent_of = target


class MoneyFinder:
    """spaCy component: ``doc._.amounts`` = :func:`find_amounts` of the Doc text."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.amounts = find_amounts(doc_text(doc))
        return doc


@Language.factory("bionews_money")
def make_money_finder(nlp: Language, name: str) -> MoneyFinder:
    if not Doc.has_extension("amounts"):
        Doc.set_extension("amounts", default=None)
    _vocab()  # compile at construction, not on the first document
    return MoneyFinder()
