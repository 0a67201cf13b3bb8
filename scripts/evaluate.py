#!/usr/bin/env python
"""Per-field precision / recall / F1 of bionews against annotated gold files.

    python scripts/evaluate.py                      # corpus gold (+ ../shared gold if present)
    python scripts/evaluate.py --gold FILE.jsonl --misses

A gold line with a ``path`` (relative to corpus/) is extracted from that file, so
cleaning is measured too; otherwise from its ``text``. The real seed dumps in
../shared/seeds are extracted from the raw dump and scored against the seed gold.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import bionews
from bionews.scoring import FIELDS, score

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def record_for(gold: dict, base: Path) -> bionews.ArticleRecord:
    if gold.get("path"):
        # Paths in gold files are relative to corpus/ (or to the gold file's folder).
        path = base / gold["path"]
        if not path.exists():
            path = ROOT / "corpus" / gold["path"]
        return bionews.extract(path, url=gold.get("source_url"))
    return bionews.extract(
        gold["text"], url=gold.get("source_url"), published=gold.get("published")
    )


def seed_dump_pairs() -> list[tuple[dict, Path]]:
    """Seed gold lines paired with the raw seed dump of the same date."""
    gold_file, seeds = SHARED / "eval" / "seeds_gold.jsonl", SHARED / "seeds"
    if not gold_file.exists():
        return []
    dumps = sorted(seeds.glob("*.txt"))
    out = []
    for g in load(gold_file):
        match = [p for p in dumps if g.get("published") and g["published"] in p.name]
        if match:
            out.append((g, match[0]))
    return out


def evaluate(name: str, golds: list[dict], base: Path, misses: bool) -> dict:
    t0 = time.perf_counter()
    pairs = [(g, record_for(g, base)) for g in golds]
    secs = time.perf_counter() - t0
    return report(name, pairs, secs, misses)


def report(name: str, pairs, secs: float, misses: bool) -> dict:
    rep = score(pairs)
    print(f"\n== {name}: {len(pairs)} articles, {len(pairs) / secs:.1f} articles/s")
    print(rep.table())
    if misses:
        for a in rep.articles:
            for f in FIELDS:
                if a.missed[f] or a.spurious[f]:
                    print(f"  {a.id:<28} {f:<13} missed={a.missed[f]} spurious={a.spurious[f]}")
    return {f: round(rep.totals[f].f1, 4) for f in FIELDS}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", action="append", type=Path, help="gold .jsonl (repeatable)")
    ap.add_argument("--misses", action="store_true", help="list missed and spurious items")
    ap.add_argument("--json", action="store_true", help="print F1 per field as JSON at the end")
    args = ap.parse_args(argv)

    results = {}
    if args.gold:
        for g in args.gold:
            results[str(g)] = evaluate(str(g), load(g), g.parent, args.misses)
    else:
        corpus = ROOT / "corpus"
        for name, gold in (
            ("corpus", corpus / "gold.jsonl"),
            ("heldout", corpus / "heldout" / "gold.jsonl"),
            ("heldout2", corpus / "heldout2" / "gold.jsonl"),
            ("heldout3", corpus / "heldout3" / "gold.jsonl"),
            ("heldout4", corpus / "heldout4" / "gold.jsonl"),
            ("heldout5", corpus / "heldout5" / "gold.jsonl"),
            ("heldout6", corpus / "heldout6" / "gold.jsonl"),
            ("heldout7", corpus / "heldout7" / "gold.jsonl"),
            ("heldout8", corpus / "heldout8" / "gold.jsonl"),
            ("heldout9", corpus / "heldout9" / "gold.jsonl"),
        ):
            if gold.exists():
                results[name] = evaluate(name, load(gold), corpus, args.misses)
        pairs = seed_dump_pairs()
        if pairs:
            t0 = time.perf_counter()
            recs = [(g, bionews.extract(p, url=g.get("source_url"))) for g, p in pairs]
            results["shared seeds (raw dumps)"] = report(
                "shared seeds (raw dumps)", recs, time.perf_counter() - t0, args.misses
            )
        for fname in ("seeds_gold.jsonl", "dev_gold.jsonl"):
            path = SHARED / "eval" / fname
            if path.exists():
                results[fname] = evaluate(
                    f"shared {fname} (gold text)", load(path), path.parent, args.misses
                )
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
