"""Titles, bylines, dates and canonical URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from bionews.clean import clean_html
from bionews.metadata import (
    date_from_url,
    display_name,
    parse_byline,
    parse_date,
    strip_site_suffix,
)
from bionews.profiles import profile_for, site_of

D = dt.date


@pytest.mark.parametrize(
    ("line", "authors", "date"),
    [
        ("By CHANG CHEN|Jul 10,2025", ["Chang Chen"], D(2025, 7, 10)),
        ("By XINGYING, CHEN|May 18,2024", ["Xingying, Chen"], D(2024, 5, 18)),
        ("By RUI HU|Apr 26,2020", ["Rui Hu"], D(2020, 4, 26)),
        (
            "By Wang Ying in Shanghai | China Daily | Updated: 2024-09-18 09:18",
            ["Wang Ying"],
            D(2024, 9, 18),
        ),
        ("By LIU ZHIHUA | CHINA DAILY | Updated: 2022-04-18 07:17", ["Liu Zhihua"], D(2022, 4, 18)),
        ("By Cao Yin (China Daily) Updated: 2015-06-25 09:11", ["Cao Yin"], D(2015, 6, 25)),
        ("Xinhua | Updated: 2018-12-09 09:48", [], D(2018, 12, 9)),
        ("Source: Xinhua| 2023-03-02 17:25:12|Editor: huaxia", [], D(2023, 3, 2)),
        ("By Rui Hu, iChongqing News", ["Rui Hu"], None),
        ("By Global Times", [], None),
        ("By Li Mei and Zhao Jun", ["Li Mei", "Zhao Jun"], None),
    ],
)
def test_byline_variants(line: str, authors: list[str], date: dt.date | None) -> None:
    b = parse_byline(line)
    assert b is not None
    assert b.authors == authors
    assert b.published == date


@pytest.mark.parametrize(
    "line",
    [
        "By 2027, the park aims to attract over 200 enterprises.",
        "By contrast the older plant makes tablets only",
        "The Innovation Code Behind 34 R&D Pipelines",
        "Chongqing - The city approved its first drug on Friday.",
    ],
)
def test_prose_is_not_a_byline(line: str) -> None:
    assert parse_byline(line) is None


def test_display_name_title_cases_upper_case_only() -> None:
    assert display_name("CHANG CHEN") == "Chang Chen"
    assert display_name("Wang Xiaoyu") == "Wang Xiaoyu"
    assert display_name("DE'ANDRE O'NEIL") == "De'Andre O'Neil"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-07-10T08:30:00+08:00", D(2025, 7, 10)),
        ("Jul 10,2025", D(2025, 7, 10)),
        ("Published: Feb 17, 2026 10:37 AM", D(2026, 2, 17)),
        ("18 September 2024", D(2024, 9, 18)),
        ("Sept. 3, 2021", D(2021, 9, 3)),
        ("2019/09/30", D(2019, 9, 30)),
        ("not a date", None),
        ("2024-13-45", None),
    ],
)
def test_parse_date(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://www.ichongqing.info/2025/07/10/some-slug/", D(2025, 7, 10)),
        ("https://www.ichongqing.info/2025/07/10/some-slug", D(2025, 7, 10)),
        (
            "https://english.news.cn/20231225/e8c7e0b9a1c2427e80a35fb548f2f517/c.html",
            D(2023, 12, 25),
        ),
        ("http://www.xinhuanet.com/english/2019-09/30/c_138435.htm", D(2019, 9, 30)),
        (
            "https://www.chinadaily.com.cn/a/202409/18/WS66ea2a55a3103711928a859e.html",
            D(2024, 9, 18),
        ),
        ("https://www.globaltimes.cn/page/202106/1227038.shtml", None),
        ("https://www.ichongqing.info/attraction/some-park/", None),
    ],
)
def test_date_from_url(url: str, date: dt.date | None) -> None:
    assert date_from_url(url) == date


def test_title_suffix_only_trailing_site_name() -> None:
    title = "Western (Chongqing) Science City Builds Innovation Center | CPPCC Member | ichongqing"
    assert strip_site_suffix(title, ["ichongqing"]) == (
        "Western (Chongqing) Science City Builds Innovation Center | CPPCC Member"
    )
    assert strip_site_suffix("Drug Approved | CPPCC Member", ["ichongqing"]) == (
        "Drug Approved | CPPCC Member"
    )
    assert strip_site_suffix("Vaccine plant opens - Global Times", ["Global Times"]) == (
        "Vaccine plant opens"
    )


def _page(head: str, body: str) -> str:
    para = (
        "<p>"
        + "A drug maker in the city said on Monday that its new plant will open soon, " * 4
        + "</p>"
    )
    return f"<html><head>{head}</head><body>{body}<div class='article-content'>{para}{para}</div></body></html>"


def test_title_skips_hidden_ichongqing_title_h1() -> None:
    html = _page(
        "<title>Plant Opens in Banan | ichongqing</title>",
        "<h1 class='hidden-title'>iChongqing Title</h1>",
    )
    art = clean_html(html, "https://www.ichongqing.info/2025/03/01/plant-opens/")
    assert art.title == "Plant Opens in Banan"
    assert art.published == D(2025, 3, 1)


def test_title_from_og_and_jsonld_date_beat_url() -> None:
    html = _page(
        '<meta property="og:title" content="Plant Opens | Extra Words">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",'
        ' "datePublished": "2024-02-03T10:00:00Z", "author": {"@type": "Person", "name": "Li Na"}}</script>'
        '<link rel="canonical" href="https://example.com/news/plant-opens">',
        "<h1>Something else</h1>",
    )
    art = clean_html(html, "https://example.com/2020/01/01/plant-opens")
    assert art.title == "Plant Opens | Extra Words"
    assert art.published == D(2024, 2, 3)
    assert art.authors == ["Li Na"]
    assert art.canonical_url == "https://example.com/news/plant-opens"


def test_generic_title_suffix_from_host() -> None:
    html = _page("<title>Biotech raises funds - PharmaDaily</title>", "")
    art = clean_html(html, "https://www.pharmadaily.com/story/1")
    assert art.title == "Biotech raises funds"


def test_meta_published_time_and_byline_in_body() -> None:
    html = _page(
        '<meta property="article:published_time" content="2023-11-05T09:00:00+08:00">', ""
    ).replace(
        "<div class='article-content'>", "<div class='article-content'><p>By HAN MEI|Nov 4,2023</p>"
    )
    art = clean_html(html, "https://www.ichongqing.info/2023/11/06/x/")
    assert art.published == D(2023, 11, 5)
    assert art.authors == ["Han Mei"]
    assert not art.text.startswith("By ")


def test_site_of_and_profiles() -> None:
    assert site_of("https://www.ichongqing.info/2025/07/10/x/") == "ichongqing.info"
    assert site_of("https://www.example.org/a") == "example.org"
    assert site_of(None) is None
    assert profile_for("https://www.ichongqing.info/2025/12/16/x/amp").name == "ichongqing-amp"
    assert profile_for("https://www.ichongqing.info/2025/12/16/x/").name == "ichongqing"
    assert profile_for(None, "<p>mail service@ichongqing.info</p>").name == "ichongqing"
    assert profile_for("https://www.globaltimes.cn/page/202106/1227038.shtml").name == "globaltimes"
    assert profile_for("https://example.com/a", "<p>hello</p>") is None


def test_canonical_link_in_body_is_ignored() -> None:
    # A canonical link inside <body> (a related-article card) is not the page's.
    html = _page("", '<div><link rel="canonical" href="https://example.com/other"></div>')
    art = clean_html(html, "https://example.com/a")
    assert art.canonical_url is None


def test_time_element_is_the_last_resort_date() -> None:
    html = _page("", '<p class="dateline"><time datetime="2022-08-06T10:00">Aug 6</time></p>')
    assert clean_html(html, "https://example.com/story/9").published == D(2022, 8, 6)
    assert clean_html(html, "https://example.com/2021/05/04/story").published == D(2021, 5, 4)


def test_profile_selector_index_agrees_with_soupsieve() -> None:
    from bs4 import BeautifulSoup

    from bionews.profiles import Matches, profiles

    html = (
        "<html><body><div class='article_content wide' id='main'><div class='article_right'>"
        "<p class='byline x'>By A</p><span class='pub_time'>t</span><time datetime='2024'>d</time>"
        "</div><h1>T</h1></div><div class='conTop'><h1>X</h1><div class='time'>2024</div></div>"
        "<div class='Content'><p>no</p></div><div id='Content'><p>yes</p></div></body></html>"
    )
    soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    for profile in profiles():
        m = Matches(soup, profile, html)
        for sel in m.selectors:
            assert m.hits(sel) == soup.select(sel), (profile.name, sel)
