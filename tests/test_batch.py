"""process_stream: in-process and worker-process runs give the same records, bounded."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bionews.batch import Outcome, process_one, process_stream, process_tagged
from bionews.records import ArticleRecord, Problem, RawDocument


def _pages(corpus_dir: Path) -> list[RawDocument]:
    pages = sorted((corpus_dir / "html").glob("*.html")) + sorted(
        (corpus_dir / "text").glob("*.txt")
    )
    assert len(pages) >= 6, "the bundled corpus should hold several pages"
    return [
        RawDocument(
            source=str(p),
            data=p.read_bytes(),
            content_type="text/html" if p.suffix == ".html" else "text/plain",
        )
        for p in pages
    ]


def _key(item: ArticleRecord | Problem) -> str:
    return item.model_dump_json() if isinstance(item, ArticleRecord) else f"P:{item.kind}"


@pytest.fixture(scope="module")
def inputs(corpus_dir: Path) -> list[RawDocument | Problem]:
    docs: list[RawDocument | Problem] = list(_pages(corpus_dir))
    docs.insert(2, RawDocument(source="empty.html", data=b"", content_type="text/html"))
    docs.insert(4, Problem(source="dump.jsonl#9", kind="parse", message="malformed JSON line"))
    return docs


@pytest.fixture(scope="module")
def serial(inputs: list[RawDocument | Problem]) -> list[Outcome]:
    return list(process_tagged(inputs, workers=1))


def test_in_process_results_keep_input_order(
    inputs: list[RawDocument | Problem], serial: list[Outcome]
) -> None:
    assert [o.source for o in serial] == [i.source for i in inputs]
    assert isinstance(serial[2].item, Problem) and serial[2].item.source == "empty.html"
    assert serial[2].item.kind == "empty"
    assert serial[4].item is inputs[4] and serial[4].raw_hash is None
    records = [o.item for o in serial if isinstance(o.item, ArticleRecord)]
    assert len(records) >= len(inputs) - 3
    assert all(
        o.raw_hash == i.raw_hash() for o, i in zip(serial, inputs, strict=True) if o.raw_hash
    )


@pytest.mark.slow
def test_workers_give_the_same_records(
    inputs: list[RawDocument | Problem], serial: list[Outcome]
) -> None:
    ordered = list(process_stream(inputs, workers=2, chunksize=2))
    assert [_key(x) for x in ordered] == [_key(o.item) for o in serial]
    unordered = list(process_stream(inputs, workers=2, ordered=False, chunksize=1))
    assert sorted(map(_key, unordered)) == sorted(_key(o.item) for o in serial)


@pytest.mark.slow
def test_worker_records_carry_the_json_the_sink_would_make(
    inputs: list[RawDocument | Problem],
) -> None:
    # The sink stores a worker's JSON as the record column instead of dumping the
    # parsed record again: the two must be the same text.
    out = list(process_tagged(inputs, workers=2, chunksize=2))
    records = [o for o in out if isinstance(o.item, ArticleRecord)]
    assert records
    assert all(o.record_json == o.item.model_dump_json() for o in records)
    assert all(o.record_json is None for o in out if not isinstance(o.item, ArticleRecord))


@pytest.mark.slow
def test_input_is_pulled_lazily_with_bounded_work_in_flight(
    inputs: list[RawDocument | Problem],
) -> None:
    docs = [d for d in inputs if isinstance(d, RawDocument)]
    pulled = 0

    def endless() -> Iterator[RawDocument]:
        nonlocal pulled
        while True:
            for d in docs:
                pulled += 1
                yield d

    stream = process_stream(endless(), workers=2, chunksize=2)
    for _ in range(30):
        next(stream)
    stream.close()
    # 2 workers x (1 + 2 queued) chunks x 2 docs, twice over for reordering: 24 + 30 out.
    assert 30 <= pulled <= 30 + 24 + 2


class _CrashOnArrival(bytes):
    """Page bytes that kill the worker process that unpickles them (a segfault stand-in)."""

    def __reduce__(self):
        return (os._exit, (3,))


class _HangOnArrival(bytes):
    """Page bytes that block the worker in an uninterruptible-looking wait."""

    def __reduce__(self):
        return (time.sleep, (120,))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("poison", "kind"), [(_CrashOnArrival, "crash"), (_HangOnArrival, "timeout")]
)
def test_a_dead_or_stuck_worker_costs_one_page(
    inputs: list[RawDocument | Problem], serial: list[Outcome], poison: type, kind: str
) -> None:
    bad = RawDocument(source="poison.html", data=poison(b"<p>x</p>"), content_type="text/html")
    docs = [*inputs[:3], bad, *inputs[3:]]
    started = time.monotonic()
    out = list(process_tagged(docs, workers=2, chunksize=1, time_limit=1.0, kill_after=2.5))
    assert time.monotonic() - started < 90
    assert [o.source for o in out] == [d.source for d in docs]
    assert isinstance(out[3].item, Problem) and out[3].item.kind == kind
    rest = [o for i, o in enumerate(out) if i != 3]
    assert [_key(o.item) for o in rest] == [_key(o.item) for o in serial]


def test_per_page_time_limit_in_process(inputs: list[RawDocument | Problem]) -> None:
    page = next(d for d in inputs if isinstance(d, RawDocument) and d.source.endswith(".html"))
    result = process_one(page, time_limit=1e-6)
    assert isinstance(result, Problem) and result.kind == "timeout"
    assert result.source == page.source
    assert isinstance(process_one(page, time_limit=None), ArticleRecord)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_time_limit_survives_an_alarm_swallowed_in_a_gc_callback() -> None:
    """An exception raised inside a gc callback is printed and dropped by Python;
    the first alarm is made to land there, and the limit must still stop the work."""
    import gc

    from bionews.batch import _deadline
    from bionews.errors import TimeoutError_

    fired_in_callback: list[bool] = []

    def slow_callback(phase: str, info: dict) -> None:
        if phase == "start" and not fired_in_callback:
            fired_in_callback.append(True)
            time.sleep(0.5)  # the 0.2 s alarm goes off in here and is swallowed

    started = time.monotonic()
    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(TimeoutError_), _deadline(0.2):
            gc.collect(0)  # runs the callback, which swallows the first alarm
            while time.monotonic() - started < 5:
                sum(range(1000))  # plain work, outside any collector callback
    finally:
        gc.callbacks.remove(slow_callback)
    assert fired_in_callback
    assert time.monotonic() - started < 2


def test_an_immediate_time_limit_leaves_no_alarm_behind() -> None:
    """A limit so short that it fires while being armed must still be disarmed."""
    import signal

    from bionews.batch import _deadline
    from bionews.errors import TimeoutError_

    before = signal.getsignal(signal.SIGALRM)
    for _ in range(200):
        try:
            with _deadline(1e-6):
                sum(range(10_000))
        except TimeoutError_:
            pass
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGALRM) is before
    time.sleep(0.6)  # a re-firing alarm left armed would raise here


def test_in_process_runs_free_the_words_their_pages_add(
    monkeypatch: pytest.MonkeyPatch, inputs: list[RawDocument | Problem], serial: list[Outcome]
) -> None:
    # Every page brings new words, numbers and codes into spaCy's string store; the
    # runner's in-process path keeps them in a memory zone per chunk, so a long run
    # does not grow with them. Records must be what the plain path gives.
    import bionews.batch as batch
    from bionews import get_nlp

    monkeypatch.setattr(batch, "ZONE_DOCS", 3)
    strings = get_nlp().vocab.strings
    fresh = [
        RawDocument(
            source=f"fresh-{i}",
            text=(
                f"Zorqal{i} Biotech said its candidate ZQ-{7301 + i} entered a Phase II trial "
                f"in Qelmarin{i} City, backed by RMB {40 + i} million from Vintorex{i} Capital."
            ),
        )
        for i in range(7)
    ]
    before = len(strings)
    zoned = list(process_tagged([*inputs, *fresh], workers=1, memory_zones=True))
    assert len(strings) == before
    assert "Zorqal3" not in strings
    assert [_key(o.item) for o in zoned[: len(serial)]] == [_key(o.item) for o in serial]
    assert all(isinstance(o.item, ArticleRecord) for o in zoned[len(serial) :])
    assert any(d.name == "ZQ-7304" for d in zoned[-4].item.drugs)
