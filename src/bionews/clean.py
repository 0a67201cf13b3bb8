"""HTML or plain text in, :class:`~bionews.records.Article` out.

The cleaner parses a page once, reads its metadata, finds the body through the
site profile when one applies (falling back to the generic extractor when the
profile's selectors find nothing), and sends every paragraph through the same
line-level boilerplate filter that plain-text dumps go through. Input that is
not an article at all raises a :class:`~bionews.errors.InputError` subclass
with a specific ``kind``, so batch runs can count it.
"""

from __future__ import annotations

import re
import unicodedata
import warnings as pywarnings
from collections import Counter
from itertools import repeat

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning

from . import boilerplate, generic, metadata
from .decode import decode, normalise
from .errors import BinaryInputError, EmptyInputError, NoArticleError, TooLargeError
from .profiles import Matches, SiteProfile, profile_for, site_of
from .records import Article

__all__ = ["clean", "clean_html", "clean_text", "guess_language", "looks_like_html", "site_of"]

#: Pages larger than this are refused before any work (callers may raise it).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|span|br|a|"
    r"h[1-6]|table|ul|li|script|style|link)\b[^>]*>",
    re.I,
)
# Script-like blocks, navigation, footers and asides are cut with a regex before
# the tree is built: on real pages they are most of the bytes and nodes, and
# bs4 pays per node it builds (this more than halves parse time). They never
# hold article text; a nested <nav> left half-cut only leaves stray end tags.
# The body between the tags is matched "unrolled" ([^<]* runs, then a "<" that
# does not start the end tag) rather than as a lazy ``.*?``: the same match (up
# to the first end tag), but the engine skips text a run at a time instead of
# trying the end tag at every character: a fifth of the time on pages whose
# bytes are mostly scripts, styles and menus.
_PRESTRIP = re.compile(
    r"<(?:(script|style|svg|noscript|template|iframe|select|textarea|nav|footer|aside)\b[^>]*>"
    r"[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>|!--.*?-->)",
    re.S | re.I,
)
# White space between a tag and a block-level tag renders as nothing; removing
# it saves bs4 a text node per line of indentation.
_INTER_BLOCK_WS = re.compile(
    r">\s+<(?=/?(?:div|p|li|ul|ol|tr|td|th|table|tbody|thead|section|article|aside|nav|main|"
    r"h[1-6]|header|footer|meta|link|head|body|html|dd|dt|dl|form|figure|br|hr|img|input|"
    r"button|option)\b)",
    re.I,
)
# Unknown sites: <header> blocks (masthead, menus, and the article's own title
# block, which is not body text either) go too. Profiles may need their bylines.
_PRESTRIP_HEADER = re.compile(r"<(header)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_JSONLD = re.compile(
    r"<script[^>]*application/ld\+json[^>]*>(.*?)</script\s*>",
    re.S | re.I,
)
_MIN_BODY = 150
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORDS = re.compile(r"[^\W\d_]+")
_ICQ_REJECTS = frozenset({"ichongqing title"})
_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "。")


def looks_like_html(s: str) -> bool:
    """Markup in the first 4 KB? (cheap: no parsing; plain text rarely has real tags)."""
    head = s[:4096]
    return "<" in head and _HTML_SNIFF.search(head) is not None


def _check_size(n: int, max_bytes: int) -> None:
    if n > max_bytes:
        raise TooLargeError(f"input is {n} bytes, over the {max_bytes}-byte limit")


def clean(
    source: str | bytes,
    url: str | None = None,
    *,
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Clean a page or a text dump (``bytes`` are decoded first).

    Decides HTML versus plain text itself unless ``content_type`` says
    ``text/html`` or ``text/plain``; it also carries the HTTP charset.
    """
    if isinstance(source, bytes):
        _check_size(len(source), max_bytes)
        text = decode(source, content_type)
    else:
        _check_size(len(source), max_bytes)
        text = source
    if not text.strip():
        raise EmptyInputError("input is empty")
    if "\x00" in text[:4096]:
        raise BinaryInputError("input contains NUL characters: a binary file, not text")
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in {"text/html", "application/xhtml+xml"}:
        return clean_html(text, url)
    if mime == "text/plain" or not looks_like_html(text):
        return clean_text(text, url)
    return clean_html(text, url)


# ------------------------------------------------------------------ language


def guess_language(text: str) -> str | None:
    """A cheap language guess: script shares first, then stop-word votes.

    Good enough to keep Chinese, Russian or Portuguese pages out of an English
    pipeline; it does not try to tell close languages apart finely. None when
    the text is too short to say.
    """
    sample = text[:3000]
    letters = sum(map(str.isalpha, sample))
    cjk = len(_CJK.findall(sample))
    kana = len(_KANA.findall(sample))
    cyr = len(_CYRILLIC.findall(sample))
    if letters < 20:
        return None
    if kana / letters > 0.05:
        return "ja"
    if cjk / letters > 0.3:
        return "zh"
    if cyr / letters > 0.3:
        return "ru"
    words = _WORDS.findall(sample.lower())
    if len(words) < 8:
        return None
    counts = Counter(words)
    votes: Counter[str] = Counter()
    for lang, stops in boilerplate.rules().stopwords.items():
        # counts.get, not counts[w]: a Counter's missing-key path runs Python code.
        votes[lang] = sum(map(counts.get, stops, repeat(0)))
    lang, best = votes.most_common(1)[0] if votes else ("en", 0)
    english = votes.get("en", 0)
    if best < max(2, len(words) * 0.05):
        return "en" if english >= best else None
    # Short words are shared ("a", "as", "se"): a one-line English sentence can
    # out-vote English by one Portuguese article. Another language wins only by
    # a clear margin, since calling English text foreign silently drops every
    # entity while the reverse only costs a warning-free empty record.
    if lang != "en" and english * 2 >= best:
        return "en"
    return lang


# ---------------------------------------------------------------- paragraphs


def _drop_header_lines(paras: list[str], md: metadata.Metadata) -> list[str]:
    """Remove the headline, byline and a bare date line from the top of the body."""
    title_key = md.title.casefold() if md.title else None
    furniture = {f.casefold() for f in md.furniture}
    out: list[str] = []
    for i, p in enumerate(paras):
        key = p.casefold()
        if i < 6 and len(out) < 3:
            if key == title_key or key in furniture:
                continue
            if len(p) <= 160 and (b := metadata.parse_byline(p)) is not None:
                md.authors = md.authors or b.authors
                md.published = md.published or b.published
                continue
            if len(p) <= 40 and not re.search(r"[a-z]{4}", p):
                date = metadata.parse_date(p, fuzzy=False)
                if date is not None:
                    md.published = md.published or date
                    continue
        out.append(p)
    return out


def _finish(
    paras: list[str],
    md: metadata.Metadata,
    url: str | None,
    site: str | None,
    warnings: list[str],
) -> Article:
    paras = [p for p in (unicodedata.normalize("NFC", p) for p in paras) if p]
    if not paras:
        raise NoArticleError("no article body found")
    text = "\n\n".join(paras)
    lang = guess_language(text)
    if lang is not None and lang != "en":
        warnings.append(f"page looks like language '{lang}', not English")
    if md.published is None:
        md.published = metadata.date_from_url(url)
    return Article(
        url=url,
        canonical_url=md.canonical_url,
        site=site or site_of(md.canonical_url),
        title=md.title,
        authors=md.authors,
        published=md.published,
        text=text,
        paragraphs=paras,
        language=lang or "en",
        warnings=warnings,
    )


# ---------------------------------------------------------------------- HTML


def _body_blocks(el: Tag, profile: SiteProfile, matches: Matches) -> list[str] | None:
    for node in matches.inside(el, profile.drop):
        if not node.decomposed:
            node.decompose()
    blocks = generic.all_blocks(el, split_br=True)
    if sum(len(b.text) for b in blocks) >= _MIN_BODY:
        return [b.text for b in blocks]
    return None


def _profile_body(profile: SiteProfile, matches: Matches) -> list[str] | None:
    """The body through the profile's selectors, best first; None when none holds text."""
    tried: list[Tag] = []
    for sel in profile.body:
        for el in matches.ordered((sel,), limit=1):
            # An element inside one already tried (or dropped) holds nothing new.
            if any(el is t or any(p is t for p in el.parents) for t in tried):
                continue
            tried.append(el)
            if (paras := _body_blocks(el, profile, matches)) is not None:
                return paras
    return None


def clean_html(html: str, url: str | None = None) -> Article:
    """Clean one HTML page (already decoded)."""
    if not html.strip():
        raise EmptyInputError("input is empty")
    warnings: list[str] = []
    profile = profile_for(url, html)
    jsonld = _JSONLD.findall(html) if "ld+json" in html else []
    stripped = _PRESTRIP.sub(" ", html)
    if profile is None:
        stripped = _PRESTRIP_HEADER.sub(" ", stripped)
    stripped = _INTER_BLOCK_WS.sub("><", stripped)
    with pywarnings.catch_warnings():
        # XHTML served as HTML, or a page that looks like a file name: bs4 warns
        # on stderr per page, which floods a batch log; the HTML parse is wanted.
        pywarnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        pywarnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(stripped, "lxml", multi_valued_attributes=None)
    matches = Matches(soup, profile, stripped) if profile is not None else None
    md = metadata.from_html(soup, url, profile, jsonld, stripped, matches)
    paras: list[str] | None = None
    if profile is not None and matches is not None:
        paras = _profile_body(profile, matches)
        if paras is None:
            warnings.append(f"site profile '{profile.name}' found no body: generic extraction")
    if paras is None:
        paras = [b.text for b in generic.extract(soup)]
    paras = [normalise(p) for p in paras]
    paras = _drop_header_lines([boilerplate.fold(p) for p in paras], md)
    paras = boilerplate.filter_lines(paras, extra=profile.drop_lines if profile else None)
    if md.title:
        md.title = normalise(md.title)
    site = profile.site if profile else site_of(url)
    return _finish(paras, md, url, site, warnings)


# ---------------------------------------------------------------- plain text


def _wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose (one paragraph over several lines) rather than one line per paragraph."""
    if len(lines) < 2:
        return False
    lengths = [len(x) for x in lines[:-1]]
    open_ended = sum(1 for x in lines[:-1] if not x.rstrip().endswith(_TERMINAL))
    return max(lengths) <= 100 and open_ended >= len(lengths) * 0.6


def _headline_like(first: str, second: str) -> bool:
    """A dump's first line is its headline when it is short, unpunctuated and
    followed by real prose (reader dumps that start at the body fail this)."""
    return (
        len(first) <= 150
        and len(first.split()) >= 3
        and not first.rstrip().endswith(_TERMINAL)
        and len(second) >= 2 * len(first)
        and second.rstrip().endswith(_TERMINAL)
    )


def clean_text(text: str, url: str | None = None) -> Article:
    """Clean a plain-text dump: header lines give metadata, footer and captions go."""
    if not text.strip():
        raise EmptyInputError("input is empty")
    text = normalise(text)
    profile = profile_for(url, None)
    raw_lines = text.splitlines()
    nonempty = [i for i, x in enumerate(raw_lines) if x.strip()]
    rejects = _ICQ_REJECTS | (profile.title_rejects if profile else frozenset())
    md, skip = metadata.split_header([raw_lines[i] for i in nonempty], rejects)
    start = nonempty[skip] if skip < len(nonempty) else len(raw_lines)
    lines = raw_lines[start:]
    # Per-line filtering first (cookie lines sit in one block with other lines),
    # then grouping into paragraphs by blank lines.
    groups: list[list[str]] = [[]]
    extra = profile.drop_lines if profile else None
    for line in lines:
        folded = boilerplate.fold(line)
        if not folded:
            if groups[-1]:
                groups.append([])
            continue
        if boilerplate.is_footer_start(folded) and any(groups):
            break
        if boilerplate.is_boilerplate(folded, extra):
            continue
        groups[-1].append(folded)
    has_blank_lines = any(not x.strip() for x in lines)
    paras: list[str] = []
    for group in groups:
        if not group:
            continue
        if has_blank_lines and _wrapped(group):
            paras.append(" ".join(group))
        else:
            paras.extend(group)
    paras = _drop_header_lines(paras, md)
    if md.title is None and len(paras) > 1 and _headline_like(paras[0], paras[1]):
        md.title = paras.pop(0)
    paras = boilerplate.filter_lines(paras, extra=extra)
    if md.published is None:
        md.published = metadata.date_from_url(url)
    site = profile.site if profile else site_of(url)
    return _finish(paras, md, url, site, [])
