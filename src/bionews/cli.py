"""The ``bionews`` command: batch extraction into a database, and a few inspection tools.

    bionews extract corpus/                 # -> bionews.db (SQLite), summary on stderr
    bionews extract dump.jsonl.gz --db postgresql://user@host/db --workers 2
    bionews extract pages/ --jsonl -        # records as JSON lines on stdout
    bionews show <id> [--db bionews.db]     # one stored record as JSON
    bionews clean page.html                 # the cleaned article only
    bionews render page.html -o view.html   # an HTML view to check an extraction
    bionews schema                          # the record's JSON Schema

Exit status: 0 when the run completed (bad inputs are counted, not fatal),
1 when a record was asked for and not found, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .version import package_version


def _target(args: argparse.Namespace) -> tuple[str, dict]:
    """The sink target and its options; the flag, not the file name, decides the format."""
    if args.jsonl:
        return args.jsonl, {"format": "jsonl"}
    if args.parquet:
        return args.parquet, {"format": "parquet"}
    return args.db, {}


def _check_paths(paths: Sequence[str]) -> list[str]:
    missing = [p for p in paths if p != "-" and not os.path.exists(p) and not glob.glob(p)]
    return missing


def cmd_extract(args: argparse.Namespace) -> int:
    from .api import DEFAULT_MAX_BYTES
    from .batch import DEFAULT_TIME_LIMIT
    from .errors import SinkError
    from .runner import run

    missing = _check_paths(args.paths)
    if missing:
        print(f"bionews: no such file, folder or glob: {', '.join(missing)}", file=sys.stderr)
        return 2
    target, options = _target(args)
    try:
        summary = run(
            args.paths,
            sink=target,
            sink_options=options,
            workers=args.workers,
            ordered=not args.unordered,
            progress=(not args.quiet and sys.stderr.isatty()) or args.progress,
            resume=not args.no_resume,
            max_bytes=DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes,
            time_limit=DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit or None,
        )
    except SinkError as exc:
        print(f"bionews: cannot write to {target}: {exc}", file=sys.stderr)
        return 2
    if args.summary_json:
        print(summary.model_dump_json(indent=2), file=sys.stderr)
    else:
        print(summary.line(), file=sys.stderr)
        if summary.problems:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(summary.problems.items()))
            print(f"failed inputs by kind: {kinds} (see the errors table)", file=sys.stderr)
        if target != "-":
            print(f"written to {target}", file=sys.stderr)
    return 130 if summary.interrupted else 0


def cmd_show(args: argparse.Namespace) -> int:
    from .sinks import open_sink

    if "://" not in args.db and not Path(args.db).exists():
        print(f"bionews: no database at {args.db}", file=sys.stderr)
        return 2
    with open_sink(args.db) as sink:
        rec = sink.get(args.id)
    if rec is None:
        print(f"bionews: no record with id {args.id} in {args.db}", file=sys.stderr)
        return 1
    print(rec.model_dump_json(indent=2))
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    from .clean import clean

    article = clean(Path(args.page).read_bytes(), args.url)
    if args.json:
        print(article.model_dump_json(indent=2))
    else:
        print(article.title or "", article.published or "", ", ".join(article.authors), sep="\n")
        print()
        print(article.text)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .render import render_page

    out = Path(args.output or Path(args.page).with_suffix(".view.html").name)
    out.write_text(render_page(Path(args.page).read_bytes(), url=args.url), "utf-8")
    print(f"written to {out}", file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .records import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="bionews", description="Structured records from biopharma news pages."
    )
    ap.add_argument("--version", action="version", version=f"bionews {package_version()}")
    sub = ap.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract records from files, folders, globs or - (stdin)")
    ex.add_argument(
        "paths", nargs="+", help=".html .htm .txt .jsonl(.gz) .warc(.gz), folders, globs, -"
    )
    out = ex.add_mutually_exclusive_group()
    out.add_argument(
        "--db", default="bionews.db", help="SQLite file or postgresql:// URL (default: bionews.db)"
    )
    out.add_argument("--jsonl", metavar="FILE", help="write JSON lines to FILE ('-' for stdout)")
    out.add_argument("--parquet", metavar="DIR", help="write partitioned Parquet under DIR")
    ex.add_argument("-w", "--workers", type=int, default=1, help="worker processes (default 1)")
    ex.add_argument("--unordered", action="store_true", help="emit records as they finish")
    ex.add_argument("--no-resume", action="store_true", help="re-process inputs already stored")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ex.add_argument("--progress", action="store_true", help="progress bar even when not a terminal")
    ex.add_argument("--summary-json", action="store_true", help="print the summary as JSON")
    ex.add_argument(
        "--max-bytes",
        type=int,
        help="refuse pages larger than this as too_large (default 20 MB)",
    )
    ex.add_argument(
        "--time-limit",
        type=float,
        help="seconds one page may take before it becomes a timeout error; 0 = none (default 30)",
    )
    ex.set_defaults(func=cmd_extract)

    sh = sub.add_parser("show", help="print one stored record as JSON")
    sh.add_argument("id")
    sh.add_argument("--db", default="bionews.db")
    sh.set_defaults(func=cmd_show)

    cl = sub.add_parser("clean", help="print the cleaned article of one page")
    cl.add_argument("page")
    cl.add_argument("--url")
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(func=cmd_clean)

    rd = sub.add_parser("render", help="write an HTML view of one page's extraction")
    rd.add_argument("page")
    rd.add_argument("-o", "--output")
    rd.add_argument("--url")
    rd.set_defaults(func=cmd_render)

    sc = sub.add_parser("schema", help="print the ArticleRecord JSON Schema")
    sc.set_defaults(func=cmd_schema)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        print("bionews: --workers must be at least 1", file=sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
