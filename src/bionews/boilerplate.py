"""Line-level boilerplate: footers, cookie banners, captions, wire tags.

Both the HTML path and the plain-text path end here, so a footer line is
dropped the same way whether it came from a ``<div>`` or a text dump. The rules
are text-level on purpose: iChongqing's markup is not publicly known, but its
footer and caption *wording* is, and it survives any re-rendering of the page.
All strings and patterns live in ``data/boilerplate.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])[\"'”’)]?\s+(?=[\"“A-Z0-9])")


def fold(line: str) -> str:
    """Collapse runs of white space: the form every rule is matched against.

    ``str.split()`` splits on exactly the characters ``\\s`` matches in a str
    pattern (``str.isspace``), so this equals ``re.sub(r"\\s+", " ", line).strip()``
    at a quarter of the cost; every line of every page passes here several times.
    """
    return " ".join(line.split())


@dataclass(frozen=True)
class Rules:
    """Compiled boilerplate rules (built once per process)."""

    exact: frozenset[str]
    #: Exact lines long enough to appear glued to another footer line in a dump.
    prefixes: tuple[str, ...]
    contains: tuple[str, ...]
    line_re: re.Pattern[str] | None
    caption_re: re.Pattern[str] | None
    footer_starts: frozenset[str]
    trailing_tokens: tuple[str, ...]
    media_names: frozenset[str]
    unlikely_attr: re.Pattern[str]
    likely_attr: re.Pattern[str]
    stopwords: dict[str, frozenset[str]]
    #: Regexes over raw HTML whose group 1 holds an author's name (unknown sites).
    author_patterns: tuple[re.Pattern[str], ...] = ()


def _union(patterns: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@lru_cache(maxsize=1)
def rules() -> Rules:
    raw = json.loads(
        resources.files("bionews").joinpath("data/boilerplate.json").read_text(encoding="utf-8")
    )
    exact = [fold(x).casefold() for x in raw["exact_lines"]]
    return Rules(
        exact=frozenset(exact),
        prefixes=tuple(sorted((x for x in exact if len(x) >= 8), key=len, reverse=True)),
        contains=tuple(raw.get("contains", [])),
        line_re=_union(raw.get("line_patterns", [])),
        # Captions are case-sensitive: "CHINA DAILY" credits are upper case, and
        # prose ending in "China Daily" is not a caption.
        caption_re=_union(raw.get("caption_patterns", [])),
        footer_starts=frozenset(fold(x).casefold() for x in raw.get("footer_starts", [])),
        trailing_tokens=tuple(raw.get("trailing_tokens", [])),
        media_names=frozenset(x.casefold() for x in raw.get("media_names", [])),
        unlikely_attr=re.compile(raw["unlikely_attr"], re.I),
        likely_attr=re.compile(raw["likely_attr"], re.I),
        stopwords={k: frozenset(v) for k, v in raw.get("language_stopwords", {}).items()},
        author_patterns=tuple(re.compile(p, re.S | re.I) for p in raw.get("author_patterns", [])),
    )


def _is_exact(key: str, r: Rules, depth: int = 0) -> bool:
    if key in r.exact:
        return True
    # Dumps glue adjacent footer links together ("...@ichongqing.infoiChongqing
    # Title"): a line made only of known footer strings is footer too.
    if depth < 4:
        for p in r.prefixes:
            if key.startswith(p):
                rest = key[len(p) :].strip()
                if not rest or _is_exact(rest, r, depth + 1):
                    return True
    return False


def is_boilerplate(line: str, extra: re.Pattern[str] | None = None) -> bool:
    """True for a whole line of site furniture (not for a caption; see :func:`is_caption`)."""
    r = rules()
    text = fold(line)
    if not text or not any(c.isalnum() for c in text):
        return True  # stray markup or separators ("} ?>", "* * *")
    if _is_exact(text.casefold(), r):
        return True
    if any(c in text for c in r.contains):
        return True
    if r.line_re is not None and r.line_re.search(text):
        return True
    return bool(extra is not None and extra.search(text))


def is_caption(line: str) -> bool:
    """A photo caption or credit line (``(Photo/...)``, ``[Photo/VCG]``, ``... CHINA DAILY``)."""
    r = rules()
    text = fold(line)
    return bool(r.caption_re is not None and len(text) < 600 and r.caption_re.search(text))


def is_footer_start(line: str) -> bool:
    return fold(line).casefold() in rules().footer_starts


def strip_trailing_tokens(text: str) -> str:
    """Remove a wire sign-off glued to the last paragraph (``... said. Enditem``)."""
    for tok in rules().trailing_tokens:
        if text.endswith(tok) and (len(text) == len(tok) or not text[-len(tok) - 1].isalnum()):
            return text[: -len(tok)].rstrip()
    return text


def is_media_name(name: str) -> bool:
    return fold(name).casefold().strip(" .,") in rules().media_names


def _tokens(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0]


class _Words:
    """The word sets of a page's paragraphs, each made once.

    :func:`drop_echoes` compares every caption-sized paragraph with up to six
    neighbours; building the sets afresh for each pair cost most of its time.
    """

    __slots__ = ("_first", "_paragraphs", "_whole")

    def __init__(self, paragraphs: list[str]) -> None:
        self._paragraphs = paragraphs
        self._whole: dict[int, set[str]] = {}
        self._first: dict[int, set[str]] = {}

    def whole(self, i: int) -> set[str]:
        if (words := self._whole.get(i)) is None:
            words = self._whole[i] = _tokens(self._paragraphs[i])
        return words

    def opening(self, i: int) -> set[str]:
        if (words := self._first.get(i)) is None:
            words = self._first[i] = _tokens(_first_sentence(self._paragraphs[i]))
        return words

    def echoes(self, i: int, j: int) -> bool:
        """Does paragraph ``i`` (a candidate caption) restate paragraph ``j``'s opening?

        Uncredited captions repeat the lead sentence with small changes, so an
        exact match is too strict; most of the caption's words must reappear in
        the other paragraph's first sentence (or in the whole of a short one).
        """
        a = self.whole(i)
        if len(a) < 4:
            return False
        short, other = self._paragraphs[i], self._paragraphs[j]
        b = self.opening(j) if len(other) > len(short) * 1.5 else self.whole(j)
        return len(a & b) / len(a) >= 0.8


def drop_echoes(paragraphs: list[str], window: int = 3) -> list[str]:
    """Drop exact repeats and caption-like lines that echo a nearby paragraph.

    Keeps the first of two exact copies, and of a near-duplicate pair keeps the
    longer one: a caption is never longer than the paragraph it restates.
    """
    out: list[str] = []
    seen: set[str] = set()
    keyed = [fold(p).casefold() for p in paragraphs]
    words = _Words(paragraphs)
    for i, p in enumerate(paragraphs):
        key = keyed[i]
        if key in seen and len(key) > 20:
            continue
        seen.add(key)
        if 40 <= len(p) <= 400:
            lo, hi = max(0, i - window), min(len(paragraphs), i + window + 1)
            if any(
                j != i and len(paragraphs[j]) > len(p) and words.echoes(i, j) for j in range(lo, hi)
            ):
                continue
        out.append(p)
    return out


def filter_lines(
    lines: list[str],
    *,
    extra: re.Pattern[str] | None = None,
    cut_footer: bool = False,
) -> list[str]:
    """The lines that are article text: furniture and captions removed, echoes too.

    ``cut_footer`` is for plain-text dumps, where everything after "MUST READ" is
    footer; in HTML the footer is removed structurally and a lone "MUST READ"
    line is just dropped.
    """
    kept: list[str] = []
    for line in lines:
        text = fold(line)
        if not text:
            continue
        if cut_footer and is_footer_start(text) and kept:
            break
        if is_boilerplate(text, extra) or is_caption(text):
            continue
        kept.append(text)
    if kept:
        kept[-1] = strip_trailing_tokens(kept[-1])
        if not kept[-1]:
            kept.pop()
    return drop_echoes(kept)
