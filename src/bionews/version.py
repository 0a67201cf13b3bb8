"""Version strings carried by every record."""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version


@lru_cache(maxsize=1)
def package_version() -> str:
    try:
        return version("bionews")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def extractor_version() -> str:
    # Records say which rules made them, so a database can re-run old ones.
    return f"bionews-rules/{package_version()}"
