"""Hostile inputs, generated at run time (nothing large is committed).

Each :class:`Case` is one page file's bytes with the outcome the library must
give it: a ``Problem`` of a named kind, or a record (optionally one that carries
a language warning and no entities). ``tests/test_hostile.py`` checks them one
by one; ``scripts/hostile_dump.py`` mixes them into a large dump of good pages.
The English sentences here are written for these tests.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

#: A short English news story: enough text for the cleaner to call it an article.
STORY = [
    "Chongqing Lanfeng Biotechnology Co., Ltd. said on Monday that its antibody LF-208 "
    "had entered a Phase III clinical trial for plaque psoriasis.",
    "The company plans to invest 1.5 billion yuan in a new production base in the "
    "Liangjiang New Area over the next three years.",
    "Analysts said the trial could make the drug one of the first domestic treatments "
    "of its kind to reach the market.",
]
#: Chinese and Russian text of the same kind (written for these tests).
ZH = (
    "重庆兰峰生物科技有限公司周一表示，其抗体药物已进入三期临床试验，"
    "公司计划在未来三年内投资十五亿元人民币建设新的生产基地。"
)
RU = (
    "Компания из Чунцина сообщила в понедельник, что её новое лекарство вошло в третью "
    "фазу клинических испытаний, а в новый завод будет вложено полтора миллиарда юаней. "
)


def page(paras: list[str] | None = None, *, head: str = "", title: str = "Lanfeng trial") -> str:
    """A plain, well-formed news page holding ``paras`` (the story by default)."""
    body = "".join(f"<p>{p}</p>" for p in (paras or STORY))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}"
        f"</head><body><article>{body}</article></body></html>"
    )


@dataclass(frozen=True)
class Case:
    """One hostile page and what must come of it.

    ``kind`` is a Problem kind (``empty``, ``binary``, ``too_large``, ...) or
    ``record``; ``language`` is the language a record must be flagged with
    (non-English records must carry no entities).
    """

    name: str
    data: bytes
    kind: str
    suffix: str = ".html"
    language: str | None = None
    #: Lowest number of English entities (orgs + amounts) the record must keep.
    min_entities: int = 0


def _cut(html: str, marker: str, extra: int) -> bytes:
    data = html.encode("utf-8")
    at = data.index(marker.encode("utf-8")) + extra
    return data[:at]


def small_cases(seed: int = 0) -> list[Case]:
    """Every hostile kind except the huge page (cheap: a few hundred KB in all)."""
    rng = random.Random(seed)
    good = page()
    zh_page = f"<html><head><title>新闻</title></head><body><p>{ZH * 3}</p></body></html>"
    zh_meta_utf8 = (
        "<html><head><meta charset='utf-8'><title>新闻</title></head>"
        f"<body><p>{ZH * 3}</p></body></html>"
    )
    nav = "".join(f"<li><a href='/news/{i}/'>Short headline {i}</a></li>" for i in range(40))
    deep = 10_000
    noise = bytes(rng.getrandbits(8) for _ in range(4096))
    truncated_utf8 = page([*STORY[:2], STORY[2] + " 重庆兰峰"])
    return [
        Case("empty", b"", "empty"),
        Case("whitespace", b" \n\t\r\n   \n", "empty"),
        Case("whitespace-text", b"\n\n \t\n", "empty", suffix=".txt"),
        Case("png", b"\x89PNG\r\n\x1a\n" + noise, "binary"),
        Case("pdf", b"%PDF-1.7\n" + noise, "binary"),
        Case("gzip", gzip.compress(good.encode()), "binary"),
        Case("random-bytes", b"\x00" + noise, "binary"),
        Case("cut-mid-tag", _cut(good, "</article>", 5), "record", language="en", min_entities=2),
        Case(
            "cut-mid-entity", _cut(page([*STORY, "R&amp;D"]), "&amp;", 3), "record", language="en"
        ),
        # The last character (a Chinese one) is cut after its first byte.
        Case("cut-mid-utf8", _cut(truncated_utf8, "兰峰", 1), "record", language="en"),
        Case(
            "deep-nesting",
            (
                "<html><body>" + "<div>" * deep + page() + "</div>" * deep + "</body></html>"
            ).encode(),
            "record",
            language="en",
            min_entities=2,
        ),
        Case(
            "deep-nesting-unclosed",
            (
                "<html><body>" + "<div><span>" * deep + "".join(f"<p>{p}</p>" for p in STORY)
            ).encode(),
            "record",
            language="en",
            min_entities=2,
        ),
        Case(
            "script-only",
            (
                b"<html><head><script>var story = 'Phase III trial worth 2 billion yuan';</script>"
                b"</head><body><script>document.write(story)</script><noscript>x</noscript>"
                b"</body></html>"
            ),
            "no_article",
        ),
        Case("utf8-declared-gb18030", zh_meta_utf8.encode("gb18030"), "record", language="zh"),
        Case("gb18030-no-charset", zh_page.encode("gb18030"), "record", language="zh"),
        Case(
            "big5-no-charset",
            zh_page.replace("重庆", "重慶").encode("big5", "ignore"),
            "record",
            language="zh",
        ),
        Case("chinese", zh_page.encode(), "record", language="zh"),
        Case(
            "russian",
            # English-looking names inside: they must not become entities.
            page([RU * 2, RU + " Pfizer Inc. Phase III 200 million yuan."]).encode(),
            "record",
            language="ru",
        ),
        Case(
            "navigation-only",
            f"<html><body><nav><a href='/'>Home</a></nav><ul>{nav}</ul></body></html>".encode(),
            "no_article",
        ),
    ]


def huge_page(size: int = 50 * 1024 * 1024) -> bytes:
    """A page of ``size`` bytes of distinct English paragraphs (costly to read, on purpose)."""
    out = io.BytesIO()
    out.write(b"<html><body><article>")
    i = 0
    while out.tell() < size - 64:
        out.write(
            f"<p>Item {i}: Lanfeng Biotechnology reported {i} new patients in trial arm "
            f"{i % 7}.</p>".encode()
        )
        i += 1
    out.write(b"</article></body></html>")
    return out.getvalue()


def jsonl_lines(n_good: int = 4) -> tuple[bytes, list[int]]:
    """A JSON Lines file with malformed lines among good ones; returns (data, bad line numbers)."""
    good = [
        json.dumps({"url": f"https://example.com/a/{i}", "html": page()}) for i in range(n_good)
    ]
    bad = [
        '{"url": "https://example.com/cut", "html": "<p>unterminated',
        "[1, 2, 3]",
        '{"url": "https://example.com/none"}',
        "not json at all",
    ]
    lines: list[bytes] = []
    bad_numbers: list[int] = []
    for i in range(max(n_good, len(bad))):
        if i < n_good:
            lines.append(good[i].encode())
        if i < len(bad):
            lines.append(bad[i].encode())
            bad_numbers.append(len(lines))
    lines.insert(2, b"\xff\xfe not utf-8 \xc3")
    bad_numbers = [n + 1 if n >= 3 else n for n in bad_numbers] + [3]
    return b"\n".join(lines) + b"\n", sorted(bad_numbers)


def warc_with_broken_record(n_good: int = 3) -> tuple[bytes, int]:
    """A gzipped WARC of ``n_good`` HTML responses with a corrupt record in the middle.

    Returns the data and the 1-based position of the broken record.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def record(i: int) -> bytes:
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        body = page(title=f"Lanfeng {i}").encode()
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        rec = writer.create_warc_record(
            f"https://example.com/w/{i}", "response", payload=io.BytesIO(body), http_headers=http
        )
        writer.write_record(rec)
        return buf.getvalue()

    members = [record(i) for i in range(n_good)]
    broken_at = n_good // 2 + 1
    # A gzip member whose deflate stream is garbage: the reader must skip it.
    broken = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + zlib.compress(b"x" * 50)[2:-4][::-1]
    members.insert(broken_at - 1, broken)
    return b"".join(members), broken_at


def write_cases(root: Path, cases: list[Case], *, prefix: str = "") -> dict[str, Case]:
    """Write each case as a page file under ``root``; map absolute path -> case."""
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Case] = {}
    for i, case in enumerate(cases):
        path = root / f"{prefix}{i:03d}-{case.name}{case.suffix}"
        path.write_bytes(case.data)
        out[str(path.resolve())] = case
    return out


def write_sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space (all NUL, never read if refused)."""
    with path.open("wb") as fh:
        fh.truncate(size)


# -- hypothesis strategies (shared by tests/test_properties.py and scripts/fuzz.py) -----

#: Pieces the extractors react to: money, stages, company suffixes, odd numbers.
TRIGGERS = [
    "1.5 billion yuan",
    "RMB 300 million",
    "US$ 2.4 billion",
    "HK$1e999 billion",
    "NaN billion yuan",
    "Infinity yuan",
    "９９ billion yuan",
    "1,000,000,000,000,000,000,000,000 yuan",
    "0.0000000001 million yuan",
    "about 1.67 billion U.S. dollars",
    "Phase III",
    "Phase Ⅱ/Ⅲ",
    "Phase 1b/2",
    "approved by the NMPA",
    "Co., Ltd.",
    "Biopharmaceutical Co., Ltd.",
    "Inc.",
    "LF-208",
    "semaglutide",
    "mab",
    "(",
    ")",
    "\u200b",
    "\u00a0",
    "\ufeff",
    "\u202e",
    "😀",
    "重庆",
    "Москва",
    "\r\n",
    "\x0b",
    "\x1f",
    ".",
    " ",
]
TAGS = [
    "p", "div", "article", "span", "br", "a", "h1", "title", "script", "style", "nav",
    "footer", "header", "main", "table", "td", "li", "ul", "meta", "time", "html", "body",
    "head", "iframe", "svg", "noscript", "template", "section", "aside", "figure",
]  # fmt: skip
ENTITIES = [
    "&amp;",
    "&lt;",
    "&#x4e2d;",
    "&#20013;",
    "&#99999999;",
    "&#0;",
    "&bogus;",
    "&",
    "&nbsp;",
]


def strategies() -> dict[str, object]:
    """Hypothesis strategies by name (imported lazily: hypothesis is a dev dependency)."""
    from hypothesis import strategies as st

    mixed_chars = st.one_of(
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
        st.characters(max_codepoint=0x1F),
        st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCDEFG .,0123456789"),
    )
    words = st.one_of(
        st.sampled_from(TRIGGERS),
        st.sampled_from(" ".join(STORY).split()),
        st.text(mixed_chars, min_size=1, max_size=12),
    )
    prose = st.lists(words, min_size=0, max_size=80).map(" ".join)

    @st.composite
    def html_ish(draw: st.DrawFn) -> str:
        parts: list[str] = []
        for _ in range(draw(st.integers(0, 40))):
            choice = draw(st.integers(0, 5))
            tag = draw(st.sampled_from(TAGS))
            if choice == 0:
                attr = draw(
                    st.sampled_from(
                        [
                            "",
                            " class='x'",
                            ' href="file:///etc/passwd"',
                            " charset='gb18030'",
                            " content='2025-13-45'",
                            " property='article:published_time'",
                            ' a="<"',
                        ]
                    )
                )
                parts.append(f"<{tag}{attr}>")
            elif choice == 1:
                parts.append(f"</{tag}>")
            elif choice == 2:
                parts.append(draw(st.sampled_from(ENTITIES)))
            elif choice == 3:
                parts.append(
                    draw(
                        st.sampled_from(
                            [
                                "<!--",
                                "-->",
                                "<![CDATA[",
                                "]]>",
                                "<",
                                ">",
                                "<!DOCTYPE html>",
                                "<?xml version='1.0'?>",
                            ]
                        )
                    )
                )
            else:
                parts.append(draw(prose))
        return "".join(parts)

    def encoded(s: str, codec: str) -> bytes:
        return s.encode(codec, errors="replace")

    codecs = st.sampled_from(["utf-8", "utf-16", "gb18030", "big5", "cp1252", "koi8-r", "utf-32"])
    byte_pages = st.one_of(
        st.binary(max_size=3000),
        st.builds(encoded, html_ish(), codecs),
        st.tuples(st.builds(encoded, html_ish(), codecs), st.integers(0, 50)).map(
            lambda t: t[0][: max(0, len(t[0]) - t[1])]
        ),
    )
    return {
        "text": st.text(mixed_chars, max_size=3000),
        "prose": prose,
        "html": html_ish(),
        "bytes": byte_pages,
        "any": st.one_of(st.text(mixed_chars, max_size=3000), prose, html_ish(), byte_pages),
    }


def record_problems(rec: object) -> list[str]:
    """What is wrong with a record the library returned (empty when it is sound).

    Re-validating the dumped record catches any producer that bypassed pydantic
    (``model_construct``) and so escaped the offset check.
    """
    import math

    from bionews.records import ArticleRecord

    out: list[str] = []
    if not isinstance(rec, ArticleRecord):
        return [f"not an ArticleRecord: {type(rec).__name__}"]
    try:
        ArticleRecord.model_validate_json(rec.model_dump_json())
    except Exception as exc:
        out.append(f"record does not re-validate: {exc}"[:300])
    text = rec.text
    spans = [(a.start, a.end, a.text) for a in rec.amounts]
    spans += [(s.start, s.end, s.text) for s in rec.trial_stages]
    spans += [(d.start, d.end, d.text) for d in rec.dates]
    for ent in (*rec.organisations, *rec.drugs):
        spans += [(m.start, m.end, m.text) for m in ent.mentions]
    for start, end, mention in spans:
        if not (0 <= start <= end <= len(text)) or text[start:end] != mention:
            out.append(f"offsets {start}:{end} do not slice text to {mention!r}")
    for a in rec.amounts:
        if not a.value.is_finite() or not math.isfinite(float(a.value)):
            out.append(f"amount {a.text!r} has non-finite value {a.value}")
        if not (len(a.currency) == 3 and a.currency.isascii() and a.currency.isupper()):
            out.append(f"amount {a.text!r} has currency {a.currency!r}")
    if rec.language not in (None, "en") and (rec.organisations or rec.drugs or rec.amounts):
        out.append(f"entities invented on a '{rec.language}' page")
    return out
