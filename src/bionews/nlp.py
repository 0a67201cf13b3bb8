"""The spaCy pipeline: a blank English Language with rule components, built once.

Each extractor is a spaCy component registered with a factory (config in, Doc
out), living in the module named after what it finds (:mod:`bionews.money`,
:mod:`bionews.stages`, :mod:`bionews.drugs`, :mod:`bionews.orgs`); the linker
(:mod:`bionews.linker`) runs last and turns the typed spans into record objects.
Building the pipeline loads every gazetteer and compiles every pattern, which is
why :func:`get_nlp` caches one per process.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .tokens import remember_text

# Results the components leave on the Doc. Spans for what displaCy should show
# (doc.spans["orgs"], doc.spans["drugs"], doc.spans["indications"]); record
# objects, with character offsets into doc.text, for the rest.
# ``entity_cuts``: kind -> (found, kept) where the linker's entity cap cut a list.
for _name in ("amounts", "stage_mentions", "organisations", "drugs", "entity_cuts"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Span.has_extension("org_kind"):
    Span.set_extension("org_kind", default=None)

#: Component order: money and stages first (they protect their spans from the
#: name finders: "Phase III" is no drug, "13 billion yuan" no organisation).
PIPE_NAMES: tuple[str, ...] = (
    "bionews_sentences",
    "bionews_money",
    "bionews_stages",
    "bionews_drugs",
    "bionews_orgs",
    "bionews_indications",
    "bionews_linker",
)

_lock = threading.Lock()


def build_pipeline() -> Language:
    """Build a fresh pipeline. Prefer :func:`get_nlp`, which builds one per process."""
    # Importing the modules registers their factories with spaCy.
    from . import drugs, indications, linker, money, orgs, sentences, stages  # noqa: F401

    nlp = spacy.blank("en")
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=1)
def _cached() -> Language:
    return build_pipeline()


def get_nlp() -> Language:
    """The process-wide pipeline (thread-safe first build)."""
    with _lock:
        return _cached()


def run_pipeline(nlp: Language, text: str) -> Doc:
    """``nlp(text)``, with the Doc's text known to the components from the start.

    The same steps as :meth:`Language.__call__` (tokenize, then each component in
    order); the only difference is that the text is handed to
    :func:`bionews.tokens.remember_text` instead of being rebuilt from tokens.
    """
    doc = remember_text(nlp.make_doc(text), text)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
