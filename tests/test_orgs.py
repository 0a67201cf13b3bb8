"""Organisation finding and merging, on sentences written for these tests."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from bionews.orgs import merge_organisations, org_key, span_text
from bionews.records import ORG_KINDS
from bionews.scoring import Count, _match, norm_org


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("bionews_orgs")
    return nlp


def found(nlp: Language, text: str) -> list[str]:
    doc = nlp(text)
    return [span_text(s) for s in doc.spans["orgs"]]


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
        ("Skarvik Pharma A/S", "skarvik pharma"),
        ("Tallinor Biotech AB", "tallinor biotech"),
        ("Vessen & Hale LLP", "vessen & hale"),
        ("Brunello Farmaceutici S.p.A.", "brunello farmaceutici"),
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


# ----------------------------------------------------------------- sector nouns that end a name


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Shares of Fenghe Pharmaceutical Engineering rose on Monday.",
            ["Fenghe Pharmaceutical Engineering"],
        ),
        (
            "The pumps come from Jiangxi Tiantai Medical Equipment, a local maker.",
            ["Jiangxi Tiantai Medical Equipment"],
        ),
        (
            "Formerly Yunmeng Biological Engineering, the firm now sells vaccines.",
            ["Yunmeng Biological Engineering"],
        ),
        (
            "Clinics buy from Lanting Health Services in three provinces.",
            ["Lanting Health Services"],
        ),
        (
            "Its controlling holder, Sichuan Provincial Investment Group, kept 30 percent.",
            ["Sichuan Provincial Investment Group"],
        ),
        (
            "The fund is run by Chengdu Tianfu Capital Holdings for the district.",
            ["Chengdu Tianfu Capital Holdings"],
        ),
        (
            "Investors included Aurvik Kapital and the Harrowgate Trust.",
            ["Aurvik Kapital", "Harrowgate Trust"],
        ),
        (
            "Rendal Pharma Oy signed with Vantor Labs BV and Ostrel Biotech SA.",
            ["Rendal Pharma Oy", "Vantor Labs BV", "Ostrel Biotech SA"],
        ),
        (
            "Brunello Farmaceutici S.p.A. will make it for Kelmar GmbH & Co. KG in Europe.",
            ["Brunello Farmaceutici S.p.A.", "Kelmar GmbH & Co. KG"],
        ),
        (
            "Lumara Therapeutics (Suzhou) Co., Ltd. filed the application.",
            ["Lumara Therapeutics (Suzhou) Co., Ltd."],
        ),
    ],
)
def test_sector_and_investor_words_extend_names(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Genetic Engineering and Tissue Engineering are growing fields.",
        "Biomedical Engineering students visited the plant.",
        "The Chinese Pharmaceutical Group of companies met in Beijing.",
        "Medical Equipment sales rose 12 percent.",
        "Venture Capital flowed into Health Services last year.",
        "The Public Trust in vaccines fell.",
        "The Hubei Provincial Investment Delegation visited the Jiangxi Biomedical Industrial Park.",
        "Officials of the Chongqing Liangjiang Capital Investment Zone attended.",
        "The Sichuan Provincial Investment Plan for 2025 was released.",
        "The Chongqing Medical Equipment Industry Park opened.",
    ],
)
def test_sector_words_alone_are_not_names(nlp: Language, text: str) -> None:
    assert found(nlp, text) == []


# ----------------------------------------------------------------- units of a parent organisation


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "The strain came from the Laboratory of Viral Immunology of the Hunan Academy of "
            "Agricultural Sciences.",
            ["Laboratory of Viral Immunology of the Hunan Academy of Agricultural Sciences"],
        ),
        (
            "She teaches at the School of Pharmacy of Lanting University.",
            ["School of Pharmacy of Lanting University"],
        ),
        (
            "The Department of Oncology of Xinqiao Hospital enrolled 40 patients.",
            ["Department of Oncology of Xinqiao Hospital"],
        ),
        (
            "Professor Li of the Institute of Botany of the Chinese Academy of Sciences said so.",
            ["Institute of Botany of the Chinese Academy of Sciences"],
        ),
        (
            "Dr. Chen, director of the Center for Vaccine Research of the Hubei Provincial Center "
            "for Disease Control and Prevention, spoke.",
            [
                "Center for Vaccine Research of the Hubei Provincial Center for Disease Control "
                "and Prevention"
            ],
        ),
        (
            "Qiyuan was set up as a unit of the Chinese Academy of Sciences in 1998.",
            ["Chinese Academy of Sciences"],
        ),
        (
            "The president of the Chinese Academy of Sciences met the chairman of Hubei "
            "Provincial Investment Group.",
            ["Chinese Academy of Sciences", "Hubei Provincial Investment Group"],
        ),
        (
            "The chairman of Qiyuan Biotech met the dean of the Medical School of Lanting University.",
            ["Qiyuan Biotech", "Medical School of Lanting University"],
        ),
    ],
)
def test_unit_of_parent_is_one_name(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


def test_parent_alone_elsewhere_is_its_own_entry(nlp: Language) -> None:
    text = (
        "The Institute of Botany of the Chinese Academy of Sciences found the gene. The "
        "Chinese Academy of Sciences funded it, and the Department of Oncology of Xinqiao "
        "Hospital will test it. Xinqiao Hospital is in Chongqing."
    )
    assert [o.name for o in merged(nlp, text)] == [
        "Institute of Botany of the Chinese Academy of Sciences",
        "Chinese Academy of Sciences",
        "Department of Oncology of Xinqiao Hospital",
        "Xinqiao Hospital",
    ]


# ----------------------------------------------------------------- "Committee for X for Y" chains


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "The Committee for Advanced Therapies for Rare Conditions backed it.",
            ["Committee for Advanced Therapies for Rare Conditions"],
        ),
        (
            "Review by the Council for International Organizations of Medical Sciences ended.",
            ["Council for International Organizations of Medical Sciences"],
        ),
        (
            "The Office for Human Research Protections sent a letter.",
            ["Office for Human Research Protections"],
        ),
        (
            "The Agency for Health Research and Quality published the review.",
            ["Agency for Health Research and Quality"],
        ),
        (
            "The Michigan Department of Health and Human Services said so.",
            ["Michigan Department of Health and Human Services"],
        ),
        (
            "The University of Oxford and Jiayuan Vaccine signed a deal.",
            ["University of Oxford"],
        ),
        (
            "The Ministry of Commerce and Chinese Premier Li Qiang attended.",
            ["Ministry of Commerce"],
        ),
    ],
)
def test_complement_chains(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


def test_committee_chain_takes_its_acronym(nlp: Language) -> None:
    text = (
        "The Committee for Orphan Medicinal Products for Human Use (COMPHU) met. Later COMPHU "
        "backed Sandrel Biosciences AB."
    )
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases, len(o.mentions)) for o in orgs] == [
        ("Committee for Orphan Medicinal Products for Human Use", ["COMPHU"], 3),
        ("Sandrel Biosciences AB", [], 1),
    ]
    assert orgs[0].kind == "government"


@pytest.mark.parametrize(
    "text",
    [
        "The Committee of Experts met twice.",
        "The Steering Committee of the trial met.",
        "Medicinal Products for Human Use need more support.",
    ],
)
def test_complement_chain_negatives(nlp: Language, text: str) -> None:
    assert found(nlp, text) == []


# ----------------------------------------------------------------- datelines and headings


def test_name_does_not_cross_a_wire_dateline(nlp: Language) -> None:
    text = "BOSTON--(BUSINESS WIRE)--Quintara Biosciences, Inc. today announced data."
    doc = nlp(text)
    orgs = merge_organisations(list(doc.spans["orgs"]))
    assert [o.name for o in orgs] == ["Quintara Biosciences, Inc."]
    m = orgs[0].mentions[0]
    assert (m.start, m.end) == (text.index("Quintara"), text.index(" today"))
    assert text[m.start : m.end] == m.text


def test_dateline_name_gives_short_forms(nlp: Language) -> None:
    text = (
        "SHANGHAI, China--(BUSINESS WIRE)--Helmsley Biologics Co., Ltd. said Helmsley will expand."
    )
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [("Helmsley Biologics Co., Ltd.", ["Helmsley"])]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "About Ravelle Therapeutics Ravelle Therapeutics, Inc. is a clinical-stage company.",
            ["Ravelle Therapeutics", "Ravelle Therapeutics, Inc."],
        ),
        (
            "About Ravelle\nRavelle Therapeutics, Inc. is a clinical-stage company.",
            ["Ravelle", "Ravelle Therapeutics, Inc."],
        ),
        (
            "About Ravelle Ravelle Therapeutics, Inc. is a clinical-stage company.",
            ["Ravelle Therapeutics, Inc."],
        ),
        (
            "Staff from Walla Walla University visited.",
            ["Walla Walla University"],
        ),
        (
            "About Hailan Biologics Co., Ltd. Hailan Biologics Co., Ltd. is a vaccine maker.",
            ["Hailan Biologics Co., Ltd.", "Hailan Biologics Co., Ltd."],
        ),
        ("Company Overview Hailan Biologics is a vaccine maker.", ["Hailan Biologics"]),
        ("Forward-Looking Statements Hailan Biologics cautions readers.", ["Hailan Biologics"]),
        ("Investor Contact Hailan Biologics Ltd. ir@hailan.example", ["Hailan Biologics Ltd."]),
        ("Overview Capital invested in it.", ["Overview Capital"]),
        (
            "Kelmar GmbH & Co. KG and Zai Tong Co. Ltd. said so.",
            ["Kelmar GmbH & Co. KG", "Zai Tong Co. Ltd."],
        ),
    ],
)
def test_heading_joined_to_its_paragraph(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


def test_heading_and_body_name_merge(nlp: Language) -> None:
    text = "About Corlinde Therapeutics Corlinde Therapeutics, Inc. is based in Boston."
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [
        ("Corlinde Therapeutics, Inc.", ["Corlinde Therapeutics"])
    ]


def test_byline_media_gives_no_short_form(nlp: Language) -> None:
    text = "By Wang Lei, China Daily | Updated: 2025-03-04\n\nA manager told China Daily so."
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [("China Daily", [])]


# ----------------------------------------------------------------- tickers


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Quintara Biosciences (Nasdaq: QNTR) rose.", ["Quintara Biosciences"]),
        ("Sandrel Biosciences AB (Nasdaq Stockholm: SNDR) fell.", ["Sandrel Biosciences AB"]),
        ("Helmsley Bio (HKEX: 2399; SSE: 688123) rose.", ["Helmsley Bio"]),
        (
            "Hollis Therapeutics (Nasdaq Global Select Market: HLTX) merged.",
            ["Hollis Therapeutics"],
        ),
        ("Ostara Medicines Corp. (NYSE American: OSTM) said so.", ["Ostara Medicines Corp."]),
        (
            "Helmsley Bio, which listed on the Nasdaq in 2020, rose.",
            ["Helmsley Bio", "Nasdaq"],
        ),
        ("Zhifei Biological: NMPA approves new vaccine", ["Zhifei Biological", "NMPA"]),
    ],
)
def test_exchanges_in_tickers_are_not_organisations(
    nlp: Language, text: str, names: list[str]
) -> None:
    assert found(nlp, text) == names


# ----------------------------------------------------------------- "&" and "and" in names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hallward & Pryce LLP advised the board.", ["Hallward & Pryce LLP"]),
        ("Lin & Sun Capital invested 20 million yuan.", ["Lin & Sun Capital"]),
        ("Procter & Gamble sold the unit.", ["Procter & Gamble"]),
        ("Johnson & Johnson bought it.", ["Johnson & Johnson"]),
        ("The adviser was Marlow & Co. in London.", ["Marlow & Co."]),
        ("Velora Pharma & Kestrel Biologics agreed.", ["Velora Pharma", "Kestrel Biologics"]),
        ("Research & Development spending rose at Tarrow Bio.", ["Tarrow Bio"]),
        ("the market grew.-Ferndale Info & Tech", []),
        (
            "Ningbo Heyi Pharmaceutical and Xiamen Kangyu Technology signed.",
            ["Ningbo Heyi Pharmaceutical", "Xiamen Kangyu Technology"],
        ),
        (
            "Ningbo Heyi Pharmaceutical and Kangyu Technology signed.",
            ["Ningbo Heyi Pharmaceutical", "Kangyu Technology"],
        ),
        (
            "The Ningbo Municipal Science and Technology Bureau agreed.",
            ["Ningbo Municipal Science and Technology Bureau"],
        ),
    ],
)
def test_ampersand_and_conjunction(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


# ----------------------------------------------------------------- round 4 classes


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The permit came from the Ministry of Agriculture and Rural Affairs on Monday.",
            "Ministry of Agriculture and Rural Affairs",
        ),
        (
            "It was cleared by the Pharmacy and Poisons Board last year.",
            "Pharmacy and Poisons Board",
        ),
    ],
)
def test_and_inside_a_government_body_name(nlp: Language, text: str, name: str) -> None:
    assert found(nlp, text) == [name]


def test_two_companies_joined_by_and_stay_two(nlp: Language) -> None:
    names = found(nlp, "Qiming Pharmacy and Hengli Pharma signed a supply deal.")
    assert "Qiming Pharmacy and Hengli Pharma" not in names


def test_unit_of_an_academy_with_its_own_of_complement(nlp: Language) -> None:
    text = (
        "Trials ran at the Lanzhou Veterinary Research Institute of the Chinese "
        "Academy of Agricultural Sciences in 2023."
    )
    assert found(nlp, text) == [
        "Lanzhou Veterinary Research Institute of the Chinese Academy of Agricultural Sciences"
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The dossier went to Swissmedic and the TGA in May.", ["Swissmedic", "TGA"]),
        (
            "Korea's Ministry of Food and Drug Safety cleared it.",
            ["Ministry of Food and Drug Safety"],
        ),
        ("Singapore's HSA and Brazil's ANVISA accepted the files.", ["HSA", "ANVISA"]),
    ],
)
def test_foreign_regulators_in_the_gazetteer(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("A spokesperson told Pipelinewire that the trial would resume.", ["Pipelinewire"]),
        ("Pipelinewire reported on Friday that the deal was off.", ["Pipelinewire"]),
        (
            "The chief executive told Kestrel Report that enrolment was complete.",
            ["Kestrel Report"],
        ),
        # No source cue: a byline or a plain word is no outlet.
        ("By Anna Li | Pipelinewire | May 2, 2025", []),
        ("The Pipelinewire newsletter is free to read.", []),
    ],
)
def test_unlisted_outlet_cited_as_a_source(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Kestrel Biologics opened a plant.\nRelated: Yubei District Launches Health Walking Trails\n",
        "Kestrel Biologics opened a plant.\nSource: Cardiology Center    Editor: Wang Li\n",
    ],
)
def test_navigation_and_credit_lines_name_no_organisation(nlp: Language, text: str) -> None:
    assert found(nlp, text) == ["Kestrel Biologics"]


def test_prose_department_of_a_hospital_is_still_found(nlp: Language) -> None:
    text = (
        "Kestrel Biologics opened a plant.\nThe Cardiology Center of Huaxi Hospital treated him.\n"
    )
    assert "Cardiology Center of Huaxi Hospital" in found(nlp, text)


def test_bracketed_acronym_joins_a_name_found_by_another_rule(nlp: Language) -> None:
    text = (
        "Kestrel Biologics got a letter from the United States Food and Drug "
        "Administration (FDA). The FDA asked for more data."
    )
    orgs = merged(nlp, text)
    fda = [o for o in orgs if o.name == "United States Food and Drug Administration"]
    assert len(fda) == 1 and fda[0].aliases == ["FDA"]
    assert len(orgs) == 2


def test_bracketed_non_acronym_does_not_join(nlp: Language) -> None:
    orgs = merged(nlp, "Staff of Kestrel Biologics (NASDAQ) met the Ministry of Rural Development.")
    assert not any("NASDAQ" in o.aliases for o in orgs)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("It licensed rights to U.S.-based Corvell Oncology for $10 million.", "Corvell Oncology"),
        (
            "Wuhan Qiming mRNA Biotechnology Co said its plant was ready.",
            "Wuhan Qiming mRNA Biotechnology Co",
        ),
        (
            "Huaxin Insight, a Shanghai-based consultancy, estimated that sales would double.",
            "Huaxin Insight",
        ),
        (
            "The therapy from Hangzhou Xinrui Immunotech began a trial.",
            "Hangzhou Xinrui Immunotech",
        ),
    ],
)
def test_name_edges(nlp: Language, text: str, name: str) -> None:
    assert found(nlp, text) == [name]


def test_technology_word_alone_is_no_name(nlp: Language) -> None:
    assert found(nlp, "The mRNA vaccine uses mRNA Technology from a partner.") == []


# ------------------------------------------------- blind-set classes (heldout6)


def test_coordinated_government_name_stops_before_a_joined_navigation_word(
    nlp: Language,
) -> None:
    text = "Qinling Provincial Department of Science and Technology Home > Notices\n\nA title"
    assert found(nlp, text) == ["Qinling Provincial Department of Science and Technology"]
    # A weekday after the coordinated nouns ends the name as well.
    text = "The Ministry of Industry and Trade Tuesday published new rules."
    assert found(nlp, text) == ["Ministry of Industry and Trade"]


def test_two_names_joined_by_and_still_split(nlp: Language) -> None:
    text = "The Bureau of Finance and Lanzhou University signed the accord on Friday."
    assert "Lanzhou University" in found(nlp, text)
    assert not any("Finance and Lanzhou" in n for n in found(nlp, text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("an analyst at Shanghai consultancy Qiyuan Pharma Insight, said", "Qiyuan Pharma Insight"),
        ("data compiled by Lingshan Medical Analytics show", "Lingshan Medical Analytics"),
    ],
)
def test_business_word_after_a_sector_noun_extends_the_name(
    nlp: Language, text: str, name: str
) -> None:
    assert name in found(nlp, text)


def test_source_field_of_a_metadata_line_is_no_organisation(nlp: Language) -> None:
    text = (
        "Posted: 2026-03-02 | Source: Animal Husbandry Administration Office | Hits: 412\n\n"
        "The Gansu Animal Husbandry Administration issued a notice."
    )
    names = found(nlp, text)
    assert not any(n.startswith("Animal Husbandry Administration") for n in names)


def test_hospital_of_a_university_is_one_name_and_its_short_form_an_alias(
    nlp: Language,
) -> None:
    text = (
        "Jinjiang Hospital, Tianfu University, enrolled the first patient. "
        "Jinjiang Hospital will lead the study."
    )
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [
        ("Jinjiang Hospital, Tianfu University", ["Jinjiang Hospital"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Sites are Jinjiang Hospital, Tianfu University and Minshan University.",
        "Sites are Minshan University, Jinjiang Hospital, Tianfu University, Qiao University.",
        "Sites are Jinjiang Hospital, Tianfu University, and Minshan University.",
    ],
)
def test_hospital_and_university_in_a_list_stay_apart(nlp: Language, text: str) -> None:
    names = found(nlp, text)
    assert "Jinjiang Hospital" in names and "Tianfu University" in names


def test_regulator_inside_a_filing_phrase_is_found() -> None:
    import bionews

    r = bionews.extract(
        "Ranvotinib was submitted to the US Food and Drug Administration for review in May, "
        "the company said on Monday in a statement about its oncology pipeline."
    )
    assert "US Food and Drug Administration" in [o.name for o in r.organisations]


# ------------------------------------------------- international health bodies


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UNICEF will buy the doses for 30 countries.", "UNICEF"),
        ("The tablets are paid for by the Global Fund in 12 countries.", "Global Fund"),
        ("PAHO added the vaccine to its revolving fund.", "PAHO"),
        ("Africa CDC welcomed the price cut.", "Africa CDC"),
    ],
)
def test_international_health_bodies_come_from_the_gazetteer(
    nlp: Language, text: str, expected: str
) -> None:
    assert found(nlp, text) == [expected]


def test_a_common_word_spelled_in_capitals_is_no_gazetteer_body(nlp: Language) -> None:
    # "PATH" is also an international health body, too ambiguous to list
    assert found(nlp, "The PATH variable was set by the installer.") == []


# ------------------------------------------------- blind-set classes (heldout7)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The founder told MedScope Asia that the plant was ready.", ["MedScope Asia"]),
        ("GenePulse Europe reported the deal on Monday.", ["GenePulse Europe"]),
        ("A spokesman told Fierce Pharma Asia that sales rose.", ["Fierce Pharma Asia"]),
        # A possessive makes the region the subject of what follows.
        ("She told MedScope China's regulators were slow.", ["MedScope"]),
        # No source cue: a header or a plain mention is no outlet.
        ("The MedScope Asia newsletter is free.", []),
    ],
)
def test_brand_with_a_region_word_is_one_name(nlp: Language, text: str, names: list[str]) -> None:
    assert found(nlp, text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Doctors at Qinghe Medical University Cancer Institute and Hospital enrolled him.",
            ["Qinghe Medical University Cancer Institute and Hospital"],
        ),
        ("Lanxi Cancer Hospital & Institute opened a ward.", ["Lanxi Cancer Hospital & Institute"]),
        (
            "Beilin Cancer Center and Hospital Home > News > Research\n\nThe trial opened.",
            ["Beilin Cancer Center and Hospital"],
        ),
        # A second name with a word of its own, or a head with its own "of"
        # complement, stays apart.
        ("Tianfu Hospital and Lanzhou Institute signed.", ["Tianfu Hospital", "Lanzhou Institute"]),
        (
            "Minshan Hospital and Institute of Neurology agreed.",
            ["Minshan Hospital", "Institute of Neurology"],
        ),
    ],
)
def test_two_institution_heads_joined_by_and_are_one_name(
    nlp: Language, text: str, names: list[str]
) -> None:
    assert found(nlp, text) == names


def test_hospital_affiliated_to_a_university_is_one_name(nlp: Language) -> None:
    text = (
        "Patients at Lanxi Hospital Affiliated to Qinghe Medical University School of "
        "Medicine were treated. Lanxi Hospital will run the next trial."
    )
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [
        (
            "Lanxi Hospital Affiliated to Qinghe Medical University School of Medicine",
            ["Lanxi Hospital"],
        )
    ]
    assert found(nlp, "Tianfu Eye Hospital affiliated with Minshan University opened.") == [
        "Tianfu Eye Hospital affiliated with Minshan University"
    ]


def test_hospital_described_as_affiliated_after_a_comma_stays_apart(nlp: Language) -> None:
    text = "Tianfu Eye Hospital, affiliated with Minshan University, opened a ward."
    assert found(nlp, text) == ["Tianfu Eye Hospital", "Minshan University"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Media contact: Lanxi Group Investor Relations Department, ir@lanxi.example.com",
            ["Lanxi Group"],
        ),
        ("Qinghe Biologics Press Office said the plant would open.", ["Qinghe Biologics"]),
        ("The Marketing Department of Tianfu Pharma agreed.", ["Tianfu Pharma"]),
        # A government department or office is an organisation.
        (
            "The Lanzhou Municipal Health Department issued rules.",
            ["Lanzhou Municipal Health Department"],
        ),
        (
            "The Legal Affairs Office of the Minshan Government replied.",
            ["Legal Affairs Office of the Minshan Government"],
        ),
    ],
)
def test_a_company_unit_named_by_its_function_is_no_organisation(
    nlp: Language, text: str, names: list[str]
) -> None:
    assert found(nlp, text) == names


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("Shanghai Linwei mRNA Therapeutics Co., Ltd. said Linwei will file.", "Linwei"),
        ("Xinyu Gene Therapy Co., Ltd. listed. Xinyu expects data in May.", "Xinyu"),
        ("Kangli Cell Technology opened a plant. Kangli hired 40 staff.", "Kangli"),
    ],
)
def test_short_form_leaves_out_sector_words_before_the_head(
    nlp: Language, text: str, short: str
) -> None:
    orgs = merged(nlp, text)
    assert len(orgs) == 1 and orgs[0].aliases == [short]


def test_sector_words_are_kept_when_the_name_has_no_word_of_its_own(nlp: Language) -> None:
    # "Cell Therapy" is all the name has besides its place: no "Shanghai" short form.
    text = "Shanghai Cell Therapy Group opened a plant in Shanghai last year."
    assert found(nlp, text) == ["Shanghai Cell Therapy Group"]


def test_own_country_after_a_known_regulator_is_not_part_of_its_name(nlp: Language) -> None:
    for text in (
        "Telvora won approval from the National Medical Products Administration of China.",
        "Telvora won approval from the National Medical Products Administration of the "
        "People's Republic of China.",
        "Telvora is under review at the Pharmaceuticals and Medical Devices Agency of Japan.",
    ):
        names = found(nlp, text)
        assert any(n.endswith(("Administration", "Agency")) for n in names), (text, names)
        assert not any(" of China" in n or " of Japan" in n for n in names), (text, names)


def test_other_country_or_unknown_body_keeps_its_complement(nlp: Language) -> None:
    # Negatives: another country's ministry, and a body the gazetteer does not know.
    assert "Ministry of Commerce of India" in found(
        nlp, "The Ministry of Commerce of India issued the rules."
    )
    assert "University of Science and Technology of China" in found(
        nlp, "Researchers at the University of Science and Technology of China led the work."
    )


def test_a_bracketed_seat_inside_a_legal_name_is_part_of_it(nlp: Language) -> None:
    assert "Lanmei (Hangzhou) Pharmaceutical Co., Ltd." in found(
        nlp, "The tablets are made by Lanmei (Hangzhou) Pharmaceutical Co., Ltd. in May."
    )
    # Negative: a bracketed place before a word that names nothing.
    assert found(nlp, "Sites in Beijing (China) Tuesday opened.") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The shots will be filled by PT Sinar Vaksin Nusantara Tbk in Surabaya.",
            "PT Sinar Vaksin Nusantara Tbk",
        ),
        ("Distribution goes to Meranti Ubat Sdn Bhd from next year.", "Meranti Ubat Sdn Bhd"),
        (
            "The study is sponsored by Quorvel Bio (Australia) Pty Ltd, a unit of Quorvel.",
            "Quorvel Bio (Australia) Pty Ltd",
        ),
        ("Sales are run by Tenbrook Pharma USA, Inc., based in Ohio.", "Tenbrook Pharma USA, Inc."),
        ("Sales are run by Tenbrook Pharma Europe GmbH in Munich.", "Tenbrook Pharma Europe GmbH"),
    ],
)
def test_foreign_legal_forms_and_a_market_before_the_suffix(
    nlp: Language, text: str, name: str
) -> None:
    assert name in found(nlp, text)


def test_a_market_word_without_a_suffix_stays_out_of_the_name(nlp: Language) -> None:
    # Negative: no legal suffix closes the region, so it is no part of the name.
    assert found(nlp, "Tenbrook Pharma USA sales rose in May.") == ["Tenbrook Pharma"]


def test_a_market_subsidiary_is_not_its_parent(nlp: Language) -> None:
    text = (
        'Wuhan Quorvel Biosciences Co., Ltd. ("Quorvel") said its subsidiary Quorvel '
        "Biosciences (Australia) Pty Ltd will run the trial. Quorvel Biosciences was founded "
        "in 2015."
    )
    orgs = {o.name: o.aliases for o in merged(nlp, text)}
    assert orgs == {
        "Wuhan Quorvel Biosciences Co., Ltd.": ["Quorvel", "Quorvel Biosciences"],
        "Quorvel Biosciences (Australia) Pty Ltd": [],
    }


def test_a_seat_in_brackets_keeps_its_short_form(nlp: Language) -> None:
    # Negative: a city seat is no market; with no other company of those words the
    # short form is the subsidiary's own.
    text = (
        "The plant belongs to Sarnel Biologics (Changzhou) Co., Ltd. Sarnel Biologics "
        "expects output in May."
    )
    orgs = merged(nlp, text)
    assert [(o.name, o.aliases) for o in orgs] == [
        ("Sarnel Biologics (Changzhou) Co., Ltd.", ["Sarnel Biologics"])
    ]


def test_a_quoted_short_form_after_a_name_is_its_alias(nlp: Language) -> None:
    text = (
        'Hubei Tenzhou Pharmaceutical Co., Ltd. ("Tenzhou Pharma" or the "Company") said '
        "its unit Tenzhou Pharma USA, Inc. won approval. Tenzhou Pharma expects sales in 2027."
    )
    orgs = {o.name: o.aliases for o in merged(nlp, text)}
    assert orgs == {
        "Hubei Tenzhou Pharmaceutical Co., Ltd.": ["Tenzhou Pharma"],
        "Tenzhou Pharma USA, Inc.": [],
    }


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        (
            "The Wuxi Intermediate People's Court accepted the filing.",
            "Wuxi Intermediate People's Court",
            "government",
        ),
        ("The Supreme People's Court upheld the ruling.", "Supreme People's Court", "government"),
        ("The Court of Appeal dismissed the claim.", "Court of Appeal", "government"),
        (
            "The court named Hunan Zhenglan Law Firm as administrator.",
            "Hunan Zhenglan Law Firm",
            "company",
        ),
    ],
)
def test_courts_and_law_firms_are_organisations(
    nlp: Language, text: str, name: str, kind: str
) -> None:
    assert [(o.name, o.kind) for o in merged(nlp, text)] == [(name, kind)]


def test_a_bare_court_or_firm_is_no_organisation(nlp: Language) -> None:
    # Negatives: no word of its own before the head.
    assert found(nlp, "The Court said the Firm must pay.") == []
    assert found(nlp, "Chinese Law Firm Wins Patent Case") == []


def test_a_department_named_by_its_portfolio_is_an_organisation(nlp: Language) -> None:
    text = "The tablets were registered this month, the Department of Health said on Monday."
    assert [(o.name, o.kind) for o in merged(nlp, text)] == [("Department of Health", "government")]
    # Negative: a department named by a discipline is a unit of something else.
    assert found(nlp, "She heads the Department of Oncology at the clinic.") == []


def test_a_title_with_its_own_of_opens_an_institution_name(nlp: Language) -> None:
    text = "Patients were treated at Queen Alma Hospital and Princess of Tarsen Hospital."
    assert found(nlp, text) == ["Queen Alma Hospital", "Princess of Tarsen Hospital"]
    # Negative: no institution head after the "of": a person's title, no name.
    assert found(nlp, "The Duke of Tarsen opened the new wing on Monday.") == []


def test_a_region_word_between_a_cue_and_a_camelcase_outlet_opens_it(nlp: Language) -> None:
    assert found(nlp, "Its chief told Europe PharmaLens after the talk.") == ["Europe PharmaLens"]
    # Negative: with the cue after the brand, the region word before it is the
    # sentence's, not the outlet's.
    assert found(nlp, "Sales in Europe PharmaLens said rose.") == ["PharmaLens"]
