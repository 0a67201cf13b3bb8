"""Dates named in the body, resolved against the publication date.

News prose dates events relative to the day it was written: "on September 5",
"In June of this year", "last year". A record that knows when the article was
published can turn these into calendar dates, which is what a database wants
(a trial started *when*?). The patterns are cheap regular expressions built
once from ``data/dates.json``; dateparser is kept for the short metadata
strings where formats vary without bound, never run over article bodies.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from .records import DateMention, Precision


@lru_cache(maxsize=1)
def _data() -> dict:
    raw = resources.files("bionews").joinpath("data/dates.json").read_text("utf-8")
    return json.loads(raw)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], dict[str, int]]:
    data = _data()
    months = data["months"]
    month = "|".join(sorted(months, key=len, reverse=True))
    rel_year = "|".join(map(re.escape, sorted(data["year_offsets"], key=len, reverse=True)))
    rel_month = "|".join(map(re.escape, sorted(data["month_offsets"], key=len, reverse=True)))
    m = rf"(?P<{{n}}>{month})\.?"
    pattern = re.compile(
        r"\b(?:"
        # September 5, 2024 / Sept. 5 / September 5th
        + m.format(n="m1")
        + r"\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?P<y1>(?:19|20)\d{2}))?"
        # 5 September 2024 / 5 Sept
        + r"|(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+"
        + m.format(n="m2")
        + r"(?:,?\s+(?P<y2>(?:19|20)\d{2}))?"
        # June 2024 / June of this year / June this year / June last year
        + r"|(?:(?:in|by|since|until|from|early|late|mid|end of)\s+)?"
        + m.format(n="m3")
        + r"(?:\s+(?P<y3>(?:19|20)\d{2})|\s+(?:of\s+)?(?P<ry3>"
        + rel_year
        + r"))"
        # in June (month alone after a preposition)
        + r"|(?:in|by|since|until|from|early|late|mid|end of)\s+"
        + m.format(n="m4")
        + r"(?![\w-])"
        + r"|(?P<ry>"
        + rel_year
        + r")|(?P<rm>"
        + rel_month
        + r")"
        + r")",
        re.IGNORECASE,
    )
    return pattern, months


@lru_cache(maxsize=1)
def _anchors() -> re.Pattern[str]:
    """What every date match contains: a month name or a relative phrase.

    The full pattern tries a dozen alternatives at every word of the text;
    anchors are rare, so :func:`_date_matches` runs it only just before them.
    """
    data = _data()
    words = sorted([*data["months"], *data["year_offsets"], *data["month_offsets"]], key=len)
    # The first-letter class lets the engine skip most words before it tries the
    # alternation (about twice as fast as the bare alternation).
    firsts = "".join(sorted({w[0].lower() for w in words}))
    alternation = "|".join(re.escape(w) for w in reversed(words))
    return re.compile(rf"\b(?=[{firsts}])(?:{alternation})", re.IGNORECASE)


# A match starts at most this far before its anchor: "end of" (the longest lead word)
# or a day with its suffix ("21st"), then the white space before the month.
_LEAD = len("end of")
_MAX_GAP = 8
_LONG_GAP = re.compile(rf"\s{{{_MAX_GAP + 1},}}")


def _date_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only in front of anchors.

    Every match holds an anchor and starts at most ``_LEAD`` + one white-space run
    before it, so the leftmost match at or after ``pos`` is found by trying
    ``pattern.match`` at each position from there up to the next anchor. Texts
    with a longer white-space run (raw input, not cleaned text) take the plain scan.
    """
    if _LONG_GAP.search(text):
        yield from pattern.finditer(text)
        return
    anchors = _anchors()
    pos, n = 0, len(text)
    while pos < n:
        anchor = anchors.search(text, pos)
        if anchor is None:
            return
        at = anchor.start()
        for start in range(max(pos, at - _LEAD - _MAX_GAP), at + 1):
            mt = pattern.match(text, start)
            if mt is not None:
                yield mt
                pos = mt.end()
                break
        else:
            pos = at + 1


def _month_of(name: str, months: dict[str, int]) -> int:
    return months[name.lower().rstrip(".")]


def _nearest_year(month: int, day: int, published: dt.date) -> int:
    """The year of a month/day named without one.

    News mostly reports what has happened this year and announces what is due in
    the next few months, so the publication year wins unless that puts the date
    more than a quarter ahead ("in December" written in January is last December).
    """
    try:
        candidate = dt.date(published.year, month, day)
    except ValueError:  # 29 February in a common year
        return published.year
    if (candidate - published).days > 92:
        return published.year - 1
    return published.year


def _shift_month(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + months
    return dt.date(total // 12, total % 12 + 1, 1)


def find_dates(text: str, published: dt.date | None = None) -> list[DateMention]:
    pattern, months = _patterns()
    data = _data()
    out: list[DateMention] = []
    for mt in _date_matches(pattern, text):
        g = mt.groupdict()
        value: dt.date | None = None
        precision: Precision
        relative = False
        try:
            if g["m1"] or g["m2"]:
                month = _month_of(g["m1"] or g["m2"], months)
                day = int(g["d1"] or g["d2"])
                year_s = g["y1"] or g["y2"]
                precision = "day"
                if not 1 <= day <= calendar.monthrange(2000, month)[1]:
                    continue
                if year_s:
                    value = dt.date(int(year_s), month, day)
                elif published:
                    relative = True
                    value = dt.date(_nearest_year(month, day, published), month, day)
                else:
                    relative = True
            elif g["m3"]:
                month = _month_of(g["m3"], months)
                precision = "month"
                if g["y3"]:
                    value = dt.date(int(g["y3"]), month, 1)
                else:
                    relative = True
                    if published:
                        off = data["year_offsets"][g["ry3"].lower()]
                        value = dt.date(published.year + off, month, 1)
            elif g["m4"]:
                if g["m4"].lower() == "may" and not g["m4"][0].isupper():
                    continue  # the verb "may"
                month = _month_of(g["m4"], months)
                precision = "month"
                relative = True
                if published:
                    value = dt.date(_nearest_year(month, 1, published), month, 1)
            elif g["ry"]:
                precision, relative = "year", True
                if published:
                    value = dt.date(published.year + data["year_offsets"][g["ry"].lower()], 1, 1)
            else:
                precision, relative = "month", True
                if published:
                    off = data["month_offsets"][g["rm"].lower()]
                    value = _shift_month(published, off)
        except ValueError:  # 31 February and the like: not a date
            continue
        # "in June": the preposition helps find the month but is not part of the date.
        start = mt.start("m4") if g["m4"] else mt.start("m3") if g["m3"] else mt.start()
        out.append(
            DateMention(
                text=text[start : mt.end()],
                start=start,
                end=mt.end(),
                value=value,
                precision=precision,
                relative=relative,
            )
        )
    return out
