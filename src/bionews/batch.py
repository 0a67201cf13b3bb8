"""Process a stream of documents, in this process or over worker processes.

Workers are separate processes started with ``spawn`` (safe with threads and on
every platform); each builds its spaCy pipeline once. The pool is our own
rather than :mod:`concurrent.futures` because a dump always holds the page that
hangs a regular expression or crashes a parser: here a worker stuck past the
time limit, or dead, is killed and replaced, its current page becomes a
``timeout`` / ``crash`` Problem and the pages queued behind it are handed to
other workers. Nothing else is lost, and the batch never stops.

Memory stays bounded: input is pulled only while fewer than a fixed number of
documents are in flight or waiting to be emitted in order.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import pickle
import queue
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .api import DEFAULT_MAX_BYTES, process
from .errors import BionewsError, TimeoutError_
from .records import ArticleRecord, Problem, RawDocument

log = logging.getLogger(__name__)

Result = ArticleRecord | Problem

#: Seconds one page may take before it is abandoned as ``timeout``.
DEFAULT_TIME_LIMIT = 30.0
#: Documents per message to a worker: small, since one page is tens of ms of work.
DEFAULT_CHUNKSIZE = 4
#: Chunks queued per worker beyond the one it is working on.
PREFETCH = 2
#: A worker is replaced after this many documents, bounding slow memory growth
#: (spaCy's string store only ever grows).
RECYCLE_AFTER = 5000
#: Documents run inside one spaCy memory zone on the runner's in-process path: the
#: strings a zone adds to the vocabulary (each new word, number and code of its
#: pages) are freed when it closes, which keeps a long one-process run flat in
#: memory where workers are recycled instead.
ZONE_DOCS = 256
#: Seconds a worker may take to start (import spaCy, build the pipeline).
START_TIMEOUT = 180.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """A result with the input it came from: what sinks need for resume."""

    source: str
    raw_hash: str | None
    item: Result
    #: The record's ``model_dump_json()`` when it came from a worker as JSON: the
    #: sink stores exactly that text, so the parent need not serialise it again.
    record_json: str | None = None


# -- the per-document function ----------------------------------------------------


#: Seconds between repeats of a page's time-limit alarm once it has fired.
_REFIRE = 0.25


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise TimeoutError_ in this thread after ``seconds`` (main thread, Unix only).

    A signal interrupts Python-level loops; a worker stuck inside C code is
    caught by the pool's watchdog instead.
    """
    usable = (
        seconds
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    armed = [True]

    def _alarm(signum: int, frame: Any) -> None:
        if armed[0]:
            raise TimeoutError_(f"page took longer than {seconds:g} s")

    def _disarm() -> None:
        armed[0] = False  # from here on a late alarm is a no-op
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        # Armed inside the try, so an alarm that fires at once is still disarmed.
        # Re-fired every quarter second until it lands: an exception raised while
        # Python runs a garbage-collector callback or a __del__ is printed and
        # swallowed, and a single alarm lost there would let the page run on.
        signal.setitimer(signal.ITIMER_REAL, seconds, _REFIRE)
        yield
    finally:
        # The alarm may land inside this very block; retry until the timer is off.
        while True:
            try:
                _disarm()
                break
            except TimeoutError_:
                continue


def process_one(
    raw: RawDocument,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> Result:
    """:func:`bionews.api.process`, with every failure turned into a Problem.

    ``Problem.source`` is always the input's source key, so a resumed run can
    find the failure again; anything that is not a BionewsError is a bug and
    is reported as ``internal`` with its traceback logged.
    """
    try:
        with _deadline(time_limit):
            return process(raw, max_bytes=max_bytes)
    except BionewsError as exc:
        return Problem(source=raw.source, kind=exc.kind, message=str(exc) or exc.kind)
    except RecursionError as exc:
        return Problem(source=raw.source, kind="internal", message=f"RecursionError: {exc}")
    except Exception as exc:
        log.error("internal error on %s\n%s", raw.source, traceback.format_exc())
        return Problem(
            source=raw.source, kind="internal", message=f"{type(exc).__name__}: {exc}"[:1000]
        )


# -- public entry points ------------------------------------------------------------


def process_stream(
    raws: Iterable[RawDocument | Problem],
    *,
    workers: int = 1,
    ordered: bool = True,
    chunksize: int = DEFAULT_CHUNKSIZE,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Result]:
    """Records and Problems for ``raws`` (Problems in the input pass straight through).

    ``workers=1`` runs here, lazily; more use worker processes. With
    ``ordered=False`` results come as they finish.
    """
    for outcome in process_tagged(
        raws,
        workers=workers,
        ordered=ordered,
        chunksize=chunksize,
        time_limit=time_limit,
        max_bytes=max_bytes,
    ):
        yield outcome.item


def process_tagged(
    raws: Iterable[RawDocument | Problem],
    *,
    workers: int = 1,
    ordered: bool = True,
    chunksize: int = DEFAULT_CHUNKSIZE,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    start_method: str = "spawn",
    kill_after: float | None = None,
    memory_zones: bool = False,
) -> Iterator[Outcome]:
    """Like :func:`process_stream`, each result paired with its source key and raw hash.

    ``kill_after``: seconds without progress before a worker is killed (default
    1.5 x ``time_limit`` + 5 s, so the in-worker limit normally fires first).
    ``memory_zones``: on the in-process path, free the strings each chunk of
    pages adds to spaCy's vocabulary (see :func:`_in_process`); workers are
    recycled instead.
    """
    if workers <= 1:
        yield from _in_process(
            raws, max_bytes=max_bytes, time_limit=time_limit, memory_zones=memory_zones
        )
        return
    pool = _Pool(
        workers,
        chunksize=max(1, chunksize),
        time_limit=time_limit,
        max_bytes=max_bytes,
        start_method=start_method,
        kill_after=kill_after,
    )
    yield from pool.run(iter(raws), ordered=ordered)


def _in_process(
    raws: Iterable[RawDocument | Problem],
    *,
    max_bytes: int,
    time_limit: float | None,
    memory_zones: bool,
) -> Iterator[Outcome]:
    """Process ``raws`` here, one at a time, as they are asked for.

    With ``memory_zones`` every ``ZONE_DOCS`` documents run inside one spaCy
    memory zone, and the caller's code between results runs inside it too: only
    for callers that keep nothing from spaCy (the batch runner writes plain
    records), since a Doc made inside a zone is invalid once it closes.
    """

    def one(raw: RawDocument | Problem) -> Outcome:
        if isinstance(raw, Problem):
            return Outcome(raw.source, None, raw)
        item = process_one(raw, max_bytes=max_bytes, time_limit=time_limit)
        return Outcome(raw.source, raw.raw_hash(), item)

    it = iter(raws)
    if not memory_zones:
        yield from map(one, it)
        return
    from .nlp import get_nlp

    nlp = get_nlp()
    while True:
        with nlp.memory_zone():
            for n, raw in enumerate(it, 1):
                yield one(raw)
                if n >= ZONE_DOCS:
                    break
            else:
                return


# -- worker side --------------------------------------------------------------------


def _worker_main(
    tasks: Connection, results: Connection, max_bytes: int, time_limit: float | None
) -> None:
    # Ctrl-C goes to the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .nlp import get_nlp

        get_nlp()
    except BaseException:
        results.send(("fatal", traceback.format_exc()))
        return
    # A thread drains the task pipe at once: the parent's send of a large chunk
    # must never wait for this process to finish its current page. It keeps the
    # bytes; unpickling waits for the task's turn, so anything that goes wrong
    # with a task happens while the parent counts that task as current.
    inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def _receive() -> None:
        while True:
            try:
                inbox.put(tasks.recv_bytes())
            except (EOFError, OSError):
                inbox.put(None)
                return

    threading.Thread(target=_receive, name="bionews-inbox", daemon=True).start()
    results.send(("ready",))
    while True:
        blob = inbox.get()
        task = None if blob is None else pickle.loads(blob)
        if task is None:
            return
        task_id, docs = task
        for i, raw in enumerate(docs):
            item = process_one(raw, max_bytes=max_bytes, time_limit=time_limit)
            # A record travels as its JSON: unpickling the nested pydantic models
            # costs the parent four times what validating the JSON does, and the
            # parent's time per page is what limits the pool's speed-up.
            payload = item.model_dump_json() if isinstance(item, ArticleRecord) else item
            results.send(("r", task_id, i, payload))


# -- parent side --------------------------------------------------------------------


@dataclass
class _Task:
    id: int
    seqs: list[int]
    docs: list[RawDocument]
    #: Index of the first document without a result yet.
    next: int = 0


@dataclass
class _Worker:
    proc: Any
    tasks_conn: Connection
    results_conn: Connection
    ready: bool = False
    started: float = field(default_factory=time.monotonic)
    busy_since: float = 0.0
    queue: deque[_Task] = field(default_factory=deque)
    handled: int = 0
    retiring: bool = False


class _Pool:
    def __init__(
        self,
        size: int,
        *,
        chunksize: int,
        time_limit: float | None,
        max_bytes: int,
        start_method: str,
        kill_after: float | None = None,
    ) -> None:
        self.size = size
        self.chunksize = chunksize
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self.ctx = mp.get_context(start_method)
        # The soft limit (a signal in the worker) should fire first; the hard
        # kill is for code that signals cannot interrupt.
        self.hard_limit = kill_after or (None if not time_limit else time_limit * 1.5 + 5.0)
        self.workers: list[_Worker] = []
        self.task_ids = 0
        self.start_failures = 0
        self.bound = size * (PREFETCH + 1) * chunksize * 2

    # -- worker lifetime --------------------------------------------------------
    def _spawn(self) -> _Worker:
        t_recv, t_send = self.ctx.Pipe(duplex=False)
        r_recv, r_send = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(
            target=_worker_main,
            args=(t_recv, r_send, self.max_bytes, self.time_limit),
            daemon=True,
            name="bionews-worker",
        )
        proc.start()
        t_recv.close()
        r_send.close()
        w = _Worker(proc, t_send, r_recv)
        self.workers.append(w)
        return w

    def _stop(self, w: _Worker, *, kill: bool) -> None:
        if w in self.workers:
            self.workers.remove(w)
        if kill:
            w.proc.kill()
        else:
            with contextlib.suppress(OSError, ValueError):
                w.tasks_conn.send(None)
        w.proc.join(timeout=None if kill else 10)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join()
        for conn in (w.tasks_conn, w.results_conn):
            conn.close()

    def _shutdown(self) -> None:
        for w in list(self.workers):
            self._stop(w, kill=True)

    # -- the main loop ----------------------------------------------------------
    def run(self, raws: Iterator[RawDocument | Problem], *, ordered: bool) -> Iterator[Outcome]:
        done: dict[int, Outcome] = {}
        pending: deque[_Task] = deque()  # tasks waiting for a worker (re-queued work)
        in_flight = 0
        next_seq = 0
        seq = 0
        exhausted = False
        try:
            for _ in range(self.size):
                self._spawn()
            while True:
                # 1. Pull input while there is room, into chunks for idle capacity.
                while (
                    not exhausted
                    and in_flight + len(done) < self.bound
                    and (self._capacity() or len(pending) < self.size)
                ):
                    docs: list[RawDocument] = []
                    seqs: list[int] = []
                    while len(docs) < self.chunksize:
                        raw = next(raws, None)
                        if raw is None:
                            exhausted = True
                            break
                        if isinstance(raw, Problem):
                            done[seq] = Outcome(raw.source, None, raw)
                        else:
                            docs.append(raw)
                            seqs.append(seq)
                        seq += 1
                    if docs:
                        self.task_ids += 1
                        pending.append(_Task(self.task_ids, seqs, docs))
                        in_flight += len(docs)
                # 2. Hand pending tasks to workers with room.
                self._dispatch(pending)
                # 3. Emit what is ready.
                if ordered:
                    while next_seq in done:
                        yield done.pop(next_seq)
                        next_seq += 1
                else:
                    for key in list(done):
                        yield done.pop(key)
                if exhausted and in_flight == 0 and not done:
                    return
                # 4. Wait for results (or for the watchdog's next check).
                conns = {w.results_conn: w for w in self.workers}
                for conn in wait(list(conns), timeout=0.5):
                    w = conns[conn]
                    in_flight -= self._drain(w, done, pending)
                in_flight -= self._watchdog(done, pending)
                self._replace_workers(pending)
        finally:
            self._shutdown()

    def _capacity(self) -> bool:
        return any(w.ready and not w.retiring and len(w.queue) <= PREFETCH for w in self.workers)

    def _dispatch(self, pending: deque[_Task]) -> None:
        while pending:
            idle = [w for w in self.workers if w.ready and not w.retiring]
            idle = [w for w in idle if len(w.queue) <= PREFETCH]
            if not idle:
                return
            w = min(idle, key=lambda w: len(w.queue))
            task = pending.popleft()
            if not w.queue:
                w.busy_since = time.monotonic()
            w.queue.append(task)
            w.tasks_conn.send((task.id, task.docs[task.next :]))
            # The worker numbers documents from 0 within what it was sent.
            task.seqs, task.docs, task.next = task.seqs[task.next :], task.docs[task.next :], 0

    def _drain(self, w: _Worker, done: dict[int, Outcome], pending: deque[_Task]) -> int:
        """Read every message waiting from ``w``; return how many documents finished."""
        finished = 0
        while True:
            try:
                if not w.results_conn.poll():
                    return finished
                msg = w.results_conn.recv()
            except (EOFError, OSError):
                code = w.proc.exitcode
                return finished + self._lost(w, done, pending, "crash", f"exit code {code}")
            if msg[0] == "r":
                _, task_id, i, payload = msg
                item = (
                    ArticleRecord.model_validate_json(payload)
                    if isinstance(payload, str)
                    else payload
                )
                task = w.queue[0]
                if task.id != task_id or i != task.next:  # pragma: no cover - a bug guard
                    raise RuntimeError("worker results out of order")
                raw = task.docs[i]
                text = payload if isinstance(payload, str) else None
                done[task.seqs[i]] = Outcome(raw.source, raw.raw_hash(), item, text)
                task.next += 1
                finished += 1
                w.handled += 1
                w.busy_since = time.monotonic()
                if task.next == len(task.docs):
                    w.queue.popleft()
                if w.handled >= RECYCLE_AFTER:
                    w.retiring = True
            elif msg[0] == "ready":
                w.ready = True
                w.busy_since = time.monotonic()
            elif msg[0] == "fatal":
                raise RuntimeError(f"a bionews worker could not start:\n{msg[1]}")

    def _lost(
        self, w: _Worker, done: dict[int, Outcome], pending: deque[_Task], kind: str, why: str
    ) -> int:
        """A worker died or was killed: fail its current page, re-queue the rest."""
        self._stop(w, kill=True)
        if not w.ready:
            self.start_failures += 1
            if self.start_failures > 3:
                raise RuntimeError(
                    f"bionews workers keep dying at start-up ({why}); a script that uses"
                    ' workers > 1 needs an `if __name__ == "__main__":` guard'
                )
            return 0
        if not w.queue:
            return 0
        task = w.queue.popleft()
        raw = task.docs[task.next]
        seconds = time.monotonic() - w.busy_since
        message = (
            f"page abandoned after {seconds:.0f} s: worker killed"
            if kind == "timeout"
            else f"worker process died on this page ({why})"
        )
        log.warning("%s: %s", raw.source, message)
        done[task.seqs[task.next]] = Outcome(
            raw.source, raw.raw_hash(), Problem(source=raw.source, kind=kind, message=message)
        )
        task.next += 1
        requeue = [task] if task.next < len(task.docs) else []
        requeue += list(w.queue)
        pending.extendleft(reversed(requeue))
        return 1

    def _watchdog(self, done: dict[int, Outcome], pending: deque[_Task]) -> int:
        now = time.monotonic()
        finished = 0
        for w in list(self.workers):
            if not w.ready:
                if now - w.started > START_TIMEOUT:
                    raise RuntimeError(f"a bionews worker did not start in {START_TIMEOUT:g} s")
                if w.proc.exitcode is not None:
                    self._lost(w, done, pending, "crash", f"exit code {w.proc.exitcode}")
                continue
            if w.queue and self.hard_limit and now - w.busy_since > self.hard_limit:
                finished += self._lost(w, done, pending, "timeout", "time limit")
        return finished

    def _replace_workers(self, pending: deque[_Task]) -> None:
        for w in list(self.workers):
            if w.retiring and not w.queue:
                self._stop(w, kill=False)
        while len(self.workers) < self.size:
            self._spawn()
