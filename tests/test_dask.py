"""Dask: process_bag and run_dask on a real two-process LocalCluster."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import pg
from bionews.batch import process_one
from bionews.readers import iter_sources
from bionews.records import ArticleRecord, RawDocument

pytestmark = pytest.mark.dask
pg_server = pg.pg_server
pg_url = pg.pg_url


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.bag")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture
def inputs(tmp_path: Path, corpus_dir: Path) -> Path:
    """Corpus pages spread over four folders (files are Dask's unit of work)."""
    root = tmp_path / "in"
    pages = sorted((corpus_dir / "html").glob("*.html"))
    for i, page in enumerate(pages):
        dest = root / f"part{i % 4}"
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, dest / page.name)
    (root / "part0" / "empty.html").write_bytes(b"")
    return root


def _expected(root: Path) -> dict[str, str]:
    out = {}
    for raw in iter_sources([str(root)]):
        assert isinstance(raw, RawDocument)
        rec = process_one(raw)
        if isinstance(rec, ArticleRecord):
            out[rec.id] = rec.model_dump_json()
    return out


def test_process_bag_matches_local_processing(client: object, inputs: Path) -> None:
    import dask.bag as db

    from bionews.distributed import process_bag

    raws = list(iter_sources([str(inputs)]))
    results = process_bag(db.from_sequence(raws, npartitions=3)).compute()
    records = {r.id: r.model_dump_json() for r in results if isinstance(r, ArticleRecord)}
    assert records == _expected(inputs)
    assert sum(1 for r in results if not isinstance(r, ArticleRecord)) == 1


def test_run_dask_jsonl_then_resume(client: object, inputs: Path, tmp_path: Path) -> None:
    from bionews.distributed import run_dask

    out = tmp_path / "out"
    summary = run_dask([str(inputs)], client=client, output=str(out), fmt="jsonl", npartitions=3)
    expected = _expected(inputs)
    assert summary.failed == 1 and summary.stored == summary.read - 1
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == 3
    lines = [json.loads(x) for p in parts for x in p.read_text().splitlines()]
    assert {x["id"] for x in lines} == set(expected)
    again = run_dask([str(inputs)], client=client, output=str(out), fmt="jsonl", npartitions=3)
    assert again.skipped == summary.read and again.stored == 0


def test_run_dask_parquet(client: object, inputs: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from bionews.distributed import run_dask
    from bionews.sinks.parquet import ParquetSink

    out = tmp_path / "out.parquet"
    summary = run_dask([str(inputs)], client=client, output=str(out), fmt="parquet")
    sink = ParquetSink(str(out), writer="reader")
    counts = sink.counts()
    assert counts["articles"] == summary.stored == len(_expected(inputs))
    assert counts["amounts"] == summary.entities["amounts"]
    ids = sink.read_table("articles").column("id").to_pylist()
    assert set(ids) == set(_expected(inputs))


@pytest.mark.postgres
def test_run_dask_into_postgres(client: object, inputs: Path, pg_url: str) -> None:
    from bionews.distributed import run_dask
    from bionews.sinks.postgres import PostgresSink

    summary = run_dask([str(inputs)], client=client, output=pg_url, npartitions=4)
    with PostgresSink(pg_url) as sink:
        counts = sink.counts()
        assert counts["articles"] == len(_expected(inputs)) == summary.stored
        assert counts["errors"] >= 1 and counts["inputs"] == summary.read
    again = run_dask([str(inputs)], client=client, output=pg_url, npartitions=4)
    assert again.skipped == summary.read
