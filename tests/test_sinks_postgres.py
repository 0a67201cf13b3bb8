"""The PostgreSQL sink against a real server (see tests/pg.py for where it comes from)."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest

import pg
from bionews.errors import SinkError
from bionews.records import Problem
from bionews.sinks import open_sink
from bionews.sinks.postgres import PostgresSink
from test_sinks_sqlite import make_record

pytestmark = pytest.mark.postgres
# The fixtures, made visible to this module.
pg_server = pg.pg_server
pg_url = pg.pg_url
admin_connect = pg.admin_connect


def test_round_trip_and_native_types(pg_url: str) -> None:
    exact = "12345678901234567890.123456789"
    rec = make_record(values=(exact, "1.50"))
    with open_sink(pg_url) as sink:
        assert isinstance(sink, PostgresSink)
        sink.write(rec, source="/d/a.html", raw_hash="h")
        got = sink.get(rec.id)
        assert got == rec
        assert str(got.amounts[1].value) == "1.50"
        assert sink.query("SELECT value FROM amounts ORDER BY idx") == [
            (Decimal(exact),),
            (Decimal("1.50"),),
        ]
        row = sink.query(
            "SELECT authors, published::text, record->>'title', jsonb_typeof(record) FROM articles"
        )
        assert row == [(["Li Wen", "Ana Costa"], "2025-03-04", rec.title, "object")]
        assert sink.query('SELECT stage, drug, "end" - start FROM stages') == [
            ("phase_3", "QS-417", 9)
        ]


def test_upsert_replaces_children_without_duplicates(pg_url: str) -> None:
    rec = make_record()
    with PostgresSink(pg_url, batch_size=2) as sink:
        sink.write(rec, source="s", raw_hash="1")
        sink.write(rec, source="s", raw_hash="1")
        sink.flush()
        sink.write(make_record(values=("7",), title="New"), source="s", raw_hash="2")
        counts = sink.counts()
        assert counts["articles"] == 1 and counts["amounts"] == 1 and counts["drugs"] == 1
        assert counts["organisations"] == 2 and counts["inputs"] == 1
        assert sink.query("SELECT value FROM amounts") == [(Decimal(7),)]
        assert sink.get(rec.id).title == "New"
    # A second writer on the same database sees and keeps the same rows.
    with PostgresSink(pg_url) as again:
        assert again.seen("s", "2") and not again.seen("s", "1")
        assert again.counts()["articles"] == 1


def test_errors_and_resume_keys(pg_url: str) -> None:
    with PostgresSink(pg_url) as sink:
        sink.write_problem(Problem(source="/d/x", kind="binary", message="no"), raw_hash="hx")
        sink.write_problem(Problem(source="/d/y", kind="timeout", message="slow"), raw_hash="hy")
        sink.write(make_record(), source="/d/z", raw_hash="hz")
        sink.flush()
        rows = sink.query("SELECT source, kind, severity FROM errors ORDER BY source")
        assert rows == [
            ("/d/x", "binary", "error"),
            ("/d/y", "timeout", "error"),
            ("/d/z", "no_date", "warning"),
        ]
        keys = [("/d/x", "hx"), ("/d/y", "hy"), ("/d/z", "hz"), ("/d/z", "other")]
        assert sink.seen_many(keys) == {("/d/x", "hx"), ("/d/z", "hz")}


def test_read_only_database_fails_at_open(pg_url: str) -> None:
    dbname = pg_url.rsplit("/", 1)[1]
    with admin_connect(pg_url) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" SET default_transaction_read_only = on')
    with pytest.raises(SinkError, match="read-only"):
        PostgresSink(pg_url)


def test_unreachable_server_fails_at_open() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SinkError):
        PostgresSink(f"postgresql://nobody@127.0.0.1:{port}/none", connect_timeout=2)


def test_batch_is_retried_when_the_connection_drops(pg_url: str) -> None:
    import sqlalchemy as sa

    sink = PostgresSink(pg_url, batch_size=100)
    killed: list[int] = []

    def drop_connection(conn, cursor, statement, params, context, executemany) -> None:
        if not killed and statement.startswith("INSERT INTO articles"):
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin_connect(pg_url) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)

    sa.event.listen(sink.engine, "before_cursor_execute", drop_connection)
    for i in range(3):
        sink.write(make_record(f"https://news.example.org/{i}"), source=f"s{i}", raw_hash="h")
    sink.flush()
    assert killed, "the connection was never dropped"
    counts = sink.counts()
    assert counts["articles"] == 3 and counts["amounts"] == 6 and counts["inputs"] == 3
    sink.close()


def test_stale_article_of_a_changed_input_is_removed(pg_url: str) -> None:
    from test_sinks_sqlite import TEXT

    old = make_record(None)
    new = make_record(None, text=TEXT + " A correction was added.")
    with PostgresSink(pg_url) as sink:
        sink.write(old, source="/d/page.txt", raw_hash="v1")
        sink.flush()
        sink.write(new, source="/d/page.txt", raw_hash="v2")
        assert sink.query("SELECT id FROM articles") == [(new.id,)]
        assert sink.counts()["amounts"] == len(new.amounts)
