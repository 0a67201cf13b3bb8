"""Readers: files, folders, globs, JSON Lines, WARC and stdin, streamed one at a time."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

import bionews
from bionews.errors import TooLargeError
from bionews.readers import ReadStats, iter_sources
from bionews.records import Problem, RawDocument

PAGE = b"<html><head><title>Kunlun Pharma</title></head><body><p>Body.</p></body></html>"


def _tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.html").write_bytes(PAGE)
    (root / "b.HTM").write_bytes(PAGE.replace(b"Body", b"Other"))
    (root / "sub" / "c.txt").write_bytes(b"Plain text news.")
    (root / "sub" / "deeper" / "d.html.gz").write_bytes(gzip.compress(PAGE))
    (root / "sub" / "report.pdf").write_bytes(b"%PDF-1.4")
    (root / "notes").write_bytes(b"no extension")
    (root / ".hidden.html").write_bytes(PAGE)


def test_folder_walk_is_recursive_sorted_and_counts_skips(tmp_path: Path) -> None:
    _tree(tmp_path)
    stats = ReadStats()
    items = list(iter_sources([str(tmp_path)], stats=stats))
    assert all(isinstance(i, RawDocument) for i in items)
    names = [Path(i.source).name for i in items]
    assert names == ["a.html", "b.HTM", "c.txt", "d.html.gz"]
    assert [i.content_type for i in items] == ["text/html", "text/html", "text/plain", "text/html"]
    assert items[0].data == PAGE and items[3].data == PAGE  # bytes, undecoded
    assert all(Path(i.source).is_absolute() for i in items)
    assert stats.skipped == {".pdf": 1, "(none)": 1}
    assert stats.documents == 4 and stats.files == 4


def test_globs_files_and_missing_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    items = list(
        iter_sources([str(tmp_path / "**" / "*.txt"), str(tmp_path / "a.html"), "/no/such/x"])
    )
    assert [Path(i.source).name for i in items[:2]] == ["c.txt", "a.html"]
    assert isinstance(items[2], Problem) and items[2].kind == "not_found"


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    (item,) = iter_sources([str(big)], max_bytes=1000)
    assert isinstance(item, Problem) and item.kind == "too_large"


def test_gzipped_page_is_capped_by_what_it_unpacks_to(tmp_path: Path) -> None:
    # 5,000 repeated bytes pack into a few dozen: the size on disk is no guide
    page = tmp_path / "big.html.gz"
    page.write_bytes(gzip.compress(b"<p>" + b"x" * 5000 + b"</p>"))
    assert page.stat().st_size < 1000
    (item,) = iter_sources([str(page)], max_bytes=1000)
    assert isinstance(item, Problem) and item.kind == "too_large"
    (item,) = iter_sources([str(page)], max_bytes=10_000)
    assert isinstance(item, RawDocument) and item.data.startswith(b"<p>xxx")


def test_extract_on_a_path_shares_the_readers_size_rule(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    with pytest.raises(TooLargeError, match="over the 1000-byte limit"):
        bionews.extract(big, max_bytes=1000)


def _lines() -> list[bytes]:
    return [
        json.dumps(
            {"url": "https://a.example/1", "html": "<p>one</p>", "published": "2024-09-06"}
        ).encode(),
        b"",
        b'{"url": "https://a.example/2", "text": "two"',  # cut short
        b"[1, 2, 3]",
        json.dumps({"url": "https://a.example/4"}).encode(),
        b"\xff\xfe not utf-8",
        json.dumps({"text": "five", "published": "sometime"}).encode(),
    ]


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_bad_lines_become_problems_in_place(tmp_path: Path, gz: bool) -> None:
    data = b"\n".join(_lines()) + b"\n"
    path = tmp_path / ("dump.jsonl.gz" if gz else "dump.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    items = list(iter_sources([str(path)]))
    kinds = [type(i).__name__ if isinstance(i, RawDocument) else i.kind for i in items]
    assert kinds == ["RawDocument", "parse", "parse", "parse", "parse", "RawDocument"]
    first, last = items[0], items[-1]
    assert first.source == f"{path}#1" and last.source == f"{path}#7"
    assert first.html == "<p>one</p>" and first.text is None
    assert str(first.published) == "2024-09-06"
    assert last.text == "five" and last.published is None and last.url is None
    assert items[1].source == f"{path}#3"


def test_truncated_gzip_keeps_earlier_lines(tmp_path: Path) -> None:
    lines = [json.dumps({"url": f"https://a.example/{i}", "text": "x" * 2000}) for i in range(50)]
    blob = gzip.compress("\n".join(lines).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(blob[: len(blob) // 2])
    items = list(iter_sources([str(path)]))
    assert isinstance(items[-1], Problem) and items[-1].kind == "read"
    docs = items[:-1]
    assert docs and all(isinstance(d, RawDocument) for d in docs)
    assert [d.url for d in docs] == [f"https://a.example/{i}" for i in range(len(docs))]


def _warc(path: Path, gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        specs = [("200 OK", "text/html; charset=utf-8")] * 3
        specs += [("200 OK", "image/png"), ("404 Not Found", "text/html")]
        specs += [("200 OK", "text/html")]
        for i, (status, ctype) in enumerate(specs):
            body = f"<html><body><p>page {i}</p></body></html>".encode()
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                f"https://news.example.org/{i}",
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
            )
            writer.write_record(rec)


def _corrupt_second_record(path: Path, gz: bool) -> None:
    data = bytearray(path.read_bytes())
    if gz:
        starts = [i for i in range(len(data) - 2) if data[i : i + 3] == b"\x1f\x8b\x08"]
        s = starts[1]
        data[s + 20 : s + 60] = b"\x00" * 40
    else:
        i = data.find(b"WARC/1.", 10)
        data[i : i + 4] = b"XXXX"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("gz", [False, True])
def test_warc_responses_and_a_broken_record(tmp_path: Path, gz: bool) -> None:
    pytest.importorskip("warcio")
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _warc(path, gz)
    stats = ReadStats()
    items = list(iter_sources([str(path)], stats=stats))
    assert [i.url for i in items] == [f"https://news.example.org/{i}" for i in (0, 1, 2, 5)]
    assert items[0].data == b"<html><body><p>page 0</p></body></html>"
    assert items[0].fetched_at is not None
    assert stats.skipped == {"warc:image/png": 1, "warc:status-404": 1}

    _corrupt_second_record(path, gz)
    items = list(iter_sources([str(path)]))
    assert isinstance(items[1], Problem) and items[1].kind == "parse"
    assert items[1].source == f"{path}#2"
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [d.url for d in docs] == [f"https://news.example.org/{i}" for i in (0, 2, 5)]


def test_stdin_jsonl_and_single_page() -> None:
    stream = io.BytesIO(
        b'{"url": "u1", "text": "one"}\nnot json\n{"url": "u3", "html": "<p>3</p>"}'
    )
    items = list(iter_sources(["-"], stdin=stream))
    assert [i.source for i in items] == ["<stdin>#1", "<stdin>#2", "<stdin>#3"]
    assert isinstance(items[1], Problem) and items[2].html == "<p>3</p>"
    (page,) = iter_sources(["-"], stdin=io.BytesIO(b"  \n<html><p>x</p></html>"))
    assert page.source == "<stdin>" and page.content_type == "text/html"
    (text,) = iter_sources(["-"], stdin=io.BytesIO(b"Just a paragraph of news."))
    assert text.content_type == "text/plain"


def test_reading_is_lazy(tmp_path: Path) -> None:
    _tree(tmp_path)
    consumed: list[str] = []

    def paths():
        for name in ("a.html", "b.HTM"):
            consumed.append(name)
            yield str(tmp_path / name)

    stream = iter_sources(paths())
    first = next(stream)
    assert Path(first.source).name == "a.html" and consumed == ["a.html"]


def test_raw_hash_changes_with_content(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_bytes(PAGE)
    (one,) = iter_sources([str(p)])
    (same,) = iter_sources([str(p)])
    p.write_bytes(PAGE + b" ")
    (changed,) = iter_sources([str(p)])
    assert one.raw_hash() == same.raw_hash() != changed.raw_hash()
