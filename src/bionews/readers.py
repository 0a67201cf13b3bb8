"""Turn paths into a stream of :class:`RawDocument` objects, one at a time.

Readers never decode or parse pages (the cleaner does, with charset detection);
they only find inputs and cut containers (JSON Lines, WARC) into documents. A
bad item inside a container (a malformed JSON line, a broken WARC record, an
unreadable file) comes out of the stream as a :class:`Problem` in its place,
so one bad line never costs the rest of the dump and the run can count and
store it. Nothing is read ahead: memory stays flat however large the dump.

Source keys (``RawDocument.source``) are what resumable runs remember: the
absolute path for a file, ``path#N`` for the N-th (1-based) line of a JSON
Lines file or record of a WARC file, ``<stdin>`` / ``<stdin>#N`` for input on
standard input.
"""

from __future__ import annotations

import datetime as dt
import glob
import gzip
import json
import os
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .api import DEFAULT_MAX_BYTES
from .errors import TooLargeError
from .records import Problem, RawDocument

Item = RawDocument | Problem

#: Page files and the content type the cleaner is told.
PAGE_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".txt": "text/plain",
}
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
_CHUNK = 1 << 20


@dataclass
class ReadStats:
    """What the readers saw, for the run summary."""

    files: int = 0
    documents: int = 0
    problems: int = 0
    #: Files skipped for their extension, and WARC records that hold no page.
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def iter_sources(
    paths: Iterable[str | os.PathLike[str]],
    *,
    stats: ReadStats | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: IO[bytes] | None = None,
) -> Iterator[Item]:
    """Every document under ``paths`` (files, folders, globs, ``-``), streamed.

    Unknown extensions are skipped and counted in ``stats.skipped``; a path that
    matches nothing yields a ``not_found`` Problem.
    """
    stats = stats if stats is not None else ReadStats()
    for item in _iter_all(paths, stats, max_bytes, stdin):
        if isinstance(item, Problem):
            stats.problems += 1
        else:
            stats.documents += 1
        yield item


def _iter_all(
    paths: Iterable[str | os.PathLike[str]],
    stats: ReadStats,
    max_bytes: int,
    stdin: IO[bytes] | None,
) -> Iterator[Item]:
    for raw_path in paths:
        path = os.fspath(raw_path)
        if path == "-":
            yield from read_stdin(stdin or sys.stdin.buffer, max_bytes=max_bytes)
            continue
        for file in expand_path(path):
            if file is None:
                yield Problem(source=path, kind="not_found", message="no such file or pattern")
                continue
            kind = file_kind(file)
            if kind is None:
                stats.skipped[_suffix(file) or "(none)"] += 1
                continue
            stats.files += 1
            yield from read_file(file, kind=kind, stats=stats, max_bytes=max_bytes)


def expand_path(path: str) -> Iterator[str | None]:
    """Files under a path: itself, a recursive folder walk, or glob matches (sorted).

    Yields ``None`` once when nothing matches, so the caller can report it.
    """
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield os.path.abspath(os.path.join(root, name))
        return
    if os.path.exists(path):
        yield os.path.abspath(path)
        return
    matches = sorted(glob.glob(path, recursive=True))
    if not matches:
        yield None
    for m in matches:
        yield from expand_path(m) if os.path.isdir(m) else iter([os.path.abspath(m)])


def _suffix(path: str) -> str:
    name = os.path.basename(path).lower()
    if name.endswith(".gz"):
        return os.path.splitext(name[:-3])[1] + ".gz"
    return os.path.splitext(name)[1]


def file_kind(path: str) -> str | None:
    """``page``, ``page.gz``, ``jsonl``, ``warc`` or None (not an input we read)."""
    low = path.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(WARC_SUFFIXES):
        return "warc"
    suffix = _suffix(path)
    if suffix in PAGE_TYPES:
        return "page"
    if suffix.endswith(".gz") and suffix[:-3] in PAGE_TYPES:
        return "page.gz"
    return None


def read_file(
    path: str, *, kind: str | None = None, stats: ReadStats | None = None, max_bytes: int
) -> Iterator[Item]:
    """The documents of one file (an error opening it becomes one Problem)."""
    kind = kind or file_kind(path)
    try:
        if kind == "page":
            yield _read_page(path, max_bytes)
        elif kind == "page.gz":
            yield _read_page(path, max_bytes, compressed=True)
        elif kind == "jsonl":
            opener = gzip.open if path.lower().endswith(".gz") else open
            with opener(path, "rb") as fh:
                yield from read_jsonl(fh, path)
        elif kind == "warc":
            yield from read_warc(path, stats=stats)
    except OSError as exc:
        yield Problem(source=path, kind="read", message=f"cannot read file: {exc}")


def read_page_bytes(path: str, max_bytes: int, *, compressed: bool = False) -> bytes:
    """A page file's bytes (gunzipped when ``compressed``), or :class:`TooLargeError`.

    A plain file over the limit is refused by its size, unread: a multi-gigabyte
    "page" must not reach memory first. A gzipped one is read only up to one byte
    past the limit, since its size on disk says nothing about what it unpacks to.
    :func:`bionews.extract` on a path and the batch readers share this rule.
    """
    if not compressed:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise TooLargeError(
                f"input is {size} bytes, over the {max_bytes}-byte limit", source=path
            )
        with open(path, "rb") as fh:
            return fh.read()
    with gzip.open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLargeError(f"input is over the {max_bytes}-byte limit unpacked", source=path)
    return data


def _read_page(path: str, max_bytes: int, *, compressed: bool = False) -> Item:
    try:
        data = read_page_bytes(path, max_bytes, compressed=compressed)
    except TooLargeError as exc:
        return Problem(source=path, kind="too_large", message=str(exc))
    suffix = _suffix(path).removesuffix(".gz")
    return RawDocument(source=path, data=data, content_type=PAGE_TYPES[suffix])


# -- JSON Lines -----------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def jsonl_item(line: bytes | str, source: str) -> Item | None:
    """One JSON line ``{url, html | text, published?}`` as a document, or a Problem."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return Problem(source=source, kind="parse", message=f"line is not UTF-8: {exc}")
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return Problem(source=source, kind="parse", message=f"malformed JSON line: {exc}")
    if not isinstance(obj, dict):
        return Problem(source=source, kind="parse", message="JSON line is not an object")
    html, text = obj.get("html"), obj.get("text")
    if not isinstance(html, str) and not isinstance(text, str):
        return Problem(source=source, kind="parse", message="JSON line has no 'html' or 'text'")
    url = obj.get("url")
    return RawDocument(
        source=source,
        url=url if isinstance(url, str) and url else None,
        html=html if isinstance(html, str) else None,
        text=text if isinstance(text, str) and not isinstance(html, str) else None,
        published=_date(obj.get("published")),
        content_type="text/html" if isinstance(html, str) else "text/plain",
    )


def read_jsonl(fh: IO[bytes], name: str) -> Iterator[Item]:
    lineno = 0
    try:
        for lineno, line in enumerate(fh, 1):
            item = jsonl_item(line, f"{name}#{lineno}")
            if item is not None:
                yield item
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield Problem(
            source=f"{name}#{lineno + 1}",
            kind="read",
            message=f"compressed stream broken after line {lineno}: {exc}",
        )


def read_stdin(fh: IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """JSON Lines if the input starts with ``{``, else a single page."""
    head = fh.read(_CHUNK)
    if head.lstrip()[:1] == b"{":
        pending = b""
        chunk, lineno = head, 0
        while chunk:
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                lineno += 1
                item = jsonl_item(line, f"<stdin>#{lineno}")
                if item is not None:
                    yield item
            chunk = fh.read(_CHUNK)
        if pending.strip():
            item = jsonl_item(pending, f"<stdin>#{lineno + 1}")
            if item is not None:
                yield item
        return
    data = head + fh.read(max_bytes + 1 - len(head))
    if len(data) > max_bytes:
        yield Problem(source="<stdin>", kind="too_large", message=f"over {max_bytes} bytes")
        return
    ctype = "text/html" if data.lstrip()[:1] == b"<" else "text/plain"
    yield RawDocument(source="<stdin>", data=data, content_type=ctype)


# -- WARC -----------------------------------------------------------------------


def read_warc(path: str, *, stats: ReadStats | None = None) -> Iterator[Item]:
    """HTML responses of a WARC file; a broken record is a Problem and reading resumes.

    After a record fails to parse, reading restarts at the next record header
    (the next gzip member in a ``.warc.gz``, the next ``WARC/1.`` line otherwise).
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Problem(
            source=path, kind="unsupported", message="WARC input needs: pip install 'bionews[warc]'"
        )
        return
    marker = b"\x1f\x8b\x08" if path.lower().endswith(".gz") else b"WARC/1."
    number = 0
    with open(path, "rb") as fh:
        start = 0
        while True:
            fh.seek(start)
            it = ArchiveIterator(fh)
            last_end = start
            try:
                for record in it:
                    number += 1
                    item = _warc_item(record, f"{path}#{number}", stats)
                    offset, length = it.get_record_offset(), it.get_record_length()
                    last_end = start + offset + length
                    if item is not None:
                        yield item
                return
            except Exception as exc:  # warcio raises many types on corrupt input
                number += 1
                yield Problem(
                    source=f"{path}#{number}",
                    kind="parse",
                    message=f"broken WARC record: {type(exc).__name__}: {exc}"[:500],
                )
            nxt = _find(fh, marker, max(last_end, start) + 1)
            if nxt is None:
                return
            start = nxt


def _find(fh: IO[bytes], marker: bytes, pos: int) -> int | None:
    fh.seek(pos)
    tail = b""
    base = pos
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return None
        buf = tail + chunk
        i = buf.find(marker)
        if i >= 0:
            return base - len(tail) + i
        tail = buf[-(len(marker) - 1) :]
        base += len(chunk)


def _warc_item(record: Any, source: str, stats: ReadStats | None) -> Item | None:
    if record.rec_type not in ("response", "resource"):
        return None
    counts = stats.skipped if stats is not None else Counter()
    http = record.http_headers
    if http is not None and record.rec_type == "response":
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            counts[f"warc:status-{status or 'none'}"] += 1
            return None
        ctype = http.get_header("Content-Type") or ""
    else:
        ctype = record.rec_headers.get_header("Content-Type") or ""
    mime = ctype.split(";")[0].strip().lower()
    if mime and mime not in ("text/html", "application/xhtml+xml", "text/plain"):
        counts[f"warc:{mime}"] += 1
        return None
    data = record.content_stream().read()
    url = record.rec_headers.get_header("WARC-Target-URI")
    fetched = None
    date = record.rec_headers.get_header("WARC-Date")
    if date:
        try:
            fetched = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            fetched = None
    return RawDocument(
        source=source, url=url, data=data, content_type=ctype or "text/html", fetched_at=fetched
    )
