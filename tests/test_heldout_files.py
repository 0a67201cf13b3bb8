"""Checks of the blind held-out sets themselves (corpus/heldout, corpus/heldout2,
corpus/heldout3, corpus/heldout4, corpus/heldout5, corpus/heldout6, corpus/heldout7,
corpus/heldout8, corpus/heldout9), not of the extractor.

The held-out sets measure how the rules generalise, so a broken annotation would
silently skew every number reported against them; these tests keep the gold honest:
texts match their files, every annotated surface form is really in the text, stage
values belong to the contract and amount values agree with what is written. Every
check runs on each set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from bionews.records import STAGES
from conftest import read_jsonl

# Each blind set is a folder of corpus/ holding *.txt files and their gold.jsonl.
HELDOUT_SETS = (
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
)
# Sets written after the bundled corpus pages (all but the first), so they must not share
# a run with those either.
WRITTEN_AFTER_CORPUS = HELDOUT_SETS[1:]
# The first four sets have fourteen texts each; the fifth to the ninth were written with ten.
MIN_TEXTS = {
    "heldout5": 10,
    "heldout6": 10,
    "heldout7": 10,
    "heldout8": 10,
    "heldout9": 10,
}
DEFAULT_MIN_TEXTS = 14
# Shortest word run that counts as copied text: an 8-word run in common is already more
# than a shared organisation name or stock phrase, so it means a sentence was reused.
RUN_LENGTH = 8

# Multipliers as they are written in English and Chinese news copy.
_SCALE = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
}
# Currency markers, longest first so that "HK$" wins over "$".
_MARKERS = [
    ("HK$", "HKD"),
    ("US$", "USD"),
    # After US$ and HK$, which also end in "S$" or "$": the Singapore dollar sign.
    ("S$", "SGD"),
    # The Brazilian real, also before the bare "$".
    ("R$", "BRL"),
    # The Australian dollar, also before the bare "$".
    ("A$", "AUD"),
    ("SGD", "SGD"),
    ("CHF", "CHF"),
    ("U.S. dollars", "USD"),
    ("HKD", "HKD"),
    ("USD", "USD"),
    ("RMB", "CNY"),
    ("CNY", "CNY"),
    ("JPY", "JPY"),
    ("KRW", "KRW"),
    ("INR", "INR"),
    ("SEK", "SEK"),
    ("EUR", "EUR"),
    # The Saudi riyal, written with its ISO code.
    ("SAR", "SAR"),
    ("euro", "EUR"),
    ("yuan", "CNY"),
    ("元", "CNY"),
    ("¥", "CNY"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("$", "USD"),
]
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|mln|bn|万|亿|[kmb])?", re.I)


def _parse_value(text: str) -> Decimal:
    """An independent reading of an amount's value, so a typo in gold shows up."""
    m = _NUMBER.search(text)
    assert m, f"no number in amount text {text!r}"
    value = Decimal(m.group(1).replace(",", ""))
    if m.group(2):
        value *= _SCALE[m.group(2).lower()]
    return value


def _currency_of(text: str) -> str | None:
    """The ISO code a written amount names, read independently of the extractor."""
    for marker, code in _MARKERS:
        if marker in text:
            return code
    return None


@pytest.fixture(scope="module", params=HELDOUT_SETS)
def heldout_set(request: pytest.FixtureRequest) -> str:
    """The folder name of one blind set, so every check below runs once per set."""
    return request.param


@pytest.fixture(scope="module")
def gold(corpus_dir: Path, heldout_set: str) -> list[dict]:
    return read_jsonl(corpus_dir / heldout_set / "gold.jsonl")


def test_every_text_file_is_annotated_once(
    gold: list[dict], corpus_dir: Path, heldout_set: str
) -> None:
    files = sorted(p.name for p in (corpus_dir / heldout_set).glob("*.txt"))
    paths = sorted(Path(g["path"]).name for g in gold)
    assert len(files) >= MIN_TEXTS.get(heldout_set, DEFAULT_MIN_TEXTS)
    assert paths == files
    assert len({g["id"] for g in gold}) == len(gold)


def test_gold_text_equals_its_file(gold: list[dict], corpus_dir: Path, heldout_set: str) -> None:
    for g in gold:
        assert g["path"].startswith(f"{heldout_set}/")
        assert (corpus_dir / g["path"]).read_text("utf-8") == g["text"], g["id"]


def test_article_lengths_are_news_sized(gold: list[dict]) -> None:
    for g in gold:
        assert 250 <= len(g["text"].split()) <= 600, g["id"]


def test_every_surface_form_occurs_in_text(gold: list[dict]) -> None:
    for g in gold:
        for ent in (*g["organisations"], *g["drugs"]):
            for form in (ent["name"], *ent["aliases"]):
                assert form in g["text"], (g["id"], form)
        for a in g["amounts"]:
            assert a["text"] in g["text"], (g["id"], a["text"])


def test_stage_values_are_in_the_contract(gold: list[dict]) -> None:
    for g in gold:
        assert set(g["stages"]) <= set(STAGES), g["id"]
        assert len(g["stages"]) == len(set(g["stages"])), g["id"]
        for d in g["drugs"]:
            # A drug's stage is a stage mentioned in the article, so it must be listed there.
            assert set(d["stages"]) <= set(g["stages"]), (g["id"], d["name"])


def test_amount_values_agree_with_their_text(gold: list[dict]) -> None:
    for g in gold:
        currencies = {a["currency"] for a in g["amounts"]}
        for a in g["amounts"]:
            assert re.fullmatch(r"[A-Z]{3}", a["currency"])
            assert _parse_value(a["text"]) == Decimal(str(a["value"])), (g["id"], a["text"])
            code = _currency_of(a["text"])
            if code is None:
                # The bare first half of a range ("between 3 billion and 4 billion yuan")
                # takes its currency from the second half.
                assert re.fullmatch(r"[\d.,]+ (million|billion)", a["text"]), a["text"]
                assert len(currencies) == 1 or a["currency"] in currencies
            else:
                assert code == a["currency"], (g["id"], a["text"])


def test_value_parser_reads_the_forms_used() -> None:
    assert _parse_value("3亿元") == Decimal(300_000_000)
    assert _parse_value("5万元") == Decimal(50_000)
    assert _parse_value("$150M+") == Decimal(150_000_000)
    assert _parse_value("HK$1.56 billion") == Decimal(1_560_000_000)
    assert _currency_of("HK$18.40") == "HKD"
    assert _parse_value("20亿元") == Decimal(2_000_000_000)
    assert _currency_of("203 million U.S. dollars") == "USD"
    assert _currency_of("USD184 million") == "USD"
    assert _currency_of("KRW 60 billion") == "KRW"
    assert _currency_of("JPY 212 billion") == "JPY"
    assert _currency_of("3,000 euros") == "EUR"
    assert _parse_value("8500万元") == Decimal(85_000_000)
    assert _parse_value("4,800万元") == Decimal(48_000_000)
    assert _currency_of("S$18.5 million") == "SGD"
    assert _currency_of("US$14.4 million") == "USD"
    assert _currency_of("SGD 4.2 million") == "SGD"
    assert _currency_of("CHF 245 Million") == "CHF"
    assert _parse_value("CHF 245 Million") == Decimal(245_000_000)
    assert _currency_of("CNY78.10") == "CNY"
    assert _currency_of("R$ 85 million") == "BRL"
    assert _parse_value("R$ 85 million") == Decimal(85_000_000)
    assert _currency_of("INR 2.6 billion") == "INR"
    assert _currency_of("HK$48.60") == "HKD"
    assert _parse_value("6.8亿元") == Decimal(680_000_000)
    assert _currency_of("JPY 4.8 billion") == "JPY"
    assert _currency_of("€2.34 billion") == "EUR"
    assert _parse_value("€2.34 billion") == Decimal(2_340_000_000)
    assert _currency_of("EUR 670 million") == "EUR"
    assert _currency_of("USD945") == "USD"
    assert _parse_value("CNY6,720") == Decimal(6720)
    assert _parse_value("800万元") == Decimal(8_000_000)
    assert _currency_of("HK$38.6 billion") == "HKD"
    assert _currency_of("A$14.6 million") == "AUD"
    assert _parse_value("3,000万元") == Decimal(30_000_000)
    assert _currency_of("SAR 412 million") == "SAR"
    assert _parse_value("¥380m") == Decimal(380_000_000)
    assert _parse_value("28.5亿元") == Decimal(2_850_000_000)


def _runs(text: str, n: int = RUN_LENGTH) -> set[tuple[str, ...]]:
    """Every run of n consecutive words, lower-cased, punctuation ignored."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _runs_of_files(paths: Iterable[Path]) -> set[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for path in paths:
        if path.suffix in {".txt", ".jsonl", ".md", ".html"} and path.is_file():
            runs |= _runs(path.read_text("utf-8", errors="replace"))
    return runs


def test_no_run_of_words_comes_from_shared(gold: list[dict], shared_dir: Path) -> None:
    """The set must be written from scratch: no 8-word run shared with ../shared texts."""
    theirs = _runs_of_files(shared_dir.rglob("*"))
    for g in gold:
        assert not _runs(g["text"]) & theirs, g["id"]


def test_no_run_of_words_comes_from_the_corpus_pages(
    gold: list[dict], corpus_dir: Path, heldout_set: str
) -> None:
    """Later sets were written after the bundled corpus pages and must not reuse them."""
    if heldout_set not in WRITTEN_AFTER_CORPUS:
        pytest.skip(f"{heldout_set} predates the bundled corpus pages")
    pages = [
        p
        for p in corpus_dir.rglob("*")
        if not p.relative_to(corpus_dir).parts[0].startswith("heldout")
    ]
    theirs = _runs_of_files(pages)
    for g in gold:
        assert not _runs(g["text"]) & theirs, g["id"]


def test_run_check_catches_a_copied_sentence() -> None:
    copied = "one two three four five six seven eight"
    assert _runs(f"Alpha {copied} omega.") & _runs(f"{copied} beta")
    assert not _runs("one two three four five six seven") & _runs(copied)


def test_sets_do_not_share_ids_or_text(corpus_dir: Path) -> None:
    """A later blind set is written from scratch too: no id and no 8-word run in common."""
    seen_ids: set[str] = set()
    seen_runs: set[tuple[str, ...]] = set()
    for name in HELDOUT_SETS:
        rows = read_jsonl(corpus_dir / name / "gold.jsonl")
        ids = {g["id"] for g in rows}
        assert not ids & seen_ids, name
        mine = set().union(*(_runs(g["text"]) for g in rows))
        assert not mine & seen_runs, name
        seen_ids |= ids
        seen_runs |= mine


def test_every_heldout_folder_is_checked(corpus_dir: Path) -> None:
    """A new blind set must be added to HELDOUT_SETS, or none of the checks above see it."""
    folders = sorted(p.name for p in corpus_dir.glob("heldout*") if p.is_dir())
    assert folders == sorted(HELDOUT_SETS)
    assert set(WRITTEN_AFTER_CORPUS) == set(HELDOUT_SETS) - {"heldout"}
