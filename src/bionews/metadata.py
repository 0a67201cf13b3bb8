"""Title, authors, publication date and canonical URL of a page or text dump.

Each field has an ordered list of sources, most trustworthy first (structured
data, then the visible byline, then the URL), because every source fails on
some real pages: iChongqing serves some copies without a byline, ``<h1>`` is
sometimes the hidden "iChongqing Title", and ``<title>`` carries a site suffix
while headlines may themselves contain " | ".
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bs4 import BeautifulSoup, Tag

from .boilerplate import fold, is_media_name, rules
from .profiles import Matches, SiteProfile, host_of

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d{2})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d{2})\b")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_URL_DATES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:/|$)"),
    re.compile(r"/a/((?:19|20)\d{2})(\d{2})/(\d{2})/"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),
)
_BYLINE_START = re.compile(r"^(?:By|BY|Written by|Reporter|Author)[:\s]+", re.I)
_LABELLED_DATE = re.compile(
    r"^(?:Updated|Published|Posted|Date|Time|Release time|Publish(?:ed)? on)\s*:?\s*(.+)$", re.I
)
_SOURCE = re.compile(r"^(?:Source|Editor|Editors|Web editor|Edited by)\s*:\s*(.+)$", re.I)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s*$")
_NAME_SPLIT = re.compile(r"\s+(?:and|&)\s+|\s*;\s*")
_NAME_OK = re.compile(r"^[^\W\d_][\w.'’-]*(?:,?\s+[^\W\d_][\w.'’-]*){0,5}$")
#: Lower-case words allowed inside a personal name ("Ludwig van Beethoven").
_PARTICLES = frozenset({"de", "da", "del", "der", "van", "von", "la", "le", "bin", "al", "dos"})
_TITLE_SEPS = r"\s+[|\-–—:·»]\s+|\s*\|\s*"


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        date = dt.date(y, m, d)
    except ValueError:
        return None
    if date.year < 1990 or date > dt.date.today() + dt.timedelta(days=2):
        return None
    return date


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    # Building a DateDataParser loads locale data: once per process.
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})


def parse_date(text: str | None, *, fuzzy: bool = True) -> dt.date | None:
    """A date in a short string; regexes first, dateparser only as a last resort.

    dateparser is slow and over-eager on long strings, so it only sees strings
    of at most 40 characters that contain a digit.
    """
    if not text:
        return None
    s = fold(text)
    m = _ISO.search(s)
    if m:
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    m = _MDY.search(s)
    if m and (mon := _MONTHS.get(m[1].lower())):
        return _mk(int(m[3]), mon, int(m[2]))
    m = _DMY.search(s)
    if m and (mon := _MONTHS.get(m[2].lower())):
        return _mk(int(m[3]), mon, int(m[1]))
    m = _COMPACT.search(s)
    if m:
        return _mk(int(m[1]), int(m[2]), int(m[3]))
    if not fuzzy or len(s) > 40 or not any(c.isdigit() for c in s):
        return None
    try:
        found = _date_parser().get_date_data(s)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    value = found.date_obj if found else None
    return _mk(value.year, value.month, value.day) if value else None


def date_from_url(url: str | None) -> dt.date | None:
    """``/2025/07/10/``, ``/20231225/``, ``/a/202409/18/`` and ``/2019-09/30/`` forms."""
    if not url:
        return None
    path = url.split("?", 1)[0]
    for pat in _URL_DATES:
        m = pat.search(path)
        if m and (d := _mk(int(m[1]), int(m[2]), int(m[3]))):
            return d
    return None


def display_name(name: str) -> str:
    """Upper-case bylines ("CHANG CHEN") become "Chang Chen"; mixed case is kept."""
    name = fold(name).strip(" ,.;:|")
    if name.isupper():
        name = " ".join(w.capitalize() if "'" not in w else w.title() for w in name.split())
    return name


def _names(raw: str) -> list[str]:
    raw = fold(raw).strip(" ,.;:|")
    raw = _IN_PLACE.sub("", raw)
    out: list[str] = []
    for part in _NAME_SPLIT.split(raw):
        part = part.strip(" ,.")
        # "Rui Hu, iChongqing News": a trailing outlet after a comma is no author,
        # but "XINGYING, CHEN" is one name, so only known outlets are cut.
        if "," in part:
            head, _, tail = part.rpartition(",")
            if is_media_name(tail):
                part = head.strip()
        if not part or is_media_name(part) or not _NAME_OK.match(part) or len(part) > 60:
            continue
        words = part.replace(",", " ").split()
        if not all(w[0].isupper() or w in _PARTICLES for w in words):
            continue
        out.append(display_name(part))
    return out


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None


def parse_byline(line: str) -> Byline | None:
    """Read a byline line, or None when the line is not one.

    Handles ``By CHANG CHEN|Jul 10,2025``, ``By Wang Ying in Shanghai | China
    Daily | Updated: 2024-09-18 09:18``, ``By Cao Yin (China Daily) Updated: ...``,
    ``Xinhua | Updated: ...``, ``Source: Xinhua`` and ``By Rui Hu, iChongqing News``.
    Outlets are recognised but never returned as authors.
    """
    s = fold(line)
    if not s or len(s) > 160:
        return None
    s = re.sub(r"\s*\(([^()]{2,40})\)\s*", lambda m: f" | {m[1]} | ", s)
    s = re.sub(r"\s+(Updated|Published|Posted)\s*:", r" | \1:", s)
    parts = [p.strip() for p in s.split("|") if p.strip()]
    result = Byline()
    is_byline = False
    for part in parts:
        if m := _LABELLED_DATE.match(part):
            result.published = result.published or parse_date(m[1])
            is_byline = is_byline or result.published is not None
            continue
        if m := _BYLINE_START.match(part):
            rest = part[m.end() :]
            names = _names(rest)
            if names or is_media_name(rest):
                result.authors.extend(names)
                is_byline = True
                continue
            return None
        if m := _SOURCE.match(part):
            is_byline = True
            continue
        if is_media_name(part):
            is_byline = is_byline or len(parts) > 1
            continue
        date = parse_date(part, fuzzy=False) if len(part) <= 30 else None
        if date is not None:
            result.published = result.published or date
            continue
        return None
    return result if is_byline else None


# --------------------------------------------------------------------- titles


def strip_site_suffix(title: str, suffixes: tuple[str, ...] | list[str] = ()) -> str:
    """Remove one trailing " | site" (never split on the first pipe: headlines have pipes)."""
    t = fold(title)
    for suffix in suffixes:
        if not suffix:
            continue
        pat = re.compile(rf"(?:{_TITLE_SEPS})\s*{re.escape(suffix)}\s*$", re.I)
        new = pat.sub("", t)
        if new != t and new:
            return new.strip()
    return t


def _host_words(url: str | None) -> set[str]:
    host = host_of(url) or ""
    labels = [x for x in host.split(".") if x not in {"www", "com", "cn", "org", "net", "co", "uk"}]
    return {x.lower() for x in labels if len(x) > 2}


def _generic_suffix(title: str, url: str | None, h1: str | None) -> str:
    """Strip a trailing segment naming the site, decided from the URL or the ``<h1>``."""
    if h1 and len(h1) > 10 and title.casefold().startswith(h1.casefold()):
        return h1
    m = re.search(rf"(?:{_TITLE_SEPS})([^|]{{1,40}})$", title)
    if not m:
        return title
    tail = re.sub(r"[^\w]", "", m[1]).lower()
    words = _host_words(url)
    if tail and any(w in tail or tail in w for w in words):
        return title[: m.start()].strip()
    return title


# ------------------------------------------------------------------ HTML meta


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    # <head> only: a whole-tree search costs as much as the extraction itself.
    scope = soup.head if soup.head is not None else soup
    for tag in scope.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            out.setdefault(key.strip().lower(), content.strip())
    return out


def _jsonld_items(blocks: list[str]) -> list[dict]:
    items: list[dict] = []
    for raw in blocks:
        try:
            data = json.loads(raw.strip().strip(";"))
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(items) < 50:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                items.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
    return items


_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "webpage"}


def _ld_type(item: dict) -> set[str]:
    t = item.get("@type")
    types = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in types if x}


def _ld_authors(value: Any) -> list[str]:
    out: list[str] = []
    for a in value if isinstance(value, list) else [value]:
        if isinstance(a, dict):
            if "organization" in _ld_type(a):
                continue
            a = a.get("name")
        if isinstance(a, str):
            out.extend(_names(a))
    return out


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    canonical_url: str | None = None
    #: Texts of byline / date elements found in the page, removed from the body.
    furniture: list[str] = field(default_factory=list)


def _select_text(m: Matches, selectors: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for el in m.ordered(selectors):
        text = fold(el.get_text(" "))
        if text:
            out.append(text)
    return out


def _el_date(m: Matches, selectors: tuple[str, ...]) -> dt.date | None:
    for el in m.ordered(selectors):
        value = el.get("datetime") or el.get("content")
        d = parse_date(value if isinstance(value, str) else None) or parse_date(
            fold(el.get_text(" "))[:60]
        )
        if d:
            return d
    return None


_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def _raw_h1(raw_html: str | None) -> list[str]:
    """First ``<h1>`` texts by regex: a tree search would cost a full traversal."""
    if not raw_html:
        return []
    out = []
    for m in _H1.finditer(raw_html):
        text = fold(html_lib.unescape(_TAG.sub(" ", m[1])))
        if text:
            out.append(text)
        if len(out) >= 3:
            break
    return out


_RAW_DATES = (
    re.compile(r"""<[a-z]+\b[^>]*\bitemprop=["']?datePublished["']?[^>]*>""", re.I),
    re.compile(r"<time\b[^>]*>", re.I),
)
_DATE_ATTR = re.compile(r"""\b(?:datetime|content)=["']([^"']{6,40})["']""", re.I)


def _raw_date(raw_html: str | None) -> dt.date | None:
    """Last resort: an itemprop=datePublished or the first <time datetime> in the page."""
    if not raw_html:
        return None
    for pat in _RAW_DATES:
        m = pat.search(raw_html)
        if m and (attr := _DATE_ATTR.search(m[0])):
            return parse_date(attr[1], fuzzy=False)
    return None


def _raw_authors(raw_html: str) -> list[str]:
    """Author links and byline elements by regex (a CSS search costs a tree walk)."""
    for pat in rules().author_patterns:
        for m in pat.finditer(raw_html, 0, 400_000):
            text = fold(html_lib.unescape(_TAG.sub(" ", m[1])))
            b = parse_byline(text) if text[:3].lower() == "by " else None
            names = b.authors if b else _names(text)
            if names:
                return names[:5]
    return []


def from_html(
    soup: BeautifulSoup,
    url: str | None,
    profile: SiteProfile | None,
    jsonld: list[str] | None = None,
    raw_html: str | None = None,
    matches: Matches | None = None,
) -> Metadata:
    """Metadata from a parsed page (before any element is removed from it).

    ``matches`` holds the profile's selector hits (see :class:`Matches`); it is
    required for profile-specific title, byline and date elements.
    """
    if profile is not None and matches is None:
        matches = Matches(soup, profile, raw_html or "")
    meta = _meta(soup)
    items = [i for i in _jsonld_items(jsonld or []) if _ld_type(i) & _ARTICLE_TYPES] or []
    md = Metadata()
    site_name = meta.get("og:site_name")
    suffixes = [*(profile.title_suffixes if profile else ()), *([site_name] if site_name else [])]
    rejects = profile.title_rejects if profile else frozenset()

    # Canonical URL.
    link = (soup.head or soup).find("link", rel="canonical")
    href = link.get("href") if isinstance(link, Tag) else None
    md.canonical_url = (href if isinstance(href, str) and href.strip() else None) or meta.get(
        "og:url"
    )
    if md.canonical_url:
        md.canonical_url = md.canonical_url.strip()

    # Title.
    h1s = _select_text(matches, profile.title) if profile and matches else _raw_h1(raw_html)
    h1 = next((h for h in h1s if h.casefold() not in rejects and len(h) > 3), None)
    doc_title = soup.title.get_text(" ") if soup.title else None
    candidates = [
        meta.get("og:title"),
        next((i.get("headline") for i in items if isinstance(i.get("headline"), str)), None),
        h1,
        meta.get("twitter:title"),
        doc_title,
    ]
    for cand in candidates:
        if not cand or not fold(cand) or fold(cand).casefold() in rejects:
            continue
        t = strip_site_suffix(cand, suffixes)
        md.title = _generic_suffix(t, url or md.canonical_url, h1) if t == fold(cand) else t
        break

    # Byline (authors, and a date the page shows to readers).
    byline_date = None
    for text in _select_text(matches, profile.byline) if profile and matches else []:
        b = parse_byline(text)
        if b:
            md.authors = md.authors or b.authors
            byline_date = byline_date or b.published
            md.furniture.append(text)
    if not md.authors:
        for i in items:
            if names := _ld_authors(i.get("author")):
                md.authors = names
                break
    if not md.authors and (a := meta.get("author")) and not a.startswith("http"):
        md.authors = _names(a)
    if not md.authors and profile is None and raw_html:
        md.authors = _raw_authors(raw_html)

    # Date: structured data, then byline, then the site's date element, then URL.
    published = None
    for i in items:
        if isinstance(i.get("datePublished"), str):
            published = parse_date(i["datePublished"])
            if published:
                break
    for key in (
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "date",
        "dc.date.issued",
        "dc.date",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
    ):
        if published:
            break
        published = parse_date(meta.get(key))
    published = published or byline_date
    if not published and profile and matches:
        published = _el_date(matches, profile.date)
    md.published = (
        published or date_from_url(url) or date_from_url(md.canonical_url) or _raw_date(raw_html)
    )
    return md


# ---------------------------------------------------------------- plain text


def split_header(lines: list[str], title_rejects: frozenset[str]) -> tuple[Metadata, int]:
    """Title / byline at the top of a text dump: the metadata and how many lines to skip.

    A dump opens with "iChongqing Title", the headline and the byline, in that
    order, when it was taken from the full page; reader-mode dumps start
    straight at the body and yield nothing here.
    """
    md = Metadata()
    i = 0
    while i < len(lines) and fold(lines[i]).casefold() in title_rejects:
        i += 1
    had_marker = i > 0
    window = lines[i : i + 4]
    for k, line in enumerate(window):
        b = parse_byline(line)
        if b is None:
            continue
        head = [x for x in window[:k] if fold(x)]
        if len(head) > 2 or any(len(x) > 200 for x in head):
            break
        if head:
            md.title = fold(head[-1])
        md.authors = b.authors
        md.published = b.published
        md.furniture.append(fold(line))
        end = i + k + 1
        # Wire layouts stack "Source: Xinhua" / "Editor: ..." / a time stamp.
        while end < len(lines) and len(lines[end]) <= 80:
            more = parse_byline(lines[end])
            date = parse_date(lines[end], fuzzy=False) if more is None else more.published
            if more is None and (date is None or re.search(r"[a-z]{4}", lines[end])):
                break
            md.authors = md.authors or (more.authors if more else [])
            md.published = md.published or date
            end += 1
        return md, end
    if had_marker and window and len(window[0]) < 200:
        md.title = fold(window[0])
        return md, i + 1
    return md, i
