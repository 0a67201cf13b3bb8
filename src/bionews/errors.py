"""The library's exceptions.

Every failure on bad input is a :class:`BionewsError` with a short machine-readable
``kind``; batch code catches exactly this class and turns it into a
:class:`~bionews.records.Problem`, so a bug (any other exception) is never
mistaken for bad input and silently counted.
"""

from __future__ import annotations


class BionewsError(Exception):
    """Base class of every error the library raises on purpose."""

    kind = "error"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source


class InputError(BionewsError):
    """The input cannot be read as an article (empty, binary, undecodable ...)."""

    kind = "input"


class EmptyInputError(InputError):
    kind = "empty"


class BinaryInputError(InputError):
    kind = "binary"


class EncodingError(InputError):
    kind = "encoding"


class TooLargeError(InputError):
    kind = "too_large"


class NoArticleError(InputError):
    """The page parsed, but holds no article body (a list page, a script-only page)."""

    kind = "no_article"


class TimeoutError_(BionewsError):
    kind = "timeout"


class SinkError(BionewsError):
    """A database or file target cannot be written (read-only, full, unreachable)."""

    kind = "sink"
