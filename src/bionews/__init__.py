"""bionews: structured records from English-language biopharma news pages.

    >>> import bionews
    >>> rec = bionews.extract(html_or_text, url="https://www.ichongqing.info/...")
    >>> [d.name for d in rec.drugs], [(a.value, a.currency) for a in rec.amounts]

Stages are usable one by one: :func:`clean` (HTML or text to an
:class:`Article`), :func:`extract` (to an :class:`ArticleRecord`),
:func:`extract_many` (a lazy stream, optionally over worker processes).

Names are resolved lazily (PEP 562): ``import bionews.records`` in a worker or a
database loader does not pay for spaCy, BeautifulSoup and dateparser.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Bound eagerly: the submodule ``bionews.clean`` shares the function's name, and
# importing the submodule anywhere would otherwise rebind ``bionews.clean`` to it.
from .clean import clean
from .version import package_version

__version__ = package_version()

_EXPORTS: dict[str, str] = {
    # api
    "annotate": "api",
    "build_record": "api",
    "extract": "api",
    "extract_many": "api",
    "process": "api",
    "build_pipeline": "nlp",
    "get_nlp": "nlp",
    # errors
    "BionewsError": "errors",
    "InputError": "errors",
    "EmptyInputError": "errors",
    "BinaryInputError": "errors",
    "EncodingError": "errors",
    "TooLargeError": "errors",
    "NoArticleError": "errors",
    "SinkError": "errors",
    # records
    "MODALITIES": "records",
    "ORG_KINDS": "records",
    "SCHEMA_VERSION": "records",
    "STAGES": "records",
    "Amount": "records",
    "Article": "records",
    "ArticleRecord": "records",
    "Drug": "records",
    "Mention": "records",
    "Organisation": "records",
    "Problem": "records",
    "RawDocument": "records",
    "StageMention": "records",
    "json_schema": "records",
}

__all__ = [
    "MODALITIES",
    "ORG_KINDS",
    "SCHEMA_VERSION",
    "STAGES",
    "Amount",
    "Article",
    "ArticleRecord",
    "BinaryInputError",
    "BionewsError",
    "Drug",
    "EmptyInputError",
    "EncodingError",
    "InputError",
    "Mention",
    "NoArticleError",
    "Organisation",
    "Problem",
    "RawDocument",
    "SinkError",
    "StageMention",
    "TooLargeError",
    "__version__",
    "annotate",
    "build_pipeline",
    "build_record",
    "clean",
    "extract",
    "extract_many",
    "get_nlp",
    "json_schema",
    "process",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bionews' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .api import annotate, build_record, extract, extract_many, process
    from .errors import (
        BinaryInputError,
        BionewsError,
        EmptyInputError,
        EncodingError,
        InputError,
        NoArticleError,
        SinkError,
        TooLargeError,
    )
    from .nlp import build_pipeline, get_nlp
    from .records import (
        MODALITIES,
        ORG_KINDS,
        SCHEMA_VERSION,
        STAGES,
        Amount,
        Article,
        ArticleRecord,
        Drug,
        Mention,
        Organisation,
        Problem,
        RawDocument,
        StageMention,
        json_schema,
    )
