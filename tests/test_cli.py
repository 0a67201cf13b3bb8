"""The ``bionews`` command end to end, in a temporary folder, against real SQLite."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bionews.cli import main
from conftest import CORPUS


def db_rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A batch: three good corpus pages plus an empty, a binary and a broken file."""
    d = tmp_path / "pages"
    d.mkdir()
    for name in (
        "html/ichongqing-siliq-first-class-i-drug.html",
        "html/xinhua-kras-inhibitor-approval.html",
        "text/ichongqing-city-v-delegation-zhifei.txt",
    ):
        shutil.copy(CORPUS / name, d / Path(name).name)
    (d / "empty.html").write_bytes(b"")
    (d / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (d / "broken.html").write_text("<html><body><div><p>", encoding="utf-8")
    return d


def test_extract_batch_with_bad_inputs(pages: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "out.db"
    assert main(["extract", str(pages), "--db", str(db), "-q"]) == 0
    err = capsys.readouterr().err
    assert "3 stored" in err and "3 failed" in err
    assert db_rows(db, "select count(*) from articles") == [(3,)]
    kinds = {k for (k,) in db_rows(db, "select kind from errors")}
    assert {"empty", "binary"} <= kinds and len(kinds) >= 2
    titles = {t for (t,) in db_rows(db, "select title from articles")}
    assert any(t and "Siliq" in t for t in titles)
    n_drugs = db_rows(db, "select count(*) from drugs")[0][0]
    assert n_drugs >= 9  # one Siliq, one KRAS inhibitor, eight City V drugs (gold)

    # A re-run stores nothing twice: inputs already stored are skipped.
    assert main(["extract", str(pages), "--db", str(db), "-q"]) == 0
    assert db_rows(db, "select count(*) from articles") == [(3,)]
    assert db_rows(db, "select count(*) from drugs")[0][0] == n_drugs
    assert "skipped" in capsys.readouterr().err


def test_show_prints_stored_record(pages: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "out.db"
    main(["extract", str(pages), "--db", str(db), "-q"])
    capsys.readouterr()
    (rid,) = db_rows(db, "select id from articles where title like '%Siliq%'")[0]
    assert main(["show", rid, "--db", str(db)]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["id"] == rid
    assert any(d["name"].startswith("Siliq") for d in rec["drugs"])
    assert main(["show", "no-such-id", "--db", str(db)]) == 1


def test_jsonl_to_stdout(pages: Path, capsys) -> None:
    assert (
        main(
            [
                "extract",
                str(pages / "ichongqing-city-v-delegation-zhifei.txt"),
                "--jsonl",
                "-",
                "-q",
            ]
        )
        == 0
    )
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 1
    assert {a["currency"] for a in lines[0]["amounts"]} == {"CNY", "USD"}


def test_usage_errors_exit_non_zero(tmp_path: Path, capsys) -> None:
    assert main(["extract", str(tmp_path / "missing-dir"), "--db", str(tmp_path / "x.db")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["extract", str(tmp_path), "--workers", "0"]) == 2
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_schema_command(capsys) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "ArticleRecord" and "drugs" in schema["properties"]


def test_render_writes_escaped_view(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>T</title></head><body><article><p>Acme Biologics Co., Ltd. won "
        "approval from the NMPA for its drug acmezumab to treat psoriasis, the firm said on "
        "Monday in a statement. &lt;script&gt;alert(1)&lt;/script&gt; It raised 2 billion yuan.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "view.html"
    assert main(["render", str(page), "-o", str(out)]) == 0
    view = out.read_text("utf-8")
    assert "<script>alert(1)" not in view
    assert "acmezumab" in view and "2 billion yuan" in view


def test_console_script_installed(tmp_path: Path) -> None:
    exe = shutil.which("bionews") or str(Path(sys.executable).parent / "bionews")
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("bionews ")
