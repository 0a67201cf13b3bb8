"""Indication gazetteer: longest match, word boundaries, acronyms, Spans on the Doc."""

from __future__ import annotations

import pytest
import spacy

from bionews.indications import find_indications, gazetteer


def names(text: str) -> list[str]:
    return [t for _, _, t in find_indications(text)]


def test_gazetteer_is_large_and_has_the_common_indications() -> None:
    entries = {e.lower() for e in gazetteer()}
    assert len(entries) >= 300
    for must in ("psoriasis", "ankylosing spondylitis", "type 2 diabetes", "obesity",
                 "non-small cell lung cancer", "breast cancer", "hepatocellular carcinoma",
                 "influenza", "covid-19"):  # fmt: skip
        assert must in entries
    assert {"rsv", "nsclc"} <= entries


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It treats moderate plaque psoriasis in adults.", ["plaque psoriasis"]),
        ("Approved for Ankylosing Spondylitis last year.", ["Ankylosing Spondylitis"]),
        ("A drug for Type 2 diabetes mellitus patients.", ["Type 2 diabetes mellitus"]),
        ("An injection for Overweight/Obesity.", ["Overweight/Obesity"]),
        ("Trials in non-small-cell lung cancer began.", ["non-small-cell lung cancer"]),
        ("Trials in non small cell lung cancer began.", ["non small cell lung cancer"]),
        ("It targets NSCLC and HCC.", ["NSCLC", "HCC"]),
        ("A vaccine against RSV and influenza.", ["RSV", "influenza"]),
        (
            "Used in Parkinson’s disease and Alzheimer's disease.",
            ["Parkinson’s disease", "Alzheimer's disease"],
        ),
        ("Patients with acute myeloid leukaemia enrolled.", ["acute myeloid leukaemia"]),
        ("It is a COVID-19 vaccine.", ["COVID-19"]),
        (
            "For hepatocellular carcinoma (HCC) in the first line.",
            ["hepatocellular carcinoma", "HCC"],
        ),
    ],
)
def test_finds_indications_as_written(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


def test_longest_match_wins() -> None:
    assert names("Its use in small cell lung cancer differs.") == ["small cell lung cancer"]
    assert names("Results in metastatic castration-resistant prostate cancer.") == [
        "metastatic castration-resistant prostate cancer"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "All patients with cancer were screened.",  # "ALL" only in capitals, bare "cancer" is too vague
        "The firm's als team met.",
        "A PSA test was run.",  # PsA is psoriatic arthritis, PSA a lab test
        "The influenzavirus-like particle",  # no match inside a longer word
        "The company shipped the GPU from AMD.",
    ],
)
def test_no_false_indications(sentence: str) -> None:
    assert names(sentence) == []


def test_offsets_slice_text() -> None:
    text = "Drugs for gastric cancer, HIV/AIDS and dry eye disease."
    for start, end, surface in find_indications(text):
        assert text[start:end] == surface
    assert names(text) == ["gastric cancer", "HIV/AIDS", "dry eye disease"]


def test_spacy_component_puts_spans() -> None:
    from bionews import indications  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("bionews_indications")
    doc = nlp("The tablet treats psoriasis and type 2 diabetes.")
    spans = doc.spans["indications"]
    assert [(s.text, s.label_) for s in spans] == [
        ("psoriasis", "INDICATION"),
        ("type 2 diabetes", "INDICATION"),
    ]
