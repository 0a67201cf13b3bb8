"""The SQLite sink against a real database file."""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from bionews.errors import SinkError
from bionews.records import (
    Amount,
    ArticleRecord,
    Drug,
    Mention,
    Organisation,
    Problem,
    StageMention,
    record_id,
)
from bionews.sinks import open_sink
from bionews.sinks.sqlite import SqliteSink

TEXT = (
    "Qianshan Biologics Co., Ltd. said on Monday that its antibody QS-417 had started "
    "a Phase III trial for plaque psoriasis. Qianshan raised 1.25 billion yuan "
    "(about 172 million U.S. dollars) from investors led by Jialing Capital."
)


def _mention(text: str, phrase: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Mention(start=start, end=start + len(phrase), text=phrase)


def make_record(
    url: str = "https://news.example.org/2025/03/04/qianshan/",
    *,
    text: str = TEXT,
    values: tuple[str, ...] = ("1250000000", "172000000"),
    title: str = "Qianshan starts late-stage trial",
) -> ArticleRecord:
    """A fully populated record written for these tests (no corpus text)."""
    amounts = []
    for i, (phrase, value, cur) in enumerate(
        zip(("1.25 billion yuan", "172 million U.S. dollars"), values, ("CNY", "USD"), strict=False)
    ):
        m = _mention(text, phrase)
        amounts.append(
            Amount(
                text=phrase,
                value=Decimal(value),
                currency=cur,
                approximate=i == 1,
                equivalent_of=0 if i == 1 else None,
                start=m.start,
                end=m.end,
            )
        )
    stage = _mention(text, "Phase III")
    return ArticleRecord(
        id=record_id(url, text),
        url=url,
        site="news.example.org",
        title=title,
        authors=["Li Wen", "Ana Costa"],
        published="2025-03-04",
        text=text,
        organisations=[
            Organisation(
                name="Qianshan Biologics Co., Ltd.",
                aliases=["Qianshan"],
                kind="company",
                mentions=[
                    _mention(text, "Qianshan Biologics Co., Ltd."),
                    _mention(text, "Qianshan", 1),
                ],
            ),
            Organisation(
                name="Jialing Capital", kind="other", mentions=[_mention(text, "Jialing Capital")]
            ),
        ],
        drugs=[
            Drug(
                name="QS-417",
                modality="antibody",
                targets=["IL-17A"],
                indications=["plaque psoriasis"],
                developer="Qianshan Biologics Co., Ltd.",
                stages=["phase_3"],
                mentions=[_mention(text, "QS-417")],
            )
        ],
        amounts=amounts,
        trial_stages=[
            StageMention(
                stage="phase_3", text="Phase III", start=stage.start, end=stage.end, drug="QS-417"
            )
        ],
        extractor_version="test",
        content_hash="0" * 64,
        warnings=["no_date: date taken from the feed"],
    )


@pytest.fixture
def db(tmp_path: Path) -> SqliteSink:
    sink = SqliteSink(str(tmp_path / "t.db"), batch_size=3)
    yield sink
    sink.close()


def test_open_sink_picks_sqlite_for_db_files_and_urls(tmp_path: Path) -> None:
    for target in (str(tmp_path / "a.db"), f"sqlite:///{tmp_path / 'b.sqlite'}"):
        with open_sink(target) as sink:
            assert isinstance(sink, SqliteSink)
    assert (tmp_path / "a.db").exists() and (tmp_path / "b.sqlite").exists()


def test_record_round_trips_exactly(db: SqliteSink) -> None:
    rec = make_record()
    db.write(rec, source="/dump/a.html", raw_hash="h1")
    got = db.get(rec.id)
    assert got == rec
    assert got.model_dump_json() == rec.model_dump_json()
    assert db.get("missing") is None


def test_normalised_rows(db: SqliteSink) -> None:
    rec = make_record()
    db.write(rec, source="/dump/a.html", raw_hash="h1")
    row = db.query("SELECT url, site, authors, published, source, raw_hash FROM articles")[0]
    assert row == (
        rec.url,
        "news.example.org",
        '["Li Wen", "Ana Costa"]',
        "2025-03-04",
        "/dump/a.html",
        "h1",
    )
    orgs = db.query("SELECT idx, name, aliases, kind FROM organisations ORDER BY idx")
    assert orgs == [
        (0, "Qianshan Biologics Co., Ltd.", '["Qianshan"]', "company"),
        (1, "Jialing Capital", "[]", "other"),
    ]
    drug = db.query("SELECT name, modality, targets, developer, stages FROM drugs")
    assert drug == [
        ("QS-417", "antibody", '["IL-17A"]', "Qianshan Biologics Co., Ltd.", '["phase_3"]')
    ]
    amounts = db.query(
        'SELECT idx, currency, approximate, equivalent_of, "end" - start FROM amounts'
    )
    assert amounts == [(0, "CNY", 0, None, 17), (1, "USD", 1, 0, 24)]
    assert db.query("SELECT stage, drug FROM stages") == [("phase_3", "QS-417")]


def test_rows_are_the_record_json_parsed_back(tmp_path: Path) -> None:
    # Rows come from a JSON-mode dump that skips the text and mentions, and the
    # record column may be JSON a worker already made: every table must hold
    # what parsing the whole record JSON back gave.
    import json

    from bionews.sinks.tables import CHILD_TABLES, TABLES, record_rows

    rec = make_record(values=("12345678901234567890.123456789", "1.50"))
    rows = record_rows(rec, source="s", raw_hash="h", record_json=rec.model_dump_json())
    data = json.loads(rec.model_dump_json())
    assert rows.article["record"] == rec.model_dump_json()
    for name in TABLES["articles"].column_names:
        if name in data:
            assert rows.article[name] == data[name], name
    for table in CHILD_TABLES:
        want = [
            {"article_id": rec.id, "idx": i, **{c: item.get(c) for c in table.column_names[2:]}}
            for i, item in enumerate(data[table.record_field])
        ]
        assert rows.children[table.name] == want, table.name
    with SqliteSink(str(tmp_path / "a.db")) as a, SqliteSink(str(tmp_path / "b.db")) as b:
        a.write(rec, source="s", raw_hash="h")
        b.write(rec, source="s", raw_hash="h", record_json=rec.model_dump_json())
        for name in TABLES:
            cols = ", ".join(
                f'"{c}"' for c in TABLES[name].column_names if c not in {"at", "stored_at"}
            )
            sql = f"SELECT {cols} FROM {name} ORDER BY 1, 2"
            assert a.query(sql) == b.query(sql), name


def test_decimal_values_are_stored_exactly(db: SqliteSink) -> None:
    exact = "12345678901234567890.123456789"
    rec = make_record(values=(exact, "1.50"))
    db.write(rec)
    assert db.query("SELECT value FROM amounts ORDER BY idx") == [(exact,), ("1.50",)]
    got = db.get(rec.id)
    assert got.amounts[0].value == Decimal(exact)
    assert str(got.amounts[1].value) == "1.50"


def test_upsert_never_duplicates_and_replaces_children(db: SqliteSink) -> None:
    first = make_record()
    db.write(first, source="s1", raw_hash="a")
    db.write(first, source="s1", raw_hash="a")  # same batch
    db.flush()
    db.write(first, source="s1", raw_hash="a")  # later batch
    changed = make_record(values=("999",), title="Revised")
    assert changed.id == first.id
    db.write(changed, source="s1", raw_hash="b")
    counts = db.counts()
    assert counts["articles"] == 1
    assert counts["amounts"] == 1 and counts["organisations"] == 2 and counts["drugs"] == 1
    assert db.query("SELECT value FROM amounts") == [("999",)]
    assert db.get(first.id).title == "Revised"
    assert db.query("SELECT raw_hash FROM inputs WHERE source = 's1'") == [("b",)]


def test_errors_table_and_replacement_per_source(db: SqliteSink) -> None:
    db.write_problem(Problem(source="/d/bad.html", kind="binary", message="not text"), raw_hash="x")
    db.write(make_record(), source="/d/ok.html", raw_hash="y")
    rows = db.query("SELECT source, kind, severity FROM errors ORDER BY source")
    assert rows == [("/d/bad.html", "binary", "error"), ("/d/ok.html", "no_date", "warning")]
    # The same input failing differently later replaces its old error row.
    db.write_problem(Problem(source="/d/bad.html", kind="empty", message="no text"), raw_hash="z")
    rows = db.query("SELECT kind, raw_hash FROM errors WHERE source = '/d/bad.html'")
    assert rows == [("empty", "z")]


def test_seen_drives_resume(db: SqliteSink) -> None:
    db.write(make_record(), source="/d/a.html", raw_hash="h-a")
    db.write_problem(Problem(source="/d/b.html", kind="binary", message="x"), raw_hash="h-b")
    db.write_problem(Problem(source="/d/c.html", kind="timeout", message="slow"), raw_hash="h-c")
    db.flush()
    assert db.seen("/d/a.html", "h-a")
    assert not db.seen("/d/a.html", "changed")
    assert db.seen("/d/b.html", "h-b")  # a deterministic failure is not retried
    assert not db.seen("/d/c.html", "h-c")  # a timeout is
    keys = [("/d/a.html", "h-a"), ("/d/b.html", "nope"), ("/d/z.html", "h")]
    assert db.seen_many(keys) == {("/d/a.html", "h-a")}


def test_unflushed_batch_is_invisible_to_other_readers(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    sink = SqliteSink(str(path), batch_size=10)
    for i in range(3):
        sink.write(make_record(f"https://news.example.org/{i}"))
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    sink.close()
    assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert other.execute("SELECT count(*) FROM amounts").fetchone()[0] == 6
    other.close()


def test_unwritable_targets_fail_at_open(tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    with pytest.raises(SinkError):
        open_sink(str(blocker / "x.db"))
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(SinkError):
        open_sink(str(tmp_path / "dir.db"))
    notdb = tmp_path / "garbage.db"
    notdb.write_bytes(b"this is not an sqlite file at all" * 100)
    with pytest.raises(SinkError):
        open_sink(str(notdb))


def test_read_only_file_fails_at_open() -> None:
    # Root ignores file modes, so the opening attempt runs as an unprivileged user.
    work = Path(tempfile.mkdtemp(prefix="bionews-ro-"))
    try:
        work.chmod(0o755)
        path = work / "ro.db"
        SqliteSink(str(path)).close()
        path.chmod(0o444)
        code = (
            "import sys\n"
            "from bionews.errors import SinkError\n"
            "from bionews.sinks.sqlite import SqliteSink\n"
            "try:\n"
            f"    SqliteSink({str(path)!r})\n"
            "except SinkError:\n"
            "    sys.exit(0)\n"
            "sys.exit(3)\n"
        )
        demote = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")

            def demote() -> None:
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)

        try:
            proc = subprocess.run(
                [sys.executable, "-c", code], preexec_fn=demote, capture_output=True, timeout=120
            )
        except PermissionError as exc:
            pytest.skip(f"the interpreter is not usable by an unprivileged user: {exc}")
        if proc.returncode not in (0, 3):
            pytest.skip(f"cannot run as an unprivileged user here: {proc.stderr[-300:]!r}")
        assert proc.returncode == 0, proc.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_read_only_uri_fails_at_open(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    SqliteSink(str(path)).close()
    with pytest.raises(SinkError, match=r"readonly|read-only|read only"):
        open_sink(f"file:{path}?mode=ro")


def test_old_database_gains_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO articles VALUES ('old', 'https://old.example')")
    conn.commit()
    conn.close()
    with SqliteSink(str(path)) as sink:
        rec = make_record()
        sink.write(rec)
        assert sink.get(rec.id) == rec
        assert sink.query("SELECT url FROM articles WHERE id = 'old'") == [("https://old.example",)]


def test_an_input_whose_article_id_changed_leaves_no_stale_copy(db: SqliteSink) -> None:
    old = make_record(None)
    db.write(old, source="/d/page.txt", raw_hash="v1")
    db.write(make_record("https://shared.example/x"), source="/d/other.html", raw_hash="o")
    db.flush()
    new = make_record(None, text=TEXT + " A correction was added.")
    assert new.id != old.id
    db.write(new, source="/d/page.txt", raw_hash="v2")
    ids = {r[0] for r in db.query("SELECT id FROM articles")}
    assert old.id not in ids and new.id in ids and len(ids) == 2
    assert db.query("SELECT count(*) FROM amounts WHERE article_id = ?", (old.id,)) == [(0,)]
