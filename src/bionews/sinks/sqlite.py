"""SQLite: the embedded default target (one file, no server).

WAL mode lets readers query the database while a run writes to it; one
transaction per batch means a killed run leaves only whole articles behind.
Tables come from :mod:`bionews.sinks.tables`; columns added to the models later
are added to an existing file on open, so old databases keep working.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import SinkError
from ..records import SCHEMA_VERSION, ArticleRecord
from .base import DEFAULT_BATCH_SIZE, BaseSink, Batch
from .tables import CHILD_TABLES, TABLES, Table, now_iso, record_from_json

_SQL_TYPES = {
    "text": "TEXT",
    "int": "INTEGER",
    "bool": "INTEGER",
    # Exact: a REAL would turn 1.67 billion into 1669999999.9999998.
    "decimal": "TEXT",
    "date": "TEXT",
    "json": "TEXT",
    "timestamp": "TEXT",
}
#: WAL pages (4 KB each) between automatic checkpoints: 64 MB rather than the
#: default 4 MB. With synchronous=NORMAL a commit never waits for the disk, but
#: each checkpoint syncs the WAL and the database file; at the default a batch of
#: 200 articles set off one, and the waits were half the sink's wall time. The
#: WAL is still fully replayed after a kill, so only disk use between checkpoints
#: changes (the file is removed on close).
WAL_AUTOCHECKPOINT = 16384
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS errors_source ON errors(source)",
    "CREATE INDEX IF NOT EXISTS articles_url ON articles(url)",
    "CREATE INDEX IF NOT EXISTS amounts_currency ON amounts(currency)",
    "CREATE INDEX IF NOT EXISTS drugs_name ON drugs(name)",
    "CREATE INDEX IF NOT EXISTS organisations_name ON organisations(name)",
)


def sqlite_path(target: str) -> str:
    """``sqlite:///x.db`` or a plain path -> a path (or ``file:`` URI) sqlite3 accepts."""
    for prefix in ("sqlite:///", "sqlite://"):
        if target.startswith(prefix):
            return target[len(prefix) :] or ":memory:"
    return target


def _ddl(table: Table) -> str:
    cols = []
    for c in table.columns:
        null = "" if c.nullable else " NOT NULL"
        cols.append(f'"{c.name}" {_SQL_TYPES[c.kind]}{null}')
    if table.key:
        cols.append(f"PRIMARY KEY ({_names(table.key)})")
    return f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(cols)})"


def _names(names: tuple[str, ...]) -> str:
    # Quoted: "end" (an amount's offset) is an SQL keyword.
    return ", ".join(f'"{n}"' for n in names)


class _Encoder:
    """A table's row dict -> the tuple of SQLite values, in column order.

    Which columns need converting is worked out once per table rather than per
    value: rows are encoded by the tens of thousands, and most values pass as
    they are.
    """

    __slots__ = ("bool_at", "json_at", "names")

    def __init__(self, table: Table) -> None:
        self.names = table.column_names
        self.json_at = tuple(i for i, c in enumerate(table.columns) if c.kind == "json")
        self.bool_at = tuple(i for i, c in enumerate(table.columns) if c.kind == "bool")

    def __call__(self, row: dict[str, Any]) -> tuple[Any, ...]:
        out = list(map(row.get, self.names))
        for i in self.json_at:
            v = out[i]
            if v is not None and not isinstance(v, str):
                # Most list columns are empty; json.dumps is the row's main cost.
                out[i] = "[]" if v == [] else json.dumps(v, ensure_ascii=False)
        for i in self.bool_at:
            if out[i] is not None:
                out[i] = int(out[i])
        return tuple(out)


_ENCODERS = {name: _Encoder(t) for name, t in TABLES.items()}


def _upsert_sql(table: Table) -> str:
    names = table.column_names
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {table.name} ({_names(names)}) VALUES ({marks})"
    if table.key:
        updates = ", ".join(f'"{n}"=excluded."{n}"' for n in names if n not in table.key)
        sql += f" ON CONFLICT ({_names(table.key)}) DO UPDATE SET {updates}"
    return sql


class SqliteSink(BaseSink):
    def __init__(
        self,
        target: str = "bionews.db",
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(batch_size=batch_size)
        self.target = target
        self.path = sqlite_path(target)
        self._conn = self._open(timeout)
        self._sql = {name: _upsert_sql(t) for name, t in TABLES.items()}

    def _open(self, timeout: float) -> sqlite3.Connection:
        uri = self.path.startswith("file:")
        if self.path != ":memory:" and not uri:
            parent = Path(self.path).resolve().parent
            if not parent.is_dir():
                raise SinkError(f"cannot create {self.path}: {parent} is not a directory")
        try:
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, uri=uri)
        except sqlite3.Error as exc:
            raise SinkError(f"cannot open SQLite database {self.path}: {exc}") from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("BEGIN IMMEDIATE")
            for table in TABLES.values():
                conn.execute(_ddl(table))
                self._add_missing_columns(conn, table)
            for sql in _INDEXES:
                conn.execute(sql)
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            # A real write, so a read-only file fails here, before any work is done.
            conn.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('opened_at', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (SCHEMA_VERSION, now_iso()),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.close()
            raise SinkError(f"cannot write SQLite database {self.path}: {exc}") from exc
        return conn

    @staticmethod
    def _add_missing_columns(conn: sqlite3.Connection, table: Table) -> None:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
        for c in table.columns:
            if c.name not in have:
                conn.execute(f'ALTER TABLE {table.name} ADD COLUMN "{c.name}" {_SQL_TYPES[c.kind]}')

    def _commit(self, batch: Batch) -> None:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            articles = batch.articles()
            if articles:
                self._insert("articles", articles)
                ids = [(a["id"],) for a in articles]
                for child in CHILD_TABLES:
                    conn.executemany(f"DELETE FROM {child.name} WHERE article_id = ?", ids)
                    self._insert(child.name, batch.children(child.name))
            if batch.sources:
                conn.executemany(
                    "DELETE FROM errors WHERE source = ?", [(s,) for s in sorted(batch.sources)]
                )
            self._insert("errors", batch.problems)
            if batch.inputs:
                previous = self._article_ids_of(list(batch.inputs))
                self._insert("inputs", batch.inputs.values())
                self._drop_orphans(previous - set(batch.records))
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise SinkError(f"writing {self.path} failed: {exc}") from exc
            raise

    def _insert(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Upsert ``rows`` into ``table`` with its one prepared statement."""
        self._conn.executemany(self._sql[table], map(_ENCODERS[table], rows))

    def _article_ids_of(self, sources: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(sources), 500):
            part = sources[i : i + 500]
            rows = self._conn.execute(
                f"SELECT article_id FROM inputs WHERE article_id IS NOT NULL "
                f"AND source IN ({','.join('?' * len(part))})",
                part,
            )
            found.update(r[0] for r in rows)
        return found

    def _drop_orphans(self, ids: set[str]) -> None:
        """Articles an input used to produce and no input produces any more.

        An input whose text changed and which has no canonical URL gets a new
        article id; without this its old article would linger as a stale copy.
        """
        for article_id in sorted(ids):
            still = self._conn.execute(
                "SELECT 1 FROM inputs WHERE article_id = ? LIMIT 1", (article_id,)
            ).fetchone()
            if still is None:
                for name in ("articles", *(c.name for c in CHILD_TABLES)):
                    key = "id" if name == "articles" else "article_id"
                    self._conn.execute(f"DELETE FROM {name} WHERE {key} = ?", (article_id,))

    def seen(self, source_key: str, raw_hash: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM inputs WHERE source = ? AND raw_hash = ? AND status != 'retry'",
            (source_key, raw_hash),
        ).fetchone()
        return row is not None

    def seen_many(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        wanted = set(keys)
        found: set[tuple[str, str]] = set()
        names = sorted({s for s, _ in wanted})
        for i in range(0, len(names), 500):
            part = names[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(
                f"SELECT source, raw_hash FROM inputs WHERE status != 'retry' "
                f"AND source IN ({marks})",
                part,
            )
            found.update((s, h) for s, h in rows if (s, h) in wanted)
        return found

    def get(self, id: str) -> ArticleRecord | None:
        self.flush()
        row = self._conn.execute("SELECT record FROM articles WHERE id = ?", (id,)).fetchone()
        return None if row is None else record_from_json(row[0])

    def counts(self) -> dict[str, int]:
        self.flush()
        return {
            name: self._conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in TABLES
        }

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read-only convenience for tests and notebooks."""
        self.flush()
        return self._conn.execute(sql, params).fetchall()

    def _release(self) -> None:
        self._conn.close()
