"""Site profiles: per-site selectors and rules, loaded from ``data/sites/*.json``.

A profile is data, so supporting a new site means adding one JSON file. Every
selector list is ordered and only a hint: the cleaner tries them in turn and
falls back to the generic extractor, because the markup of several target sites
is known only second-hand (see the research notes) and changes without notice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import soupsieve as sv
from bs4 import Tag


@dataclass(frozen=True)
class SiteProfile:
    """One site's hints. Field meanings follow the JSON keys of the same name."""

    name: str
    site: str
    priority: int = 0
    hosts: tuple[str, ...] = ()
    url_patterns: tuple[re.Pattern[str], ...] = ()
    #: Substrings of the raw HTML that identify the site when no URL is known.
    fingerprints: tuple[str, ...] = ()
    #: Substrings of the raw HTML that this variant *requires* (e.g. AMP markup).
    html_markers: tuple[str, ...] = ()
    title_suffixes: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    drop_lines: re.Pattern[str] | None = None
    title_rejects: frozenset[str] = field(default_factory=frozenset)
    #: "blocks" (paragraph elements) or "br_lines" (text separated by <br>).
    body_mode: str = "blocks"

    def matches_host(self, url: str | None) -> bool:
        host = host_of(url)
        return bool(host) and any(host == h or host.endswith("." + h) for h in self.hosts)

    def is_variant(self) -> bool:
        """A variant (AMP) is chosen only on its own URL pattern or HTML markers."""
        return bool(self.url_patterns or self.html_markers)

    def variant_applies(self, url: str | None, head: str) -> bool:
        if self.url_patterns and url and any(p.search(url) for p in self.url_patterns):
            return True
        return bool(self.html_markers) and any(m in head for m in self.html_markers)

    def matches_html(self, head: str) -> bool:
        return bool(self.fingerprints) and any(f in head for f in self.fingerprints)


@lru_cache(maxsize=256)
def _compiled(selectors: tuple[str, ...]) -> tuple[Any, tuple[Any, ...]]:
    """One soupsieve group for a whole list, plus each member (invalid ones dropped)."""
    valid = []
    for sel in selectors:
        try:
            valid.append((sel, sv.compile(sel)))
        except Exception:  # a malformed selector in a profile file: ignore it
            continue
    group = sv.compile(", ".join(sel for sel, _ in valid)) if valid else None
    return group, tuple(c for _, c in valid)


def select_ordered(root: Tag, selectors: tuple[str, ...], limit: int = 3) -> list[Tag]:
    """Elements matching the *first* selector of the list that matches anything.

    One tree traversal for the whole list (soupsieve walks the tree per call,
    which made per-selector loops the slowest part of profile pages); the few
    matches are then ranked by selector priority.
    """
    group, members = _compiled(tuple(selectors))
    if group is None:
        return []
    found = group.select(root)
    if not found:
        return []
    for member in members:
        hits = [el for el in found if member.match(el)]
        if hits:
            return hits[:limit]
    return []


def select_all(root: Tag, selectors: tuple[str, ...]) -> list[Tag]:
    """Every element matching any selector of the list, in one traversal."""
    group, _ = _compiled(tuple(selectors))
    return group.select(root) if group is not None else []


_NAMES = re.compile(r"[.#]([\w-]+)")
_TAGS = re.compile(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)")


def _may_match(selector: str, html: str) -> bool:
    """Cheap pre-check: every class, id and tag a selector names occurs in the raw page."""
    if not all(name in html for name in _NAMES.findall(selector)):
        return False
    return all(f"<{tag}" in html or f"<{tag.upper()}" in html for tag in _TAGS.findall(selector))


_COMPOUND = re.compile(r"^([a-zA-Z][\w-]*)?((?:[.#][\w-]+)*)(\[[\w-]+\])?$")


@dataclass(frozen=True, slots=True)
class _Compound:
    tag: str | None
    classes: tuple[str, ...]
    ident: str | None
    attr: str | None

    def matches(self, el: Tag) -> bool:
        if self.tag is not None and el.name != self.tag:
            return False
        attrs = el.attrs
        if self.ident is not None and attrs.get("id") != self.ident:
            return False
        if self.classes:
            cls = attrs.get("class") or ""
            names = (cls if isinstance(cls, list) else cls.split()) if cls else []
            if not all(c in names for c in self.classes):
                return False
        return self.attr is None or self.attr in attrs


@lru_cache(maxsize=512)
def _simple(selector: str) -> tuple[_Compound, ...] | None:
    """A descendant chain of simple compounds (``div.a #b span[x]``), else None."""
    chain = []
    for part in selector.split():
        m = _COMPOUND.match(part)
        if not m or not part:
            return None
        names = re.findall(r"([.#])([\w-]+)", m[2] or "")
        ids = [n for k, n in names if k == "#"]
        if len(ids) > 1:
            return None
        chain.append(
            _Compound(
                tag=m[1].lower() if m[1] else None,
                classes=tuple(n for k, n in names if k == "."),
                ident=ids[0] if ids else None,
                attr=m[3][1:-1] if m[3] else None,
            )
        )
    return tuple(chain) or None


class Matches:
    """What each of a profile's selectors matches, from ONE pass over the tree.

    A profile has a dozen selectors (body, title, byline, date, drop); asking
    soupsieve for each walked the tree a dozen times and cost more than the
    parse. Simple selectors (descendant chains of tag/.class/#id/[attr]) are
    answered from a class/id/tag index built in a single pass; anything else
    goes to soupsieve. Selectors naming a class, id or tag that the raw page
    does not contain are skipped outright.
    """

    def __init__(self, soup: Tag, profile: SiteProfile, html: str) -> None:
        every = (*profile.body, *profile.title, *profile.byline, *profile.date, *profile.drop)
        self.soup = soup
        self.selectors = tuple(dict.fromkeys(s for s in every if _may_match(s, html)))
        self._hits: dict[str, list[Tag]] = {}
        self._index: dict[str, list[Tag]] | None = None

    def _build_index(self) -> dict[str, list[Tag]]:
        index: dict[str, list[Tag]] = {}
        for el in self.soup.find_all(True):
            index.setdefault(el.name, []).append(el)
            attrs = el.attrs
            if not attrs:
                continue
            cls = attrs.get("class")
            if cls:
                for c in cls if isinstance(cls, list) else cls.split():
                    index.setdefault("." + c, []).append(el)
            ident = attrs.get("id")
            if ident:
                index.setdefault("#" + ident, []).append(el)
        return index

    def hits(self, selector: str) -> list[Tag]:
        """Elements ``selector`` matches, in document order."""
        if selector in self._hits:
            return self._hits[selector]
        found: list[Tag] = []
        if selector in self.selectors:
            chain = _simple(selector)
            if chain is None:
                try:
                    found = _compiled((selector,))[0].select(self.soup)
                except Exception:
                    found = []
            else:
                if self._index is None:
                    self._index = self._build_index()
                last = chain[-1]
                key = (
                    "#" + last.ident
                    if last.ident
                    else "." + last.classes[0]
                    if last.classes
                    else last.tag or ""
                )
                candidates = self._index.get(key, []) if key else self.soup.find_all(True)
                found = [
                    el for el in candidates if last.matches(el) and _ancestors_match(el, chain)
                ]
        self._hits[selector] = found
        return found

    def ordered(self, selectors: tuple[str, ...], limit: int = 3) -> list[Tag]:
        """Hits of the first selector (in list order) that has any."""
        for sel in selectors:
            found = self.hits(sel)
            if found:
                return found[:limit]
        return []

    def inside(self, root: Tag, selectors: tuple[str, ...]) -> list[Tag]:
        """Hits of any of ``selectors`` that lie inside ``root`` (each once)."""
        seen: set[int] = set()
        out: list[Tag] = []
        for sel in selectors:
            for el in self.hits(sel):
                if id(el) in seen or el is root or not any(p is root for p in el.parents):
                    continue
                seen.add(id(el))
                out.append(el)
        return out


def _ancestors_match(el: Tag, chain: tuple[_Compound, ...]) -> bool:
    """Right-to-left descendant matching (greedy is exact for descendant-only chains)."""
    i = len(chain) - 2
    node = el.parent
    while i >= 0 and node is not None:
        if chain[i].matches(node):
            i -= 1
        node = node.parent
    return i < 0


@lru_cache(maxsize=64)
def host_of(url: str | None) -> str | None:
    """The lower-case host of ``url`` (a pure function of the string, so cached:
    choosing a page's profile and site asks for the same URL's host a few times)."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def site_of(url: str | None) -> str | None:
    """The site a URL belongs to: ``https://www.ichongqing.info/...`` -> ``ichongqing.info``.

    Known sites map to their profile's canonical name (``english.news.cn`` ->
    ``news.cn``); other hosts lose a leading ``www.``/``m.``/``amp.`` only.
    """
    host = host_of(url)
    if not host:
        return None
    for prof in profiles():
        if any(host == h or host.endswith("." + h) for h in prof.hosts):
            return prof.site
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def _load(raw: dict) -> SiteProfile:
    drop_lines = raw.get("drop_lines") or []
    return SiteProfile(
        name=raw["name"],
        site=raw["site"],
        priority=int(raw.get("priority", 0)),
        hosts=tuple(h.lower() for h in raw.get("hosts", [])),
        url_patterns=tuple(re.compile(p) for p in raw.get("url_patterns", [])),
        fingerprints=tuple(raw.get("fingerprints", [])),
        html_markers=tuple(raw.get("html_markers", [])),
        title_suffixes=tuple(raw.get("title_suffixes", [])),
        body=tuple(raw.get("body", [])),
        title=tuple(raw.get("title", [])),
        byline=tuple(raw.get("byline", [])),
        date=tuple(raw.get("date", [])),
        drop=tuple(raw.get("drop", [])),
        drop_lines=re.compile("|".join(f"(?:{p})" for p in drop_lines)) if drop_lines else None,
        title_rejects=frozenset(t.casefold() for t in raw.get("title_rejects", [])),
        body_mode=raw.get("body_mode", "blocks"),
    )


@lru_cache(maxsize=1)
def profiles() -> tuple[SiteProfile, ...]:
    """Every shipped profile, most specific (highest priority) first."""
    folder = resources.files("bionews").joinpath("data/sites")
    loaded = [
        _load(json.loads(entry.read_text(encoding="utf-8")))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    ]
    return tuple(sorted(loaded, key=lambda p: (-p.priority, p.name)))


def profile_for(url: str | None, html: str | None = None) -> SiteProfile | None:
    """The profile for a page: by URL host first, else by fingerprints in the first 200 KB.

    Among one site's profiles a variant (AMP) wins when its URL pattern or its
    markup markers are present, since dumps often lose the ``/amp`` suffix.
    """
    head = html[:200_000] if html else ""
    site = next((p.site for p in profiles() if p.matches_host(url)), None)
    if site is None and head:
        site = next((p.site for p in profiles() if p.matches_html(head)), None)
    if site is None:
        return None
    family = [p for p in profiles() if p.site == site]
    for p in family:
        if p.is_variant() and p.variant_applies(url, head):
            return p
    return next((p for p in family if not p.is_variant()), family[0])
