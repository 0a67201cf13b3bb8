"""Benchmark the cleaning stage: body quality and speed, bionews against trafilatura.

Usage::

    python scripts/bench_clean.py                     # ../shared/bench/extraction/dev
    python scripts/bench_clean.py --bench DIR --corpus corpus --repeat 3
    python scripts/bench_clean.py --dump out.json     # bionews output per page

Scoring follows the extraction benchmark's README exactly: ``\\w+`` tokens,
multisets of 4-gram shingles (1-3 token texts give one shingle), per-page
precision/recall, P and R averaged over pages (empty extractions left out of
P, counted as 0 in R), F1 of the two means, plus exact token-sequence matches.
Both tools run in this process on the same pages, one after the other, so the
speed ratio is meaningful on a noisy machine. trafilatura is optional: when it
is not installed the script says so and reports bionews alone.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bionews.clean import clean_html  # noqa: E402
from bionews.errors import InputError  # noqa: E402

_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    precisions: list[float] = []
    recalls: list[float] = []
    exact = 0
    for key, gold_text in gold.items():
        pred_text = predicted.get(key, "") or ""
        g, p = shingles(gold_text), shingles(pred_text)
        matched = sum((g & p).values())
        if p:
            precisions.append(matched / sum(p.values()))
        recalls.append(matched / sum(g.values()) if g else 0.0)
        exact += _TOKEN.findall(gold_text) == _TOKEN.findall(pred_text)
    prec = statistics.fmean(precisions) if precisions else 0.0
    rec = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"P": prec, "R": rec, "F1": f1, "exact": exact / len(gold), "pages": len(gold)}


def _bionews(html: str, url: str | None) -> str:
    try:
        return clean_html(html, url).text
    except InputError:
        return ""


def _trafilatura() -> Callable[[str, str | None], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url) or ""

    return run


def timed(
    tools: list[tuple[str, Callable[[str, str | None], str]]],
    pages: list[tuple[str, str, str | None]],
    repeat: int,
) -> dict[str, tuple[dict[str, str], float, float]]:
    """Per tool: outputs, total seconds (best repeat) and median ms per page.

    The tools take turns page by page, so a load spike on a shared machine
    slows all of them alike and the speed *ratio* stays meaningful.
    """
    outs: dict[str, dict[str, str]] = {name: {} for name, _ in tools}
    best: dict[str, float] = {name: float("inf") for name, _ in tools}
    medians: dict[str, float] = {}
    for _ in range(repeat):
        times: dict[str, list[float]] = {name: [] for name, _ in tools}
        for key, html, url in pages:
            for name, fn in tools:
                t0 = time.perf_counter()
                outs[name][key] = fn(html, url)
                times[name].append(time.perf_counter() - t0)
        for name in times:
            total = sum(times[name])
            if total < best[name]:
                best[name] = total
                medians[name] = statistics.median(times[name]) * 1000
    return {name: (outs[name], best[name], medians[name]) for name, _ in tools}


def load_bench(folder: Path) -> tuple[list[tuple[str, str, str | None]], dict[str, str]]:
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        path = folder / f"{key}.html.gz"
        if path.exists():
            html = gzip.decompress(path.read_bytes()).decode("utf-8")
            pages.append((key, html, item.get("url")))
    gold = {k: truth[k]["articleBody"] for k, _, _ in pages}
    return pages, gold


def load_corpus(folder: Path) -> tuple[list[tuple[str, str, str | None]], dict[str, str]]:
    pages, gold = [], {}
    gold_file = folder / "gold.jsonl"
    if not gold_file.exists():
        return [], {}
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if not item["path"].startswith("html/"):
            continue
        html = (folder / item["path"]).read_text(encoding="utf-8")
        pages.append((item["path"], html, item.get("source_url")))
        gold[item["path"]] = item["text"]
    return pages, gold


def report(name: str, pages, gold, repeat: int, dump: Path | None = None) -> None:
    if not pages:
        print(f"{name}: no pages found")
        return
    mb = sum(len(h.encode("utf-8")) for _, h, _ in pages) / 1e6
    print(f"\n== {name}: {len(pages)} pages, {mb:.1f} MB ==")
    print(
        f"{'tool':<12} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} {'pages/s':>8} {'MB/s':>6} {'ms/page(med)':>12}"
    )
    tools: list[tuple[str, Callable[[str, str | None], str]]] = [("bionews", _bionews)]
    traf = _trafilatura()
    if traf is not None:
        tools.append(("trafilatura", traf))
    results = timed(tools, pages, repeat)
    for tool, (out, secs, med) in results.items():
        s = score(gold, out)
        print(
            f"{tool:<12} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} {s['exact']:6.3f}"
            f" {len(pages) / secs:8.1f} {mb / secs:6.2f} {med:12.1f}"
        )
        if dump is not None and tool == "bionews":
            dump.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    if len(results) == 2:
        (_, (_, a, _)), (_, (_, b, _)) = results.items()
        print(f"speed ratio bionews/trafilatura (pages/s): {b / a:.2f}")
    if traf is None:
        print("trafilatura is not installed (pip install trafilatura): bionews measured alone")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared/bench/extraction/dev")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool; the fastest counts")
    ap.add_argument("--dump", type=Path, help="write bionews's bench output (JSON) here")
    args = ap.parse_args(argv)
    if (args.bench / "ground_truth.json").exists():
        pages, gold = load_bench(args.bench)
        report("extraction benchmark", pages, gold, args.repeat, args.dump)
    else:
        print(f"no benchmark at {args.bench} (it lives in ../shared on developer machines)")
    pages, gold = load_corpus(args.corpus)
    report("corpus html pages", pages, gold, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
