"""PostgreSQL via SQLAlchemy 2 (Core) and psycopg 3.

The same normalised tables as SQLite, with native types (NUMERIC amounts, DATE,
JSONB lists and the full record as JSONB). Upserts use ``ON CONFLICT``; a batch
is one transaction, retried whole when the connection drops or a deadlock is
detected (every statement in it is idempotent, so a retry cannot duplicate).
Several writers (Dask partitions) may share one database: DDL runs under an
advisory lock and rows are written in id order to keep lock order stable.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..errors import SinkError
from ..records import SCHEMA_VERSION, ArticleRecord
from .base import DEFAULT_BATCH_SIZE, BaseSink, Batch
from .tables import CHILD_TABLES, TABLES, Table, now_iso, record_from_json

log = logging.getLogger(__name__)

_DDL_LOCK = 0x62696F6E  # "bion": serialises CREATE TABLE across concurrent writers


class _RawJson(str):
    """Already-serialised JSON: passed to JSONB as is instead of encoded twice."""


def _json_serializer(value: Any) -> str:
    if isinstance(value, _RawJson):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _sa() -> Any:
    try:
        import sqlalchemy as sa
        from sqlalchemy.dialects import postgresql
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SinkError("PostgreSQL output needs: pip install 'bionews[postgres]'") from exc
    return sa, postgresql


def engine_url(target: str) -> str:
    """Use the psycopg 3 driver whatever spelling of the URL was given."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if target.startswith(prefix):
            return "postgresql+psycopg://" + target[len(prefix) :]
    raise SinkError(f"not a PostgreSQL URL: {target!r}")


def _metadata() -> tuple[Any, dict[str, Any]]:
    sa, pg = _sa()
    types = {
        "text": sa.Text,
        "int": sa.Integer,
        "bool": sa.Boolean,
        "decimal": sa.Numeric,
        "date": sa.Date,
        "json": pg.JSONB,
        "timestamp": lambda: sa.DateTime(timezone=True),
    }
    md = sa.MetaData()
    tables: dict[str, Any] = {}
    for t in TABLES.values():
        cols = [
            sa.Column(c.name, types[c.kind](), nullable=c.nullable, primary_key=c.name in t.key)
            for c in t.columns
        ]
        tables[t.name] = sa.Table(t.name, md, *cols)
    sa.Index("errors_source", tables["errors"].c.source)
    sa.Index("articles_url", tables["articles"].c.url)
    sa.Table("meta", md, sa.Column("key", sa.Text, primary_key=True), sa.Column("value", sa.Text))
    return md, tables


def _native(table: Table, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        r = {}
        for c in table.columns:
            v = row.get(c.name)
            if v is not None:
                if c.kind == "decimal":
                    v = Decimal(v)
                elif c.kind == "date":
                    v = dt.date.fromisoformat(v)
                elif c.kind == "timestamp":
                    v = dt.datetime.fromisoformat(v)
                elif c.kind == "json" and isinstance(v, str):
                    v = _RawJson(v)
            r[c.name] = v
        out.append(r)
    return out


class PostgresSink(BaseSink):
    def __init__(
        self,
        target: str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        retries: int = 5,
        connect_timeout: int = 10,
    ) -> None:
        super().__init__(batch_size=batch_size)
        sa, _ = _sa()
        self.target = target
        self.retries = retries
        self._sa = sa
        self._md, self._t = _metadata()
        self.engine = sa.create_engine(
            engine_url(target),
            pool_pre_ping=True,
            pool_size=1,
            max_overflow=1,
            json_serializer=_json_serializer,
            connect_args={"connect_timeout": connect_timeout},
        )
        try:
            self._create()
        except sa.exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise SinkError(f"cannot write PostgreSQL target: {_short(exc)}") from exc

    def _create(self) -> None:
        sa = self._sa
        with self.engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _DDL_LOCK})
            self._md.create_all(conn)
            insp = sa.inspect(conn)
            for name, table in self._t.items():
                have = {c["name"] for c in insp.get_columns(name)}
                for col in table.columns:
                    if col.name not in have:
                        ddl = col.type.compile(dialect=conn.dialect)
                        conn.execute(sa.text(f'ALTER TABLE {name} ADD COLUMN "{col.name}" {ddl}'))
            # A real write, so a read-only database fails now, before any work.
            self._upsert_meta(conn, {"schema_version": SCHEMA_VERSION, "opened_at": now_iso()})

    def _upsert_meta(self, conn: Any, values: dict[str, str]) -> None:
        _, pg = _sa()
        meta = self._md.tables["meta"]
        stmt = pg.insert(meta).values([{"key": k, "value": v} for k, v in values.items()])
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
        )

    def _upsert(self, conn: Any, name: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        _, pg = _sa()
        table = self._t[name]
        spec = TABLES[name]
        stmt = pg.insert(table)
        if spec.key:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(spec.key),
                set_={c: stmt.excluded[c] for c in spec.column_names if c not in spec.key},
            )
        conn.execute(stmt, _native(spec, rows))

    def _commit(self, batch: Batch) -> None:
        sa = self._sa
        articles = batch.articles()
        ids = [a["id"] for a in articles]
        for attempt in range(self.retries + 1):
            try:
                with self.engine.begin() as conn:
                    self._upsert(conn, "articles", articles)
                    if ids:
                        for child in CHILD_TABLES:
                            t = self._t[child.name]
                            conn.execute(sa.delete(t).where(t.c.article_id.in_(ids)))
                            self._upsert(conn, child.name, batch.children(child.name))
                    if batch.sources:
                        t = self._t["errors"]
                        conn.execute(sa.delete(t).where(t.c.source.in_(sorted(batch.sources))))
                    self._upsert(conn, "errors", batch.problems)
                    inputs = sorted(batch.inputs.values(), key=lambda i: i["source"])
                    previous = self._article_ids_of(conn, [i["source"] for i in inputs])
                    self._upsert(conn, "inputs", inputs)
                    self._drop_orphans(conn, previous - set(batch.records))
                return
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
                if attempt >= self.retries:
                    raise SinkError(f"writing to PostgreSQL failed: {_short(exc)}") from exc
                delay = min(0.2 * 2**attempt, 5.0)
                log.warning("PostgreSQL write failed (%s); retrying in %.1fs", _short(exc), delay)
                time.sleep(delay)
            except sa.exc.SQLAlchemyError as exc:
                raise SinkError(f"writing to PostgreSQL failed: {_short(exc)}") from exc

    def _article_ids_of(self, conn: Any, sources: list[str]) -> set[str]:
        if not sources:
            return set()
        t = self._t["inputs"]
        stmt = self._sa.select(t.c.article_id).where(
            t.c.source.in_(sources), t.c.article_id.is_not(None)
        )
        return {r[0] for r in conn.execute(stmt)}

    def _drop_orphans(self, conn: Any, ids: set[str]) -> None:
        """Articles an input used to produce and no input produces any more (see SQLite)."""
        if not ids:
            return
        sa = self._sa
        inputs = self._t["inputs"]
        used = sa.select(inputs.c.article_id).where(inputs.c.article_id.in_(sorted(ids)))
        stale = sorted(ids - {r[0] for r in conn.execute(used)})
        if not stale:
            return
        for child in CHILD_TABLES:
            t = self._t[child.name]
            conn.execute(sa.delete(t).where(t.c.article_id.in_(stale)))
        t = self._t["articles"]
        conn.execute(sa.delete(t).where(t.c.id.in_(stale)))

    def _read(self, stmt: Any) -> list[Any]:
        sa = self._sa
        for attempt in range(self.retries + 1):
            try:
                with self.engine.connect() as conn:
                    return list(conn.execute(stmt))
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
                if attempt >= self.retries:
                    raise SinkError(f"reading PostgreSQL failed: {_short(exc)}") from exc
                time.sleep(min(0.2 * 2**attempt, 5.0))
        return []  # pragma: no cover - the loop always returns or raises

    def seen(self, source_key: str, raw_hash: str) -> bool:
        return (source_key, raw_hash) in self.seen_many([(source_key, raw_hash)])

    def seen_many(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        sa = self._sa
        wanted = set(keys)
        if not wanted:
            return set()
        t = self._t["inputs"]
        stmt = sa.select(t.c.source, t.c.raw_hash).where(
            t.c.source.in_(sorted({s for s, _ in wanted})), t.c.status != "retry"
        )
        return {(s, h) for s, h in self._read(stmt) if (s, h) in wanted}

    def get(self, id: str) -> ArticleRecord | None:
        self.flush()
        t = self._t["articles"]
        rows = self._read(self._sa.select(t.c.record).where(t.c.id == id))
        return record_from_json(rows[0][0]) if rows else None

    def counts(self) -> dict[str, int]:
        self.flush()
        sa = self._sa
        return {
            name: self._read(sa.select(sa.func.count()).select_from(t))[0][0]
            for name, t in self._t.items()
        }

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Read-only convenience for tests and notebooks."""
        self.flush()
        return [tuple(r) for r in self._read(self._sa.text(sql).bindparams(**(params or {})))]

    def _release(self) -> None:
        self.engine.dispose()


def _short(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
