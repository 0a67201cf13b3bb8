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
from .errors import BionewsError, InputError
from .nlp import get_nlp, run_pipeline
from .records import Article, ArticleRecord, Problem, RawDocument, record_id, text_id
from .version import extractor_version

#: Pages larger than this are refused before parsing (a user can raise it).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Text longer than this (characters) is cut before the NLP stage, with a warning.
DEFAULT_MAX_CHARS = 1_000_000
#: Entities of each kind (organisations, drugs, amounts, stage mentions) kept per
#: article; more are cut with a warning. A real article names a few dozen at most,
#: so hitting the cap means a list page or a hostile one. The pipeline's linker
#: has its own cap (its ``max_entities`` config, 500), which bounds values above it.
DEFAULT_MAX_ENTITIES = 500

Source = str | bytes | os.PathLike | RawDocument


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    return dt.date.fromisoformat(str(value)[:10])


def annotate(text: str) -> Doc:
    """The spaCy Doc with every typed span, for display or custom post-processing."""
    return run_pipeline(get_nlp(), text)


def build_record(
    article: Article,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_entities: int = DEFAULT_MAX_ENTITIES,
) -> ArticleRecord:
    """Turn a cleaned article into a record: NLP on English text, nothing invented otherwise."""
    return record_and_doc(article, max_chars=max_chars, max_entities=max_entities)[0]


def _linker_cut(doc: Doc) -> list[str]:
    """Warnings for entities the pipeline's own cap (the linker's ``max_entities``) dropped."""
    return [
        f"{kind} cut from {found} to {kept} (the pipeline's entity cap)"
        for kind, (found, kept) in (doc._.entity_cuts or {}).items()
    ]


def _cap_entities(
    orgs: list, drugs: list, amounts: list, stages: list, limit: int, warnings: list[str]
) -> tuple[list, list, list, list]:
    """Keep the first ``limit`` of each kind, and drop links that now point nowhere.

    Links must not dangle: an amount's ``equivalent_of`` index past the cut would
    fail validation, and a stage or developer naming a cut entity would name
    something the record no longer holds.
    """
    limit = max(0, limit)
    for name, items in (
        ("organisations", orgs),
        ("drugs", drugs),
        ("amounts", amounts),
        ("trial_stages", stages),
    ):
        if len(items) > limit:
            warnings.append(f"{name} cut from {len(items)} to {limit} (max_entities)")
    if len(orgs) > limit:
        orgs = orgs[:limit]
        kept = {o.name for o in orgs}
        drugs = [
            d
            if d.developer is None or d.developer in kept
            else d.model_copy(update={"developer": None})
            for d in drugs
        ]
    if len(drugs) > limit:
        drugs = drugs[:limit]
        names = {d.name for d in drugs}
        stages = [
            s if s.drug is None or s.drug in names else s.model_copy(update={"drug": None})
            for s in stages
        ]
    if len(amounts) > limit:
        amounts = [
            a
            if a.equivalent_of is None or a.equivalent_of < limit
            else a.model_copy(update={"equivalent_of": None})
            for a in amounts[:limit]
        ]
    return orgs, drugs, amounts, stages[:limit]


def record_and_doc(
    article: Article,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_entities: int = DEFAULT_MAX_ENTITIES,
) -> tuple[ArticleRecord, Doc | None]:
    """The record and the spaCy Doc it was read from (None when no NLP ran).

    ``max_chars`` bounds the text the pipeline reads and ``max_entities`` the
    entities kept of each kind; each cut leaves a warning on the record.
    """
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
        warnings += _linker_cut(doc)
        orgs, drugs, amounts, stages = _cap_entities(
            orgs, drugs, amounts, stages, max_entities, warnings
        )
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


def process(
    raw: RawDocument,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_entities: int = DEFAULT_MAX_ENTITIES,
) -> ArticleRecord:
    """Clean and extract one raw document; raises :class:`~bionews.errors.BionewsError`.

    Limits (see :func:`extract`): a page over ``max_bytes`` is refused as
    ``too_large`` before parsing; text over ``max_chars`` and entities over
    ``max_entities`` are cut, with a warning on the record.
    """
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
    return build_record(article, max_chars=max_chars, max_entities=max_entities)


def _to_raw(
    source: Source,
    url: str | None,
    published: dt.date | str | None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RawDocument:
    if isinstance(source, RawDocument):
        return source
    pub = _as_date(published)
    if isinstance(source, os.PathLike):
        from .readers import read_page_bytes  # readers imports this module

        path = Path(source)
        try:
            data = read_page_bytes(str(path), max_bytes)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc}", source=str(path)) from exc
        return RawDocument(source=str(path), url=url, data=data, published=pub)
    if isinstance(source, bytes):
        return RawDocument(source="<bytes>", url=url, data=source, published=pub)
    return RawDocument(source="<string>", url=url, text=source, published=pub)


def extract(
    source: Source,
    *,
    url: str | None = None,
    published: dt.date | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_entities: int = DEFAULT_MAX_ENTITIES,
) -> ArticleRecord:
    """Extract one article: an HTML page or plain text (str, bytes or a path).

    ``published`` is used when the page itself carries no date. Raises
    :class:`~bionews.errors.BionewsError` for input that is not an article.

    Limits, each with a default a caller can change: ``max_bytes`` (20 MB) refuses
    bigger pages at once with a ``too_large`` error (a path is refused unread);
    ``max_chars`` (1,000,000) cuts longer cleaned text before the NLP stage;
    ``max_entities`` (500) keeps at most that many organisations, drugs, amounts
    and stage mentions each. Every cut is named in ``record.warnings``. For a
    per-page time limit use :func:`extract_many` / the batch runner.
    """
    raw = _to_raw(source, url, published, max_bytes=max_bytes)
    return process(raw, max_bytes=max_bytes, max_chars=max_chars, max_entities=max_entities)


def extract_many(
    sources: Iterable[Source],
    *,
    workers: int = 1,
    ordered: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    time_limit: float | None = None,
) -> Iterator[ArticleRecord | Problem]:
    """Stream records lazily; bad inputs come out as :class:`Problem`, never as exceptions.

    With ``workers > 1`` documents are spread over separate processes, each with
    its own pipeline, and at most a bounded number are in flight at once.
    ``time_limit`` (seconds per page, default 30) turns a page that takes longer
    into a ``timeout`` Problem; ``max_bytes`` is as in :func:`extract`.
    """
    from .batch import DEFAULT_TIME_LIMIT, process_stream

    def raws() -> Iterator[RawDocument | Problem]:
        for s in sources:
            try:
                yield _to_raw(s, None, None, max_bytes=max_bytes)
            except BionewsError as exc:
                name = str(s) if isinstance(s, os.PathLike) else "<input>"
                yield Problem(source=exc.source or name, kind=exc.kind, message=str(exc))

    yield from process_stream(
        raws(),
        workers=workers,
        ordered=ordered,
        max_bytes=max_bytes,
        time_limit=DEFAULT_TIME_LIMIT if time_limit is None else time_limit,
    )
