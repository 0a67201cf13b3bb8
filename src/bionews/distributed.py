"""Beyond one machine: the same per-document function on Dask.

Two levels. :func:`process_bag` maps a bag of RawDocuments to a bag of records
and Problems, for callers composing their own Dask graphs. :func:`run_dask`
is the batch run: input files are spread over partitions, each partition reads
its files, skips inputs already stored, processes the rest and writes them
itself (partitioned JSON Lines, Parquet part files, or straight into
PostgreSQL), so records never travel back through the scheduler; only a small
:class:`~bionews.runner.Summary` per partition does.

Each Dask worker process builds its spaCy pipeline once (it is cached per
process). The signal-based per-page time limit does not apply in Dask worker
threads; Dask's own task and worker lifetimes are the limit there.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from .api import DEFAULT_MAX_BYTES
from .batch import process_one
from .readers import ReadStats, expand_path, file_kind, iter_sources
from .records import ArticleRecord, Problem, RawDocument
from .runner import Summary, Tally, skip_seen
from .sinks import guess_format, open_sink

OutputFormat = Literal["jsonl", "parquet", "postgres"]


def _bag() -> Any:
    try:
        import dask.bag as db
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("Dask support needs: pip install 'bionews[dask]'") from exc
    return db


def _process_partition(
    items: Iterable[RawDocument | Problem], max_bytes: int
) -> list[ArticleRecord | Problem]:
    return [
        item if isinstance(item, Problem) else process_one(item, max_bytes=max_bytes)
        for item in items
    ]


def process_bag(bag: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """A bag of RawDocument / Problem -> a bag of ArticleRecord / Problem, same partitions."""
    return bag.map_partitions(_process_partition, max_bytes=max_bytes)


def list_inputs(paths: Iterable[str]) -> tuple[list[str], int]:
    """Input files under ``paths`` (sorted, deterministic) and how many were skipped."""
    files: list[str] = []
    skipped = 0
    for path in paths:
        for f in expand_path(path):
            if f is None:
                continue
            if file_kind(f) is None:
                skipped += 1
            else:
                files.append(f)
    return files, skipped


def _partition_target(output: str, fmt: OutputFormat, index: int) -> tuple[str, dict[str, Any]]:
    if fmt == "jsonl":
        return os.path.join(output, f"part-{index:05d}.jsonl"), {}
    if fmt == "parquet":
        return output, {"writer": f"p{index:05d}"}
    return output, {}


def _run_partition(
    task: tuple[int, list[str]],
    *,
    output: str,
    fmt: OutputFormat,
    resume: bool,
    max_bytes: int,
    batch_size: int | None,
) -> dict[str, Any]:
    index, files = task
    started = time.monotonic()
    target, options = _partition_target(output, fmt, index)
    if batch_size:
        options["batch_size"] = batch_size
    stats = ReadStats()
    with open_sink(target, format=fmt, **options) as sink:
        summary = Summary(sink=str(target))
        tally = Tally(summary, sink)
        items: Iterable[RawDocument | Problem] = iter_sources(
            files, stats=stats, max_bytes=max_bytes
        )
        counted = _count(items, summary)
        stream = skip_seen(counted, sink, summary) if resume else counted
        for item in stream:
            if isinstance(item, Problem):
                tally.problem(item, None)
                continue
            result = process_one(item, max_bytes=max_bytes)
            if isinstance(result, ArticleRecord):
                tally.record(result, item.source, item.raw_hash())
            else:
                tally.problem(result, item.raw_hash())
    summary.seconds = time.monotonic() - started
    return summary.model_dump()


def _count(items: Iterable[RawDocument | Problem], summary: Summary) -> Iterable[Any]:
    for item in items:
        summary.read += 1
        yield item


def run_dask(
    paths: Iterable[str],
    *,
    client: Any = None,
    output: str = "out/",
    fmt: OutputFormat | None = None,
    npartitions: int | None = None,
    resume: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int | None = None,
) -> Summary:
    """Process every input file under ``paths`` on Dask and write the results.

    ``output`` is a directory (``fmt`` "jsonl": one ``part-NNNNN.jsonl`` per
    partition; "parquet": a shared Parquet dataset) or a PostgreSQL URL. With
    ``client`` (a ``dask.distributed.Client``) the work runs on its cluster;
    without one, on Dask's default scheduler. Files are the unit of work: split
    one huge JSONL file into several to spread it. Partitioning is
    deterministic, so running again with ``resume`` skips stored inputs.
    """
    db = _bag()
    started = time.monotonic()
    fmt = fmt or ("postgres" if guess_format(output) == "postgres" else "jsonl")
    if fmt != "postgres":
        Path(output).mkdir(parents=True, exist_ok=True)
    # Open (and close) the target once here, so an unwritable one fails before any work.
    probe_target, probe_opts = _partition_target(output, fmt, 0)
    if fmt != "jsonl":
        open_sink(probe_target, format=fmt, **probe_opts).close()
    files, unknown = list_inputs(paths)
    n = max(1, min(len(files), npartitions or _default_partitions(client)))
    groups = [(i, files[i::n]) for i in range(n)]
    bag = db.from_sequence(groups, npartitions=n).map(
        _run_partition,
        output=output,
        fmt=fmt,
        resume=resume,
        max_bytes=max_bytes,
        batch_size=batch_size,
    )
    results = client.compute(bag).result() if client is not None else bag.compute()
    total = Summary(sink=output)
    for part in results:
        total.add(Summary.model_validate(part))
    total.unknown_files = unknown
    total.seconds = round(time.monotonic() - started, 3)
    return total


def _default_partitions(client: Any) -> int:
    if client is not None:
        try:
            return 4 * max(1, sum(client.nthreads().values()))
        except Exception:  # a client without a live cluster: fall through
            pass
    return 4 * (os.cpu_count() or 1)
