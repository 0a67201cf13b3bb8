"""A large dump with hostile pages mixed in: nothing crashes, nothing is lost.

Builds N inputs (good pages from ``make_dump.PageMaker``, a share of hostile ones
from ``tests/hostile.py``), runs :func:`bionews.runner.run` over them into
SQLite, and checks the database against what each input should have become:
every good page stored as an article, every hostile one either stored with its
language flagged (non-English pages) or listed in the ``errors`` table with the
expected kind, and the summary's counts adding up.

    python scripts/hostile_dump.py 10000 --bad 0.05 --workers 2 --out /tmp/hostile-run

Good pages and hostile HTML strings go into JSON Lines files (with malformed
lines among them); byte-level hostile pages (binary, legacy encodings, cut
UTF-8, oversized) are page files. Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import hostile  # noqa: E402
from make_dump import PageMaker  # noqa: E402

#: Hostile pages that go into a JSON line as an "html" string (they survive JSON).
_TEXT_KINDS = {
    "whitespace",
    "cut-mid-tag",
    "deep-nesting-unclosed",
    "script-only",
    "chinese",
    "russian",
    "navigation-only",
}
_MALFORMED = [
    b'{"url": "https://example.com/cut", "html": "<p>unterminated',
    b"[1, 2, 3]",
    b'{"url": "https://example.com/no-body"}',
    b"\xff\xfe not utf-8",
]


@dataclass
class Plan:
    """What each input source should become: ``ok``, ``ok:<lang>`` or a Problem kind."""

    expected: dict[str, str] = field(default_factory=dict)
    good: int = 0
    bad: int = 0


def build(out: Path, n: int, bad_share: float, seed: int) -> Plan:
    """Write the dump under ``out``; return the expected outcome of every input."""
    rng = random.Random(seed)
    maker = PageMaker(seed)
    cases = hostile.small_cases(seed)
    text_cases = [c for c in cases if c.name in _TEXT_KINDS]
    file_cases = [c for c in cases if c.name not in _TEXT_KINDS]
    plan = Plan()
    pages = out / "pages"
    pages.mkdir(parents=True)
    jsonl = out / "dump.jsonl"
    lineno = 0
    with jsonl.open("wb") as fh:
        for i in range(n):
            if rng.random() >= bad_share:
                item = maker.page(i)
                fh.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")
                lineno += 1
                plan.expected[f"{jsonl.resolve()}#{lineno}"] = "ok"
                plan.good += 1
                continue
            plan.bad += 1
            roll = rng.random()
            if roll < 0.3:
                line = rng.choice(_MALFORMED)
                fh.write(line + b"\n")
                lineno += 1
                plan.expected[f"{jsonl.resolve()}#{lineno}"] = "parse"
            elif roll < 0.6:
                case = rng.choice(text_cases)
                obj = {"url": f"https://bad.example.com/{i}", "html": case.data.decode()}
                fh.write(json.dumps(obj, ensure_ascii=False).encode() + b"\n")
                lineno += 1
                plan.expected[f"{jsonl.resolve()}#{lineno}"] = _want(case)
            elif roll < 0.61:
                path = pages / f"huge-{i:06d}.html"
                hostile.write_sparse(path, 50 * 1024 * 1024)
                plan.expected[str(path.resolve())] = "too_large"
            else:
                case = rng.choice(file_cases)
                path = pages / f"bad-{i:06d}-{case.name}{case.suffix}"
                path.write_bytes(case.data)
                plan.expected[str(path.resolve())] = _want(case)
    warc, broken_at = hostile.warc_with_broken_record(3)
    wpath = out / "crawl.warc.gz"
    wpath.write_bytes(warc)
    for k in range(1, 5):
        plan.expected[f"{wpath.resolve()}#{k}"] = "parse" if k == broken_at else "ok"
    plan.good += 3
    plan.bad += 1
    return plan


def _want(case: hostile.Case) -> str:
    if case.kind != "record":
        return case.kind
    return "ok" if case.language in (None, "en") else f"ok:{case.language}"


def check(db: Path, plan: Plan, summary: object) -> list[str]:
    """Every expectation against the database; returns the failures (empty = pass)."""
    conn = sqlite3.connect(db)
    inputs = {
        s: (st, a) for s, st, a in conn.execute("SELECT source, status, article_id FROM inputs")
    }
    errors: dict[str, list[tuple[str, str]]] = {}
    for s, kind, sev in conn.execute("SELECT source, kind, severity FROM errors"):
        errors.setdefault(s, []).append((kind, sev))
    langs = dict(conn.execute("SELECT id, language FROM articles"))
    fails: list[str] = []
    for source, want in plan.expected.items():
        got_input = inputs.get(source)
        errs = errors.get(source, [])
        hard = [k for k, sev in errs if sev == "error"]
        if want.startswith("ok"):
            if got_input is None or got_input[1] is None or hard:
                fails.append(f"{source}: expected a stored article, got {got_input} {errs}")
                continue
            lang = want.partition(":")[2]
            if lang and langs.get(got_input[1]) != lang:
                fails.append(f"{source}: expected language {lang}, got {langs.get(got_input[1])}")
            if lang and not any(sev == "warning" for _, sev in errs):
                fails.append(f"{source}: non-English page without a warning row")
        elif want not in hard:
            fails.append(f"{source}: expected a '{want}' error, got {errs} / {got_input}")
    n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_ok = sum(1 for w in plan.expected.values() if w.startswith("ok"))
    n_bad = len(plan.expected) - n_ok
    s = summary
    if s.stored != n_ok:  # type: ignore[attr-defined]
        fails.append(f"summary.stored={s.stored}, expected {n_ok}")  # type: ignore[attr-defined]
    if s.failed != n_bad:  # type: ignore[attr-defined]
        fails.append(f"summary.failed={s.failed}, expected {n_bad}")  # type: ignore[attr-defined]
    if n_articles > n_ok:
        fails.append(f"{n_articles} articles stored for {n_ok} good inputs: something invented")
    conn.close()
    return fails


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=10_000, help="inputs in the dump")
    ap.add_argument("--bad", type=float, default=0.05, help="share of hostile inputs")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", default="/tmp/bionews-hostile-dump", help="scratch directory")
    args = ap.parse_args(argv)
    from bionews.runner import run

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    plan = build(out, args.n, args.bad, args.seed)
    built = time.monotonic() - t0
    db = out / "run.db"
    summary = run(
        [str(out / "dump.jsonl"), str(out / "pages"), str(out / "crawl.warc.gz")],
        sink=str(db),
        workers=args.workers,
        progress=False,
    )
    fails = check(db, plan, summary)
    kinds = Counter(w for w in plan.expected.values())
    print(
        f"built {len(plan.expected)} inputs in {built:.1f} s: {plan.good} good, {plan.bad} hostile"
    )
    print(f"expected outcomes: {dict(sorted(kinds.items()))}")
    print(f"run: {summary.line()}")
    print(f"problems by kind: {dict(sorted(summary.problems.items()))}")
    print(f"throughput: {summary.per_second:.1f} inputs/s with {args.workers} workers")
    for f in fails[:30]:
        print("FAIL", f)
    print("PASS" if not fails else f"{len(fails)} FAILURES")
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main())
