"""Shared fixtures: where the bundled corpus and the optional ../shared data live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = Path(__import__("os").environ.get("BIONEWS_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the clone; tests using it skip cleanly on a user's clone."""
    if not (SHARED / "DESIGN.md").exists():
        pytest.skip("../shared is not present (only on the developers' machines)")
    return SHARED


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
