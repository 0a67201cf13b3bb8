"""Which stage, indication and developer belong to which drug."""

from __future__ import annotations

import bionews


def link(text: str) -> dict[str, bionews.Drug]:
    return {d.name: d for d in bionews.extract(text).drugs}


def test_enumeration_before_stage_shares_it() -> None:
    d = link(
        "Korvat Pharma said vexatinib (for lung cancer) and Lorbiglutide Injection (for obesity) "
        "have completed Phase II trials; Pemrolizumab Injection is in Phase III."
    )
    assert d["vexatinib"].stages == ["phase_2"]
    assert d["Lorbiglutide Injection"].stages == ["phase_2"]
    assert d["Pemrolizumab Injection"].stages == ["phase_3"]
    assert d["vexatinib"].indications == ["lung cancer"]
    assert d["Lorbiglutide Injection"].indications == ["obesity"]


def test_stage_links_forward_to_the_drug_it_names() -> None:
    d = link(
        "The money will fund its ongoing Phase 3 trial for tarlimab, its Phase 1/2 trial of "
        "KX-2201 and general corporate purposes."
    )
    assert d["tarlimab"].stages == ["phase_3"]
    assert d["KX-2201"].stages == ["phase_1_2"]


def test_colon_list_after_approval() -> None:
    d = link(
        "In the first half the company won NMPA approvals for three new drugs: "
        "dorazumab (Dorvia), velotinib, and finerglutide."
    )
    assert all(d[n].stages == ["approved"] for n in ("dorazumab", "velotinib", "finerglutide"))


def test_stage_of_unnamed_plural_programmes_is_not_attached() -> None:
    d = link(
        "Hengsun Biotech licensed its drug candidate HSB-4410 to a partner. It will also hand over 9 preclinical "
        "drug candidates, and for those candidates it will run Phase I trials."
    )
    assert d["HSB-4410"].stages == []


def test_apposition_in_next_sentence_names_the_drug() -> None:
    d = link(
        "A gene therapy developed in Wuhan has started a Phase I/II clinical trial, Jiantao "
        "Therapeutics said on Monday. The therapy, JT-0101, targets retinal disease."
    )
    assert d["JT-0101"].stages == ["phase_1_2"]


def test_plural_reference_takes_the_previous_sentence_drugs() -> None:
    d = link(
        "The deal covers the drug candidates MRX-101 and MRX-103. Both are in clinical development."
    )
    assert d["MRX-101"].stages == ["clinical"] and d["MRX-103"].stages == ["clinical"]


def test_single_drug_article_takes_unattached_stages_and_developer() -> None:
    d = link(
        "China's drug regulator has granted conditional approval to soravotinib for lung "
        "cancer. The drug, developed by Hangzhou Qiwei Pharmaceutical Co., Ltd., is for adults. "
        "The approval rests on a Phase 2 study, and a confirmatory Phase 3 trial is enrolling."
    )["soravotinib"]
    assert d.stages == ["phase_2", "phase_3", "approved"]
    assert d.developer == "Hangzhou Qiwei Pharmaceutical Co., Ltd."
    assert d.indications == ["lung cancer"]


def test_regulator_is_not_a_developer() -> None:
    d = link("The National Medical Products Administration approved the drug naxitamab on Monday.")
    assert d["naxitamab"].developer is None


def test_indication_shared_by_a_list() -> None:
    d = link(
        "Semaglutide Injection and Insulin Degludec Injection, both for type 2 diabetes, have "
        "completed clinical trials at Chenyu Biopharm."
    )
    assert d["Semaglutide Injection"].indications == ["type 2 diabetes"]
    assert d["Insulin Degludec Injection"].indications == ["type 2 diabetes"]


def test_stage_mentions_name_their_drug() -> None:
    rec = bionews.extract("Lumora Bio said its drug pelcitinib entered a Phase 2 trial.")
    assert [(s.stage, s.drug) for s in rec.trial_stages] == [("phase_2", "pelcitinib")]
