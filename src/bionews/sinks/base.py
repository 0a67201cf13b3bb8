"""What every sink promises, and the batching they share.

A sink buffers rows and writes them one batch per transaction: an interrupted
run therefore loses at most the batch in progress, never half an article, and a
restart finds every committed article complete. ``seen`` answers "was this input
already handled with this exact content?", which is what makes runs resumable.
"""

from __future__ import annotations

import contextlib
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from ..records import ArticleRecord, Problem
from .tables import RecordRows, problem_input_row, problem_row, record_rows

#: Records per transaction: big enough to amortise the commit, small enough
#: that a killed run loses only seconds of work.
DEFAULT_BATCH_SIZE = 200


def _digest(text: str) -> int:
    """A 64-bit key for a string: at a million inputs, a collision is a 1-in-10^7 event."""
    data = text.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


class InputIndex:
    """Which content each input had when a file sink (JSONL, Parquet) last handled it.

    A database sink asks its ``inputs`` table; a file sink keeps this index in
    memory for the whole run, so it must stay small: one 64-bit key per source
    and one per content hash (about 100 bytes an input, a quarter of a dict of the
    strings), which keeps a 20,000-page run's memory flat. The last entry for a
    source wins, and a ``retry`` entry (a time-out) never counts as seen.
    """

    __slots__ = ("_hashes",)
    # Never digests (those are unsigned): a time-out to redo, an input with no hash.
    _RETRY, _NO_HASH = -1, -2

    def __init__(self) -> None:
        self._hashes: dict[int, int] = {}

    def mark(self, source: str, raw_hash: str | None, status: str) -> None:
        if status == "retry":
            self._hashes[_digest(source)] = self._RETRY
        else:
            self._hashes[_digest(source)] = self._NO_HASH if raw_hash is None else _digest(raw_hash)

    def seen(self, source: str, raw_hash: str) -> bool:
        return self._hashes.get(_digest(source)) == _digest(raw_hash)

    def __len__(self) -> int:
        return len(self._hashes)


@runtime_checkable
class Sink(Protocol):
    target: str

    def write(
        self,
        record: ArticleRecord,
        *,
        source: str | None = None,
        raw_hash: str | None = None,
        record_json: str | None = None,
    ) -> None: ...

    def write_problem(self, problem: Problem, *, raw_hash: str | None = None) -> None: ...

    def seen(self, source_key: str, raw_hash: str) -> bool: ...

    def seen_many(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]: ...

    def get(self, id: str) -> ArticleRecord | None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def __enter__(self) -> Sink: ...

    def __exit__(self, *exc: object) -> None: ...


class Batch:
    """The rows waiting for the next commit, deduplicated the way an upsert would."""

    def __init__(self) -> None:
        self.records: dict[str, RecordRows] = {}
        self.problems: list[dict[str, Any]] = []
        self.inputs: dict[str, dict[str, Any]] = {}
        #: Sources whose earlier error rows this batch replaces.
        self.sources: set[str] = set()

    def __len__(self) -> int:
        return len(self.records) + len(self.problems)

    def add_record(self, rows: RecordRows) -> None:
        # A later version of the same article wins, as it would in the table.
        self.records.pop(rows.article["id"], None)
        self.records[rows.article["id"]] = rows
        self.problems.extend(rows.warnings)
        self.sources.update(w["source"] for w in rows.warnings)
        if rows.input is not None:
            self.inputs[rows.input["source"]] = rows.input
            self.sources.add(rows.input["source"])

    def add_problem(self, row: dict[str, Any], inp: dict[str, Any] | None) -> None:
        self.problems.append(row)
        self.sources.add(row["source"])
        if inp is not None:
            self.inputs[inp["source"]] = inp

    def articles(self) -> list[dict[str, Any]]:
        return sorted((r.article for r in self.records.values()), key=lambda a: a["id"])

    def children(self, table: str) -> list[dict[str, Any]]:
        return [row for r in self.records.values() for row in r.children[table]]


class BaseSink(ABC):
    """Buffering, counting and the context-manager protocol; subclasses commit."""

    target: str

    def __init__(self, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.batch_size = max(1, batch_size)
        self._batch = Batch()
        self._closed = False
        self.written = 0
        self.problems_written = 0

    # -- writing ---------------------------------------------------------------
    def write(
        self,
        record: ArticleRecord,
        *,
        source: str | None = None,
        raw_hash: str | None = None,
        record_json: str | None = None,
    ) -> None:
        """Buffer ``record``; ``record_json``, when given, must be its ``model_dump_json()``."""
        self._check_open()
        rows = record_rows(record, source=source, raw_hash=raw_hash, record_json=record_json)
        self._batch.add_record(rows)
        self.written += 1
        if len(self._batch) >= self.batch_size:
            self.flush()

    def write_problem(self, problem: Problem, *, raw_hash: str | None = None) -> None:
        self._check_open()
        self._batch.add_problem(
            problem_row(problem, raw_hash=raw_hash), problem_input_row(problem, raw_hash)
        )
        self.problems_written += 1
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self._closed or not len(self._batch):
            return
        batch, self._batch = self._batch, Batch()
        try:
            self._commit(batch)
        except KeyboardInterrupt:
            # Interrupted mid-commit (Ctrl-C, SIGTERM): the transaction rolled
            # back, so keep the batch for the flush that the caller does next.
            if not len(self._batch):
                self._batch = batch
            raise

    @abstractmethod
    def _commit(self, batch: Batch) -> None:
        """Write one batch atomically (all of it or none of it)."""

    # -- reading ---------------------------------------------------------------
    @abstractmethod
    def seen(self, source_key: str, raw_hash: str) -> bool: ...

    def seen_many(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """The subset of ``keys`` already handled; sinks override it with one query."""
        return {k for k in keys if self.seen(*k)}

    @abstractmethod
    def get(self, id: str) -> ArticleRecord | None: ...

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Rows per table in the target (after flushing what is buffered)."""

    # -- lifetime --------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._closed = True
            self._release()

    def _release(self) -> None:  # noqa: B027 - optional hook, most sinks need it
        """Free connections and file handles (nothing to flush any more)."""

    def abort(self) -> None:
        """Drop the pending batch and close: for a failure in the sink itself."""
        self._batch = Batch()
        with contextlib.suppress(Exception):
            self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"sink {self.target!r} is closed")

    def __enter__(self) -> BaseSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # On Ctrl-C the buffered records are complete articles: keep them.
        # Only a failure inside the sink itself makes the buffer suspect.
        from ..errors import SinkError

        if isinstance(exc, SinkError):
            self.abort()
        else:
            self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.target!r})"
