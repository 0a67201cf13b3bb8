"""JSON Lines and Parquet sinks: plain files, with the same resume and crash rules."""

from __future__ import annotations

import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from bionews.errors import SinkError
from bionews.records import ArticleRecord, Problem
from bionews.sinks import guess_format, open_sink
from bionews.sinks.base import InputIndex
from bionews.sinks.jsonl import PROGRESS_SUFFIX, JsonlSink
from test_sinks_sqlite import make_record


def test_guess_format() -> None:
    assert guess_format("-") == "jsonl"
    assert guess_format("out/records.jsonl") == "jsonl"
    assert guess_format("out/data.parquet/") == "parquet"
    assert guess_format("out/data.parquet") == "parquet"
    assert guess_format("postgresql://u@h/db") == "postgres"
    assert guess_format("bionews.db") == "sqlite"


# -- JSON Lines ---------------------------------------------------------------------


def test_jsonl_lines_are_plain_records(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    recs = [make_record(f"https://news.example.org/{i}") for i in range(3)]
    with open_sink(str(path), batch_size=2) as sink:
        assert isinstance(sink, JsonlSink)
        for i, r in enumerate(recs):
            sink.write(r, source=f"/d/{i}.html", raw_hash=f"h{i}")
        sink.write_problem(Problem(source="/d/bad", kind="binary", message="x"), raw_hash="hb")
        assert sink.get(recs[1].id) == recs[1]
        # errors: the problem plus one warning row per record.
        assert sink.counts() == {"articles": 3, "errors": 1 + 3}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [ArticleRecord.model_validate_json(x) for x in lines] == recs
    assert json.loads(lines[0])["amounts"][0]["value"] == "1250000000"


def test_jsonl_resume_and_recovery_after_a_kill(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with JsonlSink(str(path)) as sink:
        sink.write(make_record("https://a.example/1"), source="s1", raw_hash="h1")
        sink.write_problem(Problem(source="s2", kind="empty", message="x"), raw_hash="h2")
    committed = path.read_bytes()
    # A batch cut short by SIGKILL: records written, commit line never reached.
    with path.open("ab") as fh:
        fh.write(make_record("https://a.example/2").model_dump_json().encode() + b'\n{"id":')
    with Path(str(path) + PROGRESS_SUFFIX).open("ab") as fh:
        fh.write(b'{"input": ["s3", "h3", "x", "ok"]}\n{"commit": 99')
    with JsonlSink(str(path)) as again:
        assert path.read_bytes() == committed
        assert again.seen("s1", "h1") and again.seen("s2", "h2")
        assert not again.seen("s1", "other") and not again.seen("s3", "h3")
        again.write(make_record("https://a.example/3"), source="s3", raw_hash="h3")
    ids = [json.loads(x)["url"] for x in path.read_text().splitlines()]
    assert ids == ["https://a.example/1", "https://a.example/3"]
    with JsonlSink(str(path)) as third:
        assert third.seen("s3", "h3")
        assert third.counts()["articles"] == 2


def test_jsonl_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rec = make_record()
    with open_sink("-") as sink:
        sink.write(rec)
        assert not sink.seen("x", "y")
    out = capsysbinary.readouterr().out
    assert ArticleRecord.model_validate_json(out) == rec


def test_jsonl_unwritable_target(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SinkError):
        open_sink(str(blocker / "out.jsonl"))


# -- Parquet -----------------------------------------------------------------------


def test_parquet_tables_round_trip(tmp_path: Path) -> None:
    ds = pytest.importorskip("pyarrow.dataset")
    root = tmp_path / "out.parquet"
    exact = "12345678901234567890.123456789"
    recs = [make_record(f"https://news.example.org/{i}", values=(exact, "1.50")) for i in range(5)]
    with open_sink(str(root) + "/", batch_size=2) as sink:
        for i, r in enumerate(recs):
            sink.write(r, source=f"s{i}", raw_hash="h")
        sink.write_problem(Problem(source="bad", kind="binary", message="x"), raw_hash="hb")
        assert sink.get(recs[3].id) == recs[3]
        counts = sink.counts()
    assert counts["articles"] == 5 and counts["amounts"] == 10 and counts["errors"] == 6
    amounts = ds.dataset(root / "amounts", format="parquet").to_table()
    assert sorted(set(amounts.column("value").to_pylist())) == ["1.50", exact]
    assert Decimal(amounts.column("value")[0].as_py()) == Decimal(exact)
    arts = ds.dataset(root / "articles", format="parquet").to_table()
    assert arts.num_rows == 5
    assert str(arts.schema.field("published").type) == "date32[day]"
    with open_sink(str(root), format="parquet") as again:
        assert again.seen("s4", "h") and again.seen("bad", "hb") and not again.seen("s4", "x")


def test_parquet_removes_only_its_own_uncommitted_files(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from bionews.sinks.parquet import ParquetSink

    root = tmp_path / "pq"
    with ParquetSink(str(root)) as sink:
        sink.write(make_record(), source="s", raw_hash="h")
    mine = root / "articles" / "part-main-000007.parquet"
    theirs = root / "articles" / "part-p3-000000.parquet"
    half = root / "amounts" / ".part-main-000008.parquet.tmp"
    for f in (mine, theirs, half):
        f.write_bytes(b"half-written")
    with ParquetSink(str(root)) as again:
        assert not mine.exists() and not half.exists()
        assert theirs.exists()  # another writer may still be running
        assert again.counts()["articles"] == 1
        again.write(make_record("https://b.example/"), source="t", raw_hash="h")
    assert ParquetSink(str(root)).counts()["articles"] == 2


def test_parquet_unwritable_target(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SinkError):
        open_sink(str(blocker / "out.parquet/"))


def test_input_index_answers_like_the_last_entry_per_source() -> None:
    idx = InputIndex()
    idx.mark("a.html", "h1", "stored")
    idx.mark("b.html", "h2", "failed")
    idx.mark("c.html", "h3", "retry")
    assert idx.seen("a.html", "h1") and idx.seen("b.html", "h2")
    assert not idx.seen("a.html", "h2")  # changed content is redone
    assert not idx.seen("c.html", "h3")  # a time-out is tried again
    assert not idx.seen("d.html", "h1")
    idx.mark("a.html", "h9", "stored")  # the newest content of a source wins
    assert idx.seen("a.html", "h9") and not idx.seen("a.html", "h1")
    idx.mark("e\udcff.html", None, "failed")  # undecodable path, no hash: no error
    assert not idx.seen("e\udcff.html", "")
    assert len(idx) == 4


def test_input_index_stays_small_per_input() -> None:
    # A JSONL or Parquet run keeps this index for every input it has seen; with the
    # source and hash strings themselves it took ~400 bytes an input, which made
    # the run's memory grow visibly over 20,000 pages.
    n = 20_000
    sources = [f"/data/crawl/2025/06/page-{i:06d}.html" for i in range(n)]
    hashes = [f"{i:064x}" for i in range(n)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    idx = InputIndex()
    for s, h in zip(sources, hashes, strict=True):
        idx.mark(s, h, "stored")
    per_input = (tracemalloc.get_traced_memory()[0] - before) / n
    tracemalloc.stop()
    assert per_input < 160, per_input
    assert all(idx.seen(s, h) for s, h in zip(sources[:100], hashes[:100], strict=True))
