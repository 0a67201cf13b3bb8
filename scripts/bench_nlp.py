#!/usr/bin/env python
"""Speed of the NLP stage against a bare blank-English tokenizer, in one process.

    python scripts/bench_nlp.py [--repeat 5] [PATH ...]

Texts are the cleaned bodies of the corpus pages (or of the given files). The
tokenizer baseline and the pipeline run over the same texts in the same process,
interleaved per round, so machine noise hits both alike; the ratio is what to
quote. Per-component times show where the time goes.
"""

from __future__ import annotations

import argparse
import glob
import time
from pathlib import Path

import spacy

import bionews
from bionews.tokens import remember_text

ROOT = Path(__file__).resolve().parents[1]


def load_texts(paths: list[str]) -> list[str]:
    """The given files' cleaned bodies; by default the corpus pages and held-out texts."""
    if paths:
        return [bionews.clean(Path(p).read_bytes()).text for p in paths]
    corpus = ROOT / "corpus"
    default = [
        *sorted(glob.glob(str(corpus / "html" / "*.html"))),
        *sorted(glob.glob(str(corpus / "text" / "*.txt"))),
        *sorted(glob.glob(str(corpus / "heldout" / "*.txt"))),
        *sorted(glob.glob(str(corpus / "heldout2" / "*.txt"))),
        *sorted(glob.glob(str(corpus / "heldout3" / "*.txt"))),
        *sorted(glob.glob(str(corpus / "heldout4" / "*.txt"))),
    ]
    return [bionews.clean(Path(p).read_bytes()).text for p in default]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    texts = load_texts(args.paths)
    words = sum(len(t.split()) for t in texts)
    bare = spacy.blank("en")
    nlp = bionews.get_nlp()
    for t in texts:  # warm caches and lazy loads in both
        bare(t)
        nlp(t)

    t_tok = t_nlp = 0.0
    per_pipe = {name: 0.0 for name, _ in nlp.pipeline}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for t in texts:
            bare(t)
        t_tok += time.perf_counter() - t0
        t0 = time.perf_counter()
        for t in texts:
            doc = remember_text(nlp.make_doc(t), t)
            for name, proc in nlp.pipeline:
                p0 = time.perf_counter()
                doc = proc(doc)
                per_pipe[name] += time.perf_counter() - p0
        t_nlp += time.perf_counter() - t0

    n = len(texts) * args.repeat
    tok_wps = words * args.repeat / t_tok
    nlp_wps = words * args.repeat / t_nlp
    print(f"{len(texts)} texts, {words} words, {args.repeat} rounds")
    print(f"blank-English tokenizer: {tok_wps:10.0f} words/s")
    print(f"bionews pipeline:        {nlp_wps:10.0f} words/s  ({n / t_nlp:.1f} docs/s)")
    print(f"ratio pipeline/tokenizer: {nlp_wps / tok_wps:.2f}  (target >= 0.40)")
    for name, secs in per_pipe.items():
        print(f"  {name:<22} {secs * 1000 / n:6.2f} ms/doc  {secs / t_nlp:5.1%}")


if __name__ == "__main__":
    main()
