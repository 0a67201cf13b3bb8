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
