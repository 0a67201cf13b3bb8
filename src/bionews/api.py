"""The library API: one article in, one validated record out.

``extract`` is the per-document function every path shares: the CLI runner, the
worker processes and the Dask bag all call :func:`process`, so a record is the
same whichever way it was produced.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from .clean import clean
from .dates import find_dates
from .errors import InputError
from .nlp import get_nlp
from .records import Article, ArticleRecord, Problem, RawDocument, record_id, text_id
from .version import extractor_version

#: Pages larger than this are refused before parsing (a user can raise it).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Text longer than this (characters) is cut before the NLP stage, with a warning.
DEFAULT_MAX_CHARS = 1_000_000

Source = str | bytes | os.PathLike | RawDocument


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    return dt.date.fromisoformat(str(value)[:10])


def annotate(text: str) -> Doc:
    """The spaCy Doc with every typed span, for display or custom post-processing."""
    return get_nlp()(text)


def build_record(article: Article, *, max_chars: int = DEFAULT_MAX_CHARS) -> ArticleRecord:
    """Turn a cleaned article into a record: NLP on English text, nothing invented otherwise."""
    return record_and_doc(article, max_chars=max_chars)[0]


def record_and_doc(
    article: Article, *, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[ArticleRecord, Doc | None]:
    """The record and the spaCy Doc it was read from (None when no NLP ran)."""
    doc: Doc | None = None
    warnings = list(article.warnings)
    text = article.text
    if len(text) > max_chars:
        warnings.append(f"text cut from {len(text)} to {max_chars} characters before extraction")
        text = text[:max_chars]
    orgs: list = []
    drugs: list = []
    amounts: list = []
    stages: list = []
    if article.language in (None, "en") and text.strip():
        doc = annotate(text)
        orgs = doc._.organisations or []
        drugs = doc._.drugs or []
        amounts = doc._.amounts or []
        stages = doc._.stage_mentions or []
    elif article.language not in (None, "en"):
        warnings.append(f"language '{article.language}' is not English: no entities extracted")
    record = ArticleRecord(
        id=record_id(article.canonical_url or article.url, text),
        url=article.url,
        site=article.site,
        title=article.title,
        authors=article.authors,
        published=article.published,
        text=text,
        organisations=orgs,
        drugs=drugs,
        amounts=amounts,
        trial_stages=stages,
        extractor_version=extractor_version(),
        canonical_url=article.canonical_url,
        language=article.language,
        content_hash=text_id(text),
        warnings=warnings,
        dates=find_dates(text, article.published) if text else [],
    )
    return record, doc


def process(raw: RawDocument, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ArticleRecord:
    """Clean and extract one raw document; raises :class:`~bionews.errors.BionewsError`."""
    if raw.data is not None:
        source: str | bytes = raw.data
    elif raw.html is not None:
        source = raw.html
    elif raw.text is not None:
        source = raw.text
    else:
        raise InputError("document has neither html, text nor data", source=raw.source)
    try:
        article = clean(source, raw.url, content_type=raw.content_type, max_bytes=max_bytes)
    except InputError as exc:
        exc.source = exc.source or raw.source
        raise
    if raw.published is not None and article.published is None:
        article.published = raw.published
    return build_record(article)


def _to_raw(source: Source, url: str | None, published: dt.date | str | None) -> RawDocument:
    if isinstance(source, RawDocument):
        return source
    pub = _as_date(published)
    if isinstance(source, os.PathLike):
        path = Path(source)
        return RawDocument(source=str(path), url=url, data=path.read_bytes(), published=pub)
    if isinstance(source, bytes):
        return RawDocument(source="<bytes>", url=url, data=source, published=pub)
    return RawDocument(source="<string>", url=url, text=source, published=pub)


def extract(
    source: Source,
    *,
    url: str | None = None,
    published: dt.date | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ArticleRecord:
    """Extract one article: an HTML page or plain text (str, bytes or a path).

    ``published`` is used when the page itself carries no date. Raises
    :class:`~bionews.errors.BionewsError` for input that is not an article.
    """
    return process(_to_raw(source, url, published), max_bytes=max_bytes)


def extract_many(
    sources: Iterable[Source],
    *,
    workers: int = 1,
    ordered: bool = True,
) -> Iterator[ArticleRecord | Problem]:
    """Stream records lazily; bad inputs come out as :class:`Problem`, never as exceptions.

    With ``workers > 1`` documents are spread over separate processes, each with
    its own pipeline, and at most a bounded number are in flight at once.
    """
    from .batch import process_stream

    raws = (_to_raw(s, None, None) for s in sources)
    yield from process_stream(raws, workers=workers, ordered=ordered)
