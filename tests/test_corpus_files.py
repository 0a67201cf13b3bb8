"""Checks of the bundled corpus itself: the gold file is the oracle of every other test.

A wrong gold line would make correct extractors look broken (or hide real bugs), so
these checks hold the annotations to what can be verified mechanically: that every
annotated string really is in the annotated text, that the text really is the page's
body, that amounts were converted right, and that nothing was copied from the
annotated material the corpus is measured against.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bionews.records import STAGES
from conftest import read_jsonl

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLD = read_jsonl(CORPUS / "gold.jsonl")
HTML_GOLD = [g for g in GOLD if g["path"].startswith("html/")]
TXT_GOLD = [g for g in GOLD if g["path"].startswith("text/")]

# Caption credits that must never reach a cleaned body.
CAPTION_RE = re.compile(
    r"(\((?:Photo|photo)\s*(?:/|provided)[^()]*(?:\([^()]*\)[^()]*)*\)\.?"
    r"|\[(?:Photo|Provided)[^\]]*\]|\(Xinhua(?:/[^)]*)?\)|Photo: [A-Z][A-Za-z ]+)$"
)

WIRE_TAIL_RE = re.compile(r"\s+Enditem$")

# Site furniture that real pages share word for word; the copy guard ignores it.
BOILERPLATE = {
    "iChongqing Title",
    "MUST READ",
    "New Era, New Journey, New Chongqing",
    "I Agree",
    "Our Privacy Statement & Cookie Policy",
    "For any inquiries, please email service@ichongqing.info",
    "About UsContact Us",
    "Leaving a message",
    "Back",
}

SCALE = {
    "trillion": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "thousand": Decimal(1000),
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
}
NUMBER_RE = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)(?:\s*-?\s*(trillion|billion|bn|million|mln|thousand|亿|万|b|m)(?![A-Za-z]))?"
)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", html.unescape(text))).strip()


def page_text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return fold(soup.get_text(" "))


def paragraphs(gold: dict) -> list[str]:
    return gold["text"].split("\n\n")


def ids(lines: list[dict]) -> list[str]:
    return [g["id"] for g in lines]


def test_gold_is_not_trivial() -> None:
    assert len(GOLD) >= 16
    assert len(HTML_GOLD) >= 12
    assert len(TXT_GOLD) >= 4
    assert len({g["id"] for g in GOLD}) == len(GOLD), "duplicate gold ids"


@pytest.mark.parametrize("gold", GOLD, ids=ids(GOLD))
def test_gold_line_shape(gold: dict) -> None:
    required = {"id", "source_url", "published", "text", "organisations", "drugs", "amounts"}
    assert required | {"stages", "path"} <= gold.keys()
    assert (CORPUS / gold["path"]).is_file(), gold["path"]
    if gold["published"] is not None:
        dt.date.fromisoformat(gold["published"])
    if gold["path"].startswith("html/"):
        assert {"title", "authors", "site"} <= gold.keys()
        assert gold["title"] and isinstance(gold["authors"], list)
    assert gold["text"] == gold["text"].strip()
    assert "\n\n\n" not in gold["text"]


@pytest.mark.parametrize("gold", GOLD, ids=ids(GOLD))
def test_body_has_no_captions_or_boilerplate(gold: dict) -> None:
    for para in paragraphs(gold):
        assert not CAPTION_RE.search(para), para
        assert para not in BOILERPLATE
        assert "cookies" not in para and "ICP" not in para


@pytest.mark.parametrize("gold", HTML_GOLD, ids=ids(HTML_GOLD))
def test_html_body_paragraphs_occur_in_page_in_order(gold: dict) -> None:
    page = page_text(CORPUS / gold["path"])
    pos = 0
    for para in paragraphs(gold):
        found = page.find(fold(para), pos)
        assert found >= 0, f"not in page (or out of order): {para[:80]!r}"
        pos = found + 1
    assert fold(gold["title"]) in page


@pytest.mark.parametrize("gold", TXT_GOLD, ids=ids(TXT_GOLD))
def test_txt_body_paragraphs_are_lines_of_the_dump(gold: dict) -> None:
    raw = (CORPUS / gold["path"]).read_text(encoding="utf-8")
    # A wire sign-off glued to the last paragraph is furniture the cleaner removes.
    lines = [WIRE_TAIL_RE.sub("", ln.strip()) for ln in raw.splitlines()]
    pos = 0
    for para in paragraphs(gold):
        assert para in lines[pos:], f"not a line of the dump (or out of order): {para[:80]!r}"
        pos = lines.index(para, pos) + 1


def test_html_and_txt_forms_of_a_story_agree() -> None:
    by_slug: dict[str, list[dict]] = {}
    for g in GOLD:
        slug, _, _form = g["id"].rpartition("-")
        by_slug.setdefault(slug, []).append(g)
    pairs = [forms for forms in by_slug.values() if len(forms) == 2]
    assert len(pairs) >= 3
    for a, b in pairs:
        for key in ("text", "organisations", "drugs", "amounts", "stages"):
            assert a[key] == b[key], (a["id"], key)


@pytest.mark.parametrize("gold", GOLD, ids=ids(GOLD))
def test_entity_names_and_aliases_occur_in_text(gold: dict) -> None:
    text = gold["text"]
    for ent in gold["organisations"] + gold["drugs"]:
        for form in [ent["name"], *ent["aliases"]]:
            assert form and form in text, form
        assert ent["name"] not in ent["aliases"]
    for drug in gold["drugs"]:
        for ind in drug["indications"]:
            assert ind in text, ind


@pytest.mark.parametrize("gold", GOLD, ids=ids(GOLD))
def test_no_surface_form_is_given_to_two_entities(gold: dict) -> None:
    seen: dict[str, str] = {}
    for ent in gold["organisations"] + gold["drugs"]:
        for form in [ent["name"], *ent["aliases"]]:
            key = fold(form).lower()
            assert key not in seen, f"{form!r} used by {seen.get(key)!r} and {ent['name']!r}"
            seen[key] = ent["name"]


@pytest.mark.parametrize("gold", GOLD, ids=ids(GOLD))
def test_stages_are_in_the_vocabulary_and_consistent(gold: dict) -> None:
    assert set(gold["stages"]) <= set(STAGES)
    assert len(set(gold["stages"])) == len(gold["stages"])
    for drug in gold["drugs"]:
        assert set(drug["stages"]) <= set(gold["stages"]), drug["name"]


@pytest.mark.parametrize("gold", GOLD, ids=ids(GOLD))
def test_amounts_occur_in_text_and_convert_right(gold: dict) -> None:
    for amount in gold["amounts"]:
        assert amount["text"] in gold["text"], amount["text"]
        assert re.fullmatch(r"[A-Z]{3}", amount["currency"])
        m = NUMBER_RE.search(amount["text"])
        assert m, amount["text"]
        number = Decimal(m.group(1).replace(",", ""))
        scale = SCALE[m.group(2)] if m.group(2) else Decimal(1)
        assert Decimal(str(amount["value"])) == number * scale, amount


def test_yuan_first_currencies_are_covered() -> None:
    currencies = {a["currency"] for g in GOLD for a in g["amounts"]}
    assert {"CNY", "USD", "HKD", "EUR"} <= currencies
    texts = " ".join(a["text"] for g in GOLD for a in g["amounts"])
    for marker in ("yuan", "RMB", "¥", "HK$", "€", "亿元", "万元"):
        assert marker in texts, marker


def test_every_stage_value_is_exercised() -> None:
    used = {s for g in GOLD for s in g["stages"]}
    assert used == set(STAGES)


def _shared_texts(shared_dir: Path) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared_dir / "seeds").glob("*.txt"))]
    for name in ("seeds_gold.jsonl", "dev_gold.jsonl"):
        path = shared_dir / "eval" / name
        if path.exists():
            texts += [g["text"] for g in read_jsonl(path)]
    return texts


def _corpus_lines() -> set[str]:
    lines: set[str] = set()
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix == ".txt":
            raw = path.read_text(encoding="utf-8")
        elif path.suffix == ".html":
            raw = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").get_text("\n")
        else:
            continue
        lines |= {fold(ln) for ln in raw.splitlines()}
    lines |= {fold(p) for g in GOLD for p in paragraphs(g)}
    return {ln for ln in lines if len(ln) > 25 and ln not in BOILERPLATE}


def _shingles(text: str, n: int = 12) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", fold(text).lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


# Site-wide lines (cookie notice, reporting hotline, licence) are furniture, not prose.
_FURNITURE_RE = re.compile(r"cookies|ICP备|illegal and undesirable information")


@pytest.mark.shared
def test_no_sentence_copied_from_shared_material(shared_dir: Path) -> None:
    shared = _shared_texts(shared_dir)
    shared_lines = {fold(ln) for t in shared for ln in t.splitlines()}
    copied = {ln for ln in _corpus_lines() & shared_lines if not _FURNITURE_RE.search(ln)}
    assert not copied, sorted(copied)[:5]
    shared_shingles = set().union(*(_shingles(t) for t in shared))
    for g in GOLD:
        overlap = _shingles(g["text"]) & shared_shingles
        assert not overlap, (g["id"], [" ".join(s) for s in sorted(overlap)[:3]])
