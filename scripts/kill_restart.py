#!/usr/bin/env python
"""Kill a batch run with SIGKILL a few times, restart it, and check the result is exact.

    python scripts/kill_restart.py --n 20000 --kills 3 --workers 1

A dump of N varied pages is generated (scripts/make_dump.py), `bionews extract`
runs over it into SQLite as a subprocess and is killed at random moments; each
restart resumes. At the end the database must hold exactly one article per input
that yields one (compared with an uninterrupted reference count of the same
dump), with no duplicate rows in any table.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        out = {
            t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("articles", "drugs", "organisations", "amounts", "stages", "inputs", "errors")
        }
        out["dup_inputs"] = con.execute(
            "SELECT COUNT(*) FROM (SELECT source FROM inputs GROUP BY source HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        out["orphans"] = con.execute(
            "SELECT COUNT(*) FROM drugs WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
    return out


def extract(dump: Path, db: Path, workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "bionews.cli",
        "extract",
        str(dump),
        "--db",
        str(db),
        "--workers",
        str(workers),
        "-q",
    ]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        dump = tmpd / "dump.jsonl.gz"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "make_dump.py"),
                str(args.n),
                str(dump),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        ref_db, db = tmpd / "ref.db", tmpd / "killed.db"

        t0 = time.monotonic()
        ref = extract(dump, ref_db, args.workers)
        ref.wait()
        ref_secs = time.monotonic() - t0
        expected = counts(ref_db)
        print(
            f"reference run: {expected['articles']} articles, {expected['errors']} errors "
            f"in {ref_secs:.0f} s"
        )

        for k in range(args.kills):
            proc = extract(dump, db, args.workers)
            delay = rng.uniform(0.15, 0.6) * ref_secs / (k + 1)
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                # Worker processes of a killed parent notice it and exit.
                c = counts(db) if db.exists() else {"articles": 0}
                print(f"kill {k + 1} after {delay:.0f} s: {c['articles']} articles stored so far")
        final = extract(dump, db, args.workers)
        _, err = final.communicate()
        got = counts(db)
        print(err.strip().splitlines()[0] if err.strip() else "")
        ok = all(
            got[t] == expected[t]
            for t in ("articles", "drugs", "organisations", "amounts", "stages", "inputs")
        )
        ok = ok and got["dup_inputs"] == 0 and got["orphans"] == 0
        print("reference:", expected)
        print("restarted:", got)
        print("EXACT" if ok else "MISMATCH")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
