"""Parquet: the normalised tables as a directory of part files, one per batch.

Layout: ``DIR/<table>/part-<writer>-<seq>.parquet`` for every table of
:mod:`bionews.sinks.tables`, readable as a dataset per table
(``pyarrow.dataset.dataset("DIR/amounts")``, ``pandas.read_parquet``). Each
writer (the local runner, or one Dask partition) keeps a commit log in
``DIR/_commits/<writer>.jsonl``; part files are renamed into place before their
commit line is written, and files not named in a log are removed when that
writer reopens, so a killed run leaves no half batch behind. Parquet is
append-only: a changed article is written again, and the row with the latest
``stored_at`` is current.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import SinkError
from ..records import ArticleRecord
from .base import BaseSink, Batch, InputIndex
from .tables import TABLES, Table, record_from_json

#: Bigger batches than the databases: many tiny part files make slow datasets.
PARQUET_BATCH_SIZE = 2000
_PART = re.compile(r"^part-(?P<writer>[A-Za-z0-9_.-]+)-(?P<seq>\d+)\.parquet$")


def _pa() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SinkError("Parquet output needs pyarrow: pip install 'bionews[parquet]'") from exc
    return pa, pq


def arrow_schema(table: Table) -> Any:
    pa, _ = _pa()
    types = {
        "text": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "decimal": pa.string(),  # exact, whatever the scale
        "date": pa.date32(),
        "json": pa.string(),
        "timestamp": pa.timestamp("s", tz="UTC"),
    }
    return pa.schema([pa.field(c.name, types[c.kind], c.nullable) for c in table.columns])


def _convert(table: Table, rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {}
    for c in table.columns:
        values = [r.get(c.name) for r in rows]
        if c.kind == "json":
            values = [
                v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for v in values
            ]
        elif c.kind == "date":
            values = [None if v is None else dt.date.fromisoformat(v) for v in values]
        elif c.kind == "timestamp":
            values = [None if v is None else dt.datetime.fromisoformat(v) for v in values]
        cols[c.name] = values
    return cols


class ParquetSink(BaseSink):
    def __init__(
        self, target: str, *, batch_size: int = PARQUET_BATCH_SIZE, writer: str = "main"
    ) -> None:
        super().__init__(batch_size=batch_size)
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", writer):
            raise ValueError(f"writer id {writer!r} must be a plain file-name token")
        self.target = target
        self.root = Path(target.rstrip("/") or ".")
        self.writer = writer
        self._pa, self._pq = _pa()
        self._committed: set[str] = set()
        self._seq = 0
        self._inputs = InputIndex()
        try:
            for name in (*TABLES, "_commits"):
                (self.root / name).mkdir(parents=True, exist_ok=True)
            self._recover()
            probe = self.root / "_commits" / f".probe-{writer}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise SinkError(f"cannot write Parquet directory {self.root}: {exc}") from exc
        self._load_inputs()

    # -- recovery --------------------------------------------------------------
    def _commit_logs(self) -> list[Path]:
        return sorted((self.root / "_commits").glob("*.jsonl"))

    def _recover(self) -> None:
        own = self.root / "_commits" / f"{self.writer}.jsonl"
        for path in self._commit_logs():
            good_end = 0
            with path.open("rb") as fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        break
                    self._committed.update(entry["files"])
                    if path == own:
                        self._seq = max(self._seq, int(entry["seq"]) + 1)
                    good_end = fh.tell()
            if path == own:
                with path.open("r+b") as fh:
                    fh.truncate(good_end)
        # Our own leftovers from a batch that never committed. Other writers'
        # uncommitted files may belong to a run still in progress: not ours to touch.
        for name in TABLES:
            for f in (self.root / name).iterdir():
                m = _PART.match(f.name.removesuffix(".tmp").lstrip("."))
                rel = f"{name}/{f.name}"
                if m and m["writer"] == self.writer and rel not in self._committed:
                    f.unlink()

    def _files(self, table: str) -> list[Path]:
        return sorted(self.root / rel for rel in self._committed if rel.split("/", 1)[0] == table)

    def _load_inputs(self) -> None:
        for path in self._files("inputs"):
            t = self._pq.read_table(path, columns=["source", "raw_hash", "status"])
            for s, h, st in zip(*(t.column(i).to_pylist() for i in range(3)), strict=True):
                self._inputs.mark(s, h, st)

    # -- writing ---------------------------------------------------------------
    def _commit(self, batch: Batch) -> None:
        tables: dict[str, list[dict[str, Any]]] = {
            "articles": batch.articles(),
            "errors": batch.problems,
            "inputs": list(batch.inputs.values()),
        }
        for name in ("organisations", "drugs", "amounts", "stages"):
            tables[name] = batch.children(name)
        written: list[str] = []
        try:
            for name, rows in tables.items():
                if not rows:
                    continue
                table = TABLES[name]
                rel = f"{name}/part-{self.writer}-{self._seq:06d}.parquet"
                arrow = self._pa.table(_convert(table, rows), schema=arrow_schema(table))
                # Hidden while incomplete: dataset readers skip dot files.
                tmp = self.root / name / f".{rel.split('/', 1)[1]}.tmp"
                self._pq.write_table(arrow, tmp, compression="zstd")
                os.replace(tmp, self.root / rel)
                written.append(rel)
            entry = {"seq": self._seq, "files": written}
            with (self.root / "_commits" / f"{self.writer}.jsonl").open("ab") as fh:
                fh.write(json.dumps(entry).encode() + b"\n")
        except OSError as exc:
            raise SinkError(f"writing {self.root} failed: {exc}") from exc
        self._committed.update(written)
        self._seq += 1
        for i in batch.inputs.values():
            self._inputs.mark(i["source"], i["raw_hash"], i["status"])

    # -- reading ---------------------------------------------------------------
    def seen(self, source_key: str, raw_hash: str) -> bool:
        return self._inputs.seen(source_key, raw_hash)

    def read_table(self, name: str) -> Any:
        """One table as a pyarrow Table (committed rows only)."""
        self.flush()
        files = self._files(name)
        if not files:
            return arrow_schema(TABLES[name]).empty_table()
        return self._pa.concat_tables(self._pq.read_table(f) for f in files)

    def get(self, id: str) -> ArticleRecord | None:
        self.flush()
        best: tuple[Any, str] | None = None
        for f in self._files("articles"):
            t = self._pq.read_table(
                f, columns=["id", "record", "stored_at"], filters=[("id", "=", id)]
            )
            pairs = zip(
                t.column("record").to_pylist(), t.column("stored_at").to_pylist(), strict=True
            )
            for rec, at in pairs:
                if best is None or at >= best[0]:
                    best = (at, rec)
        return None if best is None else record_from_json(best[1])

    def counts(self) -> dict[str, int]:
        self.flush()
        return {
            name: sum(self._pq.ParquetFile(f).metadata.num_rows for f in self._files(name))
            for name in TABLES
        }
