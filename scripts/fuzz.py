"""Fuzz ``bionews.clean`` and ``bionews.extract`` for a set time.

Feeds random text, HTML-ish markup, random bytes and mis-encoded pages (the
strategies in ``tests/hostile.py``) to the library and reports every input that
raised anything other than a :class:`bionews.BionewsError`, returned an invalid
record (offsets that do not slice the text, a non-finite amount, a bad currency
code, entities on a non-English page), or took longer than ``--slow`` seconds.

    python scripts/fuzz.py --minutes 5
    python scripts/fuzz.py --minutes 1 --kind bytes --seed 3

Hypothesis drives the generation (no shrinking: a long run wants breadth), in
rounds until the time is up; findings are deduplicated by exception type and
first line, with the first input kept (repr, cut to 300 characters).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--kind", default="any", choices=["any", "text", "prose", "html", "bytes"])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--slow", type=float, default=10.0, help="report inputs slower than this")
    args = ap.parse_args(argv)

    from hypothesis import HealthCheck, Phase, given, seed, settings

    import bionews
    from bionews.errors import BionewsError

    bionews.get_nlp()
    strategy = hostile.strategies()[args.kind]
    deadline = time.monotonic() + args.minutes * 60
    counts: Counter[str] = Counter()
    findings: dict[str, str] = {}
    slowest = 0.0

    def note(key: str, data: object) -> None:
        counts["findings"] += 1
        findings.setdefault(key, repr(data)[:300])

    def one(data: str | bytes) -> None:
        nonlocal slowest
        if time.monotonic() > deadline:
            return
        counts["inputs"] += 1
        t0 = time.monotonic()
        for stage, call in (("clean", bionews.clean), ("extract", bionews.extract)):
            try:
                result = call(data)
            except BionewsError as exc:
                counts[f"{stage}:{exc.kind}"] += 1
            except Exception as exc:
                note(f"{stage} raised {type(exc).__name__}: {str(exc).splitlines()[:1]}", data)
                traceback.print_exc(limit=3)
            else:
                if stage == "extract":
                    counts["records"] += 1
                    for problem in hostile.record_problems(result):
                        note(f"invalid record: {problem[:120]}", data)
        took = time.monotonic() - t0
        slowest = max(slowest, took)
        if took > args.slow:
            note(f"slow input ({took:.1f} s)", data)

    started = time.monotonic()
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        test = settings(
            max_examples=2000,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(given(strategy)(one))
        if args.seed is not None:
            test = seed(args.seed + rounds)(test)
        test()
    ran = time.monotonic() - started
    print(
        f"ran {ran / 60:.1f} min, {rounds} rounds, {counts['inputs']} inputs "
        f"({counts['inputs'] / ran:.0f}/s), {counts['records']} records, slowest {slowest:.2f} s"
    )
    outcomes = {k: v for k, v in sorted(counts.items()) if ":" in k}
    print(f"library errors (expected): {outcomes}")
    if not findings:
        print("findings: none (no non-library exception, no invalid record, nothing slow)")
        return 0
    print(f"findings: {len(findings)} distinct, {counts['findings']} in all")
    for key, example in findings.items():
        print(f"- {key}\n    first input: {example}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
