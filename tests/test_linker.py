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


def pipeline(text: str) -> dict[str, bionews.Drug]:
    """The linker's drugs for ``text`` straight from the pipeline (no cleaning and no
    language guess, which a one-sentence text may not pass)."""
    from bionews.nlp import get_nlp

    return {d.name: d for d in get_nlp()(text)._.drugs}


def test_code_introduced_in_apposition_takes_the_stage() -> None:
    d = pipeline(
        "A quadrivalent influenza subunit vaccine is in a Phase III trial, and a zoster "
        "vaccine, coded QR-Z05, began a Phase I study in May."
    )
    assert d["QR-Z05"].stages == ["phase_1"]
    assert d["quadrivalent influenza subunit vaccine"].stages == ["phase_3"]


def test_background_therapy_after_the_tested_drug_gets_no_stage() -> None:
    d = pipeline(
        "Funds will go to a Phase 2 trial of torvalimab in combination with trastuzumab, "
        "and a Phase 3 trial of delrasib plus cetuximab."
    )
    assert d["torvalimab"].stages == ["phase_2"]
    assert d["delrasib"].stages == ["phase_3"]
    assert d["trastuzumab"].stages == [] and d["cetuximab"].stages == []


def test_a_tested_combination_before_its_stage_shares_it() -> None:
    d = pipeline("Torvalimab in combination with trastuzumab is in a Phase 3 trial.")
    assert d["Torvalimab"].stages == ["phase_3"] and d["trastuzumab"].stages == ["phase_3"]


def test_combination_partner_of_an_unnamed_subject_gets_the_stage() -> None:
    d = pipeline(
        "Lodrasib is in a Phase 1 trial. The company will also begin Phase 1b cohorts "
        "in combination with panitumumab in colorectal cancer."
    )
    assert d["panitumumab"].stages == ["phase_1"]


def test_followed_by_passes_the_stage_on() -> None:
    d = pipeline(
        "Tivalimab gained market approval in China in 2017, followed by zorelimab a year later."
    )
    assert d["Tivalimab"].stages == ["approved"] and d["zorelimab"].stages == ["approved"]


def test_definite_description_names_an_earlier_drug() -> None:
    d = pipeline(
        "Its quadrivalent recombinant influenza vaccine is in a Phase III trial, and its "
        "13-valent pneumococcal conjugate vaccine is approved. The chief executive said the "
        "company aims to file a marketing application for the influenza vaccine next year."
    )
    assert d["quadrivalent recombinant influenza vaccine"].stages == ["phase_3", "filed"]
    assert d["13-valent pneumococcal conjugate vaccine"].stages == ["approved"]


def test_clinical_goes_where_no_phase_is_stated_for_the_drug() -> None:
    d = pipeline(
        "Proceeds fund clinical development of KRT-5521, which is being tested in a Phase 1 "
        "dose-escalation trial."
    )
    assert d["KRT-5521"].stages == ["phase_1"]
    d = pipeline(
        "Semvalide Injection (for diabetes) has completed clinical trials; Semvalide "
        "Injection (for obesity) is in Phase III clinical trial."
    )
    assert d["Semvalide Injection"].stages == ["phase_3", "clinical"]


def test_clinical_reached_only_by_reference_yields_to_a_phase() -> None:
    d = pipeline(
        "A hospital dosed the first patient in a Phase Ib/IIa trial of voxatinib. "
        "Its maker got clearance from the CDE to start human trials last September."
    )
    assert d["voxatinib"].stages == ["phase_1_2"]


def test_the_rest_of_a_compared_set_shares_the_stage() -> None:
    d = pipeline(
        "Dorlumab is the third PD-1 drug to be approved in China (the other two are "
        "Merck's Keytruda and BMS's Opdivo)."
    )
    assert all(d[n].stages == ["approved"] for n in ("Dorlumab", "Keytruda", "Opdivo"))


def test_a_trial_after_and_a_is_a_trial_of_the_drug_before() -> None:
    d = pipeline(
        "Qingfei Zhike Granules was approved in June, and a Phase IV study involving "
        "1,500 patients will begin later this year."
    )
    assert d["Qingfei Zhike Granules"].stages == ["phase_4", "approved"]


def test_and_a_stage_before_something_other_than_a_trial_is_a_new_subject() -> None:
    d = pipeline(
        "Xylotinib was approved in May, and a preclinical portfolio of two antibodies is growing."
    )
    assert d["Xylotinib"].stages == ["approved"]


def test_the_decision_refers_to_the_drug_just_approved() -> None:
    d = pipeline(
        "Regulators granted conditional approval to varocabtagene autoleucel in March. "
        "The decision rested on a single-arm Phase II study."
    )
    assert d["varocabtagene autoleucel"].stages == ["phase_2", "approved"]


def test_a_filing_described_by_its_indication_goes_to_that_drug() -> None:
    d = pipeline(
        "Shares rose after the company said its new drug application for a lung cancer "
        "treatment had been accepted. The filing covers velnotinib for adults with lung cancer. "
        "Velnotinib met its goal in a Phase 3 trial. It also develops RX-1001, an antibody "
        "in a Phase 1 trial. RX-1001 may enter Phase 2 next year."
    )
    assert d["velnotinib"].stages == ["phase_3", "filed"]
    assert "filed" not in d["RX-1001"].stages


def test_a_filing_naming_other_indications_too_goes_to_no_drug() -> None:
    d = pipeline(
        "Dorsatinib was approved for lung cancer. Its peers include RX-1001 in a Phase 1 "
        "trial. RX-1001 is an antibody. The regulator accepted six new drug applications "
        "covering lung cancer, gout and psoriasis."
    )
    assert d["Dorsatinib"].stages == ["approved"]


def test_stage_of_a_series_code_goes_to_that_code() -> None:
    d = pipeline(
        "Tonvera said dalvacept, also known as DLV-07, met its goal in a phase 2 trial. "
        "Its next act is DLV-19, a longer-acting follow-up designed for monthly dosing, "
        "which began a phase 1 study in April."
    )
    assert d["DLV-19"].stages == ["phase_1"]
    assert d["dalvacept"].stages == ["phase_2"]


# --- round 3: reference products, the sentence before, dosage-form descriptions


def test_reference_product_of_a_biosimilar_takes_no_stage() -> None:
    d = pipeline(
        "Regulators approved Pellora (zanitumab-kqpr), a biosimilar to Zantavo (zanitumab). "
        "Pellora may replace its reference product, Zantavo, for all of its approved uses. "
        "Doctors switched patients between Pellora and Zantavo. "
        "A comparative Phase 3 study had shown equal response rates."
    )
    assert d["zanitumab-kqpr"].stages == ["phase_3", "approved"]
    assert d["zanitumab"].stages == []


def test_stage_in_the_sentence_after_the_one_naming_the_drug() -> None:
    d = pipeline(
        "Qiheng sells dorazumab and kavitinib in China. "
        "Velnotinib, its newest molecule, was developed in Suzhou with a local hospital. "
        "Qiheng said a Phase 3 trial is expected to start next year."
    )
    assert d["Velnotinib"].stages == ["phase_3"]
    assert d["dorazumab"].stages == [] and d["kavitinib"].stages == []


def test_sentence_with_its_own_unnamed_product_does_not_borrow_the_drug_before() -> None:
    d = pipeline(
        "Qiheng sells dorazumab and kavitinib in China. "
        "Velnotinib, its newest molecule, was developed in Suzhou with a local hospital. "
        "A recombinant zoster vaccine from the same lab began a Phase 1 trial in May."
    )
    assert d["Velnotinib"].stages == []


def test_dosage_form_descriptions_name_the_products() -> None:
    d = pipeline(
        "Regulators cleared Hanxiang Zhike Granules for cough and Anmian Ningshen Oral Liquid "
        "for insomnia. The granules were tested in a Phase 3 trial, while the oral liquid "
        "was approved after a Phase 2 trial."
    )
    assert d["Hanxiang Zhike Granules"].stages == ["phase_3"]
    assert set(d["Anmian Ningshen Oral Liquid"].stages) == {"phase_2", "approved"}


def test_trial_combining_two_drugs_stages_both() -> None:
    d = pipeline("A Phase 2 trial combining velnotinib with dorazumab will open in May.")
    assert d["velnotinib"].stages == ["phase_2"]
    assert d["dorazumab"].stages == ["phase_2"]


def test_trial_of_a_drug_with_background_therapy_stages_only_that_drug() -> None:
    d = pipeline("A Phase 2 trial of velnotinib in combination with dorazumab will open in May.")
    assert d["velnotinib"].stages == ["phase_2"]
    assert d["dorazumab"].stages == []


def test_enumeration_with_makers_and_indications_between_names() -> None:
    d = pipeline(
        "Also approved were Hanxiang Zhike Granules from Hebei Lianqiao Pharmaceutical Co., "
        "for acute cough, and Anmian Ningshen Oral Liquid from Guizhou Baicao "
        "Pharmaceutical Co., for insomnia."
    )
    assert d["Hanxiang Zhike Granules"].stages == ["approved"]
    assert d["Anmian Ningshen Oral Liquid"].stages == ["approved"]


def test_stage_of_the_nda_sentence_refers_back_to_the_drug() -> None:
    d = pipeline(
        "The firm sells belvotinib. The regulator sent a letter on the NDA for morvatinib. "
        "The letter cited a plant. "
        "The NDA was supported by a Phase 3 study in 400 patients."
    )
    assert "phase_3" in d["morvatinib"].stages


def test_unnamed_rivals_approval_is_not_the_named_drugs() -> None:
    d = pipeline(
        "Three rival antibodies from big firms are already approved, and investors hoped "
        "that kelvumab would compete."
    )
    assert d["kelvumab"].stages == []


def test_device_approval_does_not_go_to_the_topic_drug() -> None:
    d = pipeline(
        "Lianhe is testing norvaxaban in a Phase II trial. norvaxaban is taken once daily. "
        "Doctors like norvaxaban. A newer heart valve model won approval from the regulator "
        "in May."
    )
    assert d["norvaxaban"].stages == ["phase_2"]
    # without a device word the same sentence still refers back to the drug
    d = pipeline(
        "Lianhe is testing norvaxaban in a Phase II trial. norvaxaban is taken once daily. "
        "Doctors like norvaxaban. The firm won approval from the regulator in May."
    )
    assert d["norvaxaban"].stages == ["phase_2", "approved"]


def test_stage_after_a_run_of_sentences_naming_no_drug() -> None:
    d = link(
        "Pelvatinib sells well. The candidate, morvaglutide, mimics a gut hormone. "
        "Patients lost weight in early "
        "testing. Nausea was the usual side effect. The partner will begin a Phase III "
        "study next year."
    )
    assert "phase_3" in d["morvaglutide"].stages
    assert d["Pelvatinib"].stages == []


def test_no_stage_when_two_drugs_sit_in_the_run() -> None:
    d = link(
        "The candidate, morvaglutide, mimics a gut hormone. Doctors compared pelvatinib "
        "with sarnotinib in a review. Nausea was the usual side effect. The partner will "
        "begin a Phase III study next year."
    )
    assert all("phase_3" not in x.stages for x in d.values())


def test_organisation_noun_after_a_preposition_is_no_unnamed_subject() -> None:
    d = link(
        "Rivals already sell pelvatinib. Insulin dorvalec was approved in China last year. "
        "Locally, the partner will run a Phase 3 study and then send an application to the "
        "National Drugs Board."
    )
    assert d["Insulin dorvalec"].stages == ["phase_3", "approved"]
    assert d["pelvatinib"].stages == []


def test_linker_cap_records_what_it_cut_and_the_record_warns() -> None:
    from bionews.api import _linker_cut
    from bionews.linker import Linker

    text = (
        "Qiming Pharma Co., Ltd., Hexin Biologics Inc. and Tongda Therapeutics Co., Ltd. "
        "signed the pact with Beilun Biotech Co., Ltd. in Ningbo."
    )
    doc = bionews.annotate(text)
    found = len(doc._.organisations)
    assert found >= 3
    assert doc._.entity_cuts == {}
    capped = Linker(anaphora_window=3, max_entities=2)(doc)
    assert len(capped._.organisations) == 2
    assert capped._.entity_cuts == {"organisations": (found, 2)}
    assert _linker_cut(capped) == [
        f"organisations cut from {found} to 2 (the pipeline's entity cap)"
    ]


# ------------------------------------------------- blind-set classes (heldout6)


def test_securities_firm_or_fund_is_not_a_developer() -> None:
    d = pipeline(
        "Brokers at Qiantang Securities said the launch of Mirvotinib's tablets should "
        "lift sales next year."
    )
    assert d["Mirvotinib"].developer is None
    d = pipeline("Lianshan Capital owns a stake in renfaxacept, the report said.")
    assert d["renfaxacept"].developer is None


def test_drugmaker_is_still_a_developer_beside_a_broker() -> None:
    d = pipeline(
        "Renfaxacept, developed by Qiaolan Biopharma, won approval, analysts at Qiantang "
        "Securities said."
    )
    assert d["Renfaxacept"].developer == "Qiaolan Biopharma"


def test_university_named_capital_can_still_develop() -> None:
    d = pipeline("Capital Yanling University developed the antibody tolpazumab for asthma.")
    assert d["tolpazumab"].developer == "Capital Yanling University"


def test_combination_partner_refers_to_the_partner_drug() -> None:
    d = pipeline(
        "Hexin runs a Phase 2 trial combining velnatinib with the SHP2 inhibitor HX-R41 in lung "
        "cancer. The combination partner has so far been given alone only in a Phase 1 trial. "
        "The next product, tivorgliptin, is sold under the brand Qiangtang."
    )
    assert d["HX-R41"].stages == ["phase_1", "phase_2"]
    assert d["velnatinib"].stages == ["phase_2"]
    assert d["tivorgliptin"].stages == []


def test_partner_drug_and_companion_drug_refer_to_the_partner() -> None:
    for phrase in ("The partner drug", "The companion drug"):
        d = pipeline(
            f"A Phase 3 study combines lomerasib with QX-2088 in pancreatic cancer. "
            f"{phrase} is also in a Phase 2 trial for gastric cancer."
        )
        assert d["QX-2088"].stages == ["phase_2", "phase_3"], phrase
        assert d["lomerasib"].stages == ["phase_3"], phrase


def test_pairing_a_described_drug_with_a_named_one_stages_both() -> None:
    d = pipeline(
        "Dorvatinib Tablets were approved in 2024. A Phase II study pairs the tablets with "
        "a MEK inhibitor, DV-07, in thyroid cancer."
    )
    assert d["Dorvatinib Tablets"].stages == ["phase_2", "approved"]
    assert d["DV-07"].stages == ["phase_2"]


def test_background_therapy_with_a_trial_of_a_drug_still_not_staged() -> None:
    # Negative: "a trial of X with Y" (no pairing verb) keeps Y as background therapy.
    d = pipeline("Xelora began a Phase 3 trial of ralvotinib with docetaxel in lung cancer.")
    assert "phase_3" in d["ralvotinib"].stages
    assert d.get("docetaxel") is None or d["docetaxel"].stages == []


# --- heldout7 classes: comparators, appositions, combination regimens, relative clauses


def test_reference_product_named_after_a_trial_is_its_comparator() -> None:
    d = pipeline(
        "Hanlu Bio launched Pelvaro (development code KR-B11), a biosimilar of the anti-TNF "
        "antibody dorazumab. Regulators approved Pelvaro in May. The approval rested on a "
        "comparative Phase 3 study in which response rates matched those seen with the "
        "reference product Zentavo (dorazumab), which was approved in 2015."
    )
    assert d["Pelvaro"].stages == ["phase_3", "approved"]
    # the reference product keeps only its own approval
    assert d["dorazumab"].stages == ["approved"]


def test_drug_named_after_a_stage_still_takes_it_when_no_reference() -> None:
    # Negative: an ordinary drug after the stage is the stage's, as before.
    d = pipeline(
        "Hanlu Bio sells Pelvaro in China. After a Phase 3 study in 600 patients, "
        "velnotinib was approved in 2015."
    )
    assert d["velnotinib"].stages == ["phase_3", "approved"]


def test_drug_inside_an_apposition_does_not_take_the_predicate_stage() -> None:
    d = pipeline("Kelvora, a copy of the osteoporosis antibody ravosumab, was approved in May.")
    assert d["Kelvora"].stages == ["approved"]
    assert d["ravosumab"].stages == []


def test_relative_clause_on_the_inner_drug_keeps_its_stage() -> None:
    # Negative: no apposition set off by commas ("is a copy of Y, which ...") or a
    # relative clause after it ("Y, which was approved"): the stage is Y's.
    for text in (
        "Kelvora is a copy of the osteoporosis antibody ravosumab, which was approved in 2019.",
        "Kelvora, a copy of the osteoporosis antibody ravosumab, which was approved in 2019, "
        "sells well.",
    ):
        d = pipeline(text)
        assert d["ravosumab"].stages == ["approved"], text
        assert d.get("Kelvora") is None or d["Kelvora"].stages == [], text


def test_regimen_given_in_a_trial_stages_both_partners() -> None:
    d = pipeline(
        "Hanlu Bio said a Phase 1b/2 cohort in which 40 patients received velnotinib together "
        "with dorazumab had read out."
    )
    assert d["velnotinib"].stages == ["phase_1_2"]
    assert d["dorazumab"].stages == ["phase_1_2"]
    d = pipeline(
        "A Phase 2 trial in which patients were randomized to velnotinib plus dorazumab or "
        "placebo opened."
    )
    assert d["dorazumab"].stages == ["phase_2"]


def test_background_therapy_of_the_cohort_is_still_not_staged() -> None:
    # Negative: no regimen verb before the first drug ("of X in patients on Y").
    d = pipeline(
        "Hanlu Bio said a Phase 1b/2 cohort of velnotinib in patients on dorazumab had read out."
    )
    assert d["velnotinib"].stages == ["phase_1_2"]
    assert d["dorazumab"].stages == []


def test_singular_relative_clause_is_the_partners_own() -> None:
    for joint in ("together with", "plus", "with"):
        d = pipeline(
            f"Hanlu Bio tested velnotinib {joint} dorazumab, its PD-1 antibody, which was "
            "approved in 2021."
        )
        assert d["dorazumab"].stages == ["approved"], joint
        assert d["velnotinib"].stages == [], joint


def test_plural_relative_clause_is_shared_by_the_list() -> None:
    # Negative: "which were" speaks of both.
    d = pipeline("Hanlu Bio said velnotinib and dorazumab, which were approved in 2021, sell well.")
    assert d["velnotinib"].stages == ["approved"]
    assert d["dorazumab"].stages == ["approved"]


def test_stage_in_an_unnamed_items_relative_clause_is_not_the_next_items() -> None:
    d = pipeline(
        "Lanfeng Biologics is developing a recombinant shingles vaccine, which is in a Phase 3 "
        "trial in Hebei, and LF-Z12, a quadrivalent flu vaccine that entered a Phase 2 study "
        "in May."
    )
    assert d["LF-Z12"].stages == ["phase_2"]


def test_named_first_item_keeps_the_stage_of_its_relative_clause() -> None:
    # Near miss: the first item is named, so its relative clause's stage is its own.
    d = pipeline(
        "Lanfeng Biologics is developing LF-R07, a recombinant shingles vaccine, which is in a "
        "Phase 3 trial in Hebei, and LF-Z12, a quadrivalent flu vaccine that entered a Phase 2 "
        "study in May."
    )
    assert d["LF-R07"].stages == ["phase_3"]
    assert d["LF-Z12"].stages == ["phase_2"]


def test_unnamed_products_stage_does_not_go_to_the_topic_drug() -> None:
    d = pipeline(
        "Lanfeng Biologics said velnotinib cut flares in a Phase 2 trial. velnotinib is taken "
        "once a day. Doctors like velnotinib. Founded in 2015, Lanfeng made its name with an "
        "inactivated rabies vaccine that was approved in 2019."
    )
    assert d["velnotinib"].stages == ["phase_2"]
    # Negative: with no unnamed product the same sentence is about the topic drug.
    d = pipeline(
        "Lanfeng Biologics said velnotinib cut flares in a Phase 2 trial. velnotinib is taken "
        "once a day. Doctors like velnotinib. Lanfeng said a Phase 3 trial will start in 2027."
    )
    assert d["velnotinib"].stages == ["phase_2", "phase_3"]


_LEAD_DRUG_ARTICLE = (
    "Shanghai Lanxi Therapeutics Co., Ltd. said on Friday that its mRNA therapy for a rare "
    "liver disease cut crises by half in a Phase 1/2 trial. The therapy, velnotinib, was "
    "developed by the company in Shanghai. Sixteen children took part in the study. Infusion "
    'reactions were mild. "Families now have hope," a doctor said. "This is a first for '
    'China," she added. {} The regulator granted velnotinib a breakthrough designation in '
    "June. Its CAR-T candidate LX-C02 is in preclinical studies."
)


def test_company_plans_go_to_the_one_drug_named_so_far() -> None:
    d = pipeline(
        _LEAD_DRUG_ARTICLE.format(
            "Lanxi plans to start a pivotal Phase 3 trial in 2027 and to submit a marketing "
            "application to the regulator in 2029."
        )
    )
    assert d["velnotinib"].stages == ["phase_1_2", "phase_3", "filed"]
    assert d["LX-C02"].stages == ["preclinical"]


def test_company_plans_stay_open_with_another_drug_or_an_unnamed_one() -> None:
    # Negatives: a second drug named before, or the plan's own unnamed product.
    d = pipeline(
        _LEAD_DRUG_ARTICLE.format(
            "Lanxi also sells dorazumab. Lanxi plans to start a pivotal Phase 3 trial in 2027."
        )
    )
    assert d["velnotinib"].stages == ["phase_1_2"]
    d = pipeline(
        _LEAD_DRUG_ARTICLE.format("Lanxi plans to start a Phase 3 trial of a rotavirus vaccine.")
    )
    assert d["velnotinib"].stages == ["phase_1_2"]


def test_arms_of_the_trial_named_before_are_tested() -> None:
    d = pipeline(
        "Morvane Bio said its antibody dolvaritug extended survival in a Phase 3 trial. In the "
        "MORA-2 study, 410 patients were randomized to dolvaritug alone, dolvaritug plus "
        "kelbrolimab, or docetaxel."
    )
    assert d["dolvaritug"].stages == ["phase_3"]
    assert d["kelbrolimab"].stages == ["phase_3"]
    # The comparator arm, without the trial's drug, takes nothing.
    assert d["docetaxel"].stages == []


def test_regimens_without_a_trial_reference_are_not_arms() -> None:
    # Negative: the next sentence does not refer to the trial.
    d = pipeline(
        "Morvane Bio said its antibody dolvaritug extended survival in a Phase 3 trial. In "
        "practice, many patients received dolvaritug plus kelbrolimab."
    )
    assert d["dolvaritug"].stages == ["phase_3"]
    assert d["kelbrolimab"].stages == []


def test_the_molecule_passes_over_an_imaging_agent_in_an_aside() -> None:
    d = pipeline(
        "Renhe Hospital gave the first dose of velnotinib in an investigator-initiated trial. "
        "Each patient is imaged with gallium (68Ga) dorvatide, a PET tracer that was approved "
        "in 2024. The molecule was developed by Sunvale Pharma. In studies in mice, it shrank "
        "tumors."
    )
    assert d["velnotinib"].stages == ["preclinical", "clinical"]
    assert d["velnotinib"].developer == "Sunvale Pharma"
    assert d["gallium (68Ga) dorvatide"].stages == ["approved"]


def test_the_molecule_after_a_tracer_named_as_subject_is_that_tracer() -> None:
    # Negative: the tracer is the subject of its sentence, not a procedure's tool.
    d = pipeline(
        "Renhe Hospital gave the first dose of velnotinib in an investigator-initiated trial. "
        "Gallium (68Ga) dorvatide, a PET tracer, was approved in 2024. The molecule was "
        "developed by Sunvale Pharma. In studies in mice, it shrank tumors."
    )
    assert d["Gallium (68Ga) dorvatide"].stages == ["preclinical", "approved"]
    assert d["velnotinib"].stages == ["clinical"]


def test_an_unnamed_rival_set_apart_by_one_or_only_takes_its_own_stage() -> None:
    text = (
        "Corvane Bio said velnotinib met its goal in a Phase 2 trial. velnotinib is taken once "
        "a day. Doctors like velnotinib. The data beat what {} showed."
    )
    d = pipeline(text.format("the one JAK1 inhibitor already approved in Europe"))
    assert d["velnotinib"].stages == ["phase_2"]
    # Negative: a plain definite description of the drug is still the topic drug's.
    d = pipeline(text.format("the drug, approved in Europe,"))
    assert d["velnotinib"].stages == ["phase_2", "approved"]


def test_a_new_drug_application_is_no_unnamed_product() -> None:
    d = pipeline(
        "Corvane Bio said velnotinib met its goal in a Phase 2 trial. velnotinib is taken once "
        "a day. Doctors like velnotinib. Its partner Tarrow Pharma expects to file a new drug "
        "application in 2028."
    )
    assert d["velnotinib"].stages == ["phase_2", "filed"]


def test_described_names_in_a_list_share_the_stage() -> None:
    d = link(
        "The firm's next candidates, QV-2310, an oral inhibitor designed to overcome a "
        "resistance mutation, and QV-5521, a bispecific antibody, have entered Phase I trials."
    )
    assert d["QV-2310"].stages == ["phase_1"]
    assert d["QV-5521"].stages == ["phase_1"]
    d = link(
        "Its subcutaneous immunoglobulin RX-4410 and a long-acting recombinant factor IX, "
        "RX-4902, have both entered Phase II trials."
    )
    assert d["RX-4410"].stages == ["phase_2"]
    assert d["RX-4902"].stages == ["phase_2"]


def test_description_that_opens_a_clause_ends_the_list() -> None:
    d = link("QV-2310, a pill which was approved in 2021, and QV-5521 have entered Phase I trials.")
    assert d["QV-2310"].stages != ["phase_1"]
    assert d["QV-5521"].stages == ["phase_1"]


def test_approved_products_listed_after_a_copula() -> None:
    d = link(
        "The FDA approved two generic drugs from Lintor Pharma. The approved products are "
        "Dolvaprazole Delayed-Release Capsules, 20 mg and 40 mg, a proton pump inhibitor "
        "used for heartburn, and Morvasartan Tablets, 80 mg, an angiotensin receptor blocker."
    )
    assert d["Dolvaprazole Delayed-Release Capsules"].stages == ["approved"]
    assert d["Morvasartan Tablets"].stages == ["approved"]


def test_unnamed_plural_stage_without_copula_names_nobody() -> None:
    # "approved products" followed by a new clause names no drug of the list.
    d = link(
        "Lintor Pharma has 11 approved products, and Morvasartan Tablets entered a Phase 1 trial."
    )
    assert d["Morvasartan Tablets"].stages == ["phase_1"]


def test_trial_testing_a_drug_together_with_another_stages_both() -> None:
    for joint in ("together with", "in combination with", "plus"):
        d = pipeline(
            f"A Phase 1b/2 study is evaluating morvitinib {joint} selparlimab, an antibody "
            "from Kelin Bio, in gastric cancer."
        )
        assert d["morvitinib"].stages == ["phase_1_2"], joint
        assert d["selparlimab"].stages == ["phase_1_2"], joint


def test_trial_of_a_drug_with_background_therapy_has_no_trial_verb() -> None:
    # Negative: "of X in combination with Y" names background therapy, not a tested partner.
    d = pipeline(
        "A Phase 1b/2 study of morvitinib in combination with selparlimab is enrolling in May."
    )
    assert d["morvitinib"].stages == ["phase_1_2"]
    assert d["selparlimab"].stages == []


_RIVAL = " Separately, Dalin Bio has started a Phase 1 trial of DL-2207 in lung cancer."


def test_patients_prior_treatments_and_a_drug_class_are_background() -> None:
    d = pipeline(
        "The therapy, lorvafileucel, is developed by Morin Cell Co., Ltd. It belongs to a class "
        "known as tumor-infiltrating lymphocyte, or TIL, therapies. In the single-arm Phase 2 "
        "trial, 20 of 50 patients whose melanoma had progressed after PD-1 antibodies "
        "responded." + _RIVAL
    )
    assert d["lorvafileucel"].stages == ["phase_2"]
    assert d["DL-2207"].stages == ["phase_1"]


def test_unnamed_plural_products_still_leave_the_stage_open() -> None:
    # Negative: the company's own unnamed antibodies may be what the trial is about.
    d = pipeline(
        "The therapy, lorvafileucel, is developed by Morin Cell Co., Ltd. It belongs to a class "
        "known as TIL therapies. The company also has three antibodies. In the single-arm "
        "Phase 2 trial, 20 of 50 patients responded." + _RIVAL
    )
    assert d["lorvafileucel"].stages == []


def test_counted_approved_batch_goes_to_the_products_named_after_it() -> None:
    d = pipeline(
        "Two new heart medicines, both based on herbal formulas, won approval on Monday from "
        "the National Medical Products Administration.\n\n"
        "Danxin Tongluo Granules, made by Hebei Qiming Pharmaceutical Co., Ltd., treats angina. "
        "Yiqi Fumai Capsules, from Jilin Songhe Pharmaceutical Co., Ltd., treats heart failure.\n\n"
        "Qiming also has QM-2041 in a Phase 2 trial."
    )
    assert d["Danxin Tongluo Granules"].stages == ["approved"]
    assert d["Yiqi Fumai Capsules"].stages == ["approved"]
    assert d["QM-2041"].stages == ["phase_2"]
    d = pipeline(
        "The NMPA approved three innovative drugs on Friday.\n\n"
        "Torvalimab, from Kelin Bio, treats gastric cancer. Delrasib, from Hanlu Pharma, treats "
        "lung cancer. Morvitinib, from Dalin Bio, treats leukemia."
    )
    assert all(d[n].stages == ["approved"] for n in ("Torvalimab", "Delrasib", "Morvitinib"))


def test_counted_batch_larger_than_the_drugs_named_after_it_is_left_unlinked() -> None:
    # Negative: eight approvals last year, and only two drugs named, in trials.
    d = pipeline(
        "China approved eight innovative drugs last year, regulators said.\n\n"
        "Kelin Bio has torvalimab in a Phase 3 trial. Hanlu Pharma has delrasib in a Phase 2 "
        "trial."
    )
    assert d["torvalimab"].stages == ["phase_3"]
    assert d["delrasib"].stages == ["phase_2"]
