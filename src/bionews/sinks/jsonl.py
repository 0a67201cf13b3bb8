"""JSON Lines: one ArticleRecord per line, to a file or to standard output.

The record file stays a plain stream of records (any JSONL consumer can read
it). Resume and crash safety come from a sidecar log, ``<file>.progress`` (JSON
lines, but not named ``.jsonl`` so that a glob for record files skips it), which
lists the inputs of each batch and ends the batch with a ``commit`` line
holding the record file's size: on open, anything written after the last commit
(a batch cut short by a kill) is truncated away, so a restart neither loses nor
repeats an article. The format is append-only: an article whose input changed is
appended again, and the last line for an id is the current one.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import SinkError
from ..records import ArticleRecord
from .base import DEFAULT_BATCH_SIZE, BaseSink, Batch, InputIndex
from .tables import record_from_json

log = logging.getLogger(__name__)

PROGRESS_SUFFIX = ".progress"


class JsonlSink(BaseSink):
    def __init__(self, target: str = "-", *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        super().__init__(batch_size=batch_size)
        self.target = target
        self._inputs = InputIndex()
        self._n_records = 0
        self._n_problems = 0
        self._log: IO[bytes] | None = None
        self._committed = 0
        if target == "-":
            self.path: Path | None = None
            self._out: IO[bytes] = sys.stdout.buffer
        else:
            self.path = Path(target)
            self._out = self._open_file()

    # -- opening and recovery --------------------------------------------------
    def _open_file(self) -> IO[bytes]:
        assert self.path is not None
        log_path = Path(str(self.path) + PROGRESS_SUFFIX)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            out = self.path.open("ab")
            committed = self._recover(log_path)
            self._log = log_path.open("ab")
        except OSError as exc:
            raise SinkError(f"cannot write {self.path}: {exc}") from exc
        self._committed = committed
        size = out.seek(0, os.SEEK_END)
        if size > committed:
            # The tail of a batch that never committed: it will be redone.
            out.truncate(committed)
            out.seek(committed)
        elif size < committed:
            out.close()
            raise SinkError(f"{self.path} is shorter than its progress log says; was it edited?")
        return out

    def _recover(self, log_path: Path) -> int:
        """Replay the progress log; return the committed size of the record file."""
        if not log_path.exists():
            # A JSONL file from elsewhere: keep it, and append after it.
            size = self.path.stat().st_size if self.path and self.path.exists() else 0
            with log_path.open("ab") as fh:
                fh.write(json.dumps({"commit": size, "records": 0}).encode() + b"\n")
            return size
        committed, good_end = 0, 0
        pending_inputs: list[tuple[str, str | None, str]] = []
        pending_problems = 0
        with log_path.open("rb") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except ValueError:
                    break  # a line cut short by a kill: nothing after it committed
                if "commit" in entry:
                    for source, raw_hash, status in pending_inputs:
                        self._inputs.mark(source, raw_hash, status)
                    self._n_problems += pending_problems
                    self._n_records += int(entry.get("records", 0))
                    pending_inputs, pending_problems = [], 0
                    committed = int(entry["commit"])
                    good_end = fh.tell()
                elif "input" in entry:
                    source, raw_hash, _id, status = entry["input"]
                    pending_inputs.append((source, raw_hash, status))
                elif "problem" in entry:
                    pending_problems += 1
        with log_path.open("r+b") as fh:
            fh.truncate(good_end)
        return committed

    # -- writing ---------------------------------------------------------------
    def _commit(self, batch: Batch) -> None:
        records = [r.article["record"] for r in batch.records.values()]
        try:
            if self._log is not None:
                # Drop what an interrupted earlier attempt at this batch wrote.
                self._out.seek(self._committed)
                self._out.truncate()
            if records:
                self._out.write("\n".join(records).encode("utf-8") + b"\n")
            self._out.flush()
            if self._log is None:
                for p in batch.problems:
                    log.warning("%s: %s: %s", p["source"], p["kind"], p["message"])
            else:
                lines = [{"problem": p} for p in batch.problems]
                lines += [
                    {"input": [i["source"], i["raw_hash"], i["article_id"], i["status"]]}
                    for i in batch.inputs.values()
                ]
                end = self._out.tell()
                lines.append({"commit": end, "records": len(records)})
                self._log.write(
                    b"".join(json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in lines)
                )
                self._log.flush()
                self._committed = end
        except OSError as exc:
            raise SinkError(f"writing {self.target} failed: {exc}") from exc
        for i in batch.inputs.values():
            self._inputs.mark(i["source"], i["raw_hash"], i["status"])
        self._n_records += len(records)
        self._n_problems += len(batch.problems)

    # -- reading ---------------------------------------------------------------
    def seen(self, source_key: str, raw_hash: str) -> bool:
        return self._inputs.seen(source_key, raw_hash)

    def _lines(self) -> Iterator[bytes]:
        if self.path is None:
            return
        with self.path.open("rb") as fh:
            yield from fh

    def get(self, id: str) -> ArticleRecord | None:
        """The last record stored under ``id`` (a linear scan: JSONL has no index)."""
        self.flush()
        needle = f'"id":"{id}"'.encode()
        found: Any = None
        for line in self._lines():
            if needle in line:
                found = line
        return None if found is None else record_from_json(found)

    def counts(self) -> dict[str, int]:
        self.flush()
        return {"articles": self._n_records, "errors": self._n_problems}

    def _release(self) -> None:
        if self.path is not None:
            self._out.close()
        else:
            self._out.flush()
        if self._log is not None:
            self._log.close()
