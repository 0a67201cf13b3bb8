"""Money amounts: forms, negatives, exact values, offsets, restatements."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import spacy

from bionews.money import find_amounts


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def one(text: str) -> tuple[str, Decimal, str]:
    found = find_amounts(text)
    assert len(found) == 1, found
    a = found[0]
    return a.text, a.value, a.currency


@pytest.mark.parametrize(
    ("sentence", "surface", "value", "currency"),
    [
        ("The park drew 100 billion yuan of pledges.", "100 billion yuan", "100000000000", "CNY"),
        ("It raised RMB 5 billion last year.", "RMB 5 billion", "5000000000", "CNY"),
        ("Sales hit RMB5bn.", "RMB5bn", "5000000000", "CNY"),
        ("Revenue was Rmb3.4bn in 2023.", "Rmb3.4bn", "3400000000", "CNY"),
        ("Turnover of CNY1,070m was booked.", "CNY1,070m", "1070000000", "CNY"),
        ("The fund holds ¥1.2bn.", "¥1.2bn", "1200000000", "CNY"),
        ("A budget of 1.2 billion RMB was set.", "1.2 billion RMB", "1200000000", "CNY"),
        ("They paid US$50 million upfront.", "US$50 million", "50000000", "USD"),
        ("The deal is worth $712 million.", "$712 million", "712000000", "USD"),
        ("It cost USD 30m to build.", "USD 30m", "30000000", "USD"),
        ("Investors put in USD12 billion.", "USD12 billion", "12000000000", "USD"),
        ("A loan of HK$3.5 billion was signed.", "HK$3.5 billion", "3500000000", "HKD"),
        ("Bonds of HKD 800 million were issued.", "HKD 800 million", "800000000", "HKD"),
        ("The grant is €20 million.", "€20 million", "20000000", "EUR"),
        ("The grant is EUR 7.5 million.", "EUR 7.5 million", "7500000", "EUR"),
        ("The firm spent 40 million euros.", "40 million euros", "40000000", "EUR"),
        ("The award was £2.2m.", "£2.2m", "2200000", "GBP"),
        ("The charity gave 3 million pounds.", "3 million pounds", "3000000", "GBP"),
        ("It paid CHF 15 million.", "CHF 15 million", "15000000", "CHF"),
        ("It paid 9 billion yen.", "9 billion yen", "9000000000", "JPY"),
        ("It paid JPY 400 million.", "JPY 400 million", "400000000", "JPY"),
        ("投资5亿元建设新厂。", "5亿元", "500000000", "CNY"),
        ("研发投入3000万元。", "3000万元", "30000000", "CNY"),
        ("The plan calls for 1.5 trillion yuan.", "1.5 trillion yuan", "1500000000000", "CNY"),
        ("It won 2 million U.S. dollars.", "2 million U.S. dollars", "2000000", "USD"),
        ("It won 8 million US dollars.", "8 million US dollars", "8000000", "USD"),
        ("Profit reached $1.5B.", "$1.5B", "1500000000", "USD"),
        ("The city set aside two billion yuan.", "two billion yuan", "2000000000", "CNY"),
        ("A twenty-five million euro facility.", "twenty-five million euro", "25000000", "EUR"),
        ("A 300-million-dollar plant.", "300-million-dollar", "300000000", "USD"),
        ("A 450-mln-dollar plant.", "450-mln-dollar", "450000000", "USD"),
        ("It invested 3b yuan.", "3b yuan", "3000000000", "CNY"),
        (
            "Its 9 billion Hong Kong dollars bid.",
            "9 billion Hong Kong dollars",
            "9000000000",
            "HKD",
        ),
        ("Fees came to RMB 18,587,900 in all.", "RMB 18,587,900", "18587900", "CNY"),
        ("A ticket costs 5,000 yuan.", "5,000 yuan", "5000", "CNY"),
        ("He had USD$5 million.", "USD$5 million", "5000000", "USD"),
    ],
)
def test_forms(sentence: str, surface: str, value: str, currency: str) -> None:
    text, got, cur = one(sentence)
    assert (text, cur) == (surface, currency)
    assert got == Decimal(value)
    assert str(got) == value  # exact and without a trailing ".00"


@pytest.mark.parametrize(
    "sentence",
    [
        "The park covers 1,100 mu of land.",
        "Capacity is 30 million doses a year.",
        "The site spans 42.5 hectares.",
        "Sales rose 12.5 percent, or 12.5%, in 2023.",
        "The drug entered Phase 3 in 2021.",
        "GLP-1 drugs are popular.",
        "Shares trade under SHE: 300122 and HK: 1276.",
        "Wu Yuan, 45, joined the team.",
        "In 2019 Yuan Ming founded the lab.",
        "It raised tens of millions of yuan.",
        "Hundreds of millions of dollars flowed in.",
        "He lost 5 pounds of weight.",
        "Product code rmb8090 is sold out.",
        "The multimillion-dollar deal closed.",
    ],
)
def test_not_money(sentence: str) -> None:
    assert find_amounts(sentence) == []


def test_offsets_slice_text() -> None:
    text = "Lab A got ¥1.2bn; lab B got US$3 million (about 21 million yuan) and €4m."
    found = find_amounts(text)
    assert [a.text for a in found] == ["¥1.2bn", "US$3 million", "21 million yuan", "€4m"]
    for a in found:
        assert text[a.start : a.end] == a.text


def test_restatement_points_back_and_is_approximate() -> None:
    text = "Spending passed 30 billion yuan (about 4.2 billion U.S. dollars) in 2024."
    first, second = find_amounts(text)
    assert (first.currency, first.value) == ("CNY", Decimal("30000000000"))
    assert (second.currency, second.value) == ("USD", Decimal("4200000000"))
    assert second.equivalent_of == 0 and second.approximate
    assert first.equivalent_of is None


def test_several_restatements_in_a_row() -> None:
    text = (
        "It earned RMB 9.1 billion (USD 1.3 billion), of which RMB 2.8 billion (USD 400 million)."
    )
    found = find_amounts(text)
    assert [a.equivalent_of for a in found] == [None, 0, None, 2]
    assert not any(a.approximate for a in found)


def test_restatement_after_comma_or() -> None:
    found = find_amounts("A fund of 7 billion yuan, or about 980 million dollars, was set up.")
    assert [a.equivalent_of for a in found] == [None, 0]


def test_same_currency_is_no_restatement() -> None:
    found = find_amounts("Sales grew to 2.3 billion yuan (from 2 billion yuan).")
    assert [a.equivalent_of for a in found] == [None, None]


def test_exchange_rate_note_gives_both_sides_and_no_restatement() -> None:
    found = find_amounts("It will invest 10 billion yuan (1 U.S. dollar = 7.1 yuan).")
    assert [(a.currency, a.value) for a in found] == [
        ("CNY", Decimal("10000000000")),
        ("USD", Decimal("1")),
        ("CNY", Decimal("7.1")),
    ]
    assert all(a.equivalent_of is None for a in found)
    rate = find_amounts("At US$1 = 6.90 yuan, the sum is large.")
    assert [(a.text, a.value) for a in rate] == [("US$1", 1), ("6.90 yuan", Decimal("6.90"))]


@pytest.mark.parametrize(
    "word", ["about", "around", "approximately", "nearly", "over", "more than", "up to",
             "some", "roughly", "almost", "exceeding", "at least"]
)  # fmt: skip
def test_approximators(word: str) -> None:
    (a,) = find_amounts(f"The budget is {word} 60 million yuan this year.")
    assert a.approximate and a.text == "60 million yuan"


def test_exact_amount_is_not_approximate() -> None:
    (a,) = find_amounts("The budget is 60 million yuan this year.")
    assert not a.approximate


def test_plus_suffix() -> None:
    (a,) = find_amounts("A $100M+ round was closed.")
    assert (a.text, a.value, a.approximate) == ("$100M+", Decimal("100000000"), True)


@pytest.mark.parametrize(
    ("sentence", "values", "currency"),
    [
        ("It costs between 1 and 2 billion yuan.", ["1000000000", "2000000000"], "CNY"),
        ("A round of $10-20 million is planned.", ["10000000", "20000000"], "USD"),
        ("Prices of 10 to 20 million yuan were quoted.", ["10000000", "20000000"], "CNY"),
        ("It may cost $5 million to $8 million.", ["5000000", "8000000"], "USD"),
        ("Estimates are 1 billion to 3 billion euros.", ["1000000000", "3000000000"], "EUR"),
    ],
)
def test_ranges_give_both_ends(sentence: str, values: list[str], currency: str) -> None:
    found = find_amounts(sentence)
    assert [a.value for a in found] == [Decimal(v) for v in values]
    assert {a.currency for a in found} == {currency}
    for a in found:
        assert sentence[a.start : a.end] == a.text


def test_range_needs_money_on_the_second_end() -> None:
    found = find_amounts("They raised $5 million to 20 patients' benefit.")
    assert [(a.text, a.value) for a in found] == [("$5 million", Decimal("5000000"))]


def test_share_prices_and_signed_changes() -> None:
    found = find_amounts("Stock closed at HK$45.60 per share; change ¥+0.30, or ¥-0.12 later.")
    assert [(a.currency, a.value) for a in found] == [
        ("HKD", Decimal("45.60")),
        ("CNY", Decimal("0.30")),
        ("CNY", Decimal("-0.12")),
    ]


def test_symbol_inside_prefix_not_matched_twice() -> None:
    found = find_amounts("It raised US$7 million and HK$9 million.")
    assert [(a.text, a.currency) for a in found] == [
        ("US$7 million", "USD"),
        ("HK$9 million", "HKD"),
    ]


def test_article_before_a_prefixed_currency_does_not_hide_the_amount() -> None:
    # "a" reads as a word number ("a billion yuan"); rejected, it must not swallow
    # the currency code that starts the real amount.
    got = [
        (a.text, a.value, a.currency)
        for a in find_amounts(
            "It signed a RMB 320 million credit line and a CNY 45m lease, but not a yuan more."
        )
    ]
    assert got == [
        ("RMB 320 million", Decimal("320000000"), "CNY"),
        ("CNY 45m", Decimal("45000000"), "CNY"),
    ]


def test_decimal_is_exact_for_long_fractions() -> None:
    (a,) = find_amounts("Costs were USD 616.63 million.")
    assert a.value == Decimal("616630000")
    (b,) = find_amounts("Costs were 0.1 billion yuan.")
    assert b.value == Decimal("100000000") and isinstance(b.value, Decimal)


def test_spacy_component_sets_doc_amounts() -> None:
    from bionews import money  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("bionews_money")
    doc = nlp("The firm raised 3 billion yuan (about $420 million).")
    assert [a.currency for a in doc._.amounts] == ["CNY", "USD"]
    assert doc._.amounts[1].equivalent_of == 0


def _score(gold: list[dict]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for art in gold:
        want = {(a["currency"], round(Decimal(str(a["value"])), 2)) for a in art["amounts"]}
        got = {(a.currency, round(a.value, 2)) for a in find_amounts(art["text"])}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    return tp, fp, fn


@pytest.mark.shared
def test_amounts_on_shared_gold(shared_dir: Path) -> None:
    """Document-level (currency, value) F1 on the annotated articles stays high."""
    gold = [*read_jsonl(shared_dir / "eval" / "seeds_gold.jsonl")]
    gold += read_jsonl(shared_dir / "eval" / "dev_gold.jsonl")
    tp, fp, fn = _score(gold)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.9, (tp, fp, fn)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Net income climbed in 2025 to 4.2 billion yuan.", [Decimal("4.2e9")]),
        ("Sales have grown since 2019 to RMB 870 million.", [Decimal("8.7e8")]),
        ("A course is priced at 1980 to 2380 yuan.", [Decimal(1980), Decimal(2380)]),
        ("The fund holds 2020 to 2400 million yuan.", [Decimal("2.02e9"), Decimal("2.4e9")]),
    ],
)
def test_a_year_before_to_opens_no_range(text: str, expected: list[Decimal]) -> None:
    assert [a.value for a in find_amounts(text)] == expected
