"""Drug finder and merger: sentences written for these tests, plus a gold measurement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language

import bionews.nlp  # noqa: F401  (registers the Doc extensions the component reads)
from bionews import drugs as D
from bionews import sentences  # noqa: F401  (registers bionews_sentences)
from bionews.records import Drug


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipe = spacy.blank("en")
    pipe.add_pipe("bionews_sentences")
    pipe.add_pipe("bionews_drugs")
    return pipe


def spans(nlp: Language, text: str) -> list[str]:
    doc = nlp(text)  # keep the Doc alive while its SpanGroup is read
    return [s.text for s in doc.spans["drugs"]]


def merged(nlp: Language, text: str) -> list[Drug]:
    doc = nlp(text)
    return D.merge_drugs(list(doc.spans["drugs"]))


# --- INN stems -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patients received quarbelimab every two weeks.", ["quarbelimab"]),
        ("The kinase blocker velnotinib was well tolerated.", ["velnotinib"]),
        ("Dorzaglutide lowered body weight in the study.", ["Dorzaglutide"]),
        ("Trastuzumab deruxtecan is given by infusion.", ["Trastuzumab deruxtecan"]),
    ],
)
def test_inn_stems_find_unlisted_names(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


def test_english_words_ending_in_stems_are_not_drugs(nlp: Language) -> None:
    text = (
        "In April the captain explained the concept of a peptide and a nucleotide, "
        "except for the intercept; Genmab and Alphamab Oncology attended."
    )
    assert spans(nlp, text) == []


# --- brands and code names -----------------------------------------------


def test_brand_before_inn_in_brackets_is_one_drug(nlp: Language) -> None:
    drugs = merged(nlp, "Regulators approved Zentrava (corlanimab injection) for adults.")
    assert len(drugs) == 1
    forms = {drugs[0].name, *drugs[0].aliases}
    assert forms == {"Zentrava", "corlanimab injection"}


def test_inn_before_brand_in_brackets_and_later_mentions_merge(nlp: Language) -> None:
    text = "Hengda won approval for belquitinib (Anruixin). Belquitinib will launch soon."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert {m.text for m in drugs[0].mentions} == {"belquitinib", "Anruixin", "Belquitinib"}


def test_trademark_sign_marks_a_brand_in_drug_context(nlp: Language) -> None:
    assert spans(nlp, "Orvexa® is indicated for patients with gout.") == ["Orvexa"]
    assert spans(nlp, "IGN® is a registered trademark of a media firm.") == []


def test_marketed_as_links_brand_to_inn(nlp: Language) -> None:
    text = "The antibody, to be marketed as Plumera, is also called dazolimab by its maker."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert {drugs[0].name, *drugs[0].aliases} == {"Plumera", "dazolimab"}


def test_code_names_need_drug_context(nlp: Language) -> None:
    text = "HRX-4410 entered a Phase 2 trial for gout, and QL2107 received IND clearance."
    assert spans(nlp, text) == ["HRX-4410", "QL2107"]


@pytest.mark.parametrize(
    "text",
    [
        "Shares of Hengda (SHA: 600276) and Kanglun (HKEX: 01801) rose on the drug news.",
        "Hengda 01801.HK rose while the C919 jet and CR450 train were tested.",
        "The ISO9001 plant makes COVID-19 test kits and reported FY2024 revenue of USD500 million.",
        "IL-17A, PD-1, GLP-1, HER2 and KRAS G12C are targets of drugs in phase III trials.",
        "Flight CA981 carried the vaccines, and HEK293 cells made the antibody.",
        "The Seasonal Influenza Vaccine Injury Programme paid claims for vaccines.",
        "CAR-T, mRNA, 5G and R&D featured in a Phase III drug discussion.",
    ],
)
def test_stock_codes_model_numbers_and_targets_are_not_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_code_name_and_inn_in_brackets_merge(nlp: Language) -> None:
    drugs = merged(nlp, "Its candidate QX-101 (talnetimab) met the endpoint.")
    assert len(drugs) == 1
    assert {drugs[0].name, *drugs[0].aliases} == {"QX-101", "talnetimab"}


def test_short_code_only_beside_a_drug(nlp: Language) -> None:
    assert spans(nlp, "It sells lortuzumab vedotin (RC77) in China.") == [
        "lortuzumab vedotin",
        "RC77",
    ]


def test_code_in_enumeration_with_a_drug(nlp: Language) -> None:
    assert spans(nlp, "Its partner said sintilimab and ABX-204 progressed.") == [
        "sintilimab",
        "ABX-204",
    ]


def test_drug_noun_before_an_unknown_name(nlp: Language) -> None:
    assert spans(nlp, "Sales of the weight-loss drug Xyzza doubled.") == ["Xyzza"]
    assert spans(nlp, "The drug Pfizer developed beat the vaccine Sinovac makes.") == []


def test_quoted_brand_name_after_brand_name_phrase(nlp: Language) -> None:
    drugs = merged(nlp, 'Orzatide, sold under the brand name "Qinmei", is a peptide.')
    assert len(drugs) == 1
    assert drugs[0].aliases == ["Qinmei"]


def test_code_names_of_other_shapes(nlp: Language) -> None:
    text = "The ADC 7MW3110 and the bispecific QX-B12C3 entered clinical trials."
    assert spans(nlp, text) == ["7MW3110", "QX-B12C3"]


# --- product names with dosage forms, vaccines -----------------------------


def test_dosage_form_products_merge_with_bare_name(nlp: Language) -> None:
    text = (
        "Dulvaglutide Injection won approval. Sales of dulvaglutide grew. "
        "Mizorb Monoclonal Antibody Injection was approved, and Mizorb sold well."
    )
    drugs = merged(nlp, text)
    assert [d.name for d in drugs] == [
        "Dulvaglutide Injection",
        "Mizorb Monoclonal Antibody Injection",
    ]
    assert drugs[0].aliases == ["dulvaglutide"]
    assert drugs[1].aliases == ["Mizorb"]


def test_title_case_product_with_dosage_form(nlp: Language) -> None:
    text = "Its Qingfei Paidu Granules and Women's Anshen Capsules sold well."
    assert spans(nlp, text) == ["Qingfei Paidu Granules", "Women's Anshen Capsules"]


def test_generic_words_before_forms_are_not_products(nlp: Language) -> None:
    text = "We bought Ice Cream, an Android Tablet and a Plastic Injection Molding Machine."
    assert spans(nlp, text) == []


def test_headline_without_a_known_drug_is_no_product(nlp: Language) -> None:
    assert spans(nlp, "Regulator Clears New Growth Hormone Injection For Children") == []


def test_slash_combination_is_one_product(nlp: Language) -> None:
    assert spans(nlp, "Insulin Glargine/Insulin Lispro entered Phase 3.") == [
        "Insulin Glargine/Insulin Lispro"
    ]


def test_named_vaccines_are_drugs(nlp: Language) -> None:
    text = (
        "The firm filed its 24-Valent Pneumococcal Conjugate Vaccine and a Trivalent "
        "Recombinant Rotavirus Vaccine (Vero Cell), plus the N. meningitidis and "
        "H. influenzae Bivalent Conjugate Vaccine."
    )
    assert spans(nlp, text) == [
        "24-Valent Pneumococcal Conjugate Vaccine",
        "Trivalent Recombinant Rotavirus Vaccine (Vero Cell)",
        "N. meningitidis and H. influenzae Bivalent Conjugate Vaccine",
    ]


def test_unnamed_vaccines_are_not_drugs(nlp: Language) -> None:
    text = (
        "It shipped influenza vaccines, pneumonia vaccines and the inactivated "
        "COVID-19 vaccine, as well as a recombinant novel coronavirus vaccine."
    )
    assert spans(nlp, text) == []


def test_valency_spellings_merge(nlp: Language) -> None:
    text = "It sells a pentavalent rotavirus vaccine; five-valent rotavirus vaccines sell well."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert len(drugs[0].mentions) == 2


def test_vaccine_description_in_apposition_merges_with_its_name(nlp: Language) -> None:
    text = "Its 9-valent HPV vaccine, Zervacin 9, was approved; a bivalent HPV vaccine was filed."
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [
        ("Zervacin 9", ["9-valent HPV vaccine"]),
        ("bivalent HPV vaccine", []),
    ]


def test_classes_and_companies_are_not_drugs(nlp: Language) -> None:
    text = (
        "Innovent Biologics and Chenan Biopharm work on GLP-1 analogues, PD-1 inhibitors, "
        "insulin analogues and monoclonal antibodies."
    )
    assert spans(nlp, text) == []


def test_trial_object_with_product_shape(nlp: Language) -> None:
    text = "Funds go to a Phase 2 trial for OncoVax and a trial for Parkinson's disease."
    assert spans(nlp, text) == ["OncoVax"]


# --- protected ranges ------------------------------------------------------


def test_ranges_of_amounts_and_stages_are_off_limits(nlp: Language) -> None:
    text = "The ABC-1234 candidate in Phase 2 trials raised money."
    finder = nlp.get_pipe("bionews_drugs")
    doc = nlp.get_pipe("bionews_sentences")(nlp.make_doc(text))
    doc._.stage_mentions = [{"start": 4, "end": 12}]
    assert [s.text for s in finder(doc).spans["drugs"]] == []
    doc._.stage_mentions = None
    assert [s.text for s in finder(doc).spans["drugs"]] == ["ABC-1234"]


# --- drug_key, merge, modality ---------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siliq Monoclonal Antibody Injection", "Siliq"),
        ("Liraglutide Injection", "liraglutide"),
        (
            "Quadrivalent Recombinant Norovirus Vaccine (Pichia Pastoris)",
            "quadrivalent recombinant norovirus vaccine",
        ),
        ("Tyvyt®", "“TYVYT”"),
        ("Gardasil-9", "Gardasil 9"),
        ("nine-valent HPV vaccines", "9-valent HPV vaccine"),
        ("sintilimab for injection", "Sintilimab"),
        ("metformin film-coated tablets", "metformin"),
    ],
)
def test_drug_key_merges_forms(a: str, b: str) -> None:
    assert D.drug_key(a) == D.drug_key(b)


def test_drug_key_keeps_different_drugs_apart() -> None:
    assert D.drug_key("Insulin Degludec") != D.drug_key("Insulin Degludec/Insulin Aspart")
    assert D.drug_key("HDP-101") != D.drug_key("HDP-103")


@given(st.text(alphabet="abcdefgh -®()", min_size=1, max_size=30))
def test_drug_key_is_idempotent_and_case_blind(name: str) -> None:
    key = D.drug_key(name)
    assert D.drug_key(key) == key
    assert D.drug_key(name.upper()) == key


def test_gazetteer_links_brand_and_inn_without_brackets(nlp: Language) -> None:
    drugs = merged(nlp, "Keytruda sales rose. Pembrolizumab is an antibody.")
    assert len(drugs) == 1


def test_mentions_slice_the_text(nlp: Language) -> None:
    text = "Tyvyt® (sintilimab injection) was approved; sintilimab also treats lymphoma."
    doc = nlp(text)
    (drug,) = D.merge_drugs(list(doc.spans["drugs"]))
    assert len(drug.mentions) == 3
    assert all(text[m.start : m.end] == m.text for m in drug.mentions)
    assert drug.name == "sintilimab injection"
    assert drug.modality == "antibody"


@pytest.mark.parametrize(
    ("text", "name", "modality", "targets"),
    [
        (
            "Kelvax developed Xorlimab injection, a fully human anti-IL-23 monoclonal antibody.",
            "Xorlimab injection",
            "antibody",
            ["IL-23"],
        ),
        ("HRS-1234, a GLP-1 receptor agonist, entered Phase 2.", "HRS-1234", "peptide", ["GLP-1"]),
        (
            "The CAR-T therapy ABC-123 showed responses in patients.",
            "ABC-123",
            "cell_gene_therapy",
            [],
        ),
        (
            "Patients took belvaciclib, a CDK4/6 inhibitor.",
            "belvaciclib",
            "small_molecule",
            ["CDK4/6"],
        ),
        ("Telnercept is a fusion protein for lupus.", "Telnercept", "other", []),
    ],
)
def test_modality_and_targets(
    nlp: Language, text: str, name: str, modality: str, targets: list[str]
) -> None:
    (drug,) = merged(nlp, text)
    assert (drug.name, drug.modality, drug.targets) == (name, modality, targets)


def test_each_drug_of_a_coordination_keeps_its_own_target(nlp: Language) -> None:
    text = "They combined the PD-1 inhibitor torvalimab and the VEGFR inhibitor selpatinib."
    drugs = {d.name: d.targets for d in merged(nlp, text)}
    assert drugs == {"torvalimab": ["PD-1"], "selpatinib": ["VEGFR"]}


def test_slash_targets_are_split(nlp: Language) -> None:
    (drug,) = merged(nlp, "Kadolimab is a PD-1/CTLA-4 bispecific antibody.")
    assert drug.targets == ["PD-1", "CTLA-4"]


def test_describe_reads_the_sentence_only() -> None:
    text = "Zorlimab won approval. It is an anti-TNF agent with a vaccine partner."
    assert D.describe(text, 0, 8) == ("antibody", [])


# --- measured against the shared gold --------------------------------------


def _score(nlp: Language, path: Path) -> tuple[int, int, int]:
    from bionews.scoring import norm_drug

    tp = fp = fn = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        pred = merged(nlp, gold["text"])
        gforms = [{norm_drug(x) for x in [g["name"], *g["aliases"]]} for g in gold["drugs"]]
        used: set[int] = set()
        for d in pred:
            forms = {norm_drug(x) for x in [d.name, *d.aliases]}
            hit = next((i for i, g in enumerate(gforms) if i not in used and forms & g), None)
            if hit is None:
                fp += 1
            else:
                used.add(hit)
                tp += 1
        fn += len(gforms) - len(used)
    return tp, fp, fn


@pytest.mark.shared
def test_drug_f1_on_shared_gold(nlp: Language, shared_dir: Path) -> None:
    tp = fp = fn = 0
    for name in ("seeds_gold.jsonl", "dev_gold.jsonl"):
        a, b, c = _score(nlp, shared_dir / "eval" / name)
        tp, fp, fn = tp + a, fp + b, fn + c
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.92, (tp, fp, fn)


# --- short code names: taken only where the text introduces them -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Its shingles vaccine, coded KV-Z07, began a Phase 1 study.", ["KV-Z07"]),
        ("The firm's flu vaccine candidate HX-FLU3 is in a Phase 3 trial.", ["HX-FLU3"]),
        (
            "Funds will go to MRT-19, an oral, selective small-molecule inhibitor of KRAS.",
            ["MRT-19"],
        ),
        ("The money moves MRT-24, a pan-RAS molecular glue, into IND-enabling work.", ["MRT-24"]),
        ("It applied to market VQ-RB2, a rabies vaccine, last May.", ["VQ-RB2"]),
        ("Its candidate DQ58, an anti-HER2 antibody, entered the clinic.", ["DQ58"]),
        (
            "A shingles vaccine (KV-Z07) began a trial; KV-Z07 uses an adjuvant.",
            ["KV-Z07", "KV-Z07"],
        ),
    ],
)
def test_short_codes_introduced_as_drugs(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # model numbers, devices and stock codes
        "Patients are screened on a QT-500 rapid test analyser before the drug trial.",
        "The plant runs an SL-2000 bioreactor; its shares (688321) rose on the drug news.",
        "Work on the Phase 2 building of the drug plant started in May.",
        # targets, viruses and cell lines
        "The antibody drug binds PD-1, IL-17 and KRAS in a clinical trial.",
        "Its anti-LAG-3 drug was made in HEK-293 cells and CHO-K1 cells for the trial.",
        "The vaccine candidate protects against HPV-16 and EV-71 in a trial.",
        "The gene therapy AAV9 vector carries the drug, and the therapy TCR-7 cells were used.",
        # trial names
        "The 12-week trial, known as ORBIT-2, tested the drug in adults.",
        "The study, named CARE-7, enrolled patients on the drug.",
        "The drug met its goal in the VISTA-3 trial.",
        # an unnamed product and a company described like a drug
        "The vaccine was shipped to 20 provinces after the drug trial.",
        "The drug maker, AB-12, started a Phase 1 trial.",
    ],
)
def test_short_code_shapes_that_are_not_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_device_word_after_a_long_code_blocks_it(nlp: Language) -> None:
    text = "Samples for the drug study ran on the RX-3000 analyser and RX-3100 sequencer."
    assert spans(nlp, text) == []


# --- INNs: two-word gene therapies, a new stem, names defined by their class ---


def test_two_word_gene_therapy_inn_is_one_drug(nlp: Language) -> None:
    text = "The EMA validated the filing for rovimogene pelparvovec (NDX-401) in hemophilia."
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("rovimogene pelparvovec", ["NDX-401"])]
    assert drugs[0].modality == "cell_gene_therapy"


def test_melteon_stem(nlp: Language) -> None:
    assert spans(nlp, "Patients took dorimelteon at night.") == ["dorimelteon"]


def test_unknown_inn_defined_by_its_class(nlp: Language) -> None:
    text = "The clinic is running a study of corvelatine, an antidepressant usually given at night."
    assert spans(nlp, text) == ["corvelatine"]


@pytest.mark.parametrize(
    "text",
    [
        "Patients receive the compound, an inhibitor of the enzyme, twice a day.",
        "Doctors noted that dopamine, a neurotransmitter, rises with exercise.",
        "Its partner, a drug developer in Suzhou, paid for the study.",
        "Regulators said treatments, a drug class under review, need more data.",
        "One arm took placebo, a dummy drug, for a year.",
    ],
)
def test_words_before_a_class_apposition_that_are_not_inns(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


# --- vaccine names ------------------------------------------------------------


def test_species_in_brackets_is_part_of_a_vaccine_name(nlp: Language) -> None:
    text = "Regulators accepted its 11-Valent HPV Vaccine (Hansenula polymorpha) for review."
    assert spans(nlp, text) == ["11-Valent HPV Vaccine (Hansenula polymorpha)"]


def test_pathogen_long_and_short_names_merge(nlp: Language) -> None:
    text = (
        "Its 11-valent human papillomavirus vaccine moved into review. The 11-Valent HPV "
        "Vaccine (Hansenula polymorpha) was tested in 9,000 women."
    )
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert drugs[0].name == "11-Valent HPV Vaccine (Hansenula polymorpha)"
    assert D.drug_key("respiratory syncytial virus vaccine") == D.drug_key("RSV vaccine")


def test_code_then_vaccine_description_in_apposition_merge(nlp: Language) -> None:
    text = "The pair will file TQ-A5, a quadrivalent influenza vaccine, next year."
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("TQ-A5", ["quadrivalent influenza vaccine"])]


# --- other names of one drug --------------------------------------------------


def test_also_known_as_joins_the_name_before_it(nlp: Language) -> None:
    text = "Doctors began a trial of Pelmora, also known as PLM-104, in adults with gout."
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("Pelmora", ["PLM-104"])]


def test_alias_after_a_referring_noun_phrase_joins_the_earlier_drug(nlp: Language) -> None:
    text = (
        "Dervacitinib hit its goal in a Phase 2 study. Halcor licensed the molecule, also "
        "known as HCR-221, from a Japanese firm."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("Dervacitinib", ["HCR-221"])]


def test_brand_of_the_drug_the_sentence_refers_back_to(nlp: Language) -> None:
    text = (
        "Regulators approved norvatinib on Monday. The drug, to be sold under the brand "
        "name Xelvira, will launch in May."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("norvatinib", ["Xelvira"])]


def test_coded_name_joins_the_named_vaccine_before_it(nlp: Language) -> None:
    text = (
        "A 20-valent pneumococcal conjugate vaccine, coded QP-PCV20, is in Phase 2, and a "
        "recombinant zoster vaccine, coded QP-Z01, is in Phase 1."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [
        ("20-valent pneumococcal conjugate vaccine", ["QP-PCV20"]),
        ("QP-Z01", []),
    ]


# --- round 2: names introduced by apposition, brand cues, code shapes --------


def test_branded_introduces_a_brand(nlp: Language) -> None:
    text = "Its inactivated hand-foot-mouth vaccine (Vero cell), branded Qiyuning, sells well."
    assert spans(nlp, text) == ["Qiyuning"]


def test_a_description_naming_another_pathogen_does_not_take_the_brand(nlp: Language) -> None:
    text = (
        "Its 13-valent pneumococcal conjugate vaccine was approved in May. Its freeze-dried "
        "rabies vaccine (Vero cell), branded Anquan, won approval in 2020."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [
        ("13-valent pneumococcal conjugate vaccine", []),
        ("Anquan", []),
    ]


def test_called_gives_the_referred_drug_another_name(nlp: Language) -> None:
    text = (
        "Its 15-valent pneumococcal conjugate vaccine won approval in May. The vaccine, "
        "called QPV-1501 in its filings, is given to infants."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [
        ("15-valent pneumococcal conjugate vaccine", ["QPV-1501"])
    ]


def test_fusion_protein_refers_back_for_an_alias(nlp: Language) -> None:
    text = (
        "Dalvacept cut proteinuria in a phase 2 trial. The fusion protein, also known as "
        "DLV-07, was compared with placebo."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("Dalvacept", ["DLV-07"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Its range includes Ruixuning, a rapid-acting insulin analogue approved in 2021.",
            ["Ruixuning"],
        ),
        ("The company sells Qinvera, a once-weekly GLP-1 receptor agonist, in China.", ["Qinvera"]),
        ("Patients on Lorvia, a newly approved drug for gout, improved.", ["Lorvia"]),
    ],
)
def test_title_case_name_defined_by_its_class(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Meanwhile, a new drug for gout was approved in a Phase 3 trial.",
        "The deal was signed with Akeso, an antibody developer, which said its drug was approved.",
        "It partnered with Merck, a vaccine and drug company, on a Phase 3 trial.",
        "Shares of Sinovac, a vaccine maker, rose after the drug trial.",
        "The trial drug was praised, said Zhang, a drug safety expert.",
        "Its plant in Suzhou, a hub for antibody drugs, opened.",
        "It licensed the drug from Hansoh, a Shanghai-based drug developer.",
    ],
)
def test_firms_people_and_places_in_apposition_are_not_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_code_of_letters_digits_dash_digits(nlp: Language) -> None:
    assert spans(nlp, "XQ31-08, an oral KRAS inhibitor, is in preclinical development.") == [
        "XQ31-08"
    ]
    assert spans(nlp, "Patients from the BR12-09 cohort joined the drug trial.") == []


def test_code_whose_number_reads_like_a_year(nlp: Language) -> None:
    text = "ZKB2031, a bispecific ADC aimed at two targets, entered IND-enabling studies."
    assert spans(nlp, text) == ["ZKB2031"]
    assert spans(nlp, "Data shown at ASCO2025 came from a Phase 3 drug trial.") == []


def test_code_of_the_same_series_as_a_drug_code(nlp: Language) -> None:
    text = (
        "Tonvera said dalvacept, also known as DLV-07, met its goal. Its next act is "
        "DLV-19, a longer-acting follow-up designed for monthly dosing."
    )
    assert spans(nlp, text) == ["dalvacept", "DLV-07", "DLV-19"]
    # alone, nothing says the code is a drug; and a trial of the series is a trial
    assert spans(nlp, "Its next act is DLV-19, a longer-acting follow-up.") == []
    text = "Its drug, coded DLV-07, is in the DLV-3 trial."
    assert spans(nlp, text) == ["DLV-07"]


def test_code_of_several_tokens_in_brackets_after_a_drug(nlp: Language) -> None:
    drugs = merged(nlp, "The trial of dorvaparib (QLH-B4) met its endpoint.")
    assert [(d.name, d.aliases) for d in drugs] == [("dorvaparib", ["QLH-B4"])]


@pytest.mark.parametrize(
    "text",
    [
        "Its devices unit makes the QZ-400 reusable pen injector for the insulin drug.",
        "Patients in the drug trial wore an XR-2200 continuous glucose monitor.",
    ],
)
def test_code_before_a_device_noun_is_a_model_number(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_code_before_a_dosage_form_is_still_a_drug(nlp: Language) -> None:
    assert spans(nlp, "The GR1803 pre-filled pen was approved as a drug.") == [
        "GR1803 pre-filled pen"
    ]


# --- insulin INNs and Chinese-medicine dosage forms ---------------------------


def test_insulin_inns_are_two_words(nlp: Language) -> None:
    assert spans(nlp, "Its lead asset is insulin morvadec, a once-weekly basal insulin.") == [
        "insulin morvadec"
    ]
    assert spans(nlp, "Insulin Tregavil entered a Phase 3 trial.") == ["Insulin Tregavil"]
    (drug,) = merged(nlp, "Insulin morvadec is dosed weekly.")
    assert drug.modality == "insulin"


@pytest.mark.parametrize(
    "text",
    [
        "Procurement cut insulin prices, and insulin resistance rises; insulin analogues sell.",
        "The insulin market grew as insulin makers and insulin pumps sold well.",
        "Patients on insulin often need insulin titration, and insulin alone was not enough.",
        "The firm's insulin portfolio and insulin franchise grew, while insulin shortages eased.",
    ],
)
def test_insulin_followed_by_an_english_word_is_no_inn(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_chinese_medicine_dosage_forms_end_product_names(nlp: Language) -> None:
    text = "Sales of Tongluo Shujin Plaster and Qingre Zhitong Ointment rose in May."
    assert spans(nlp, text) == ["Tongluo Shujin Plaster", "Qingre Zhitong Ointment"]
    assert D.drug_key("Tongluo Shujin Plaster") == D.drug_key("Tongluo Shujin")


# --- round 3: stems, name shapes and introductions of the third blind set ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The complement blocker dorvacopan was cleared in May.", ["dorvacopan"]),
        ("Patients took the oral degrader melbrutideg daily.", ["melbrutideg"]),
        ("Infants received pelaglucosidase alfa every two weeks.", ["pelaglucosidase alfa"]),
        ("Adults with gout took ribanistat twice a day.", ["ribanistat"]),
        ("The TCR-T product kavitresgene autoleucel was infused.", ["kavitresgene autoleucel"]),
        ("Patients received ravituzumab zelotecan every three weeks.", ["ravituzumab zelotecan"]),
    ],
)
def test_round3_stems_and_two_word_inns(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The lab's thermostat failed, and the enzyme glucosidase lost activity.",
        "The autoleucel suffix marks cells taken from the patient.",
        "The tracer binds somatostatin receptor type 2 on tumour cells.",
        "Older somatostatin analogues need monthly shots.",
    ],
)
def test_round3_words_that_are_not_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_payload_stem_alone_is_its_own_drug(nlp: Language) -> None:
    assert spans(nlp, "It pairs irinotecan and ravituzumab in one arm.") == [
        "irinotecan",
        "ravituzumab",
    ]


def test_stem_word_named_as_a_product_is_still_a_drug(nlp: Language) -> None:
    assert spans(nlp, "Somatostatin for injection is sold in China.") == [
        "Somatostatin for injection"
    ]


def test_biosimilar_suffix_belongs_to_the_inn(nlp: Language) -> None:
    drugs = merged(nlp, "Dermavo (tezalimab-qrvt) copies Tezora (tezalimab) closely.")
    assert [(d.name, d.aliases) for d in drugs] == [
        ("tezalimab-qrvt", ["Dermavo"]),
        ("tezalimab", ["Tezora"]),
    ]


def test_an_english_word_after_a_hyphen_is_no_biosimilar_suffix(nlp: Language) -> None:
    assert spans(nlp, "Several tezalimab-like molecules are in trials.") == ["tezalimab"]


@pytest.mark.parametrize(
    "text",
    [
        "Its lead asset, lutetium (177Lu) pexotretide (AB-501), is filed; pexotretide works.",
        "Its lead asset, lutetium Lu 177 pexotretide (AB-501), is filed; pexotretide works.",
    ],
)
def test_radioligand_name_takes_its_radionuclide(nlp: Language, text: str) -> None:
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert drugs[0].name.startswith("lutetium") and drugs[0].name.endswith("pexotretide")
    assert "AB-501" in drugs[0].aliases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is also testing a PD-L1/IL-15 fusion protein, QH-07, in a Phase 1 study.", ["QH-07"]),
        ("Next comes QM-GT11, an AAV gene therapy for Fabry disease.", ["QM-GT11"]),
        ("Its second siRNA, ZQ-C09, lowers lipoprotein(a).", ["ZQ-C09"]),
        (
            "The agency accepted a filing for KB-SG04, Kaibo's generic version of a weekly pen.",
            ["KB-SG04"],
        ),
    ],
)
def test_short_codes_introduced_by_apposition(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The receptor, KX-12, was measured in blood.",
        "Next comes QM-GT11, a cell line used in assays.",
        "The agency accepted a filing for KB-SG04, Kaibo's new office tower.",
    ],
)
def test_short_codes_in_other_appositions_are_not_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Velnotinib, known internally as TQ-A9, is a tablet for gout.",
        "Patients took velnotinib (development code TQ-A9) for a year.",
        "Velnotinib, developed under the code TQ-A9, is made in Suzhou.",
        "Velnotinib, an oral inhibitor coded TQ-A9, is made in Suzhou.",
    ],
)
def test_code_name_cues_join_the_drug(nlp: Language, text: str) -> None:
    drugs = merged(nlp, text)
    assert [d.aliases for d in drugs] == [["TQ-A9"]]


def test_brand_given_to_the_drug_a_pronoun_refers_to(nlp: Language) -> None:
    text = (
        "The FDA cleared dorazumab in May. China approved it in June under the brand name Doravi."
    )
    drugs = merged(nlp, text)
    assert [(d.name, d.aliases) for d in drugs] == [("dorazumab", ["Doravi"])]


def test_name_opening_a_sentence_defined_by_its_class(nlp: Language) -> None:
    text = "Two firms bid. Lanmiao, a recombinant zoster vaccine from Hubei, won the tender."
    assert spans(nlp, text) == ["Lanmiao"]


@pytest.mark.parametrize(
    "text",
    [
        "Two firms bid. Meanwhile, a recombinant zoster vaccine from Hubei won the tender.",
        "Two firms bid. Recently, a new vaccine from Hubei won the tender.",
        "Two firms bid. Wang, a sales agent for the firm, said so.",
    ],
)
def test_adverbs_and_people_opening_a_sentence_are_not_names(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_imaging_agent_defines_a_product_name(nlp: Language) -> None:
    text = "The firm also sells Qingtai, a gallium-68 PET imaging agent approved in 2021."
    assert spans(nlp, text) == ["Qingtai"]


def test_platform_word_inside_a_lower_case_vaccine_name(nlp: Language) -> None:
    text = "It also has a quadrivalent mRNA influenza vaccine in a Phase 2 study."
    assert spans(nlp, text) == ["quadrivalent mRNA influenza vaccine"]
    assert spans(nlp, "Seasonal mRNA influenza vaccines are a growing class.") == []


def test_inn_defined_by_its_class_is_found_again_later(nlp: Language) -> None:
    text = "The firm licensed dalvorine, an antidepressant, in May. A trial of dalvorine began."
    assert spans(nlp, text) == ["dalvorine", "dalvorine"]


# --- round 4: prefixes, gated stems, conjugate pairs, salts, codes -----------


def test_potassium_competitive_acid_blocker_stem(nlp: Language) -> None:
    assert spans(nlp, "Patients took nexoprazan once a day.") == ["nexoprazan"]


def test_cephalosporin_prefix_stem(nlp: Language) -> None:
    assert spans(nlp, "Supplies of cefmaritone ran short in May.") == ["cefmaritone"]
    assert spans(nlp, "The chef cooked.") == []  # too short for the prefix


def test_carbapenem_is_a_class_not_a_drug(nlp: Language) -> None:
    assert spans(nlp, "It is a carbapenem designed for hospitals.") == []
    assert spans(nlp, "Doctors chose dorvipenem instead.") == ["dorvipenem"]


def test_enzyme_ase_with_alfa_tail_is_one_name(nlp: Language) -> None:
    assert spans(nlp, "The firm sells lumbrase alfa for a rare disease.") == ["lumbrase alfa"]
    # "-ase" alone is English (a database, a release), not an INN.
    assert spans(nlp, "The firm updated its database and issued a release.") == []


def test_antibody_oligonucleotide_conjugate_is_one_two_word_name(nlp: Language) -> None:
    text = "The firm will make torvibart lenosiran for a muscle disease."
    assert spans(nlp, text) == ["torvibart lenosiran"]


def test_salt_form_merges_with_the_bare_inn(nlp: Language) -> None:
    text = "Stocks of cefmaritone fell. The plant makes cefmaritone sodium raw material."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert {drugs[0].name, *drugs[0].aliases} == {"cefmaritone", "cefmaritone sodium"}


def test_code_with_hyphenated_letter_suffix(nlp: Language) -> None:
    assert spans(nlp, "The firm now focuses on KR402-B, a tau antibody.") == ["KR402-B"]
    # a longer hyphenated word after the digits is no suffix
    assert spans(nlp, "The KR402-Bound assay was used.") == []


def test_sodium_channel_trigine_stem_is_an_inn(nlp: Language) -> None:
    text = "Regulators cleared marotrigine capsules for nerve pain."
    assert spans(nlp, text) == ["marotrigine capsules"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A trial of PX-0417c, an oral degrader, started.", ["PX-0417c"]),
        ("The firm dosed KT2208d in lupus patients.", ["KT2208d"]),
    ],
)
def test_code_with_lower_case_letter_suffix(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


def test_lower_case_suffix_must_end_the_code(nlp: Language) -> None:
    # more than one trailing letter is a word glued to a number, not a variant
    assert spans(nlp, "Unit KT2208dx shipped in May.") == []


def test_participial_code_name_goes_to_the_noun_phrase_after_it(nlp: Language) -> None:
    text = (
        "Officials cleared dorvatinib tablets. Developed under the code name "
        "ZR-7714, the product was filed as a new drug."
    )
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert "ZR-7714" in drugs[0].aliases


def test_code_name_without_a_following_referent_stays_separate(nlp: Language) -> None:
    text = (
        "Officials cleared dorvatinib tablets. Developed under the code name "
        "ZR-7714, a second compound is a new drug."
    )
    assert len(merged(nlp, text)) == 2


# -- blind-set classes: bracketed code cues, forward code intros, code suffixes,
#    new stems, appositions that call a name a drug ---------------------------


@pytest.mark.parametrize(
    "cue",
    ["code", "code name", "development code", "also known as"],
)
def test_code_in_brackets_after_a_cue_is_an_alias(nlp: Language, cue: str) -> None:
    text = f"The regulator also cleared tavorimig ({cue} QX-4410) for a blood cancer."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert {drugs[0].name, *drugs[0].aliases} == {"tavorimig", "QX-4410"}


def test_bare_code_word_outside_brackets_is_no_alias_cue(nlp: Language) -> None:
    # "stock code" names a listing; the drug before it keeps no alias
    text = "Sales of tavorimig rose, the firm with stock code 688123 said."
    drugs = merged(nlp, text)
    assert [d.name for d in drugs] == ["tavorimig"]
    assert drugs[0].aliases == []


def test_forward_code_intro_gives_the_code_to_the_subject_drug(nlp: Language) -> None:
    # one word may stand before the cue that opens the sentence
    text = (
        "The deal was signed in May. Internally designated QPB3307, velnarimab "
        "finished a Phase IIa trial."
    )
    drugs = merged(nlp, text)
    assert [d.name for d in drugs] == ["velnarimab"]
    assert drugs[0].aliases == ["QPB3307"]


def test_sentence_opening_code_intro_joins_the_subject(nlp: Language) -> None:
    text = "Sales grew. Coded TR-5521, dexovatinib entered a Phase II trial in June."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert {drugs[0].name, *drugs[0].aliases} == {"dexovatinib", "TR-5521"}


def test_forward_code_intro_with_a_pronoun_subject_is_a_drug_of_its_own(nlp: Language) -> None:
    text = (
        "The firm sells zelbuvir tablets. Its team also built an infusion form. "
        "Coded ZB-3300iv, it finished a Phase I study in May."
    )
    drugs = merged(nlp, text)
    assert sorted(d.name for d in drugs) == ["ZB-3300iv", "zelbuvir tablets"]


def test_code_named_by_a_developer_participle_is_an_alias(nlp: Language) -> None:
    text = (
        "A study of marovir granules began. Marovir, developed by Qinghe Pharma Co., "
        "Ltd. under the code QH-4102, is an oral drug that blocks a viral enzyme."
    )
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert "QH-4102" in drugs[0].aliases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Its infusion form TK-2207iv entered a Phase I trial.", ["TK-2207iv"]),
        ("The drug trial tested MX4410sc in adults.", ["MX4410sc"]),
        ("The candidate AB-1102abc began dosing.", ["AB-1102abc"]),
    ],
)
def test_code_with_short_lower_case_suffix(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Patients in the drug trial took AB-100mg doses twice a day.",
        "The drug trial ran at site XY-2021st in the north.",
        "The drug dose was TK-2207ml per day in the trial.",
    ],
)
def test_units_and_ordinals_glued_to_a_code_are_no_code(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An inhaled dose of dorvaterol eased asthma.", ["dorvaterol"]),
        ("Dogs got sarivolaner for fleas.", ["sarivolaner"]),
        ("The combination adds velibactam to a penem.", ["velibactam"]),
        ("Patients inhaled glovatropium once daily.", ["glovatropium"]),
        ("A study of zanisertib in breast cancer began.", ["zanisertib"]),
        ("Cattle were dosed with lorimectin.", ["lorimectin"]),
        ("A nasal spray of dovesonide was approved.", ["dovesonide"]),
    ],
)
def test_new_who_stems(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


COMMON_STEMS = [
    "gatran",
    "xaban",
    "sartan",
    "pril",
    "olol",
    "azole",
    "floxacin",
    "cycline",
    "platin",
    "taxel",
    "rubicin",
    "lukast",
    "setron",
    "triptan",
    "gliptin",
    "glinide",
    "dronate",
    "parin",
    "coxib",
]


@pytest.mark.parametrize("stem", COMMON_STEMS)
def test_common_who_stems_are_listed(nlp: Language, stem: str) -> None:
    word = "zorvi" + stem
    assert spans(nlp, f"Doctors prescribed {word} to the patients.") == [word]


def test_sterols_are_no_beta_agonists(nlp: Language) -> None:
    text = "High cholesterol and ergosterol levels were measured in the drug trial."
    assert spans(nlp, text) == []


def test_veterinary_inn_with_chewable_tablets(nlp: Language) -> None:
    text = "The ministry accepted an application for sarivolaner chewable tablets for dogs."
    assert spans(nlp, text) == ["sarivolaner chewable tablets"]


def test_brand_before_inn_and_dosage_form_in_brackets(nlp: Language) -> None:
    text = "Its marketed medicines include Brontiva (dorvaterol inhalation powder)."
    drugs = merged(nlp, text)
    assert len(drugs) == 1
    assert {drugs[0].name, *drugs[0].aliases} == {
        "Brontiva",
        "dorvaterol inhalation powder",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The catalogue now lists Ruixinda, a BCMA-directed CAR-T therapy whose "
            "price fell by half.",
            ["Ruixinda"],
        ),
        (
            "Sales rose. Gutaining, a copy of the bone antibody zorvesumab, was approved.",
            ["Gutaining", "zorvesumab"],
        ),
        (
            "Eight drugs are in trials, and an imported rival, Myastrel, already holds approval.",
            ["Myastrel"],
        ),
        (
            "The firm launched a PD-1 antibody, Tuolixin, in March.",
            ["Tuolixin"],
        ),
        (
            "Sales fell in May, and QL-07, an oral drug for gout, began a Phase I study.",
            ["QL-07"],
        ),
    ],
)
def test_apposition_that_calls_a_name_a_drug(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Shares rose. Qiaoyuan, a drugmaker, said sales grew.",
        "Talks ended. Lindenhof, a company in Bavaria, declined to comment.",
        "Growth was fast. Chengdu, a city in the west, hosts the plant.",
        "Prices fell, and a domestic rival, Qiaoyuan, gained share.",
        "The drug maker named its partner company, Lindenhof, in May.",
        "The regulator approved a generic drug, Shanghai, said the report.",
        "Sales of drugs rose. Qiaoyuan, a copy of the rules, was posted.",
    ],
)
def test_apposition_with_no_drug_head_or_a_known_place_is_no_drug(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_trial_before_a_new_clause_does_not_name_the_code(nlp: Language) -> None:
    # the trial word belongs to the clause before "and"; the code is a drug
    text = "It began trials in March, and PK-12, an oral inhibitor of JAK1, entered a study."
    assert spans(nlp, text) == ["PK-12"]
    # a trial's own name, right after a cue, is still no drug
    assert spans(nlp, "The trial, known as HALO-22, enrolled adults with a drug.") == []


# --- round 7: WHO stems of biologicals and newer classes, two-word ADCs -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Adults took the thyromimetic dorametirome daily.", ["dorametirome"]),
        ("The liver drug kaslotirom lowered fat.", ["kaslotirom"]),
        ("An FGF21 analogue, vonafermin, is in trials.", ["vonafermin"]),
        ("The firm dosed bexasomeran, an mRNA therapy, in May.", ["bexasomeran"]),
        ("The bispecific rulvotamig entered a study.", ["rulvotamig"]),
        ("Doctors gave kelotug to adults with lupus.", ["kelotug"]),
        ("The antisense drug molapatersen is given monthly.", ["molapatersen"]),
        ("The fusion protein zaventafusp shrank tumours.", ["zaventafusp"]),
        ("Nausea fell with the NK1 blocker ronepitant.", ["ronepitant"]),
        ("Infusions of dovrioctocog alfa prevent bleeds.", ["dovrioctocog alfa"]),
        ("Patients received fanotug zelvotecan every three weeks.", ["fanotug zelvotecan"]),
    ],
)
def test_round7_stems(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Ingrid Halvorsen and Ole Andersen spoke.",
        "A precipitant of the crisis was the merger.",
        "The vermin left the octocog plant.",  # "-cog" alone, without "alfa", is no INN
        "Pettersen told the board about Herbart.",
    ],
)
def test_round7_words_that_are_not_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def _forms(drugs: list[Drug]) -> list[set[str]]:
    return [{d.name, *d.aliases} for d in drugs]


def test_code_given_in_a_passive_participle_after_an_apposed_inn(nlp: Language) -> None:
    text = (
        "The therapy, bexasomeran, was developed by Qintai Bio Co., Ltd. under the code "
        "QT-M305. It is given every three weeks."
    )
    assert _forms(merged(nlp, text)) == [{"bexasomeran", "QT-M305"}]


_ADC_TEXT = (
    "Patients got fanotug zelvotecan plus the PD-1 antibody rovelimab. Rovelimab, approved "
    "in 2023, added little. Lanxi, which developed the {noun} under the code LX-T09, will "
    "file in May."
)


def test_code_for_the_adc_skips_a_naked_antibody_named_since(nlp: Language) -> None:
    forms = _forms(merged(nlp, _ADC_TEXT.format(noun="ADC")))
    assert {"fanotug zelvotecan", "LX-T09"} in forms
    assert {"rovelimab"} in forms


def test_code_for_the_antibody_goes_to_the_antibody(nlp: Language) -> None:
    forms = _forms(merged(nlp, _ADC_TEXT.format(noun="antibody")))
    assert {"fanotug zelvotecan"} in forms
    assert {"rovelimab", "LX-T09"} in forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The agency rejected morvigatran etexilate capsules in May.",
            ["morvigatran etexilate capsules"],
        ),
        ("Doctors switched to lorosartan medoxomil tablets.", ["lorosartan medoxomil tablets"]),
        ("Sales of darvostatin calcium tablets rose.", ["darvostatin calcium tablets"]),
    ],
)
def test_salt_or_ester_word_and_dosage_form_make_one_product(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert spans(nlp, text) == expected


def test_ester_form_merges_with_the_bare_inn(nlp: Language) -> None:
    text = "Morvigatran etexilate capsules were filed. Morvigatran cut strokes."
    assert _forms(merged(nlp, text)) == [{"Morvigatran etexilate capsules", "Morvigatran"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It recalled dalvaparin sodium injection, a low-molecular-weight heparin used "
            "after surgery.",
            ["dalvaparin sodium injection"],
        ),
        ("Regulators cleared morvistatin, a once-daily statin for adults.", ["morvistatin"]),
        # the drug word before the head is a drug of its own
        (
            "It launched dalvaparin sodium, an enoxaparin biosimilar made in Suzhou.",
            ["dalvaparin sodium", "enoxaparin"],
        ),
        # after "of" it names the drug copied
        (
            "It sells dalvaparin sodium, a copy of heparin, in Hebei.",
            ["dalvaparin sodium", "heparin"],
        ),
    ],
)
def test_class_word_heading_an_apposition_to_a_drug_is_no_drug(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first patient got 225Ac-QX0712 in May.", ["225Ac-QX0712"]),
        ("Scans used 68Ga-KLM-20 before dosing.", ["68Ga-KLM-20"]),
        ("It licensed [177Lu]Lu-RTX-305 and 99mTc-QH1404.", ["[177Lu]Lu-RTX-305", "99mTc-QH1404"]),
        # no radionuclide symbol, or a longer number before it: no radiopharmaceutical
        ("The 3D-XY100 printer and 5G-NR20 modem shipped.", []),
        ("Room 1225Ac-QX07 was closed.", []),
    ],
)
def test_code_glued_to_a_radionuclide(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


def test_radionuclide_code_merges_with_the_bare_code(nlp: Language) -> None:
    text = "225Ac-QX0712 is a radioligand. QX0712 was given to ten patients."
    assert _forms(merged(nlp, text)) == [{"225Ac-QX0712", "QX0712"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patients got belotuzumab duocarmazine weekly.", ["belotuzumab duocarmazine"]),
        ("The ADC kavimab talirine was dropped.", ["kavimab talirine"]),
        ("It tested rovamab sovtirumotecan in May.", ["rovamab sovtirumotecan"]),
    ],
)
def test_adc_payload_words_join_the_antibody(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


def test_lettered_code_series_shares_its_prefix(nlp: Language) -> None:
    # "RB-K415" is a drug (a candidate); "RB-MA22" is a short code of the same
    # lettered series, introduced in words no rule knows.
    text = (
        "Its candidate RB-K415 is in a Phase 2 trial, and the plasma-derived "
        "fibrinogen RB-MA22 has entered Phase 1."
    )
    assert {"RB-K415", "RB-MA22"} <= set(spans(nlp, text))


def test_lettered_short_code_without_a_series_is_no_drug(nlp: Language) -> None:
    # A digit series ("ZT-0419902") does not make a lettered look-alike a drug.
    text = "The candidate ZT-0419902 is in a Phase 2 trial in tumours that carry ZT-K2."
    found = spans(nlp, text)
    assert "ZT-0419902" in found and "ZT-K2" not in found


def test_title_case_description_before_a_trial_code_is_cut(nlp: Language) -> None:
    text = "Vantor Bio Starts Phase 1 Trial of Oral TYK2 Inhibitor VTB-2208 in Psoriasis"
    found = spans(nlp, text)
    assert "VTB-2208" in found
    assert not any("Inhibitor" in f for f in found)
    # A name with no class noun before its code stays whole.
    assert spans(nlp, "a trial of Folate Binding Protein-E39 in breast cancer") == [
        "Folate Binding Protein-E39"
    ]


def test_modified_release_form_merges_with_the_bare_inn(nlp: Language) -> None:
    text = (
        "The FDA approved Dolvaprazole Delayed-Release Capsules. Sales of dolvaprazole "
        "reached $90 million."
    )
    (d,) = merged(nlp, text)
    assert d.name == "Dolvaprazole Delayed-Release Capsules"
    assert "dolvaprazole" in [a.lower() for a in d.aliases]
    # A release word that is no dosage form does not merge two products.
    assert D.drug_key("Dolvaprazole Delayed-Release Capsules") != D.drug_key("Dolvaprazole Delayed")


# --- combination vaccines and short vaccine descriptions --------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Halvora Biologics makes a pentavalent DTP-HepB-Hib vaccine for infants.",
            ["pentavalent DTP-HepB-Hib vaccine"],
        ),
        (
            "The plant fills a hexavalent DTaP-IPV-Hib-HepB vaccine each week.",
            ["hexavalent DTaP-IPV-Hib-HepB vaccine"],
        ),
        ("It sells a quadrivalent DTaP-IPV/Hib vaccine.", ["quadrivalent DTaP-IPV/Hib vaccine"]),
        (
            "It licensed its bivalent human papillomavirus (HPV) vaccine to a partner.",
            ["bivalent human papillomavirus (HPV) vaccine"],
        ),
    ],
)
def test_valent_combination_vaccines(nlp: Language, text: str, expected: list[str]) -> None:
    assert spans(nlp, text) == expected


def test_combination_string_without_valency_is_no_drug(nlp: Language) -> None:
    # Only a stated valency makes a lower-case vaccine description specific.
    assert spans(nlp, "The DTP-HepB-Hib vaccine schedule has three doses.") == []


def test_short_description_joins_the_fuller_one(nlp: Language) -> None:
    text = (
        "Orlen Bio licensed its bivalent human papillomavirus (HPV) vaccine. "
        "The vaccine, sold under the brand name Tavexa, was approved in 2022. "
        "In Peru, the bivalent vaccine is free."
    )
    (d,) = merged(nlp, text)
    assert d.name == "Tavexa"
    assert "bivalent vaccine" in d.aliases


def test_short_description_needs_matching_valency(nlp: Language) -> None:
    text = (
        "Orlen Bio makes a 20-valent pneumococcal vaccine. "
        "The 20-valent vaccine sells well, and the 9-valent vaccine is new."
    )
    names = {d.name: d.aliases for d in merged(nlp, text)}
    assert names == {
        "20-valent pneumococcal vaccine": ["20-valent vaccine"],
        "9-valent vaccine": [],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The new product will compete with imported T-cell engagers such as Morvexa.",
            ["Morvexa"],
        ),
        (
            "Doctors now prescribe GLP-1 drugs like Velmora, Trexilo and Ostavin for obesity.",
            ["Velmora", "Trexilo", "Ostavin"],
        ),
        (
            "Hospitals stock several biosimilars, including Quenzara, for psoriasis.",
            ["Quenzara"],
        ),
        (
            "Older PD-1 inhibitors such as Dovralim or Kestumab lost share.",
            ["Dovralim", "Kestumab"],
        ),
    ],
)
def test_brands_named_as_examples_of_a_drug_class(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert spans(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The drug will compete with companies such as Lindenhof and Qiaoyuan.",
        "The plant supplies cities such as Chengdu and markets such as Japan.",
        "Patients received treatments such as surgery, Lindqvist said.",
        "Rivals sell vaccines like Qiaoyuan Biotech products in Asia.",
        "Investors favour makers of drugs, including Lindenhof.",
        "Makers of PD-1 drugs such as Qiaoyuan gained.",
    ],
)
def test_names_after_a_list_cue_without_a_drug_class_are_no_drugs(nlp: Language, text: str) -> None:
    assert spans(nlp, text) == []


def test_rival_named_as_an_example_does_not_take_the_stage() -> None:
    from bionews import extract

    rec = extract(
        "Regulators approved dovotamig, a bispecific antibody made by Qiaoyuan Biotech. "
        "It was cleared on the strength of a Phase II trial and will compete with "
        "imported T-cell engagers such as Morvexa."
    )
    stages = {d.name: d.stages for d in rec.drugs}
    assert stages["Morvexa"] == []
    assert "approved" in stages["dovotamig"]


def test_brand_before_a_long_hyphenated_vaccine_description(nlp: Language) -> None:
    # a hyphenated antigen chain counts as one word of the class phrase
    text = (
        "The batch covers gout tablets and Quintavel, a hexavalent DTaP-IPV-Hib-HepB "
        "combination vaccine for infants."
    )
    assert "Quintavel" in spans(nlp, text)
    # a firm described by the same chain is still no drug
    firm = "Sales rose at Qiaoyuan, a DTaP-IPV-Hib-HepB vaccine maker in Anhui."
    assert "Qiaoyuan" not in spans(nlp, firm)


def test_vaccine_description_after_a_platform_word_is_the_names_alias(nlp: Language) -> None:
    from bionews import extract

    rec = extract("Clinics may now use Tetravine, an inactivated quadrivalent influenza vaccine.")
    assert [(d.name, d.aliases) for d in rec.drugs] == [
        ("Tetravine", ["quadrivalent influenza vaccine"])
    ]
    # a description the name is only compared with stays its own product
    rival = extract("Clinics may now use Tetravine, a rival to the quadrivalent influenza vaccine.")
    assert "Tetravine" not in [a for d in rival.drugs for a in d.aliases]
