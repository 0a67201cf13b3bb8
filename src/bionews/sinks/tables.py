"""The normalised table layout, derived from the pydantic record models.

Every sink (SQLite, PostgreSQL, Parquet) builds its tables from :data:`TABLES`,
so a field added to :class:`~bionews.records.Amount` becomes a column
everywhere without touching three hand-written schemas. Rows are produced in
"JSON mode" (dates as ISO strings, decimals as exact strings, lists as Python
lists); each sink converts them to its native types with the column ``kind``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from ..records import Amount, ArticleRecord, Drug, Organisation, Problem, StageMention

#: Logical column kinds; each sink maps them to a native type.
Kind = Literal["text", "int", "bool", "decimal", "date", "json", "timestamp"]

#: Fields kept only inside the full record JSON: offsets lists would add a
#: third level of nesting that no table consumer has asked for.
_RECORD_ONLY = frozenset({"mentions"})


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    #: Columns of the primary key (empty: no key, rows are only ever appended).
    key: tuple[str, ...] = ()
    #: For child tables: the ArticleRecord attribute the rows come from.
    record_field: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _kind_of(annotation: Any) -> tuple[Kind, bool]:
    """Column kind and nullability of a pydantic field annotation."""
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        kind, _ = _kind_of(args[0]) if len(args) == 1 else ("json", True)
        return kind, True
    if origin is Literal:
        return "text", False
    if origin in (list, dict, tuple, set) or annotation in (list, dict):
        return "json", False
    if annotation is bool:
        return "bool", False
    if annotation is int:
        return "int", False
    if annotation is Decimal:
        return "decimal", False
    if annotation is dt.date:
        return "date", False
    if annotation is str:
        return "text", False
    return "json", True


def _model_columns(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> list[Column]:
    cols = []
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        kind, nullable = _kind_of(field.annotation)
        cols.append(Column(name, kind, nullable))
    return cols


#: (table name, ArticleRecord attribute, item model) of the one-to-many tables.
_CHILDREN: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("organisations", "organisations", Organisation),
    ("drugs", "drugs", Drug),
    ("amounts", "amounts", Amount),
    ("stages", "trial_stages", StageMention),
)
CHILD_FIELDS = frozenset(f for _, f, _ in _CHILDREN)


def _build() -> dict[str, Table]:
    art_cols = _model_columns(ArticleRecord, skip=CHILD_FIELDS)
    art_cols = [Column(c.name, c.kind, c.name != "id") for c in art_cols]
    art_cols += [
        Column("record", "json", False),
        Column("source", "text"),
        Column("raw_hash", "text"),
        Column("stored_at", "timestamp", False),
    ]
    tables = {"articles": Table("articles", tuple(art_cols), key=("id",))}
    for name, field, model in _CHILDREN:
        cols = [Column("article_id", "text", False), Column("idx", "int", False)]
        cols += _model_columns(model, skip=_RECORD_ONLY)
        tables[name] = Table(name, tuple(cols), key=("article_id", "idx"), record_field=field)
    tables["errors"] = Table(
        "errors",
        (*_model_columns(Problem), Column("raw_hash", "text"), Column("at", "timestamp", False)),
    )
    # One row per input ever finished (stored or failed): what resume consults.
    tables["inputs"] = Table(
        "inputs",
        (
            Column("source", "text", False),
            Column("raw_hash", "text"),
            Column("article_id", "text"),
            Column("status", "text", False),
            Column("at", "timestamp", False),
        ),
        key=("source",),
    )
    return tables


TABLES: dict[str, Table] = _build()
CHILD_TABLES: tuple[Table, ...] = tuple(t for t in TABLES.values() if t.record_field)

#: Problem kinds worth retrying on a resumed run: they say nothing about the input.
RETRY_KINDS = frozenset({"timeout", "crash", "internal"})


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(slots=True)
class RecordRows:
    """All rows one record turns into, ready for a sink to write in one go."""

    article: dict[str, Any]
    children: dict[str, list[dict[str, Any]]]
    warnings: list[dict[str, Any]]
    input: dict[str, Any] | None


#: Article columns that come from the record (the rest are added per row).
_ARTICLE_FIELDS = tuple(
    n for n in TABLES["articles"].column_names if n in ArticleRecord.model_fields
)
#: (table, names of its columns that come from the item) per child table.
_CHILD_FIELDS = tuple((t, t.column_names[2:]) for t in CHILD_TABLES)


def _dump_exclude() -> dict[str, Any]:
    """What the rows never read: the text (taken as it is from the record) and the
    record-only mention lists. Dumping without them skips most of the work."""
    exclude: dict[str, Any] = {"text": True}
    for _, field, model in _CHILDREN:
        if skip := _RECORD_ONLY & set(model.model_fields):
            exclude[field] = {"__all__": set(skip)}
    return exclude


_DUMP_EXCLUDE = _dump_exclude()


def record_rows(
    record: ArticleRecord,
    *,
    source: str | None = None,
    raw_hash: str | None = None,
    record_json: str | None = None,
) -> RecordRows:
    """The rows of ``record``; ``record_json`` is its ``model_dump_json()`` when the
    caller already has it (a worker sends records as their JSON).

    Column values are in JSON mode, exactly as ``json.loads(record_json)`` would
    give them, but come from a JSON-mode dump that leaves out the text and the
    mentions: parsing the whole record back cost three times as much.
    """
    if record_json is None:
        record_json = record.model_dump_json()
    data = record.model_dump(mode="json", exclude=_DUMP_EXCLUDE)
    data["text"] = record.text
    at = now_iso()
    article = {name: data.get(name) for name in _ARTICLE_FIELDS}
    article.update(record=record_json, source=source, raw_hash=raw_hash, stored_at=at)
    rid = record.id
    children: dict[str, list[dict[str, Any]]] = {}
    for table, names in _CHILD_FIELDS:
        rows = []
        for idx, item in enumerate(data[table.record_field or ""]):
            row: dict[str, Any] = {"article_id": rid, "idx": idx}
            for name in names:
                row[name] = item.get(name)
            rows.append(row)
        children[table.name] = rows
    where = source or record.url or record.id
    warnings = [
        problem_row(warning_problem(where, w), raw_hash=raw_hash, at=at) for w in record.warnings
    ]
    inp = None
    if source is not None:
        inp = {"source": source, "raw_hash": raw_hash, "article_id": rid, "status": "ok"}
        inp["at"] = at
    return RecordRows(article, children, warnings, inp)


def warning_problem(source: str, warning: str) -> Problem:
    """A record warning as a Problem row: ``"kind: message"`` keeps its kind."""
    head, sep, _ = warning.partition(":")
    kind = head.strip() if sep and head.strip().isidentifier() and len(head) <= 32 else "warning"
    return Problem(source=source, kind=kind, message=warning, severity="warning")


def problem_row(problem: Problem, *, raw_hash: str | None = None, at: str | None = None) -> dict:
    row: dict[str, Any] = problem.model_dump(mode="json")
    row.update(raw_hash=raw_hash, at=at or now_iso())
    return row


def problem_input_row(problem: Problem, raw_hash: str | None) -> dict[str, Any] | None:
    """The ``inputs`` row of a failed input; retryable kinds are not remembered."""
    if raw_hash is None or problem.severity != "error":
        return None
    status = "retry" if problem.kind in RETRY_KINDS else "failed"
    return {
        "source": problem.source,
        "raw_hash": raw_hash,
        "article_id": None,
        "status": status,
        "at": now_iso(),
    }


def record_from_json(value: str | bytes | dict) -> ArticleRecord:
    if isinstance(value, dict):
        return ArticleRecord.model_validate(value)
    return ArticleRecord.model_validate_json(value)
