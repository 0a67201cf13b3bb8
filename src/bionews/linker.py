"""Relations: which stage, indication and developer belong to which drug.

The name finders leave typed spans on the Doc; this last component turns them
into record objects and links them. Attachment is by position, the way a reader
does it in news prose:

* the unit is the clause (a sentence cut at top-level semicolons), because
  pipeline lists read "A (for X) is filed; B and C have completed trials; ...";
* a stage goes to the nearest drug before it in the clause *and the drugs
  enumerated with it* ("B (for X) and C have completed clinical trial"), else to
  the first enumeration after it ("approval of its first drug, Siliq ...");
* an indication goes to the nearest drug before it ("Semaglutide Injection (for
  Type 2 diabetes)"), else the nearest after it;
* a clause that names no drug but refers back to one ("It is also the first ...
  approved for ...", "this drug", "The decision rested on ...") borrows the most
  recent drug within a few sentences; one that names only the indication of one
  drug of the article ("its application for a breast cancer treatment") takes
  that drug.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .drugs import merge_drugs
from .orgs import merge_organisations, never_develops
from .records import STAGES, Drug, Organisation, StageMention
from .tokens import doc_text


@dataclass(frozen=True, slots=True)
class _Gated:
    """A regex behind a substring test that rules most text out.

    Every match of ``pattern`` contains one of ``needles`` (literals of the
    pattern), so text that holds none of them cannot match and the regex, which
    has to try its alternation at every character, is not run. For a
    case-insensitive pattern (``fold``) the needles are lower-case ASCII and are
    looked for in the lower-case text; non-ASCII text then always goes to the
    regex, as ``str.lower`` and the regex's case folding may differ there ("ſ"
    matches "s").

    When every match also *begins* with a needle (``leading``), the regex is run
    from the first needle in the text: no match can start before it, and a
    search from a position still reads the characters before it for ``\b``.
    """

    pattern: re.Pattern[str]
    needles: tuple[str, ...]
    fold: bool = True
    leading: bool = False

    def __post_init__(self) -> None:
        if self.fold != bool(self.pattern.flags & re.IGNORECASE) or not all(self.needles):
            raise ValueError(f"gate does not fit its pattern: {self.pattern.pattern[:60]}")
        if self.fold and not all(n.isascii() and n == n.lower() for n in self.needles):
            raise ValueError(f"gate needles must be lower-case ASCII: {self.needles}")

    def _ruled_out(self, text: str) -> bool:
        if not self.fold:
            return not any(map(text.__contains__, self.needles))
        if not text.isascii():
            return False
        low = text.lower()
        return not any(map(low.__contains__, self.needles))

    def _first(self, text: str) -> int:
        """Where the first needle is in ``text``, -1 if none; 0 where the needles
        cannot be looked for (non-ASCII text under ``fold``)."""
        if self.fold:
            if not text.isascii():
                return 0
            text = text.lower()
        found = [i for i in map(text.find, self.needles) if i >= 0]
        return min(found) if found else -1

    def search(self, text: str) -> bool:
        """``bool(pattern.search(text))``."""
        if self.leading:
            first = self._first(text)
            return first >= 0 and self.pattern.search(text, first) is not None
        return not self._ruled_out(text) and self.pattern.search(text) is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``."""
        return iter(()) if self._ruled_out(text) else self.pattern.finditer(text)


# Text between two drug names that keeps them in one enumeration: a connector,
# optionally a short descriptor ("and VEGFR inhibitor apatinib") or an indication
# phrase before it ("X for lymphoma and Y"), and no word that starts a new clause.
# Organisation names in the gap are read as ORG ("X from ORG, for Y, and Z").
_ENUM_GAP = re.compile(
    r"^\s*(?:(?:from|by)\s+ORG\s*,?\s*)?(?:(?:for|in|against|to treat)\s+[^,;]{1,40}?)?\s*"
    r"(?:/|\+|&|,|(?:,\s*)?(?:and|or|as well as|plus|combined with|in combination with|together with|with)\b)"
    r"\s*(?:[\w/-]+(?:['’]s)?\s+){0,3}$|^[\s/+&]*$|"
    # A description set off by commas beside one name of the list: "X, an EGFR
    # inhibitor built to overcome a resistance mutation, and Y", "X and a
    # long-acting factor IX, Y, have both entered ...".
    r"^\s*(?:(?:,|\band\b|\bor\b)\s*\d[\d.]*\s*(?:mg|mcg|µg|g|ml|IU|units?)\b\s*)*"
    r",\s*(?:an?|the)\s+[^,;:()]{1,80},\s*(?:and|or)\s*$|"
    r"^\s*,?\s*(?:and|or)\s+(?:an?|the)\s+[^,;:()]{1,80},\s*$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could|may|might|"
    r"shall|should|which|who|whom|whose|that|while|whereas|but|although|though|because|"
    r"after|before|received|obtained|entered|completed|started|won|got|includ\w*|"
    r"both|other|others|also|then|such|its|their|his|her)\b|[.;:!?]",
    re.IGNORECASE,
)
# From a stage to the drug it names: "Phase 1/2 trial for X", "approval of X",
# "approvals for three innovative drugs: X, Y and Z", "Phase III study evaluating X".
_FORWARD = re.compile(
    r"^[\s-]*(?:\w+[\s-]+){0,5}?(?:for|of|on|with|evaluating|testing|investigating|"
    r"assessing|covering|involving|combin(?:ing|es)|pair(?:ing|s))\b(?P<rest>[^.;!?]{0,90})$",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_LONE_BRACKETS = re.compile(r"[()\[\]]")
# A clause that refers back to the drug named before it: "this drug", "It is
# also the first ...", "..., and it ...", or a regulatory event of the drug just
# named ("The decision rested on a Phase 2 study"). The openings are matched at
# the clause start; the rest, searched anywhere, is gated by its nouns and by
# "it" after a space character.
_ANAPHOR_OPENING = re.compile(
    r"^\W*(?:it|its)\b|"
    r"^\W*(?:the|this|that)\s+(?:decision|approval|nod|clearance|filing|application|"
    r"submission|authori[sz]ation|NDA|BLA|MAA|sNDA|sBLA)\b",
    re.IGNORECASE,
)
_ASCII_SPACES = "".join(c for c in map(chr, range(128)) if c.isspace())  # what \s is in ASCII
_ANAPHOR_WITHIN = _Gated(
    re.compile(
        r"\b(?:it|its|this|these|the)\s+(?:drug|vaccine|product|therapy|candidate|injection|"
        r"antibody|medicine|treatment|molecule|asset|compound|biologic)s?\b|"
        r"(?:,|\band\b)\s+it\b",
        re.IGNORECASE,
    ),
    (
        *("drug", "vaccine", "product", "therapy", "candidate", "injection", "antibody"),
        *("medicine", "treatment", "molecule", "asset", "compound", "biologic"),
        *(space + "it" for space in _ASCII_SPACES),
    ),
)


def _refers_back(clause: str) -> bool:
    """Whether a clause refers back to a drug named before it."""
    return bool(_ANAPHOR_OPENING.match(clause)) or _ANAPHOR_WITHIN.search(clause)


# A clause opening with these refers to every drug of the sentence before.
_PLURAL_ANAPHOR = re.compile(
    r"^\W*(?:both|they|these|the two|the three|all three|both drugs|both candidates|"
    r"these (?:drugs|candidates|products|vaccines|therapies))\b",
    re.IGNORECASE,
)
# Unnamed plural programmes ("11 preclinical drug candidates", "56 innovative
# drugs ... 10 in Phase III trials"): a stage said of these belongs to no named drug.
_PLURAL_THINGS = _Gated(
    re.compile(
        r"\b(?:drugs|candidates|products|projects|programs|programmes|pipelines|assets|"
        r"molecules|compounds|therapies|vaccines|medicines|treatments|initiatives|antibodies|"
        r"inhibitors|biosimilars|conjugates)\b|"
        r"\b[Aa]n?\s+(?:new\s+|novel\s+)?(?:drug|vaccine|candidate|therapy|treatment|medicine)\b"
        r"(?!\s+(?:applications?|submissions?|filings?|registrations?|licen[cs]es?)\b)",
    ),  # case-sensitive: "Medical Products Administration" is a name, not unnamed products
    (
        *("drug", "candidate", "product", "project", "program", "pipeline", "asset"),
        *("molecule", "compound", "therap", "vaccine", "medicine", "treatment", "initiative"),
        *("antibodies", "inhibitor", "biosimilar", "conjugate"),
    ),
    fold=False,
)


@lru_cache(maxsize=1)
def _background_plural_cue() -> re.Pattern[str]:
    """Words right before an unnamed plural that make it background (patients'
    treatments, a drug's class), not unnamed products a stage is about."""
    from .drugs import patterns

    return re.compile(patterns()["background_plural_before_regex"])


def _unnamed_plural(text: str) -> bool:
    """Whether ``text`` speaks of unnamed plural products ("11 preclinical drug
    candidates") a stage could be about. Patients' treatments ("patients whose
    melanoma had progressed after PD-1 antibodies", "patients receive two
    chemotherapy drugs") and the class a named drug belongs to ("a class known as
    TIL therapies") are background, not products of their own."""
    cue = _background_plural_cue()
    return any(
        cue.search(text, max(0, m.start() - 80), m.start()) is None
        for m in _PLURAL_THINGS.finditer(text)
    )


# A sentence with its own unnamed subject ("A recombinant RSV vaccine began a
# Phase I trial", "The firm's first product, an mRNA vaccine, was authorised"):
# its stage is that product's, not the drug of the sentence before.
#
# "the one TYK2 inhibitor already approved", "the only other PD-1 antibody on the
# market": a rival set apart by "one", "only", "other" is unnamed too. A product
# noun that only qualifies a regulatory noun ("a new drug application") is none.
_UNNAMED_SUBJECT = _Gated(
    re.compile(
        r"(?:\b(?:an?|another)|\bthe\s+(?:one|only|sole|other|rival|competing))\s+"
        r"(?:(?!(?:to|of|for|from|with|by|at|on|in|the|and)\b)[\w/-]+\s+){0,7}?"
        r"(?:vaccine|drug|therapy|candidate|product|"
        r"antibody|medicine|treatment|inhibitor|molecule|asset|compound|conjugate|biosimilar)s?\b"
        r"(?!\s+(?:applications?|submissions?|filings?|registrations?|licen[cs]es?)\b)",
        re.IGNORECASE,
    ),
    (
        *("vaccine", "drug", "therapy", "candidate", "product", "antibody", "medicine"),
        *("treatment", "inhibitor", "molecule", "asset", "compound", "conjugate", "biosimilar"),
    ),
)
# The rest of a clause from an unnamed product to a stage in its relative clause:
# "a polio vaccine| , which is in a |Phase III trial".
_RELATIVE_REST = re.compile(r"^\s*,?\s*(?:which|that)\s+(?:[^\s,;:()]+\s+){0,6}$", re.IGNORECASE)
_PLURAL_COPULA = re.compile(r"\s*(?:(?:are|were|include|included)\b\s*:?)?", re.IGNORECASE)
_SHORT_PREDICATE = re.compile(r"^\s+(?:[^\s,;:()]+\s+){0,3}$")
_MODIFIES_PLURAL = re.compile(
    r"^[\s-]*(?:(?!(?:for|of|to|in|on|at|by|with|from)\b)[\w-]+\s+){0,3}?(?:drugs|candidates|products|projects|programs|programmes|"
    r"assets|molecules|compounds|therapies|vaccines|medicines|portfolio|pipeline)\b",
    re.IGNORECASE,
)
# "The therapy, JMC-019, targets ...": a sentence that names the drug the sentence
# before it described ("A CAR-T therapy ... has started a Phase I/II trial").
_APPOSITION = re.compile(
    r"^\W*(?:the|this|its)\s+(?:[\w-]+\s+){0,2}?(?:therapy|vaccine|drug|candidate|product|"
    r"antibody|treatment|medicine|inhibitor|molecule|asset|compound|injection)\s*,\s*$",
    re.IGNORECASE,
)
# "Three new TCM products ... won approval", "The NMPA approved five innovative
# drugs on Monday": a counted batch of products, named one by one in the
# paragraphs that follow.
_COUNTS = {
    **dict.fromkeys(("two", "2"), 2),
    **dict.fromkeys(("three", "3"), 3),
    **dict.fromkeys(("four", "4"), 4),
    **dict.fromkeys(("five", "5"), 5),
    **dict.fromkeys(("six", "6"), 6),
    **dict.fromkeys(("seven", "7"), 7),
    **dict.fromkeys(("eight", "8"), 8),
    **dict.fromkeys(("nine", "9"), 9),
    **dict.fromkeys(("ten", "10"), 10),
}
_COUNTED_BATCH = re.compile(
    r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|[2-9]|10)\s+"
    r"(?:(?!(?:of|for|to|in|on|at|by|with|from|and|or|other|more)\b)[\w()/-]+\s+){0,6}?"
    r"(?:drugs|medicines|products|vaccines|therapies|biosimilars|generics)\b",
    re.IGNORECASE,
)
# How far after the batch sentence its products may be named, in sentences.
_BATCH_WINDOW = 12
_DEVELOPER_KINDS = frozenset({"company", "research", "academic"})
_COMPANY_REF = _Gated(
    re.compile(
        r"\b(?:the|this)\s+(?:company|firm|biotech|drugmaker|group|startup)\b", re.IGNORECASE
    ),
    ("company", "firm", "biotech", "drugmaker", "group", "startup"),
)
# Between a drug and a later stage: a new, unnamed subject takes the stage
# ("X is in Phase II, while a Sabin polio vaccine is in Phase III").
_NEW_SUBJECT = re.compile(
    r"(?:\bwhile|\bwhereas|\bbut|\band|;)\s+(?:an?|another|one|its other)\s+"
    r"(?:[\w/-]+\s+){0,7}?(?:vaccine|drug|therapy|candidate|product|antibody|program|"
    r"programme|medicine|treatment|inhibitor|molecule|portfolio|asset|conjugate)s?\b",
    re.IGNORECASE,
)
# "X is in Phase II, while a Phase III candidate ...": an article right before the
# stage opens a new subject, unless the stage heads a trial ("X was approved, and a
# Phase IV study will follow": a study of X).
_NEW_SUBJECT_ARTICLE = re.compile(
    r"(?:\bwhile|\bwhereas|\bbut|\band)\s+(?:an?|another)\s+$", re.IGNORECASE
)
_TRIAL_AFTER = re.compile(
    r"^[\s-]*(?:[\w-]+\s+){0,2}?(?:trials?|stud(?:y|ies)|tests?|testing)\b", re.IGNORECASE
)
# "X, a biosimilar of the IL-17A antibody Y, was approved": Y is named inside a
# description of X set off by commas, so the predicate after the closing comma
# is X's. The description opens with a determiner and names Y after a preposition.
_APPOSITION_OPEN = re.compile(
    r"^\s*,\s*(?:a|an|the|its|their|another)\s+[^,;:()]{0,60}?\b(?:of|to|for|from|like|than)\s+"
    r"(?:[^\s,;:()]+\s+){0,4}$",
    re.IGNORECASE,
)
_APPOSITION_CLOSE = re.compile(
    r"^\s*(?:\([^()]*\)\s*)?,\s*(?:(?!(?:and|or|but|while|which|who|that)\b)[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
_SINGULAR_RELATIVE = re.compile(
    r",\s*(?:which|that|who)\s+(?:is|was|has|had|remains)\b(?:\s+[\w-]+){0,3}\s*$",
    re.IGNORECASE,
)
# "a Phase 2 trial combining X with Y": both are tested, "with" joins the partners.
_TESTED_COMBO = re.compile(
    r"\b(?:combin(?:ing|es)|pair(?:ing|s)|combination\s+of|co-administering)\b", re.IGNORECASE
)
# "a Phase Ib/IIa study is testing X together with Y": a trial verb right before the
# first drug makes what follows it the combination the trial tests ("a trial of X in
# combination with Y", with no such verb, keeps Y as background therapy).
_TRIAL_VERB = re.compile(
    r"\b(?:test(?:ing|s)|evaluat(?:ing|es)|investigat(?:ing|es)|assess(?:ing|es)|"
    r"stud(?:ying|ies))\s+(?:(?:the|a|an)\s+)?(?:combination\s+of\s+)?$",
    re.IGNORECASE,
)
# "a Phase Ib/II cohort in which patients received X together with Y": the regimen
# the trial gave, named right before its first drug, is the combination tested.
_REGIMEN = re.compile(
    r"\b(?:received|receiving|receive|(?:were|was|are|is|being)\s+given|"
    r"(?:were|was|are|is|being)\s+treated\s+with|randomi[sz]ed(?:\s+[\d:]+)?\s+to)\s+"
    r"(?:[^\s,;.()]+\s+){0,3}$",
    re.IGNORECASE,
)
# "... in a Phase III trial. In the ABC-3 study, patients were randomized to X alone,
# X plus Y, or chemotherapy": the sentence after a trial that refers back to it and
# lists the regimens given. Each arm is a drug or drugs given together; the arms are
# separated by commas, "or", "versus".
_TRIAL_REFERENCE = re.compile(
    r"\b(?:the|this|that|its)\s+(?:[\w-]+\s+){0,3}?(?:trials?|stud(?:y|ies)|cohorts?)\b",
    re.IGNORECASE,
)
_ARM_PARTNER = re.compile(
    r"^\s*(?:\+|/|&|plus|with|and|together\s+with|in\s+combination\s+with|combined\s+with)\s+"
    r"(?:[\w/-]+(?:['’]s)?\s+){0,3}$",
    re.IGNORECASE,
)
_ARM_SEPARATOR = re.compile(
    r"^\s*(?:(?:alone|monotherapy|only)\s*)?(?:,\s*(?:or\s+)?|or\s+|versus\s+|vs\.?\s+|"
    r"compared\s+(?:with|to)\s+)(?:[\w/-]+(?:['’]s)?\s+){0,3}$",
    re.IGNORECASE,
)
# "a Phase II study that pairs the capsules with X": the first partner, named by
# a description or a pronoun between the verb and "with".
_COMBO_OBJECT = re.compile(
    r"\b(?:combin(?:ing|es)|pair(?:ing|s)|co-administering)\s+(?P<obj>[^,;.()]{1,40}?)\s+"
    r"(?:with|and|plus)\b",
    re.IGNORECASE,
)
_PRONOUN_OBJECT = re.compile(
    r"^(?:it|the\s+(?:drug|product|medicine|candidate|therapy|antibody|compound|molecule))$",
    re.IGNORECASE,
)
# "The combination partner has not been tested alone": the drug given with another
# in a combination named before, not the last drug named.
_PARTNER_ANAPHOR = _Gated(
    re.compile(
        r"\b(?:the|this|that|its)\s+(?:combination\s+partner|(?:partner|companion)\s+"
        r"(?:drug|agent|compound|molecule|candidate|therapy|medicine|product))\b",
        re.IGNORECASE,
    ),
    ("partner", "companion"),
)
# Right before a drug: it is the one given with another ("pairs X with Y").
_PARTNER_CUE = re.compile(
    r"\b(?:with|plus|in\s+combination\s+with|combined\s+with|alongside)\s+"
    r"(?:[^,;.()]{0,40},\s*)?[^,;.()]{0,40}?$",
    re.IGNORECASE,
)
_SHARED_BY_LIST = re.compile(r"\b(?:both|all|each|respectively)\b", re.IGNORECASE)
# A drug given with the one a trial is "of" or "for" is background therapy, not
# a tested partner: "a Phase 2 trial for X in combination with Y" stages X only.
_COMBINATION = re.compile(
    r"\b(?:in\s+combination\s+with|combined\s+with|together\s+with|with|plus|on\s+top\s+of|"
    r"added\s+to|versus|vs\.?|compared\s+(?:with|to))\b",
    re.IGNORECASE,
)
# After a stage, a later drug the same event reached in turn: "X gained approval
# in 2017, followed by Y a year later".
_FOLLOWED_BY = re.compile(
    r"^[^.;!?]{0,80}?,?\s*(?:followed\s+by|then\s+by|and\s+later(?:\s+by)?|and\s+then(?:\s+by)?)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "the influenza vaccine", "this PD-1 antibody": a definite description that
# names a drug of the article by some of its own words.
_DEFINITE = _Gated(
    re.compile(
        r"\b(?:the|this|that|its|their)\s+((?:[\w-]+\s+){1,4}?)(vaccine|drug|therapy|antibody|"
        r"injection|candidate|product|inhibitor|medicine|treatment|tablets?|capsules?)s?\b",
        re.IGNORECASE,
    ),
    (
        *("vaccine", "drug", "therapy", "antibody", "injection", "candidate", "product"),
        *("inhibitor", "medicine", "treatment", "tablet", "capsule"),
    ),
)
# "X is the fourth PD-1 to be approved (the other two are A's Y and B's Z)": the
# rest of the set the sentence compares X with shares its stage.
_OTHERS = re.compile(
    r"\bthe\s+others?(?:\s+(?:two|three|four|five|ones?))?\s+(?:are|were|being|include|including)\s+",
    re.IGNORECASE,
)
_OWNER_BEFORE = re.compile(r"^(?:[\w.&-]+\s+){0,2}?(?:[\w.&-]+['’]s\s+)?$")
_PHASED = frozenset({"phase_1", "phase_1_2", "phase_2", "phase_2_3", "phase_3", "phase_4"})
_WORDS = re.compile(r"[a-z0-9]+")


_DEVELOP = _Gated(
    re.compile(
        r"\b(?:develop(?:ed|s|er|ing)?|invent(?:ed|s)?|discover(?:ed|s)?|own(?:ed|s)?|"
        r"launch(?:ed|es)?|market(?:ed|s)?|manufactur(?:ed|es|er)|licens(?:ed|es|or))\b|'s\b",
        re.IGNORECASE,
    ),
    ("develop", "invent", "discover", "own", "launch", "market", "manufactur", "licens", "'s"),
    leading=True,
)
_STAGE_ORDER = {s: i for i, s in enumerate(STAGES)}


@lru_cache(maxsize=1)
def _device_words() -> _Gated:
    from .drugs import patterns

    words = patterns()["device_subject_words"]
    alts = "|".join(re.escape(w) for w in words)
    return _Gated(re.compile(rf"\b(?:{alts})\b", re.IGNORECASE), tuple(w.lower() for w in words))


def _device_sentence(sentence: str) -> bool:
    """Whether a sentence naming no drug is about a medical device ("the second
    valve model won approval"): its stage is the device's, so the article's topic
    drug must not inherit it."""
    return _device_words().search(sentence)


# ", and ..." / "; ...": a new clause between a stage and a drug named after it.
_NEXT_CLAUSE = re.compile(r";|,\s*(?:and|but|while|whereas|so)\b", re.IGNORECASE)


def _last_match(gated: _Gated, text: str) -> re.Match[str] | None:
    found = list(gated.finditer(text))
    return found[-1] if found else None


def _unnamed_plural_clause(before: str, gap: str) -> bool:
    """Whether a stage is said of unnamed products in a clause of its own, so a
    drug named in a later clause of the sentence does not take it: plural ones
    heading the clause ("Two rival antibodies are approved, and investors hoped X
    would compete"), or an unnamed one the stage's relative clause hangs on ("is
    developing a polio vaccine, which is in a Phase III trial, and X, a rotavirus
    vaccine that ...")."""
    if not _NEXT_CLAUSE.search(gap):
        return False
    plural = _last_match(_PLURAL_THINGS, before)
    if plural is not None:
        # The plural heads the stage's own clause (a few words, no punctuation)
        # or its relative clause.
        rest = before[plural.end() :]
        if (len(rest.split()) <= 6 and not re.search(r"[,;:()]", rest)) or _RELATIVE_REST.match(
            rest
        ):
            return True
    single = _last_match(_UNNAMED_SUBJECT, before)
    return single is not None and bool(_RELATIVE_REST.match(before[single.end() :]))


def _singular_relative(gap: str) -> bool:
    """Whether the text between a drug and a later stage opens a relative clause
    with a singular verb ("X with Y, an oral inhibitor, which was approved in
    2022"): the stage is the one drug's the clause hangs on, not its list's ("X
    and Y, which were approved" and "X and Y, each of which was approved" share it)."""
    return _SINGULAR_RELATIVE.search(gap) is not None


def _unnamed_heads_stage(before: str) -> bool:
    """Whether the text of a sentence up to a stage ends in an unnamed product
    that the stage is said of: as its relative clause ("an mRNA vaccine that was
    approved") or its predicate ("a recombinant zoster vaccine began a")."""
    last = _last_match(_UNNAMED_SUBJECT, before)
    if last is None:
        return False
    rest = before[last.end() :]
    return bool(_RELATIVE_REST.match(rest) or _SHORT_PREDICATE.match(rest))


def _new_subject(gap: str, after: str) -> bool:
    """Whether the text between a drug and a later stage (``gap``) brings in another,
    unnamed subject that the stage belongs to; ``after`` is the text after the stage."""
    if _NEW_SUBJECT.search(gap):
        return True
    return bool(_NEW_SUBJECT_ARTICLE.search(gap)) and not _TRIAL_AFTER.match(after)


@lru_cache(maxsize=1)
def _reference_cue() -> re.Pattern[str]:
    """Words right before a drug that make it a biosimilar's reference product."""
    from .drugs import patterns

    return re.compile(patterns()["reference_product_regex"])


@lru_cache(maxsize=1)
def _procedure_agent_cue() -> re.Pattern[str]:
    """Words right before a drug named as the tool of a procedure."""
    from .drugs import patterns

    return re.compile(patterns()["procedure_agent_before_regex"])


def _procedure_agent(text: str, start: int) -> bool:
    """Whether the drug mention starting at ``start`` names the tool of a procedure
    in an aside ("every patient is scanned with X"), not a drug the article
    reports on."""
    return _procedure_agent_cue().search(text[max(0, start - 60) : start]) is not None


@lru_cache(maxsize=1)
def _form_description() -> _Gated:
    """ "the granules", "the oral liquid": a dosage form standing for the product.

    A match holds every word of its form (only the spaces are loosened to
    ``\\s+``), so the longest word of each form gates the regex.
    """
    from .drugs import dosage_forms

    forms = dosage_forms()
    alts = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return _Gated(
        re.compile(rf"\b(?:the|these|those|this)\s+(?P<form>{alts})\b", re.IGNORECASE),
        tuple({max(f.lower().split(" "), key=len) for f in forms}),
    )


def _ends_with_form(drug: Drug, form: str) -> bool:
    want = " ".join(form.lower().split())
    return any(" ".join(f.lower().split()).endswith(" " + want) for f in (drug.name, *drug.aliases))


def _enumerates(gap: str, *, forward: bool = False) -> bool:
    """Whether the text between two drug names keeps them in one list.

    Reading forward from a stage ("a Phase 3 trial of X in combination with Y"),
    a drug joined by "with" / "plus" is background therapy and ends the list;
    reading back from one ("X in combination with Y is in Phase 3") the whole
    tested combination shares it.
    """
    # Brackets around an alias ("adebrelimab (Airuili), retagliptin") are cut by
    # the alias mention itself, so strip lone brackets as well as whole groups.
    gap = _LONE_BRACKETS.sub(" ", _PARENS.sub(" ", gap))
    if forward and _COMBINATION.search(gap):
        return False
    return bool(_ENUM_GAP.match(gap)) and not _CLAUSE_BREAK.search(gap)


@lru_cache(maxsize=1)
def _descriptor_filler() -> frozenset[str]:
    """Words of a description that say nothing about which drug it is ("new", "lead")."""
    from .drugs import patterns

    return frozenset(patterns()["descriptor_filler_words"])


def _descriptor_words(description: str) -> set[str]:
    """Content words of a definite description: "the influenza vaccine" -> {"influenza"}."""
    filler = _descriptor_filler()
    return {w for w in _WORDS.findall(description.lower()) if w not in filler}


def _name_words(drug: Drug) -> set[str]:
    words: set[str] = set()
    for form in (drug.name, *drug.aliases):
        words.update(_WORDS.findall(form.lower()))
    return words


def _links_forward(gap: str) -> bool:
    """Whether a stage names the drug that follows it ("Phase 2 trial of X")."""
    m = _FORWARD.match(_PARENS.sub(" ", gap))
    if not m:
        return False
    rest = m.group("rest")
    # A colon may introduce the list ("approvals for three drugs: X, Y"); other
    # clause breaks mean the drug belongs to something else.
    return not _CLAUSE_BREAK.search(rest.replace(":", " ")) and len(rest.split()) <= 10


@dataclass(slots=True)
class _Ref:
    start: int
    end: int
    idx: int  # index into the merged list (drugs or organisations)


_CLAUSE_CHARS = re.compile(r"[;()\[\]]")
_SEMICOLON = re.compile(";")


def _sentence_bounds(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Character (start, end) of each sentence, as :func:`tokens.sentence_bounds`.

    The sentence starts are picked out of the SENT_START column by one numpy
    comparison; a Python loop over every token's array cell cost a tenth of
    the linker's time.
    """
    if len(doc) == 0:
        return []
    arr = doc.to_array([SENT_START, IDX])
    firsts = np.flatnonzero(arr[1:, 0] == 1) + 1
    los: list[int] = [int(arr[0, 1]), *arr[firsts, 1].tolist()]
    return list(zip(los, [*los[1:], len(text)], strict=True))


def _units(text: str, sents: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Start offsets of clauses and the sentence number of each clause.

    A clause is a sentence cut at semicolons outside brackets. Most sentences
    have no semicolon and are one clause; only those with one are scanned for
    brackets and semicolons.
    """
    semis = [m.start() for m in _SEMICOLON.finditer(text)]
    if not semis:
        return [lo for lo, _ in sents], list(range(len(sents)))
    starts: list[int] = []
    sent_of: list[int] = []
    for si, (lo, hi) in enumerate(sents):
        starts.append(lo)
        sent_of.append(si)
        k = bisect_left(semis, lo)
        if k == len(semis) or semis[k] >= hi:
            continue
        depth = 0
        for m in _CLAUSE_CHARS.finditer(text, lo, hi):
            ch = m.group()
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth = max(0, depth - 1)
            elif depth == 0:
                starts.append(m.end())
                sent_of.append(si)
    return starts, sent_of


def _first_from(refs: Sequence[_Ref], pos: int) -> int:
    """Index of the first of ``refs`` (sorted by start) that starts at or after
    ``pos``; ``len(refs)`` if none does. The refs from there on are all after it."""
    for k, r in enumerate(refs):
        if r.start >= pos:
            return k
    return len(refs)


def _last_ending_by(refs: Sequence[_Ref], pos: int) -> int:
    """Index of the last of ``refs`` (in list order) that ends at or before
    ``pos``, or -1."""
    for k in range(len(refs) - 1, -1, -1):
        if refs[k].end <= pos:
            return k
    return -1


class Linker:
    def __init__(self, anaphora_window: int, max_entities: int) -> None:
        self.anaphora_window = anaphora_window
        self.max_entities = max_entities

    @staticmethod
    def _developers(
        drugs: Sequence[Drug],
        orgs: Sequence[Organisation],
        drug_refs: Sequence[_Ref],
        org_refs: Sequence[_Ref],
        anaphoric: Callable[[int], list[_Ref]],
        unit: Callable[[int], int],
        text: str,
        sents: Sequence[tuple[int, int]],
    ) -> list[str | None]:
        """The organisation that develops each drug, where a sentence says so.

        Only companies, research institutes and universities develop drugs here
        (a regulator approving a drug in the same sentence is not its developer),
        and of the companies not securities firms, banks, funds or consultancies
        ("analysts at X Securities expect sales of Y to ...").
        A sentence that names the drug, or refers back to it ("The drug,
        developed by X, ..."), and carries a develop/own/'s cue gives its nearest
        such organisation; "the company developed X" gives the organisation
        named last before that sentence.

        A sentence can give a developer only if it has a develop cue and either
        names such an organisation or says "the company"; that is decided once
        per sentence, cheapest test first, and a sentence naming no drug is read
        for anaphora only when it can give one.
        """
        can_develop = [o.kind in _DEVELOPER_KINDS and not never_develops(o.name) for o in orgs]
        makers = [o for o in org_refs if can_develop[o.idx]]
        out: list[str | None] = [None] * len(drugs)
        if not makers:
            return out
        maker_starts = [o.start for o in makers]
        sent_starts = [lo for lo, _ in sents]

        def makers_in(s: int) -> list[_Ref]:
            lo, hi = sents[s]
            return makers[bisect_left(maker_starts, lo) : bisect_left(maker_starts, hi)]

        gives_memo: dict[int, bool] = {}

        def may_give(s: int) -> bool:
            found = gives_memo.get(s)
            if found is None:
                lo, hi = sents[s]
                sentence = text[lo:hi]
                found = gives_memo[s] = bool(
                    makers_in(s) or _COMPANY_REF.search(sentence)
                ) and _DEVELOP.search(sentence)
            return found

        contexts: list[tuple[int, _Ref]] = []  # (sentence number, drug ref)
        named: set[int] = set()  # the sentences some drug mention starts in
        for r in drug_refs:
            s = bisect_right(sent_starts, r.start) - 1
            contexts.append((max(0, s), r))
            if s >= 0 and r.start < sents[s][1]:
                named.add(s)
        for s, (lo, _) in enumerate(sents):
            if s not in named and may_give(s):
                contexts.extend((s, r) for r in anaphoric(unit(lo)))
        for s, r in contexts:
            if out[r.idx] is not None or not may_give(s):
                continue
            lo = sents[s][0]
            cands = makers_in(s)
            if cands:
                best = min(cands, key=lambda o: min(abs(o.start - r.end), abs(r.start - o.end)))
                out[r.idx] = orgs[best.idx].name
            elif _COMPANY_REF.search(text[lo : sents[s][1]]):
                earlier = [o for o in makers if o.end <= lo and lo - o.end < 600]
                if earlier:
                    out[r.idx] = orgs[earlier[-1].idx].name
        return out

    @staticmethod
    def _stages_of(
        links: Sequence[tuple[StageMention, list[_Ref], bool]], n: int, unit: Callable[[int], int]
    ) -> list[set[str]]:
        """The stage values of each drug, from the stage links.

        ``clinical`` is the stage of a programme with no phase given, so it is
        left out where a phase is stated for the same drug in the same clause
        ("clinical development of X, which is in a Phase 1 trial"), or where it
        reached the drug only by reference (an article's topic, "the drug") and
        the drug has a phase anyway: that "clinical trial" is the phased one.
        """
        phased_units: set[tuple[int, int]] = set()
        has_phase = [False] * n
        for sm, linked, _ in links:
            if sm.stage in _PHASED:
                for r in linked:
                    phased_units.add((r.idx, unit(sm.start)))
                    has_phase[r.idx] = True
        out: list[set[str]] = [set() for _ in range(n)]
        for sm, linked, weak in links:
            for r in linked:
                if sm.stage == "clinical" and (
                    (r.idx, unit(sm.start)) in phased_units or (weak and has_phase[r.idx])
                ):
                    continue
                out[r.idx].add(sm.stage)
        return out

    @staticmethod
    def _topic_drug(drugs: list[Drug], reference: Sequence[bool]) -> int | None:
        """The drug an article is about, if one clearly dominates its mentions.

        A biosimilar's reference product is named as often as the biosimilar but
        is never what the article reports on, so it does not compete.
        """
        counts = sorted(
            ((len(d.mentions), i) for i, d in enumerate(drugs) if not reference[i]), reverse=True
        )
        if not counts:
            return None
        top, idx = counts[0]
        if len(counts) == 1:
            return idx
        second = counts[1][0]
        return idx if top >= 3 and top >= 2 * second + 1 else None

    @staticmethod
    def _references(drugs: list[Drug], text: str) -> list[bool]:
        """Which drugs the article names as a biosimilar's reference product ("a
        biosimilar to X", "its reference product, X"). They are comparators: a stage
        in a sentence that also names the biosimilar is the biosimilar's."""
        cue = _reference_cue()
        out = [
            any(cue.search(text, max(0, m.start - 50), m.start) for m in d.mentions) for d in drugs
        ]
        return out if not all(out) else [False] * len(drugs)

    @staticmethod
    def _gap_filler(
        org_refs: Sequence[_Ref], ind_spans: Sequence[tuple[int, int]], text: str
    ) -> Callable[[int, int], str]:
        """``text[a:b]`` with organisation names read as ORG, so that "X from Hebei
        Y Pharmaceutical Co., for Z, and W" keeps X and W in one list (the full stop
        of "Co." would otherwise end the clause)."""
        spans = sorted([(o.start, o.end) for o in org_refs] + list(ind_spans))
        org_set = {(o.start, o.end) for o in org_refs}
        starts_ = [a for a, _ in spans]

        def gap(a: int, b: int) -> str:
            k = bisect_right(starts_, a - 1)
            if k >= len(spans) or spans[k][0] >= b:
                return text[a:b]
            parts: list[str] = []
            pos = a
            for s0, s1 in spans[k:]:
                if s0 >= b:
                    break
                if s0 < pos or s1 > b:
                    continue
                parts.append(text[pos:s0])
                parts.append("ORG" if (s0, s1) in org_set else "IND")
                pos = s1
            parts.append(text[pos:b])
            return "".join(parts)

        return gap

    def __call__(self, doc: Doc) -> Doc:
        orgs: list[Organisation] = merge_organisations(list(doc.spans.get("orgs", ())))
        drugs: list[Drug] = merge_drugs(list(doc.spans.get("drugs", ())))
        # Kept here, where the cut is made, so a caller can warn without redoing the merge.
        doc._.entity_cuts = {
            kind: (len(items), self.max_entities)
            for kind, items in (("organisations", orgs), ("drugs", drugs))
            if len(items) > self.max_entities
        }
        orgs = orgs[: self.max_entities]
        drugs = drugs[: self.max_entities]
        stage_mentions: list[StageMention] = list(doc._.stage_mentions or ())
        if not drugs:
            # Nothing to link: no stage, indication or developer has a drug to go to.
            doc._.organisations = orgs
            doc._.drugs = drugs
            doc._.stage_mentions = stage_mentions
            return doc

        # The layout of the Doc, read once: sentences, clauses ("units"), the
        # clauses of each sentence and where each clause ends. Every lookup below
        # is a bisect or an index into these, not a scan of all clauses.
        text = doc_text(doc)
        sents = _sentence_bounds(doc, text)
        starts, sent_of = _units(text, sents)
        unit_end = [*starts[1:], len(text)]
        units_of_sent: list[list[int]] = [[] for _ in sents]
        for k, s in enumerate(sent_of):
            units_of_sent[s].append(k)

        def unit(pos: int) -> int:
            return max(0, bisect_right(starts, pos) - 1)

        drug_refs = sorted(
            (_Ref(m.start, m.end, i) for i, d in enumerate(drugs) for m in d.mentions),
            key=lambda r: r.start,
        )
        ref_starts = [r.start for r in drug_refs]
        org_refs = sorted(
            (_Ref(m.start, m.end, i) for i, o in enumerate(orgs) for m in o.mentions),
            key=lambda r: r.start,
        )
        # The drug mentions of each clause and of each sentence, in text order
        # (drug_refs is sorted by start and clauses follow each other, so
        # grouping keeps that order).
        refs_by_unit: dict[int, list[_Ref]] = {}
        for r in drug_refs:
            refs_by_unit.setdefault(unit(r.start), []).append(r)
        refs_of_sent: list[list[_Ref]] = [
            [r for k in us for r in refs_by_unit.get(k, ())] for us in units_of_sent
        ]

        def in_sentence(s: int) -> list[_Ref]:
            """The drug mentions that start inside sentence ``s``."""
            lo, hi = sents[s]
            return [r for r in refs_of_sent[s] if lo <= r.start < hi]

        def last_ending_by(pos: int) -> _Ref | None:
            """The last drug mention (in text order) that ends by ``pos``, passing over
            a procedure's tool named in an aside ("Every patient is scanned with X
            ... The molecule was developed by Y": the molecule is the drug named
            before X)."""
            refs = drug_refs[: bisect_right(ref_starts, pos)]
            k = _last_ending_by(refs, pos)
            if k >= 0 and _procedure_agent(text, refs[k].start):
                prior = [r for r in refs[:k] if r.end <= pos and r.idx != refs[k].idx]
                ok = [r for r in prior if not _procedure_agent(text, r.start)]
                return ok[-1] if ok else refs[k]
            return refs[k] if k >= 0 else None

        def sentence_first(u: int) -> int:
            return starts[units_of_sent[sent_of[u]][0]]

        def sentence_text(u: int) -> str:
            us = units_of_sent[sent_of[u]]
            return text[starts[us[0]] : unit_end[us[-1]]]

        # (start, end) of each indication span; its text is text[start:end] (a
        # Span's text is its characters without the last token's trailing space).
        ind_spans = [(sp.start_char, sp.end_char) for sp in doc.spans.get("indications", ())]
        gap_text = self._gap_filler(org_refs, ind_spans, text)
        reference = self._references(drugs, text)

        def enumeration(
            refs: Sequence[_Ref], k: int, step: int, *, tested: bool = False
        ) -> list[_Ref]:
            """refs[k] and its neighbours joined to it by 'and', commas, brackets;
            reading forward, "with" ends the list unless the trial is ``tested``
            as a combination ("a trial combining X with Y")."""
            out = [refs[k]]
            j = k
            while 0 <= j + step < len(refs):
                a, b = (refs[j + step], refs[j]) if step < 0 else (refs[j], refs[j + step])
                forward = step > 0 and not tested
                if a.idx != b.idx and not _enumerates(gap_text(a.end, b.start), forward=forward):
                    break
                j += step
                out.append(refs[j])
            return out

        # A clause's anaphora reading depends on the clause only; the stage,
        # indication and developer passes ask for the same clauses again.
        anaphora_memo: dict[int, list[_Ref]] = {}

        def anaphoric(u: int) -> list[_Ref]:
            found = anaphora_memo.get(u)
            if found is None:
                found = anaphora_memo[u] = read_anaphora(u)
            return list(found)

        def read_anaphora(u: int) -> list[_Ref]:
            hi = unit_end[u]
            s = sent_of[u]
            sent_first = sentence_first(u)
            if _PARTNER_ANAPHOR.search(text[sent_first:hi]):
                return combination_partner(u)
            if s >= 1 and _PLURAL_ANAPHOR.match(text[starts[u] : hi]):
                prev = refs_of_sent[s - 1]
                if prev:
                    return list(prev)
            if not _refers_back(text[sent_first:hi]):
                return []
            # The most recent drug mention within the window of sentences.
            last = last_ending_by(sent_first)
            if last is None:
                return []
            if s - sent_of[unit(last.start)] > self.anaphora_window:
                return []
            return [last]

        def combination_partner(u: int) -> list[_Ref]:
            """The drug given with another in the most recent combination named
            before clause ``u`` (within the anaphora window): "... pairs the
            capsules with an in-house MEK inhibitor, X" -> X."""
            lo = starts[u]
            s = sent_of[u]
            for r in reversed(drug_refs[: bisect_right(ref_starts, lo)]):
                if r.end > lo:
                    continue
                sr = sent_of[unit(r.start)]
                if s - sr > self.anaphora_window:
                    break
                first = sents[sr][0]
                if _PARTNER_CUE.search(text[max(first, r.start - 90) : r.start]):
                    return [r]
            return []

        topic = self._topic_drug(drugs, reference)

        def cataphoric(u: int) -> list[_Ref]:
            """The drug named by apposition at the start of the next sentence."""
            nxt = sent_of[u] + 1
            if nxt >= len(sents) or _PARTNER_ANAPHOR.search(sentence_text(u)):
                return []
            refs = refs_of_sent[nxt]
            if not refs:
                return []
            r = refs[0]  # the earliest: refs are in text order
            return [r] if _APPOSITION.match(text[starts[units_of_sent[nxt][0]] : r.start]) else []

        def described(u: int, pos: int) -> list[_Ref]:
            """The drug a definite description of the sentence names: the one
            nearest before the stage, else the first after it.

            "the influenza vaccine" after "a quadrivalent influenza subunit vaccine"
            names the most recent drug whose name holds all its content words; "the
            granules" or "the oral liquid" names the one product of the article
            whose name ends in that dosage form ("... Granules tested in Phase III,
            while the oral liquid was approved").
            """
            lo = sentence_first(u)
            sent = sentence_text(u)
            found: list[tuple[int, _Ref]] = []
            for m in _DEFINITE.finditer(sent):
                r = by_words(m.group(1), m.group(2), pos)
                if r is not None:
                    found.append((lo + m.start(), r))
            for m in _form_description().finditer(sent):
                r = by_form(m.group("form"), pos)
                if r is not None:
                    found.append((lo + m.start(), r))
            before = [f for f in found if f[0] < pos]
            if before:
                return [max(before, key=lambda f: f[0])[1]]
            return [min(found, key=lambda f: f[0])[1]] if found else []

        name_words: dict[int, set[str]] = {}  # drug index -> the words of its names

        def combination_object(between: str, pos: int, refs: Sequence[_Ref]) -> list[_Ref]:
            """The first partner of a tested combination when a description or a
            pronoun names it ("a Phase II study that pairs the capsules with X",
            "a trial combining it with Y"): both partners are tested."""
            m = _COMBO_OBJECT.search(between)
            if m is None:
                return []
            obj = " ".join(m.group("obj").split())
            if _PRONOUN_OBJECT.match(obj):
                k = _last_ending_by(refs, pos)
                return [refs[k]] if k >= 0 else []
            r: _Ref | None = None
            fm = next(_form_description().finditer(obj), None)
            if fm is not None:
                r = by_form(fm.group("form"), pos)
            else:
                dm = next(_DEFINITE.finditer(obj), None)
                if dm is not None:
                    r = by_words(dm.group(1), dm.group(2), pos)
            return [r] if r is not None else []

        def by_words(description: str, head_word: str, pos: int) -> _Ref | None:
            words = _descriptor_words(description)
            if not words:
                return None
            head = head_word.lower().rstrip("s")
            for r in reversed([r for r in drug_refs if r.end <= pos]):
                d = drugs[r.idx]
                names = name_words.get(r.idx)
                if names is None:
                    names = name_words[r.idx] = _name_words(d)
                if words <= names and (head in names or head == (d.modality or "")):
                    return r
            return None

        def by_form(form: str, pos: int) -> _Ref | None:
            owners = [i for i, d in enumerate(drugs) if _ends_with_form(d, form)]
            if len(owners) != 1:
                return None
            mentions = [r for r in drug_refs if r.idx == owners[0]]
            earlier = [r for r in mentions if r.end <= pos]
            return earlier[-1] if earlier else mentions[0]

        def previous_sentence(u: int, *, named_only: bool) -> list[_Ref]:
            """The drug the sentence before is about, for a stage in a sentence that
            names none and does not refer back in words ("X was developed by Y. Y
            said a Phase III trial will start in 2026"): the one drug it names
            (reference products aside), else (unless ``named_only``, a weaker
            reading tried last) the drug it refers back to itself ("The drug
            blocks factor B. In a Phase III study, ...")."""
            s_prev = sent_of[u] - 1
            if s_prev < 0:
                return []
            named = in_sentence(s_prev)
            if named:
                own = [r for r in named if not reference[r.idx]]
                return own[-1:] if len({r.idx for r in own}) == 1 else []
            first = unit(sents[s_prev][0])
            if named_only or _unnamed_plural(sentence_text(first)):
                return []
            return anaphoric(first)

        def recent_named(u: int) -> list[_Ref]:
            """The one drug named in the last few sentences, for a stage in a run of
            sentences that name none ("The drug, X, ... In a Phase 1 study, ...
            Adverse events were mild. A Phase 3 trial will start next year"). Any
            other drug, or unnamed plural programmes, in between leave it open.

            Past those few sentences (results, quotes), the one drug the article
            has named so far: "The therapy, X, was developed by Y. ... [five
            sentences on the trial and a doctor's quote] Y plans to start a
            pivotal Phase 3 trial" is X's."""
            s = sent_of[u]
            for sp in range(s - 1, max(-1, s - 1 - self.anaphora_window), -1):
                named = [r for r in in_sentence(sp) if not reference[r.idx]]
                if named:
                    return named[-1:] if len({r.idx for r in named}) == 1 else []
                lo, hi = sents[sp]
                if _unnamed_plural(text[lo:hi]):
                    return []
            before = [
                r
                for r in drug_refs[: bisect_right(ref_starts, starts[u])]
                if r.end <= starts[u] and not reference[r.idx]
            ]
            return before[-1:] if len({r.idx for r in before}) == 1 else []

        def compared_set(refs: Sequence[_Ref], after: Sequence[int], end: int) -> list[_Ref]:
            """The drugs listed after "the other two are" later in the sentence."""
            if not after:
                return []
            m = _OTHERS.search(text, end, refs[after[-1]].start + 1)
            if m is None:
                return []
            for k in after:
                if refs[k].start >= m.end():
                    if _OWNER_BEFORE.match(text[m.end() : refs[k].start]):
                        return enumeration(refs, k, +1)
                    break
            return []

        def apposition_head(refs: Sequence[_Ref], k: int, pos: int) -> int:
            """The drug a stage right after ``refs[k]`` is said of: ``refs[k]``
            itself, or the drug before it when ``refs[k]`` is named inside that
            drug's apposition ("X, a biosimilar of Y, was approved" -> X)."""
            if k == 0 or not _APPOSITION_CLOSE.match(text[refs[k].end : pos]):
                return k
            j = k - 1
            while j >= 0 and refs[j].end > refs[k].start:
                j -= 1
            if j < 0 or refs[j].idx == refs[k].idx:
                return k
            return j if _APPOSITION_OPEN.match(gap_text(refs[j].end, refs[k].start)) else k

        def batch_listed(u: int, counted: str) -> list[_Ref]:
            """The products of an approved batch counted in a sentence naming none
            ("Three new TCM products ... won approval"): the first that many drugs
            named after it, when the next sentences name at least that many."""
            s = sent_of[u]
            m = _COUNTED_BATCH.search(counted)
            if m is None or refs_of_sent[s]:
                return []
            want = _COUNTS[m.group("n").lower()]
            hi = sents[s][1]
            last = sents[min(len(sents) - 1, s + _BATCH_WINDOW)][1]
            firsts: dict[int, _Ref] = {}
            for r in drug_refs[bisect_left(ref_starts, hi) :]:
                if r.start >= last or len(firsts) == want:
                    break
                if not reference[r.idx]:
                    firsts.setdefault(r.idx, r)
            return list(firsts.values()) if len(firsts) == want else []

        def drugs_for_stage(pos: int, end: int, stage: str) -> tuple[list[_Ref], bool]:
            """The drugs a stage mention is about, and whether the link is only by
            reference (anaphora, a description, the article's topic) rather than a
            name in its sentence."""
            u = unit(pos)
            plural = _MODIFIES_PLURAL.match(text[end : end + 60])
            if plural:
                # "preclinical candidates HDP-102 and HDP-104" names them; "11
                # preclinical drug candidates" does not.
                refs = refs_by_unit.get(u, [])
                # "The approved products are X and Y": a copula may come between.
                head = end + plural.end()
                head += _PLURAL_COPULA.match(text, head).end() - head  # type: ignore[union-attr]
                named = [k for k, r in enumerate(refs) if 0 <= r.start - head <= 3]
                if named:
                    return enumeration(refs, named[0], +1), False
                if stage == "approved":
                    return batch_listed(u, text[end:head]), True
                return [], False
            s = sent_of[u]
            # The stage's clause first, then its whole sentence.
            for first, cand in (
                (starts[u], refs_by_unit.get(u, [])),
                (starts[units_of_sent[s][0]], refs_of_sent[s]),
            ):
                # A reference product beside its biosimilar is only the comparator.
                refs = [r for r in cand if not reference[r.idx]] or cand
                if not refs:
                    continue
                after = range(_first_from(refs, end), len(refs))
                if after and _links_forward(text[end : refs[after[0]].start]):
                    between = text[end : refs[after[0]].start]
                    tested = bool(
                        _TESTED_COMBO.search(between)
                        or _REGIMEN.search(between)
                        or _TRIAL_VERB.search(between)
                    )
                    found = enumeration(refs, after[0], +1, tested=tested)
                    if tested:
                        found += combination_object(between, pos, refs)
                    return found, False
                last_before = _last_ending_by(refs, pos)
                if last_before >= 0 and _new_subject(
                    text[refs[last_before].end : pos], text[end : end + 40]
                ):
                    return [], False
                if last_before >= 0:
                    # "X, a biosimilar of Y, was approved": the stage is X's.
                    last_before = apposition_head(refs, last_before, pos)
                    if _singular_relative(text[refs[last_before].end : pos]):
                        # "X together with Y, ..., which was approved in 2022": Y's.
                        found = [refs[last_before]]
                    else:
                        found = enumeration(refs, last_before, -1)
                    # "X gained approval in 2017, followed by Y a year later".
                    if after and _FOLLOWED_BY.match(text[end : refs[after[0]].start]):
                        found += enumeration(refs, after[0], +1)
                    else:
                        found += compared_set(refs, after, end)
                    return found, False
                if after and _unnamed_plural_clause(
                    text[first:pos], text[end : refs[after[0]].start]
                ):
                    return [], False
                # A reference product named after a stage is the comparator of
                # the biosimilar's trial ("a comparative Phase 3 study ...
                # equivalent to the reference product X"), not its subject.
                if after and not reference[refs[after[0]].idx]:
                    given = _REGIMEN.search(text[end : refs[after[0]].start])
                    return enumeration(refs, after[0], +1, tested=bool(given)), False
            found = described(u, pos)
            if found:
                return found, True
            sentence = sentence_text(u)
            if _device_sentence(sentence):
                return [], True  # "A second valve model won approval": the device's stage
            if _unnamed_plural(sentence):
                # "it will run Phase I trials for those candidates": the sentence is
                # about unnamed programmes, whatever "it" refers to.
                if stage == "approved":
                    return batch_listed(u, text[sentence_first(u) : pos]), True
                return [], True
            unnamed = _UNNAMED_SUBJECT.search(sentence)
            found = anaphoric(u) or cataphoric(u)
            if not found and unnamed and _unnamed_heads_stage(sentence[: pos - sentence_first(u)]):
                # "... made its name with an mRNA vaccine that was approved in
                # 2022": the unnamed product's stage, not the article's topic drug's.
                return [], True
            if not found and not unnamed:
                found = previous_sentence(u, named_only=True)
            found = found or by_indication(u)
            if not found and topic is not None:
                # A stage in a sentence naming no drug, in an article about one drug.
                found = [r for r in drug_refs if r.idx == topic][:1]
            if not found and not unnamed:
                found = previous_sentence(u, named_only=False) or recent_named(u)
            return found, True

        def drug_for_indication(pos: int, end: int) -> list[_Ref]:
            u = unit(pos)
            for refs in (refs_by_unit.get(u, []), refs_of_sent[sent_of[u]]):
                k = _last_ending_by(refs, pos)
                if k >= 0:
                    # "A and B, both for X" covers the list; "A (for X) and B" does not.
                    if _SHARED_BY_LIST.search(text[refs[k].end : pos]):
                        return enumeration(refs, k, -1)
                    return [refs[k]]
                k = _first_from(refs, end)
                if k < len(refs):
                    return [refs[k]]
            return anaphoric(u)

        # A drug mention overlapping an indication span: the mentions that start
        # before the span ends are a prefix of drug_refs; one of them overlaps it
        # when the furthest end among them passes the span's start.
        max_end: list[int] = [-1]
        for r in drug_refs:
            max_end.append(max(max_end[-1], r.end))
        indications_of: list[list[str]] = [[] for _ in drugs]
        for i_start, i_end in ind_spans:
            if max_end[bisect_left(ref_starts, i_end)] > i_start:
                continue  # "Norovirus" inside "... Norovirus Vaccine" is part of a name
            name = text[i_start:i_end]
            for r in drug_for_indication(i_start, i_end):
                seen = {i.lower() for i in indications_of[r.idx]}
                if name.lower() not in seen:
                    indications_of[r.idx].append(name)

        def by_indication(u: int) -> list[_Ref]:
            """The one drug of the article whose indication the sentence names: "its
            application for a breast cancer treatment was accepted", in an article
            where only one drug is for breast cancer.

            Every indication the sentence names must be that drug's: "6 applications
            covering diabetes, dry eye disease and gout" is about other products too.
            """
            lo, hi = sents[sent_of[u]]
            named = {text[a:b].lower() for a, b in ind_spans if lo <= a and b <= hi}
            if not named:
                return []
            owners = [
                i for i, inds in enumerate(indications_of) if named <= {x.lower() for x in inds}
            ]
            if len(owners) != 1:
                return []
            return [r for r in drug_refs if r.idx == owners[0]][:1]

        stage_sents = {sent_of[unit(sm.start)] for sm in stage_mentions}

        def trial_arms(sm: StageMention, linked: list[_Ref]) -> list[_Ref]:
            """The drugs given with ``linked`` in the arms of the trial a stage heads,
            as the next sentence lists them ("... in a Phase III trial. In the ABC-3
            study, patients were randomized to X alone, X plus Y, or chemotherapy"):
            Y is tested with X. An arm without a drug of the stage (a comparator)
            takes nothing. The next sentence must refer to the trial, give the
            regimens after a regimen verb and name no stage of its own."""
            s = sent_of[unit(sm.start)] + 1
            if (
                sm.stage not in _PHASED
                or not linked
                or s >= len(sents)
                or s in stage_sents
                or not _TRIAL_AFTER.match(text[sm.end : sm.end + 40])
            ):
                return []
            refs = in_sentence(s)
            lo = sents[s][0]
            k = next((k for k, r in enumerate(refs) if _REGIMEN.search(text[lo : r.start])), None)
            if k is None or not _TRIAL_REFERENCE.search(text[lo : refs[k].start]):
                return []
            arms: list[list[_Ref]] = [[refs[k]]]
            for prev, r in zip(refs[k:], refs[k + 1 :], strict=False):
                gap = _LONE_BRACKETS.sub(" ", _PARENS.sub(" ", gap_text(prev.end, r.start)))
                if _ARM_PARTNER.match(gap):
                    arms[-1].append(r)
                elif _ARM_SEPARATOR.match(gap):
                    arms.append([r])
                else:
                    break
            tested = {r.idx for r in linked}
            return [r for arm in arms if tested & {r.idx for r in arm} for r in arm]

        links = []
        for sm in stage_mentions:
            linked, weak = drugs_for_stage(sm.start, sm.end, sm.stage)
            links.append((sm, linked + trial_arms(sm, linked), weak))
        stages_of = self._stages_of(links, len(drugs), unit)
        for sm, linked, _ in links:
            linked = [r for r in linked if sm.stage in stages_of[r.idx]]
            if linked:
                nearest = min(
                    linked, key=lambda r: min(abs(r.start - sm.end), abs(sm.start - r.end))
                )
                sm.drug = drugs[nearest.idx].name

        developer_of = self._developers(
            drugs, orgs, drug_refs, org_refs, anaphoric, unit, text, sents
        )

        for i, d in enumerate(drugs):
            d.stages = sorted(stages_of[i], key=_STAGE_ORDER.__getitem__)  # type: ignore[assignment]
            d.indications = indications_of[i]
            d.developer = developer_of[i]

        doc._.organisations = orgs
        doc._.drugs = drugs
        doc._.stage_mentions = stage_mentions
        return doc


@Language.factory("bionews_linker", default_config={"anaphora_window": 3, "max_entities": 500})
def make_linker(nlp: Language, name: str, anaphora_window: int, max_entities: int) -> Linker:
    return Linker(anaphora_window, max_entities)
