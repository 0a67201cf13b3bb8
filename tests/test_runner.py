"""runner.run: whole runs into SQLite, resume, failures, and a run killed mid-way."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bionews.errors import SinkError
from bionews.runner import Summary, run

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("articles", "organisations", "drugs", "amounts", "stages", "errors", "inputs")


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def dump(tmp_path: Path, corpus_dir: Path) -> Path:
    """The corpus pages plus bad and unknown files, as a user's folder would hold them."""
    root = tmp_path / "dump"
    shutil.copytree(corpus_dir / "html", root / "html")
    shutil.copytree(corpus_dir / "text", root / "text")
    (root / "bad").mkdir()
    (root / "bad" / "empty.html").write_bytes(b"")
    (root / "bad" / "binary.html").write_bytes(bytes(range(256)) * 40)
    (root / "bad" / "scan.pdf").write_bytes(b"%PDF-1.7 not read")
    return root


def _n_inputs(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.suffix in (".html", ".txt"))


def test_run_stores_everything_and_reports(dump: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    summary = run([str(dump)], sink=str(db), progress=False)
    assert isinstance(summary, Summary)
    n = _n_inputs(dump)
    assert summary.read == n and summary.unknown_files == 1
    assert summary.failed == 2 and summary.problems == {"empty": 1, "binary": 1}
    assert summary.stored == n - 2 and summary.skipped == 0
    counts = _counts(db)
    assert counts["inputs"] == n
    assert summary.entities["amounts"] > 0 and summary.entities["organisations"] > 0
    with sqlite3.connect(db) as conn:
        records = [json.loads(r) for (r,) in conn.execute("SELECT record FROM articles")]
        # Two inputs may be one article (same canonical URL): rows follow the articles.
        ids = {r["id"] for r in records}
        assert len(ids) == counts["articles"] <= summary.stored
        for table, field in (
            ("amounts", "amounts"),
            ("drugs", "drugs"),
            ("stages", "trial_stages"),
        ):
            assert counts[table] == sum(len(r[field]) for r in records)
            assert counts[table] <= summary.entities[field]
        kinds = dict(conn.execute("SELECT source, kind FROM errors WHERE severity = 'error'"))
    assert {Path(k).name: v for k, v in kinds.items()} == {
        "empty.html": "empty",
        "binary.html": "binary",
    }


def test_rerun_skips_unchanged_and_updates_changed(dump: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    first = run([str(dump)], sink=str(db), progress=False)
    before = _counts(db)
    again = run([str(dump)], sink=str(db), progress=False)
    assert again.skipped == first.read - 0 and again.stored == 0 and again.failed == 0
    assert _counts(db) == before
    page = sorted((dump / "html").glob("*.html"))[0]
    page.write_bytes(page.read_bytes().replace(b"</p>", b" Updated.</p>", 1))
    third = run([str(dump)], sink=str(db), progress=False)
    assert third.stored == 1 and third.skipped == first.read - 1
    # The changed page has no canonical URL, so its id changed: the old copy is gone.
    assert _counts(db)["articles"] == before["articles"]
    # Without resume everything is processed again, still without duplicates.
    fourth = run([str(dump)], sink=str(db), progress=False, resume=False)
    assert fourth.skipped == 0 and fourth.stored == first.stored
    assert _counts(db) == _counts(db) and _counts(db)["articles"] == before["articles"]


def test_unwritable_sink_fails_before_reading(tmp_path: Path) -> None:
    touched: list[str] = []

    def paths():
        touched.append("read")
        yield str(tmp_path)

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(SinkError):
        run(paths(), sink=str(blocker / "out.db"), progress=False)
    assert touched == []


def test_jsonl_sink_run(dump: Path, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    summary = run([str(dump / "html")], sink=str(out), progress=False)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary.stored > 0
    assert all(json.loads(x)["schema_version"] == "1" for x in lines)
    assert run([str(dump / "html")], sink=str(out), progress=False).skipped == summary.read


def _make_dump(path: Path, n: int) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_dump.py"), str(n), str(path), "--bad", "0.1"],
        check=True,
        capture_output=True,
    )


_RUN = (
    "import sys\n"
    "from bionews.runner import run\n"
    "s = run([sys.argv[1]], sink=sys.argv[2], workers=int(sys.argv[3]), progress=False,\n"
    "        sink_options={'batch_size': 4})\n"
    "sys.exit(130 if s.interrupted else 0)\n"
)


def _start(dump_path: Path, db: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _RUN, str(dump_path), str(db), str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_articles(db: Path, proc: subprocess.Popen, at_least: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it could be killed: {proc.stderr.read()[-2000:]!r}")
        try:
            n = _counts(db)["articles"] if db.exists() else 0
        except sqlite3.OperationalError:
            n = 0
        if n >= at_least:
            return n
        time.sleep(0.05)
    pytest.fail("the run stored nothing in time")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "workers"), [(signal.SIGKILL, 1), (signal.SIGKILL, 2), (signal.SIGTERM, 1)]
)
def test_killed_run_restarts_to_the_exact_result(tmp_path: Path, sig: int, workers: int) -> None:
    dump_path = tmp_path / "dump.jsonl.gz"
    _make_dump(dump_path, 80)
    reference = tmp_path / "reference.db"
    ref = run([str(dump_path)], sink=str(reference), progress=False)
    assert ref.read == 80

    db = tmp_path / "killed.db"
    proc = _start(dump_path, db, workers)
    _wait_for_articles(db, proc, at_least=8)
    os.kill(proc.pid, sig)
    proc.wait(timeout=60)
    assert proc.returncode == (130 if sig == signal.SIGTERM else -signal.SIGKILL)
    partial = _counts(db)
    assert 8 <= partial["articles"] < ref.stored
    # Every committed article is whole: its child rows match its stored record.
    with sqlite3.connect(db) as conn:
        for record, n_amounts in conn.execute(
            "SELECT a.record, (SELECT count(*) FROM amounts m WHERE m.article_id = a.id) "
            "FROM articles a"
        ):
            assert len(json.loads(record)["amounts"]) == n_amounts

    resumed = run([str(dump_path)], sink=str(db), progress=False)
    assert resumed.skipped == partial["inputs"]
    assert resumed.skipped + resumed.stored + resumed.failed == 80
    assert _counts(db) == _counts(reference)
