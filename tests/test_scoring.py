"""The scorer follows the annotation guide's matching rules."""

from __future__ import annotations

from decimal import Decimal

from bionews.records import Amount, ArticleRecord, Drug, Organisation, StageMention
from bionews.scoring import norm_drug, norm_org, score, score_article


def rec(text="x" * 200, orgs=(), drugs=(), amounts=(), stages=()) -> ArticleRecord:
    return ArticleRecord(
        id="t",
        text=text,
        organisations=[Organisation(name=n, aliases=list(a)) for n, a in orgs],
        drugs=[Drug(name=n, aliases=list(a), stages=list(s)) for n, a, s in drugs],
        amounts=[
            Amount(text="x", value=Decimal(v), currency=c, start=0, end=1) for v, c in amounts
        ],
        trial_stages=[StageMention(stage=s, text="x", start=0, end=1) for s in stages],
    )


def test_normalisation() -> None:
    assert (
        norm_org("The Chongqing Genrix Biopharmaceutical Co., Ltd.")
        == "chongqing genrix biopharmaceutical"
    )
    assert norm_org("Porton Pharma Solutions Ltd") == "porton pharma solutions"
    assert norm_org("WuXi AppTec Group Holdings") == "wuxi apptec"
    assert norm_drug("Liraglutide Injection") == "liraglutide"
    assert norm_drug("Siliq® ") == "siliq"
    assert norm_drug("Quadrivalent Recombinant Norovirus Vaccine (Pichia Pastoris)") == (
        "quadrivalent recombinant norovirus vaccine pichia pastoris"
    )


def test_entities_match_one_to_one() -> None:
    gold = {
        "organisations": [
            {"name": "Zhifei Co., Ltd", "aliases": ["Zhifei"]},
            {"name": "NMPA", "aliases": []},
        ]
    }
    # Two predictions for one gold organisation: the unmerged alias is a false positive.
    a = score_article(
        gold, rec(orgs=[("Zhifei Co., Ltd", []), ("Zhifei", []), ("Banan District", [])])
    )
    c = a.counts["organisations"]
    assert (c.tp, c.fp, c.fn) == (1, 2, 1)
    assert a.missed["organisations"] == ["NMPA"]


def test_amounts_by_currency_and_cents() -> None:
    gold = {
        "amounts": [{"text": "1.67 billion U.S. dollars", "value": 1670000000, "currency": "USD"}]
    }
    ok = score_article(gold, rec(amounts=[("1670000000.001", "USD")])).counts["amounts"]
    wrong_cur = score_article(gold, rec(amounts=[("1670000000", "CNY")])).counts["amounts"]
    assert (ok.tp, ok.fp, ok.fn) == (1, 0, 0)
    assert (wrong_cur.tp, wrong_cur.fp, wrong_cur.fn) == (0, 1, 1)


def test_drug_stage_pairs_go_through_drug_matching() -> None:
    gold = {
        "drugs": [
            {
                "name": "Semaglutide Injection",
                "aliases": ["Semaglutide"],
                "stages": ["clinical", "phase_3"],
            }
        ],
        "stages": ["clinical", "phase_3"],
    }
    r = rec(
        drugs=[("Semaglutide", [], ["phase_3"]), ("Ozempic", [], ["approved"])], stages=["phase_3"]
    )
    a = score_article(gold, r)
    ds = a.counts["drug_stages"]
    assert (ds.tp, ds.fp, ds.fn) == (1, 1, 1)
    st = a.counts["stages"]
    assert (st.tp, st.fp, st.fn) == (1, 0, 1)


def test_micro_average_over_articles() -> None:
    g1 = {"stages": ["approved"]}
    g2 = {"stages": ["phase_1", "phase_2"]}
    rep = score([(g1, rec(stages=["approved"])), (g2, rec(stages=["phase_1", "phase_3"]))])
    c = rep.totals["stages"]
    assert (c.tp, c.fp, c.fn) == (2, 1, 1)
    assert round(c.f1, 4) == round(2 / 3, 4)
