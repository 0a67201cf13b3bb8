"""Development stages: phase folding, clinical without a phase, filed and approved in context."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from bionews.records import STAGES
from bionews.stages import find_stages, normalise_stage


def stages(text: str) -> list[str]:
    return [m.stage for m in find_stages(text)]


@pytest.mark.parametrize(
    ("phrase", "stage"),
    [
        ("Phase IIb", "phase_2"),
        ("Phase 2a", "phase_2"),
        ("Phase 1/2", "phase_1_2"),
        ("Phase I/II", "phase_1_2"),
        ("Phase 1b/2", "phase_1_2"),
        ("Phase II/III", "phase_2_3"),
        ("Phase 2/3", "phase_2_3"),
        ("Phase Ⅲ", "phase_3"),
        ("Phase Ⅱ", "phase_2"),
        ("phase three", "phase_3"),
        ("phase-3", "phase_3"),
        ("Phase IV", "phase_4"),
        ("second phase", "phase_2"),
        ("first-in-human", "phase_1"),
        ("preclinical", "preclinical"),
        ("NDA", "filed"),
        ("approved", "approved"),
        ("phase_1_2", "phase_1_2"),
        ("sought approval", "filed"),
        ("applied for marketing approval", "filed"),
        ("investigator-initiated trial", "clinical"),
        ("pivotal trial", "clinical"),
        ("drug registration certificate", "approved"),
        ("Series B", None),
        ("priority review", None),
        ("banana", None),
    ],
)
def test_normalise_stage(phrase: str, stage: str | None) -> None:
    assert normalise_stage(phrase) == stage


def test_normalise_stage_always_returns_the_closed_vocabulary() -> None:
    for phrase in ("Phase Ib", "phase two", "conditional approval", "BLA", "clinical stage"):
        assert normalise_stage(phrase) in STAGES


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The antibody is now in Phase III trials.", ["phase_3"]),
        ("The tablet started a Phase 1b/2 study in May.", ["phase_1_2"]),
        ("A phase-2 clinical trial of the capsule is planned.", ["phase_2"]),
        ("The vaccine is in phase three clinical testing.", ["phase_3"]),
        ("The insulin began its second phase clinical trial.", ["phase_2"]),
        ("The gel is in Phase Ⅱ clinical trial.", ["phase_2"]),
        ("Researchers ran a first-in-human study of the peptide.", ["phase_1"]),
        ("Two candidates remain at the preclinical stage.", ["preclinical"]),
        ("The molecule is still pre-clinical.", ["preclinical"]),
        ("Nine projects are in clinical stages.", ["clinical"]),
        ("The eye drop has completed clinical trials.", ["clinical"]),
        ("The cream is in clinical development for acne.", ["clinical"]),
    ],
)
def test_trial_stages(sentence: str, expected: list[str]) -> None:
    assert stages(sentence) == expected


def test_phase_mention_text_and_offsets() -> None:
    text = "Our spray entered Phase IIa trials; the syrup is in Phase 1/2."
    found = find_stages(text)
    assert [(m.stage, m.text) for m in found] == [
        ("phase_2", "Phase IIa"),
        ("phase_1_2", "Phase 1/2"),
    ]
    for m in found:
        assert text[m.start : m.end] == m.text and m.drug is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Phase II of the industrial park opens next year.",
        "Phase III of the Chongqing Biological City Innovation Park opened.",
        "The second phase of the biomedicine base covers 40 hectares.",
        "The two countries signed a Phase 1 trade deal.",
        "Stage III colon cancer patients were enrolled.",
        "It is a clinical-stage biotech company based in Suzhou.",
        "Results were posted on the clinical trial registration platform.",
    ],
)
def test_not_trial_stages(sentence: str) -> None:
    assert stages(sentence) == []


def test_named_trial_after_phase_is_still_a_phase() -> None:
    assert stages("Phase III of the ORIENT-9 trial met its endpoint.") == ["phase_3"]


def test_many_mentions_stay_fast_and_complete() -> None:
    text = "The approved drug is in clinical trials. " * 3000
    found = find_stages(text)
    assert len(found) == 6000
    assert {m.stage for m in found} == {"approved", "clinical"}


def test_clinical_trial_in_a_phased_clause_is_that_phase() -> None:
    assert stages("The firm moved five clinical trials into Phase III.") == ["phase_3"]
    # A separate clause keeps its own, unphased programme.
    assert stages("Drug A has completed clinical trials; drug B is in Phase 2 trials.") == [
        "clinical",
        "phase_2",
    ]


def test_anaphoric_clinical_trial_refers_back_to_a_phase() -> None:
    text = "The capsule will start Phase II trials. The company received approval for the clinical trials in May."
    assert stages(text) == ["phase_2"]
    assert stages("The company will begin the clinical trials soon.") == ["clinical"]


def test_ind_is_clinical_unless_a_phase_is_stated() -> None:
    assert stages("The company received IND clearance for its tablet.") == ["clinical"]
    assert stages("The FDA cleared its IND application, so a Phase 1 study can start.") == [
        "phase_1"
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The firm submitted a new drug application for its tablet.", ["filed"]),
        ("Its BLA for the antibody was accepted by the FDA.", ["filed"]),
        ("The vaccine is in the application for market release.", ["filed"]),
        ("The NMPA accepted the marketing application for the injection.", ["filed"]),
        ("The company filed the dossier for approval of the drug with the CDE.", ["filed"]),
        ("The biosimilar was accepted for review by the regulator.", ["filed"]),
    ],
)
def test_filed(sentence: str, expected: list[str]) -> None:
    assert stages(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The company filed for listing on the STAR Market in June.",
        "The two firms signed an NDA before the talks.",
        "Its patent application for the device was accepted.",
        "The drug received breakthrough therapy designation from the CDE.",
        "The startup closed its Series B round.",
    ],
)
def test_not_filed_or_approved(sentence: str) -> None:
    assert not {"filed", "approved"} & set(stages(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "The NMPA approved the company's PD-1 antibody for lung cancer.",
        "It is the first homegrown vaccine approved for use in adults over 60.",
        "The injection gained market approval in China last year.",
        "The vaccine was granted conditional approval by the drug regulator.",
        "The firm obtained emergency use authorization for its vaccine.",
        "The EMA granted marketing authorisation to the gene therapy.",
        "China greenlights its first homegrown insulin drug.",
        "The regulator handed an approval to the company for its tablet.",
        "Twelve products were approved for sale in Europe.",
        "The tablet received its long-awaited approval from the NMPA.",
    ],
)
def test_approved(sentence: str) -> None:
    assert "approved" in stages(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The municipal government approved the plan to build a hospital.",
        "The board approved the investment of 2 billion yuan in the drug plant.",
        "Approved projects in the zone include a logistics hub.",
        "The city approved 15 new drug projects.",
        "The government approved the establishment of a drug innovation center.",
        "The drug has not yet been approved in China.",
        "The firm hopes to gain approval for the injection next year.",
        "Phase 3 trials of the vaccine are key to its market approval.",
        "The distributor holds sales rights upon marketing approval of the drug.",
        "The NMPA has approved the clinical trial of the gene therapy.",
        "It will run Phase II trials of the tablet after receiving approval from the NMPA.",
        "The company received IND approval to start clinical trials of its insulin.",
        "The device was approved by the NMPA as a Class III medical device.",
        "The new plant received GMP approval from the regulator.",
        "The drug regulator gave approval of the merger of the two drugmakers.",
    ],
)
def test_not_approved(sentence: str) -> None:
    assert "approved" not in stages(sentence)


def test_spacy_component_sets_stage_mentions() -> None:
    from bionews import stages as _stages  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("bionews_stages")
    doc = nlp("The tablet is in Phase Ⅲ clinical trial and the NDA was filed with the NMPA.")
    assert [m.stage for m in doc._.stage_mentions] == ["phase_3", "filed"]


@pytest.mark.shared
def test_stages_on_shared_gold(shared_dir: Path) -> None:
    """Document-level stage-set F1 on the annotated articles stays high."""
    tp = fp = fn = 0
    for name in ("seeds_gold.jsonl", "dev_gold.jsonl"):
        for line in (shared_dir / "eval" / name).read_text("utf-8").splitlines():
            if not line.strip():
                continue
            art = json.loads(line)
            want, got = set(art["stages"]), set(stages(art["text"]))
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    assert 2 * tp / (2 * tp + fp + fn) >= 0.85, (tp, fp, fn)


# --------------------------------------------------------------- expansion cohorts


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Enrolment in the Phase 1b expansion cohorts of the pill starts in autumn.", ["phase_1"]),
        ("The gel moved into a Phase 2 expansion cohort in May.", ["phase_2"]),
        ("Patients in the dose-expansion part of a Phase 2 study got the gel.", ["phase_2"]),
        ("Phase 2 expansion of the factory will add 300 jobs.", []),
        ("Phase 2 of the plant will open in 2027.", []),
        ("Work on phase two of the park starts soon.", []),
    ],
)
def test_trial_expansion_is_no_construction(sentence: str, expected: list[str]) -> None:
    assert stages(sentence) == expected


# --------------------------------------------------------------- filings


@pytest.mark.parametrize(
    "sentence",
    [
        "The company has applied for marketing approval of its nasal spray in Brazil.",
        "Last year it applied to the drug regulator for approval of the patch.",
        "The firm submitted an application for market release of the eye drops to the regulator.",
        "The marketing application for the ointment, a remedy made by Foo Ltd., was accepted in April.",
        "The startup sought approval for its inhaler from the FDA in June.",
        "The startup is seeking EU approval for the inhaled drug.",
        "The developer plans to file a BLA for the antibody next spring.",
        "It plans to submit an NDA to the NMPA by year-end.",
        "It will file for FDA approval of the syrup in 2027.",
        "Its new drug application for the pill was accepted as its shares rose on the stock exchange.",
        "The CDE accepted the listing application for the lozenge.",
    ],
)
def test_filings_and_planned_filings(sentence: str) -> None:
    found = stages(sentence)
    assert "filed" in found and "approved" not in found


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The lozenge received approval from the NMPA in May.", ["approved"]),
        ("The company submitted an IND application for the patch.", ["clinical"]),
        ("The regulator cleared its clinical trial application for the spray.", ["clinical"]),
        ("The firm received IND clearance for the drops.", ["clinical"]),
        ("It applied for approval to start clinical trials of the gel.", ["clinical"]),
        ("The drug maker sought shareholder approval for the spin-off.", []),
        ("The team sought approval from the ethics committee for the tablet study.", []),
        ("The vaccine maker filed its listing application in March.", []),
        ("The company's shares were approved for listing on the STAR Market.", []),
        ("The biotech closed a Series B round to fund its pipeline.", []),
    ],
)
def test_not_marketing_filings(sentence: str, expected: list[str]) -> None:
    assert stages(sentence) == expected


# --------------------------------------------------------------- approvals


def test_repeated_approval_after_an_approval_is_approved() -> None:
    text = "The NMPA approved the spray in May. The approvals for the pill and the gel followed."
    found = find_stages(text)
    assert [(m.stage, m.text) for m in found] == [
        ("approved", "approved"),
        ("approved", "approvals"),
    ]
    text = "The regulator approved two drugs last year. Its rabies shot won approval in 2019."
    assert stages(text) == ["approved", "approved"]


def test_bare_approval_without_an_approval_context_is_not_approved() -> None:
    assert stages("Its rabies shot won approval in 2019.") == []
    assert stages("The approvals for the pill and the gel are expected soon.") == []


@pytest.mark.parametrize(
    "text",
    [
        "The NMPA approved the pill in March. Approval of the merger came in June.",
        "The NMPA approved the pill in March. The board gave its approval for the new plant.",
        "The NMPA approved the pill in March. Most staff approved of the idea.",
        "The NMPA approved the pill in March. The company still needs approvals for two plants.",
        "The NMPA approved the pill. Board approval for the share buyback came later.",
    ],
)
def test_non_product_approvals_stay_out_in_an_approval_context(text: str) -> None:
    assert stages(text) == ["approved"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The NMPA approved the drug for listing in China.",
        "The lozenge obtained its drug registration certificate from the NMPA.",
    ],
)
def test_chinese_marketing_approval_forms(sentence: str) -> None:
    assert stages(sentence) == ["approved"]


def test_device_registration_certificate_is_no_drug_approval() -> None:
    assert stages("The firm obtained a registration certificate for its stent from the NMPA.") == []


# --------------------------------------------------------------- clinical


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "A county hospital is running an investigator-initiated trial of aspirin in gout.",
            ["clinical"],
        ),
        ("Doctors launched an investigator-led pilot study of the cream.", ["clinical"]),
        ("The team began an investigator-initiated Phase 2 study of the pill.", ["phase_2"]),
        ("The syrup is in a pivotal trial in children.", ["clinical"]),
        (
            "The firm began a dose-escalation study of the gel. A Phase 1 trial follows.",
            ["phase_1"],
        ),
        ("The spray entered the clinic last year.", ["clinical"]),
        ("The pill is now in the clinic.", ["clinical"]),
        ("Both assets are in early clinical development.", ["clinical"]),
        ("Proceeds will fund clinical development of the gel.", ["clinical"]),
        (
            "Proceeds will fund clinical development of the gel, now in a Phase 2 trial.",
            ["phase_2"],
        ),
    ],
)
def test_programmes_in_the_clinic(sentence: str, expected: list[str]) -> None:
    assert stages(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "About 40 percent of the funds will go to clinical development.",
        "The firm will invest in clinical development and sales.",
        "It is a clinical-stage biotech in Hangzhou.",
        "It is a clinical-stage global biopharmaceutical company.",
        "Rivex is a clinical-stage, AI-driven biotechnology company.",
        "The new wards meet clinical needs in the county.",
        "The method is widely used in clinical practice.",
        "The gel is widely used in the clinic.",
        "Clinical data on the drug class are scarce.",
        "She is head of clinical development at the firm.",
        "It is dedicated to the discovery and clinical development of new medicines.",
        "The group has strong clinical development capabilities.",
    ],
)
def test_generic_clinical_words_are_no_stage(sentence: str) -> None:
    assert stages(sentence) == []


def test_clinical_development_mention_text_leaves_the_preposition_out() -> None:
    (m,) = find_stages("Proceeds will fund clinical development of the gel.")
    assert m.text == "clinical development"


def test_filing_after_an_approval_needs_no_drug_word_of_its_own() -> None:
    text = "The NMPA approved the gel in 2023. The maker has since filed for approval in Japan."
    assert stages(text) == ["approved", "filed"]
    assert stages("The maker has since filed for approval in Japan.") == []


@pytest.mark.parametrize(
    "text",
    [
        "The NMPA approved the pill. The firm then won approval from the city government to build a plant.",
        "The NMPA approved the pill. It also got approval to set up a research centre in Chengdu.",
        "The NMPA approved the pill. Approval for the capsule is expected in 2026.",
        "The NMPA approved the pill. Approvals for copies are not expected until 2031.",
        "The CDE granted the syrup priority review. Approval is likely next year.",
    ],
)
def test_purpose_and_expected_approvals_are_not_granted(text: str) -> None:
    assert stages(text).count("approved") == (1 if text.startswith("The NMPA approved") else 0)


def test_approval_match_does_not_run_across_a_sentence_end() -> None:
    assert stages("The tablet was granted priority review. Approval could come in 2026.") == []


def test_us_abbreviation_does_not_end_the_sentence() -> None:
    assert stages("The company received U.S. FDA approval for the pill.") == ["approved"]


def test_registration_certificate_with_a_determiner() -> None:
    assert stages("It said the registration certificate for the vaccine came from the NMPA.") == [
        "approved"
    ]


def test_filing_plan_takes_its_context_from_the_sentence_before() -> None:
    text = (
        "Oravelimab, an antibody for lupus, finished a Phase 2 study in March. "
        "The company expects to file for approval next year."
    )
    assert stages(text) == ["phase_2", "filed"]
    # Without a drug or regulator word in either sentence it stays out.
    assert stages("Sales rose in March. The company expects to file for review next year.") == []
    # Only the sentence right before counts, not any earlier one.
    far = (
        "Oravelimab, an antibody for lupus, finished a Phase 2 study in March. "
        "Sales of the firm rose by a third. Its offices moved to Pudong. "
        "The company expects to file for approval next year."
    )
    assert stages(far) == ["phase_2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Half of the proceeds will fund the clinical development of the two programs.", []),
        ("The loan will support the clinical development of its pipeline assets.", []),
        ("The money will fund the clinical development of QR-4410 in gout.", ["clinical"]),
    ],
)
def test_clinical_development_of_generic_programmes_names_no_product(
    text: str, expected: list[str]
) -> None:
    assert stages(text) == expected


# ----------------------------------------------------------------- round 4 classes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The disorder has no approved disease-modifying treatment, the drug developer said.", []),
        ("There is still no approved therapy for the condition, a medicines expert said.", []),
        ("The NMPA approved the drug for the condition in May.", ["approved"]),
    ],
)
def test_negated_approved_adjective(text: str, expected: list[str]) -> None:
    assert stages(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The injection has been sold under the brand name Kelora since its approval in 2023.",
            ["approved"],
        ),
        ("The tablet drug was launched after its approval in 2021.", ["approved"]),
        ("The drug could launch after its approval, which is expected next year.", []),
    ],
)
def test_past_approval_named_in_passing(text: str, expected: list[str]) -> None:
    assert stages(text) == expected


def test_device_approval_in_the_next_sentence_is_no_drug_approval() -> None:
    device = (
        "The valve was registered by the NMPA as a Class III medical device in 2022. "
        "A smaller model won approval in May."
    )
    assert stages(device) == []
    vaccine = "The NMPA accepted the vaccine filing in 2022. A second vaccine won approval in May."
    assert stages(vaccine) == ["approved"]


def test_planned_filing_after_a_phased_trial_in_the_sentence() -> None:
    text = (
        "Its QZ-5510, an antibacterial, began a Phase III trial in August, and the "
        "company expects to file for approval in 2027."
    )
    assert stages(text) == ["phase_3", "filed"]
    assert stages("The company expects to file for approval in 2027.") == []


def test_clinical_trials_in_forward_looking_boilerplate() -> None:
    body = "Kestrel Bio makes medicines for lung disease.\n"
    tail = "Statements about the timing of clinical trials are forward-looking.\n"
    assert stages(body + "Forward-Looking Statements\n" + tail) == []
    assert stages(body + tail) == ["clinical"]


# --------------------------------------------------------------------------- approval phrasings


@pytest.mark.parametrize(
    "sentence",
    [
        "The weekly insulin, developed by Lanxi Pharma, won approval for type 2 diabetes "
        "after three Phase III trials.",
        "The firm's oral tablet won conditional approval from the drug regulator in March.",
        "The bispecific antibody was cleared for relapsed mantle cell lymphoma on the strength "
        "of a Phase II study.",
        "The drug regulator said the nasal vaccine was cleared for use in adults over 60.",
        "Dongshan Biologics received a license for its 20-valent pneumococcal vaccine in May.",
        "The rabies vaccine was granted a licence by the national medicines regulator.",
        "The antiviral is licensed for use in children aged two and older.",
        "A rival antibody from Europe already holds approval for the disease in China.",
        "The tablet, taken once a day, won approval from the NMPA last week.",
    ],
)
def test_approval_phrasings(sentence: str) -> None:
    assert "approved" in stages(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The antibody was cleared to begin clinical trials in Australia.",
        "The Phase 2 study of the tablet was cleared by the hospital's ethics committee.",
        "The vaccine batch was cleared for export to three countries.",
        "Kelong Pharma licensed the rights to the antibody from a Swiss biotech.",
        "The two firms signed a license agreement for the drug candidate.",
        "Hengyu received an exclusive license to develop the antibody in Greater China.",
        "The company out-licensed its kinase inhibitor for an upfront payment.",
        "The drugmaker received a production license for its new tablet plant.",
        "It received a license for the antibody under a royalty-bearing agreement.",
        "The panel held a meeting to discuss the drug before any decision.",
    ],
)
def test_not_approval_phrasings(sentence: str) -> None:
    assert "approved" not in stages(sentence)


def test_trial_before_approval_still_blocks_a_hoped_for_approval() -> None:
    # the trial comes after the approval in time: no granted approval
    assert "approved" not in stages(
        "The company will run Phase II trials of the capsule after receiving approval."
    )


# --------------------------------------------------------------------------- hypothetical approvals


@pytest.mark.parametrize(
    "sentence",
    [
        "If cleared, the eye drug would be the first gene therapy approved in Japan.",
        "It would become the only antibody approved for the disease in Brazil.",
        "No medicine has been approved for the rare disorder anywhere.",
        "No drug for the condition has yet been approved in China.",
        "Several candidates are in trials, but none is approved.",
        "The tablet has not been approved by the regulator.",
        "Nothing has been approved for children with the disease so far.",
        "If approved, the injection would be sold from 2028.",
    ],
)
def test_hypothetical_or_negated_approvals_are_not_approved(sentence: str) -> None:
    assert "approved" not in stages(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The capsule became the first drug approved in China for the disease.",
        "The vaccine, with no serious side effects reported, was approved by the NMPA.",
        "The regulator approved the antibody once again for a second indication.",
    ],
)
def test_granted_approvals_near_negation_words_stay_approved(sentence: str) -> None:
    assert "approved" in stages(sentence)


# --------------------------------------------------------------------------- laboratory studies


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The firm's nasal vaccine is still in laboratory studies.", ["preclinical"]),
        ("Its second antibody remains in lab testing.", ["preclinical"]),
        ("The gene therapy is currently in animal studies in Suzhou.", ["preclinical"]),
        ("The candidate has completed animal studies and may enter the clinic in 2027.", None),
    ],
)
def test_laboratory_studies_are_preclinical(sentence: str, expected: list[str] | None) -> None:
    found = stages(sentence)
    assert "preclinical" in found
    if expected is not None:
        assert found == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Laboratory tests showed raised liver enzymes in two patients in the Phase 2 trial.",
        "Samples are sent to the hospital's laboratory for testing.",
        "The company runs laboratory studies for other drugmakers.",
    ],
)
def test_laboratory_words_without_a_programme_state_are_no_stage(sentence: str) -> None:
    assert "preclinical" not in stages(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "In experiments in mice bearing lung tumour grafts, the conjugate shrank tumours.",
        "The peptide showed durable activity in rat models of fibrosis.",
        "It was tested in non-human primates last year.",
        "Efficacy in xenograft models was reported at the AACR meeting.",
    ],
)
def test_work_in_laboratory_animals_is_preclinical(sentence: str) -> None:
    assert stages(sentence) == ["preclinical"]


@pytest.mark.parametrize(
    "sentence",
    [
        # for a veterinary product the animal is the target species
        "The flea chew was tested in dogs at six kennels.",
        "Mice and rats are bred at the new animal facility.",
        "The study in adults with gout enrolled 300 people.",
    ],
)
def test_animals_outside_a_laboratory_study_are_no_stage(sentence: str) -> None:
    assert "preclinical" not in stages(sentence)


# --------------------------------------------------------------------------- IND-like clearances


def test_clinical_trial_approval_is_an_ind_application() -> None:
    # planned clinical trial application: like an IND, only "clinical" in an article
    # that states no phase
    text = "The biotech expects to file for clinical trial approval for the antibody next year."
    assert stages(text) == ["clinical"]
    assert stages(text + " Its lead drug is in a Phase 2 study.") == ["phase_2"]


def test_clearance_to_begin_trials_is_an_ind_clearance() -> None:
    text = "The ADC has been cleared to begin human trials in Canada."
    assert stages(text) == ["clinical"]
    assert stages(text + " The study there will be a Phase 1 trial.") == ["phase_1"]


# --------------------------------------------------------------------------- span


def test_filing_span_leaves_the_regulator_name_out() -> None:
    text = "The tablet was submitted to the European Medicines Agency for review in June."
    found = find_stages(text)
    assert [m.stage for m in found] == ["filed"]
    assert "Agency" not in found[0].text
    assert "European Medicines Agency" not in text[found[0].start : found[0].end]
    # with no name in between, the phrase is the span
    found = find_stages("The drugmaker submitted the tablet for approval with the regulator.")
    assert [m.text for m in found] == ["submitted the tablet for approval"]


def test_end_of_phase_meeting_is_no_stage() -> None:
    assert stages("Hanlu Bio held an end-of-phase 2 meeting with the FDA in May.") == []
    assert stages("Hanlu Bio held an End-of-Phase-2 meeting with the FDA in May.") == []
    # Negative: a drug reaching the end of its Phase 2 trial is still in Phase 2.
    assert stages("Velnotinib reached the end of its Phase 2 trial in May.") == ["phase_2"]


def test_tentative_approval_is_a_filing() -> None:
    assert stages("The FDA granted tentative approval to the ANDA for Morvatan Tablets.") == [
        "filed"
    ]
    assert stages("Regulators tentatively approved the generic drug from Lintor Pharma.") == [
        "filed"
    ]
    # A final approval stays an approval.
    assert stages("The FDA granted final approval to the ANDA for Morvatan Tablets.") == [
        "approved"
    ]


def test_submitting_a_dossier_is_a_filing() -> None:
    text = "The partner will submit a registration dossier for the vaccine to the drug regulator."
    assert stages(text) == ["filed"]
    # A dossier that is only read is no filing.
    assert stages("Regulators will review the vaccine dossier next year.") == []


def test_negated_clinical_trials_are_no_stage() -> None:
    text = (
        "Products in this class do not need to go through clinical trials before they "
        "reach the market, the drug regulator said."
    )
    assert "clinical" not in stages(text)
    assert "clinical" not in stages("The granules were approved without clinical trials.")
    # A trial that is run stays one.
    assert stages("The company will run clinical trials of the granules next year.") == ["clinical"]


@pytest.mark.parametrize(
    "text",
    [
        "Its approval rests on a Phase 3 trial of the tablets in 540 patients.",
        "The approval was based on a single-arm Phase 2 study of the injection.",
        "Its approval came after two Phase 3 trials in 900 patients with gout.",
    ],
)
def test_approval_with_its_evidence_stated_is_approved(text: str) -> None:
    assert "approved" in stages(text)


@pytest.mark.parametrize(
    "text",
    [
        # Negative: a future or conditional approval, or one of a trial or a merger.
        "Its approval would rest on a Phase 3 trial of the tablets in 540 patients.",
        "Its approval will be based on a Phase 3 trial of the tablets in 540 patients.",
        "The IND approval was based on preclinical data for the tablets.",
        "The merger approval was based on the results of a shareholder vote.",
    ],
)
def test_approval_not_granted_or_not_a_drugs_is_not_approved(text: str) -> None:
    assert "approved" not in stages(text)
