"""The library API: one call per article, either form, clear errors."""

from __future__ import annotations

import datetime as dt

import pytest

import bionews
from bionews.records import Problem, RawDocument

PAGE = """<!DOCTYPE html><html><head><title>Acme wins approval | ichongqing</title>
<meta property="article:published_time" content="2025-03-04T08:00:00+08:00"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Acme wins approval</h1>
<div class="entry-content">
<p>Chongqing - Acme Biologics Co., Ltd. said on Tuesday that the National Medical Products
Administration approved its tirzepatide injection for type 2 diabetes.</p>
<p>The company will invest 2.5 billion yuan in a new plant, and its second candidate,
AC-201, has entered a Phase II clinical trial.</p>
</div></article>
<footer>About UsContact Us</footer></body></html>"""

TEXT = (
    "Shenzhen Bright Pharma Co., Ltd. raised 300 million yuan. Its drug brightimab "
    "entered Phase 1 trials in March.\n\nThe company plans an NDA filing next year."
)


def test_extract_html_string() -> None:
    rec = bionews.extract(PAGE, url="https://www.ichongqing.info/2025/03/04/acme-wins-approval/")
    assert rec.title == "Acme wins approval"
    assert rec.published == dt.date(2025, 3, 4)
    assert rec.site == "ichongqing.info"
    assert "Home" not in rec.text and "About Us" not in rec.text
    assert [(a.value, a.currency) for a in rec.amounts] == [(2_500_000_000, "CNY")]
    assert {s.stage for s in rec.trial_stages} >= {"approved", "phase_2"}
    for m in (m for o in rec.organisations for m in o.mentions):
        assert rec.text[m.start : m.end] == m.text


def test_extract_plain_text_bytes_and_path(tmp_path) -> None:
    by_str = bionews.extract(TEXT, published="2024-05-01")
    by_bytes = bionews.extract(TEXT.encode("utf-8"), published=dt.date(2024, 5, 1))
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    by_path = bionews.extract(path, published="2024-05-01")
    assert by_str.text == by_bytes.text == by_path.text
    assert by_str.published == dt.date(2024, 5, 1)
    assert by_str.id == by_bytes.id
    assert [a.value for a in by_str.amounts] == [300_000_000]


def test_clean_returns_article_without_nlp() -> None:
    art = bionews.clean(PAGE)
    assert isinstance(art, bionews.Article)
    assert art.paragraphs and art.text.startswith("Chongqing - Acme")


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("", bionews.EmptyInputError),
        ("   \n\t ", bionews.EmptyInputError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), bionews.BinaryInputError),
    ],
)
def test_bad_input_raises_library_error(source, error) -> None:
    with pytest.raises(error) as info:
        bionews.extract(source)
    assert isinstance(info.value, bionews.BionewsError)
    assert info.value.kind


def test_extract_many_streams_and_keeps_going() -> None:
    out = list(bionews.extract_many([TEXT, "", PAGE]))
    assert len(out) == 3
    assert isinstance(out[0], bionews.ArticleRecord)
    assert isinstance(out[1], Problem) and out[1].kind == "empty"
    assert isinstance(out[2], bionews.ArticleRecord)


def test_pipeline_is_built_once() -> None:
    assert bionews.get_nlp() is bionews.get_nlp()


def test_process_raw_document() -> None:
    rec = bionews.process(RawDocument(source="mem", text=TEXT, published=dt.date(2020, 1, 2)))
    assert rec.published == dt.date(2020, 1, 2)
    assert rec.content_hash and rec.extractor_version.startswith("bionews")
