"""A whole extraction run: inputs -> records -> a sink, resumable, with a summary.

This is what ``bionews extract`` calls. The sink is opened before anything is
read, so an unwritable target fails at once. Inputs already stored with the
same raw hash are skipped unparsed (``resume``); changed inputs are processed
again and their article replaced. Records are committed in batches, one
transaction each, so a run stopped by Ctrl-C, SIGTERM or SIGKILL leaves only
whole articles, and starting it again carries on where it stopped.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from .api import DEFAULT_MAX_BYTES
from .batch import DEFAULT_CHUNKSIZE, DEFAULT_TIME_LIMIT, process_tagged
from .readers import ReadStats, iter_sources
from .records import ArticleRecord, Problem, RawDocument
from .sinks import open_sink
from .sinks.base import BaseSink

#: Inputs looked up in the sink at once when deciding what to skip.
_SEEN_BLOCK = 64
ENTITY_FIELDS = ("organisations", "drugs", "amounts", "trial_stages")


class Summary(BaseModel):
    """What a run did; printed by the CLI, returned to library callers."""

    sink: str
    read: int = Field(0, description="Inputs read: documents and unreadable items")
    stored: int = Field(0, description="Records written")
    skipped: int = Field(0, description="Already stored with the same raw hash")
    failed: int = Field(0, description="Inputs that produced no record")
    warnings: int = Field(0, description="Warnings attached to stored records")
    unknown_files: int = Field(0, description="Files skipped for their extension")
    entities: dict[str, int] = Field(default_factory=lambda: dict.fromkeys(ENTITY_FIELDS, 0))
    problems: dict[str, int] = Field(default_factory=dict, description="Failures by kind")
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def per_second(self) -> float:
        return (self.stored + self.failed) / self.seconds if self.seconds else 0.0

    def add(self, other: Summary) -> None:
        """Fold another summary in (Dask partitions each return one)."""
        for name in ("read", "stored", "skipped", "failed", "warnings", "unknown_files"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.entities.items():
            self.entities[key] = self.entities.get(key, 0) + n
        for key, n in other.problems.items():
            self.problems[key] = self.problems.get(key, 0) + n

    def line(self) -> str:
        ents = ", ".join(f"{v} {k}" for k, v in self.entities.items())
        return (
            f"{self.read} read, {self.stored} stored, {self.skipped} skipped, "
            f"{self.failed} failed, {self.warnings} warnings ({ents}) in {self.seconds:.1f} s"
        )


class Tally:
    """Counts outcomes into a Summary and writes them to the sink."""

    def __init__(self, summary: Summary, sink: BaseSink) -> None:
        self.summary = summary
        self.sink = sink
        self.kinds: Counter[str] = Counter()

    def record(
        self,
        record: ArticleRecord,
        source: str | None,
        raw_hash: str | None,
        record_json: str | None = None,
    ) -> None:
        self.sink.write(record, source=source, raw_hash=raw_hash, record_json=record_json)
        s = self.summary
        s.stored += 1
        s.warnings += len(record.warnings)
        for name in ENTITY_FIELDS:
            s.entities[name] += len(getattr(record, name))

    def problem(self, problem: Problem, raw_hash: str | None) -> None:
        self.sink.write_problem(problem, raw_hash=raw_hash)
        if problem.severity == "warning":
            self.summary.warnings += 1
        else:
            self.summary.failed += 1
            self.kinds[problem.kind] += 1
            self.summary.problems = dict(self.kinds)


def skip_seen(
    items: Iterable[RawDocument | Problem], sink: BaseSink, summary: Summary
) -> Iterator[RawDocument | Problem]:
    """Drop inputs the sink already holds with the same raw hash (one query per block)."""
    block: list[RawDocument | Problem] = []

    def flush() -> Iterator[RawDocument | Problem]:
        keys = [(r.source, r.raw_hash()) for r in block if isinstance(r, RawDocument)]
        seen = sink.seen_many(keys) if keys else set()
        for r in block:
            if isinstance(r, RawDocument) and (r.source, r.raw_hash()) in seen:
                summary.skipped += 1
            else:
                yield r
        block.clear()

    for item in items:
        block.append(item)
        if len(block) >= _SEEN_BLOCK:
            yield from flush()
    yield from flush()


def _counted(items: Iterable[RawDocument | Problem], summary: Summary) -> Iterator[Any]:
    for item in items:
        summary.read += 1
        yield item


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Let ``kill`` stop a run as cleanly as Ctrl-C (flush whole batches, stop workers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(
    paths: Iterable[str],
    *,
    sink: str | BaseSink = "bionews.db",
    workers: int = 1,
    ordered: bool = True,
    progress: bool = True,
    resume: bool = True,
    chunksize: int = DEFAULT_CHUNKSIZE,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    sink_options: dict[str, Any] | None = None,
    raise_interrupt: bool = False,
) -> Summary:
    """Extract every document under ``paths`` into ``sink``; return what happened.

    ``sink`` is a target string for :func:`~bionews.sinks.open_sink` (opened and
    closed here) or an open sink (left open). Raises
    :class:`~bionews.errors.SinkError` before reading anything if the target
    cannot be written. On Ctrl-C (or SIGTERM) the records finished so far are
    committed and the summary comes back with ``interrupted=True`` (or, with
    ``raise_interrupt``, KeyboardInterrupt propagates); running again resumes.
    """
    started = time.monotonic()
    own = isinstance(sink, str)
    target: BaseSink = open_sink(sink, **(sink_options or {})) if isinstance(sink, str) else sink
    summary = Summary(sink=target.target)
    stats = ReadStats()
    tally = Tally(summary, target)
    bar = _progress_bar(progress)
    try:
        with _sigterm_as_interrupt():
            items: Iterable[RawDocument | Problem] = _counted(
                iter_sources(paths, stats=stats, max_bytes=max_bytes), summary
            )
            if resume:
                items = skip_seen(items, target, summary)
            outcomes = process_tagged(
                items,
                workers=workers,
                ordered=ordered,
                chunksize=chunksize,
                time_limit=time_limit,
                max_bytes=max_bytes,
                # Only records leave this loop, so spaCy's per-chunk memory zones are safe.
                memory_zones=True,
            )
            with contextlib.closing(outcomes):
                for outcome in outcomes:
                    if isinstance(outcome.item, ArticleRecord):
                        tally.record(
                            outcome.item, outcome.source, outcome.raw_hash, outcome.record_json
                        )
                    else:
                        tally.problem(outcome.item, outcome.raw_hash)
                    if bar is not None:
                        bar.update(1)
                        bar.set_postfix(stored=summary.stored, failed=summary.failed, refresh=False)
        target.flush()
    except KeyboardInterrupt:
        summary.interrupted = True
        # Everything buffered is a finished article: commit it before stopping.
        target.flush()
        if raise_interrupt:
            raise
    finally:
        if bar is not None:
            bar.close()
        summary.unknown_files = stats.skipped_total
        summary.seconds = round(time.monotonic() - started, 3)
        if own:
            target.close()
    return summary


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)
