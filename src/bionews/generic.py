"""Main-text extraction for pages no site profile knows (readability-like).

One iterative walk over the parsed tree cuts the page into text *runs* (the
text of one block element between its block children), noting for each its
link text, and for every block element the range of runs it holds. Runs then
vote for their container with a score built from length and commas, the best
container (plus its good siblings) is the article, and its runs, minus link
lists and furniture, are the paragraphs. The walk is iterative because real
dumps contain pages nested thousands of levels deep, and it touches each node
once because the parse already costs as much as the whole extraction may.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from bs4 import BeautifulSoup, NavigableString, Tag

from .boilerplate import rules

#: Elements whose text is never article text.
SKIP = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
        "canvas", "video", "audio", "map", "head", "title", "meta", "link", "button",
        "select", "option", "input", "textarea", "label", "form", "nav", "aside",
        "figure", "figcaption", "footer", "header", "menu", "dialog", "math",
    }
)  # fmt: skip
#: Elements that start a new run of text.
BLOCK = frozenset(
    {
        "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dd", "dt",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tbody",
        "thead", "tfoot", "tr", "td", "th", "caption", "center", "address", "body",
        "html", "hr", "details", "summary", "fieldset", "legend", "hgroup",
    }
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Runs owned by these count as paragraphs of their parent container.
PARAGRAPHS = frozenset({"p", "pre", "blockquote", "li", "dd", "dt", "td", "th", "address"})
#: Inline tags whose class names are not worth a regex test.
_NO_ATTR_CHECK = frozenset({"a", "b", "i", "em", "strong", "u", "sup", "sub", "br", "img"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"\s+")


@dataclass(slots=True)
class Run:
    """Text of one block element between its block children."""

    owner: Tag
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    text: str = ""

    @property
    def kind(self) -> str:
        name = self.owner.name
        if name in HEADINGS:
            return "h"
        if name == "li":
            return "li"
        return "pre" if name == "pre" else "p"

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass(slots=True)
class Walk:
    """Runs in document order and, per block element, its ``[start, end)`` run range."""

    runs: list[Run]
    spans: dict[int, tuple[int, int]]
    elements: dict[int, Tag]


def _attr_text(tag: Tag) -> str:
    attrs = tag.attrs
    if not attrs:
        return ""
    cls = attrs.get("class") or ""
    if isinstance(cls, list):
        cls = " ".join(cls)
    ident = attrs.get("id") or ""
    return f"{cls} {ident}" if ident else cls


def _hidden(tag: Tag) -> bool:
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(style if isinstance(style, str) else str(style)))


def walk(root: Tag, *, prune: bool = True, split_br: bool = True) -> Walk:
    """Cut ``root`` into runs; ``prune`` skips subtrees whose class/id say "furniture"."""
    r = rules()
    unlikely, likely = r.unlikely_attr, r.likely_attr
    runs: list[Run] = []
    spans: dict[int, tuple[int, int]] = {}
    elements: dict[int, Tag] = {}

    def close(run: Run) -> None:
        text = _WS.sub(" ", "".join(run.parts)).strip()
        if not text:
            return
        if split_br and "\n" in "".join(run.parts):
            pieces = [_WS.sub(" ", p).strip() for p in "".join(run.parts).split("\n")]
            pieces = [p for p in pieces if p]
            if len(pieces) > 1:
                share = run.link_chars / max(1, len(text))
                for piece in pieces:
                    runs.append(Run(run.owner, link_chars=round(share * len(piece)), text=piece))
                return
        run.text = text
        run.link_chars = min(run.link_chars, len(text))
        runs.append(run)

    # A frame: (children iterator, element, block context, inside a link).
    # The block context is a one-item list holding the current run, shared by
    # inline descendants so that text after an inline tag joins the same run.
    root_ctx: list[Run] = [Run(root)]
    stack: list[tuple[object, Tag, list[Run], bool, bool]] = [
        (iter(root.contents), root, root_ctx, False, True)
    ]
    spans_start: dict[int, int] = {id(root): 0}
    elements[id(root)] = root
    while stack:
        it, el, ctx, in_link, is_block = stack[-1]
        child = next(it, None)  # type: ignore[call-overload]
        if child is None:
            stack.pop()
            if is_block:
                close(ctx[0])
                spans[id(el)] = (spans_start.pop(id(el)), len(runs))
            continue
        if type(child) is NavigableString:
            s = str(child)
            ctx[0].parts.append(s)
            if in_link:
                ctx[0].link_chars += len(s.strip())
            continue
        if not isinstance(child, Tag):
            continue  # comments, doctype, CDATA, processing instructions
        name = child.name
        if name in SKIP:
            continue
        if name == "br":
            ctx[0].parts.append("\n")
            continue
        if name not in _NO_ATTR_CHECK and child.attrs:
            if _hidden(child):
                continue
            if prune:
                at = _attr_text(child)
                if at and unlikely.search(at) and not likely.search(at):
                    continue
        if name in BLOCK:
            close(ctx[0])
            ctx[0] = Run(ctx[0].owner)
            new_ctx = [Run(child)]
            spans_start[id(child)] = len(runs)
            elements[id(child)] = child
            stack.append((iter(child.contents), child, new_ctx, in_link, True))
        else:
            stack.append((iter(child.contents), child, ctx, in_link or name == "a", False))
    return Walk(runs, spans, elements)


@dataclass(frozen=True, slots=True)
class Block:
    """One output paragraph: its text and what kind of element it came from."""

    text: str
    kind: str
    link_density: float


def _keep(run: Run) -> bool:
    """Is this run article text once its container is chosen?"""
    n = len(run.text)
    ld = run.link_density
    if run.kind == "h":
        return ld < 0.5 and n < 300
    if ld > 0.5:
        return False
    if ld > 0.25 and n < 120:
        return False
    return not (run.kind == "li" and ld > 0.2 and n < 80)


def _score(run: Run) -> float:
    n = len(run.text)
    return (1 + run.text.count(",") + min(n / 100, 3.0)) * (1 - run.link_density)


def _votes(run: Run) -> bool:
    """Does this run look like a paragraph of prose (and so vote for its container)?"""
    return len(run.text) >= 25 and run.link_density <= 0.5 and run.kind != "h"


def choose(w: Walk) -> list[Run]:
    """The runs of the best-scoring container and of its good siblings."""
    runs = w.runs
    if not runs:
        return []
    scores: dict[int, float] = {}
    for run in runs:
        if not _votes(run):
            continue
        owner = run.owner
        box = owner.parent if owner.name in PARAGRAPHS else owner
        if box is None:
            continue
        if owner.name == "li" and box.parent is not None:
            box = box.parent  # li -> ul -> container
        s = _score(run)
        scores[id(box)] = scores.get(id(box), 0.0) + s
        up = box.parent
        if up is not None:
            scores[id(up)] = scores.get(id(up), 0.0) + s / 2
            up2 = up.parent
            if up2 is not None:
                scores[id(up2)] = scores.get(id(up2), 0.0) + s / 4
    if not scores:
        return [r for r in runs if _keep(r)]
    total = [0, *accumulate(len(r.text) for r in runs)]
    links = [0, *accumulate(r.link_chars for r in runs)]

    def density(key: int) -> float:
        a, b = w.spans.get(key, (0, 0))
        n = total[b] - total[a]
        return (links[b] - links[a]) / n if n else 1.0

    ranked = sorted(
        ((s * (1 - density(k)), k) for k, s in scores.items() if k in w.spans),
        reverse=True,
    )
    if not ranked:
        return [r for r in runs if _keep(r)]
    best = ranked[0][1]
    top = w.elements[best]
    good = [0.0, *accumulate(_score(r) if _votes(r) else 0.0 for r in runs)]

    def subtree(key: int) -> float:
        a, b = w.spans[key]
        return good[b] - good[a]

    # Characters in prose-like runs: a sibling made mostly of them is article text
    # even when it is too short to compete on score.
    prose = [0, *accumulate(len(r.text) if _votes(r) and len(r.text) >= 60 else 0 for r in runs)]
    best_score = subtree(best)
    chosen = [w.spans[best]]
    # Siblings that also look like article text, at up to three levels above
    # the best container: a body split by an ad block, or cut into one column
    # per few paragraphs, sits in sibling containers.
    node = top
    for level in range(6):
        parent = node.parent
        if parent is None or parent.name in ("body", "html") or id(parent) not in w.spans:
            break
        threshold = max(8.0, best_score * (0.2 if level == 0 else 0.3))
        for sib in parent.children:
            if sib is node or not isinstance(sib, Tag) or id(sib) not in w.spans:
                continue
            key = id(sib)
            a, b = w.spans[key]
            if a == b:
                continue
            dens = density(key)
            text_len = total[b] - total[a]
            prose_len = prose[b] - prose[a]
            if (
                (subtree(key) >= threshold and dens < 0.3)
                or (level == 0 and sib.name == "p" and text_len > 80 and dens < 0.25)
                or (level < 2 and prose_len >= 100 and prose_len >= 0.6 * text_len and dens < 0.2)
            ):
                chosen.append((a, b))
        node = parent
    chosen.sort()
    out: list[Run] = []
    for a, b in chosen:
        out.extend(r for r in runs[a:b] if _keep(r))
    return out


def extract(soup: BeautifulSoup | Tag) -> list[Block]:
    """The article paragraphs of an unknown page, in order.

    When pruning by class names leaves almost nothing (a site that calls its
    article wrapper "post-header-hidden"), the walk is redone without pruning.
    """
    root = soup.body if isinstance(soup, BeautifulSoup) and soup.body is not None else soup
    result: list[Run] = []
    for prune in (True, False):
        result = choose(walk(root, prune=prune))
        if sum(len(r.text) for r in result) >= 250:
            break
    return [Block(r.text, r.kind, r.link_density) for r in result]


def all_blocks(root: Tag, *, split_br: bool = True) -> list[Block]:
    """Every kept run under ``root``: for a body element a site profile picked."""
    w = walk(root, prune=True, split_br=split_br)
    return [Block(r.text, r.kind, r.link_density) for r in w.runs if _keep(r)]
