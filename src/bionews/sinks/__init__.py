"""Where records go: SQLite (default), PostgreSQL, JSON Lines, Parquet.

:func:`open_sink` picks the backend from the target string so the CLI and the
runner take one ``--db``-style argument; every backend implements
:class:`~bionews.sinks.base.Sink` and opens its target eagerly, so an
unwritable target fails before any input is read.
"""

from __future__ import annotations

from typing import Any, Literal

from .base import DEFAULT_BATCH_SIZE, BaseSink, Sink
from .tables import CHILD_TABLES, TABLES

Format = Literal["sqlite", "postgres", "jsonl", "parquet"]

__all__ = [
    "CHILD_TABLES",
    "DEFAULT_BATCH_SIZE",
    "TABLES",
    "BaseSink",
    "Format",
    "Sink",
    "guess_format",
    "open_sink",
]


def guess_format(target: str) -> Format:
    """The backend a target string names (URL scheme first, then file suffix)."""
    t = target.strip()
    low = t.lower()
    if low.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return "postgres"
    if low.startswith(("sqlite:", "file:")):
        return "sqlite"
    if t == "-" or low.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if low.rstrip("/").endswith(".parquet") or t.endswith("/"):
        return "parquet"
    return "sqlite"


def open_sink(target: str = "bionews.db", *, format: Format | None = None, **kw: Any) -> BaseSink:
    """Open ``target`` for writing; raises :class:`~bionews.errors.SinkError` if it cannot be.

    ``format`` overrides the guess (``--parquet out/`` names a plain directory);
    other keywords go to the backend (``batch_size``, ``writer`` for Parquet, ...).
    """
    fmt = format or guess_format(target)
    if fmt == "postgres":
        from .postgres import PostgresSink

        return PostgresSink(target, **kw)
    if fmt == "jsonl":
        from .jsonl import JsonlSink

        return JsonlSink(target, **kw)
    if fmt == "parquet":
        from .parquet import ParquetSink

        return ParquetSink(target, **kw)
    if fmt == "sqlite":
        from .sqlite import SqliteSink

        return SqliteSink(target, **kw)
    raise ValueError(f"unknown sink format {fmt!r}")
