#!/usr/bin/env python
"""Freeze what the pipeline extracts from a broad input set, and diff against it.

    python scripts/snapshot.py write base.jsonl     # before a refactor
    python scripts/snapshot.py diff base.jsonl      # after: lists every changed record

A speed-up of a rule component must not change a single record. The gold sets
only score what annotators marked; this check compares whole records (entities,
offsets, links, stages, warnings) on every input at hand: the bundled corpus and
held-out texts, generated corpus-style pages (scripts/make_dump.py), and, when
``../shared`` is there, the seed dumps, the annotated dev texts and the 122 real
benchmark pages. ``extractor_version`` is left out: it changes with every commit.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import bionews

ROOT = Path(__file__).resolve().parents[1]
# A git worktree elsewhere can point at the shared data with BIONEWS_SHARED.
SHARED = Path(os.environ.get("BIONEWS_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT / "scripts"))


def inputs(generated: int) -> Iterator[tuple[str, bytes | str, str | None]]:
    """(key, page or text, url) for every input of the snapshot, in a fixed order."""
    corpus = ROOT / "corpus"
    for sub in ("html", "text"):
        for p in sorted((corpus / sub).glob("*")):
            if p.suffix in {".html", ".txt"}:
                yield f"corpus/{sub}/{p.name}", p.read_bytes(), None
    for p in sorted(corpus.glob("heldout*/*.txt")):
        yield str(p.relative_to(ROOT)), p.read_bytes(), None
    if generated:
        from make_dump import items

        for i, item in enumerate(items(generated, seed=11, bad=0.0)):
            if isinstance(item, dict):
                body = item.get("html") or item.get("text") or ""
                yield f"generated/{i}", body, item.get("url")
    if SHARED.exists():
        for p in sorted((SHARED / "seeds").glob("*.txt")):
            yield f"shared/seeds/{p.name}", p.read_bytes(), None
        dev = SHARED / "eval" / "dev_gold.jsonl"
        if dev.exists():
            for line in dev.read_text(encoding="utf-8").splitlines():
                g = json.loads(line)
                yield f"shared/dev/{g['id']}", g["text"], g.get("source_url")
        for p in sorted((SHARED / "bench" / "extraction").glob("**/*.html.gz")):
            yield f"shared/bench/{p.name[:16]}", gzip.decompress(p.read_bytes()), None


def snapshot(generated: int) -> Iterator[tuple[str, str]]:
    for key, body, url in inputs(generated):
        try:
            rec = bionews.extract(body, url=url)
            data = rec.model_dump(mode="json", exclude={"extractor_version"})
        except bionews.BionewsError as exc:
            data = {"error": exc.kind}
        yield key, json.dumps(data, sort_keys=True, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["write", "diff"])
    ap.add_argument("file", type=Path)
    ap.add_argument("--generated", type=int, default=400, help="generated pages to include")
    ap.add_argument("--show", type=int, default=5, help="changed records to print in full")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    current = dict(snapshot(args.generated))
    secs = time.perf_counter() - t0
    if args.mode == "write":
        with args.file.open("w", encoding="utf-8") as fh:
            for key, line in current.items():
                fh.write(json.dumps({"key": key, "record": line}, ensure_ascii=False) + "\n")
        print(f"wrote {len(current)} records to {args.file} in {secs:.1f} s")
        return 0

    base = {}
    for line in args.file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        base[row["key"]] = row["record"]
    changed = [k for k in base if k in current and base[k] != current[k]]
    missing = [k for k in base if k not in current]
    added = [k for k in current if k not in base]
    print(
        f"{len(current)} records in {secs:.1f} s: {len(changed)} changed, "
        f"{len(missing)} missing, {len(added)} new"
    )
    for k in changed[: args.show]:
        old, new = json.loads(base[k]), json.loads(current[k])
        print(f"\n--- {k}")
        for field in sorted(set(old) | set(new)):
            if old.get(field) != new.get(field):
                print(
                    f"  {field}:\n    before {json.dumps(old.get(field))[:600]}"
                    f"\n    after  {json.dumps(new.get(field))[:600]}"
                )
    return 1 if changed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
