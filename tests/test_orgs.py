"""Organisation finding and merging, on sentences written for these tests."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from bionews.orgs import merge_organisations, org_key
from bionews.records import ORG_KINDS
from bionews.scoring import Count, _match, norm_org


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("bionews_orgs")
    return nlp


def found(nlp: Language, text: str) -> list[str]:
    doc = nlp(text)
    return [s.text for s in doc.spans["orgs"]]


def merged(nlp: Language, text: str):
    doc = nlp(text)
    return merge_organisations(list(doc.spans["orgs"]))


# ----------------------------------------------------------------- org_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Qianshan Biopharmaceutical Co., Ltd.", "qianshan biopharmaceutical"),
        ("The Lantern Group Holdings Limited", "lantern"),
        ("“Mistral Therapeutics, Inc.”", "mistral therapeutics"),
        ("ＡＢＣ Pharma GmbH", "abc pharma"),
        ("Orion Labs and Company", "orion labs"),
    ],
)
def test_org_key(name: str, key: str) -> None:
    assert org_key(name) == key


# ----------------------------------------------------------------- patterns


def test_sector_noun_and_legal_suffix(nlp: Language) -> None:
    text = (
        "The vaccine was developed by Qianshan Biopharmaceutical Co., Ltd., which partners "
        "with Dorel Therapeutics, Inc. and Ferrow Bio holding GmbH, a German investor."
    )
    assert found(nlp, text) == [
        "Qianshan Biopharmaceutical Co., Ltd.",
        "Dorel Therapeutics, Inc.",
        "Ferrow Bio holding GmbH",
    ]


def test_lowercase_name_before_legal_suffix(nlp: Language) -> None:
    assert found(nlp, "The largest holder (quanta Nordmark beteiligungs GmbH) kept its stake.") == [
        "quanta Nordmark beteiligungs GmbH"
    ]


def test_of_and_for_chains(nlp: Language) -> None:
    text = (
        "Doctors at the Second Affiliated Hospital of Kunming Medical University worked with "
        "the Yunnan Institute for Tropical Diseases and the Ministry of Science and Technology."
    )
    assert found(nlp, text) == [
        "Second Affiliated Hospital of Kunming Medical University",
        "Yunnan Institute for Tropical Diseases",
        "Ministry of Science and Technology",
    ]


def test_and_inside_names_but_not_between_companies(nlp: Language) -> None:
    text = (
        "The State Food and Drug Administration cleared it. Velora Pharma and Kestrel "
        "Biologics will co-market it, advised by Harlan Brook & Co."
    )
    assert found(nlp, text) == [
        "State Food and Drug Administration",
        "Velora Pharma",
        "Kestrel Biologics",
        "Harlan Brook & Co.",
    ]


def test_headline_words_trimmed_after_head(nlp: Language) -> None:
    assert found(nlp, "Tarrow Biopharma Announces Closing of Offering") == ["Tarrow Biopharma"]


# ----------------------------------------------------------------- gazetteer and acronyms


def test_gazetteer_names_with_place_and_suffix(nlp: Language) -> None:
    text = (
        "Zhejiang Hengrui? No: Jiangsu Hengrui Pharmaceuticals Co., Ltd. and Pfizer China signed."
    )
    names = found(nlp, text)
    assert "Jiangsu Hengrui Pharmaceuticals Co., Ltd." in names
    assert "Pfizer China" in names


def test_regulator_acronyms_guarded_by_case_and_context(nlp: Language) -> None:
    assert found(nlp, "The NMPA approved it after the FDA did.") == ["NMPA", "FDA"]
    assert found(nlp, "WHO WE ARE") == []
    assert found(nlp, "who knows what the nmpa thinks") == []


def test_tickers_are_not_exchanges(nlp: Language) -> None:
    text = "Ardent Medicine (HKEX: 09876) rose; it plans a second listing on the HKEX next year."
    doc = nlp(text)
    spans = doc.spans["orgs"]
    assert [s.text for s in spans] == ["Ardent Medicine", "HKEX"]
    assert spans[1].start_char > text.index("next") - 20


def test_defined_and_spelled_acronyms_join_their_name(nlp: Language) -> None:
    text = (
        "The Provincial Vaccine Quality Bureau (PVQB) inspected the plant. Later the "
        "Northbridge Innovation Alliance said NIA members agreed, and PVQB concurred."
    )
    orgs = merged(nlp, text)
    assert [(o.name, sorted(o.aliases)) for o in orgs] == [
        ("Provincial Vaccine Quality Bureau", ["PVQB"]),
        ("Northbridge Innovation Alliance", ["NIA"]),
    ]
    assert len(orgs[0].mentions) == 3


def test_media_only_as_actor_or_source(nlp: Language) -> None:
    assert found(nlp, "Photo: Xinhua") == []
    assert found(nlp, "KUNMING, May 2 (Xinhua) -- The plant opened.") == []
    assert found(nlp, "Reuters reported on Friday that the deal closed.") == ["Reuters"]


# ----------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    "text",
    [
        "The Tianfu Bio-Medical Industry Park hosts 40 firms.",
        "Officials from Yubei District and Chongqing International Biological City attended.",
        "The City V Delegation toured the Chongqing Expo Center.",
        "The Western China Biopharma Innovation Forum opened in Chengdu.",
        "Traditional Chinese Medicine remains popular in Sichuan.",
        "Leading domestic companies expanded. Currently, Chengdu hosts 12 of them.",
        "By LI MING|Jan 3,2025",
        "The Medical Industry Development Plan for the 15th Five-Year Period was released.",
        "An Independent Data Monitoring Committee reviewed the data.",
    ],
)
def test_not_organisations(nlp: Language, text: str) -> None:
    assert found(nlp, text) == []


def test_spans_claimed_by_drugs_are_left_alone(nlp: Language) -> None:
    text = "Patients received Corvant Therapeutics Injection made by Corvant Therapeutics."
    doc = nlp.make_doc(text)
    start = text.index("Corvant")
    doc.spans["drugs"] = [doc.char_span(start, text.index(" made"))]
    doc = nlp.get_pipe("bionews_orgs")(doc)
    expected = text.rindex("Corvant")
    assert [(s.start_char, s.text) for s in doc.spans["orgs"]] == [
        (expected, "Corvant Therapeutics")
    ]


# ----------------------------------------------------------------- derived mentions and merging


def test_short_form_mentions_join_full_name(nlp: Language) -> None:
    text = (
        "Chongqing Lanshan Biological Products Co., Ltd. opened a plant. Lanshan's chairman "
        "said Lanshan will invest more, while its arm Lanshan Ruitai Investment funds startups."
    )
    orgs = merged(nlp, text)
    by_name = {o.name: o for o in orgs}
    assert set(by_name) == {
        "Chongqing Lanshan Biological Products Co., Ltd.",
        "Lanshan Ruitai Investment",
    }
    full = by_name["Chongqing Lanshan Biological Products Co., Ltd."]
    assert full.aliases == ["Lanshan"]
    assert len(full.mentions) == 3
    for m in full.mentions:
        assert text[m.start : m.end] == m.text


def test_city_prefix_and_legal_suffix_variants_merge(nlp: Language) -> None:
    text = (
        "Chongqing Pinecrest Biopharm grew fast. Pinecrest Biopharm now has 9 projects, and "
        "Shuhe Pharmaceutical Co., Ltd. supplies Shuhe Pharmaceutical partners."
    )
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [
        ("Chongqing Pinecrest Biopharm", ["Pinecrest Biopharm"]),
        ("Shuhe Pharmaceutical Co., Ltd.", ["Shuhe Pharmaceutical"]),
    ]


def test_parent_subsidiary_and_former_names_stay_apart(nlp: Language) -> None:
    text = (
        "Dongfang Pharmaceutical Group said its unit Wuxi Dongfang Pharmaceutical Research and "
        "Development will run the trial. The NMPA, successor to the CFDA, approved it."
    )
    names = [o.name for o in merged(nlp, text)]
    assert names == [
        "Dongfang Pharmaceutical Group",
        "Wuxi Dongfang Pharmaceutical Research and Development",
        "NMPA",
        "CFDA",
    ]


def test_subsidiary_short_name_joins_subsidiary(nlp: Language) -> None:
    text = (
        "Hangzhou Qingtai Pharmaceutical Holdings Company Limited said that its subsidiary "
        "Hangzhou Qingtai Minkang Pharmaceutical Co., Ltd. filed. Minkang Pharmaceutical expects "
        "approval; Qingtai shares rose."
    )
    orgs = merged(nlp, text)
    assert [(o.name, sorted(o.aliases)) for o in orgs] == [
        ("Hangzhou Qingtai Pharmaceutical Holdings Company Limited", ["Qingtai"]),
        ("Hangzhou Qingtai Minkang Pharmaceutical Co., Ltd.", ["Minkang Pharmaceutical"]),
    ]


def test_enumerated_and_described_names(nlp: Language) -> None:
    text = (
        "Winners include Arbor Therapeutics, Quillon UK, Nexbridge and Tessaly Biosciences. "
        "Its Danish partner Fjordvax invested, according to Lumen Insight, a Boston consultancy."
    )
    names = found(nlp, text)
    assert names == [
        "Arbor Therapeutics",
        "Quillon UK",
        "Nexbridge",
        "Tessaly Biosciences",
        "Fjordvax",
        "Lumen Insight",
    ]


def test_typo_variant_merges(nlp: Language) -> None:
    orgs = merged(nlp, "Kettering Pharma licensed it; Ketering Pharma's shares rose.")
    assert len(orgs) == 1 and orgs[0].aliases == ["Ketering Pharma"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Shares of Tovana Biotech rose.", "company"),
        ("The Hubei Institute of Virology said so.", "research"),
        ("Students at Sanxia University protested.", "academic"),
        ("Wanzhou People's Hospital treated them.", "hospital"),
        ("The Jiangxi Health Commission said so.", "government"),
        ("The Yangtze Biopharmaceutical Industry Alliance was formed.", "association"),
    ],
)
def test_kinds(nlp: Language, text: str, kind: str) -> None:
    doc = nlp(text)
    spans = list(doc.spans["orgs"])
    assert len(spans) == 1
    assert spans[0]._.org_kind == kind
    assert kind in ORG_KINDS
    assert merge_organisations(spans)[0].kind == kind


def test_merge_without_component_attributes() -> None:
    """The merge works on any ORG spans, e.g. ones a user built by hand."""
    nlp = spacy.blank("en")
    doc: Doc = nlp("Beijing Suyuan Biotech Co., Ltd. said Suyuan Biotech and Suyuan agreed.")
    spans = [Span(doc, 0, 6, "ORG"), Span(doc, 7, 9, "ORG"), Span(doc, 10, 11, "ORG")]
    orgs = merge_organisations(spans)
    assert len(orgs) == 1
    assert orgs[0].name == "Beijing Suyuan Biotech Co., Ltd."
    assert orgs[0].kind == "other"
    assert merge_organisations([]) == []


# ----------------------------------------------------------------- shared gold


@pytest.mark.shared
def test_shared_gold_organisation_f1(nlp: Language, shared_dir) -> None:
    total = Count()
    for name in ("seeds_gold.jsonl", "dev_gold.jsonl"):
        for line in (shared_dir / "eval" / name).read_text("utf-8").splitlines():
            gold = json.loads(line)
            pred = merged(nlp, gold["text"])
            pf = [{norm_org(n) for n in (o.name, *o.aliases)} for o in pred]
            gf = [{norm_org(n) for n in (o["name"], *o["aliases"])} for o in gold["organisations"]]
            m = _match(pf, gf)
            total.add(Count(tp=len(m), fp=len(pf) - len(m), fn=len(gf) - len(m)))
    assert total.f1 >= 0.92, (total.precision, total.recall)
