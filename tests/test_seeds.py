"""The seed stories end to end: every gold field matched, in HTML and text form.

The bundled corpus retells the two seed articles (corpus/gold.jsonl); the real
seed dumps in ../shared/seeds are scored too when they are present.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import bionews
from bionews.scoring import FIELDS, score
from conftest import CORPUS, read_jsonl

SEED_IDS = ("ichongqing-siliq", "ichongqing-city-v")


def corpus_gold() -> list[dict]:
    return read_jsonl(CORPUS / "gold.jsonl")


def seed_story_lines() -> list[dict]:
    return [g for g in corpus_gold() if g["id"].startswith(SEED_IDS)]


def describe(rep) -> str:
    lines = [rep.table()]
    for a in rep.articles:
        for f in FIELDS:
            if a.missed[f] or a.spurious[f]:
                lines.append(f"{a.id} {f}: missed={a.missed[f]} spurious={a.spurious[f]}")
    return "\n".join(lines)


@pytest.mark.parametrize("gold", seed_story_lines(), ids=lambda g: g["id"])
def test_corpus_seed_story_is_fully_extracted(gold: dict) -> None:
    rec = bionews.extract(CORPUS / gold["path"], url=gold.get("source_url"))
    rep = score([(gold, rec)])
    for f in FIELDS:
        assert rep.totals[f].f1 == 1.0, describe(rep)
    if gold.get("published"):
        assert str(rec.published) == gold["published"]


def test_both_forms_of_each_seed_story_are_in_the_corpus() -> None:
    forms = {(g["id"].rsplit("-", 1)[0], Path(g["path"]).suffix) for g in seed_story_lines()}
    stories = {s for s, _ in forms}
    assert len(stories) == 2
    for s in stories:
        assert (s, ".html") in forms and (s, ".txt") in forms


def _seed_pairs(shared: Path) -> list[tuple[dict, Path]]:
    golds = read_jsonl(shared / "eval" / "seeds_gold.jsonl")
    dumps = sorted((shared / "seeds").glob("*.txt"))
    return [(g, p) for g in golds for p in dumps if g["published"] in p.name]


@pytest.mark.shared
def test_real_seed_dumps_are_fully_extracted(shared_dir: Path) -> None:
    pairs = _seed_pairs(shared_dir)
    assert len(pairs) == 2
    rep = score([(g, bionews.extract(p, url=g.get("source_url"))) for g, p in pairs])
    for f in FIELDS:
        assert rep.totals[f].f1 == 1.0, describe(rep)


@pytest.mark.shared
def test_real_seed_dump_metadata(shared_dir: Path) -> None:
    for gold, path in _seed_pairs(shared_dir):
        rec = bionews.extract(path, url=gold.get("source_url"))
        assert str(rec.published) == gold["published"]
        assert "Leaving a message" not in rec.text
        assert "cookies" not in rec.text
        assert "(Photo provided" not in rec.text
