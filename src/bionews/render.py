"""An HTML view of one extraction, for a person to check it at a glance.

displaCy draws the entity spans in the cleaned text (one colour per label); the
record follows as tables. Every piece of page text goes through ``html.escape``
(displaCy escapes what it draws), so a hostile page cannot script the view.
"""

from __future__ import annotations

import html

from spacy import displacy

from .api import annotate, record_and_doc
from .clean import clean
from .records import ArticleRecord

COLORS = {
    "ORG": "#7aecec",
    "DRUG": "#feca74",
    "MONEY": "#bfeeb7",
    "STAGE": "#c887fb",
    "INDICATION": "#ff9561",
}


def _spans(doc, record: ArticleRecord) -> list[dict]:
    spans = [
        {"start_char": s.start_char, "end_char": s.end_char, "label": s.label_}
        for key in ("orgs", "drugs", "indications")
        for s in doc.spans.get(key, ())
    ]
    spans += [{"start_char": a.start, "end_char": a.end, "label": "MONEY"} for a in record.amounts]
    spans += [
        {"start_char": s.start, "end_char": s.end, "label": "STAGE"} for s in record.trial_stages
    ]
    # displaCy's entity view wants non-overlapping spans in order.
    spans.sort(key=lambda s: (s["start_char"], -s["end_char"]))
    out, last_end = [], -1
    for s in spans:
        if s["start_char"] >= last_end:
            out.append(s)
            last_end = s["end_char"]
    return [{"start": s["start_char"], "end": s["end_char"], "label": s["label"]} for s in out]


def _table(title: str, header: list[str], rows: list[list[object]]) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<h2>{esc(title)}</h2><table><tr>{head}</tr>{body}</table>"


def render_record(record: ArticleRecord, doc) -> str:
    esc = html.escape
    ents = displacy.render(
        {"text": record.text, "ents": _spans(doc, record), "title": None},
        style="ent",
        manual=True,
        page=False,
        options={"colors": COLORS},
    )
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{esc(record.title or 'bionews view')}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;"
        "padding:.2em .5em;text-align:left;vertical-align:top}</style></head><body>",
        f"<h1>{esc(record.title or '(no title)')}</h1>",
        f"<p>{esc(record.url or '')} · {esc(str(record.published or ''))} · "
        f"{esc(', '.join(record.authors))}</p>",
        ents,
        _table(
            "Organisations",
            ["name", "aliases", "kind", "mentions"],
            [[o.name, "; ".join(o.aliases), o.kind, len(o.mentions)] for o in record.organisations],
        ),
        _table(
            "Drugs",
            ["name", "aliases", "modality", "targets", "indications", "developer", "stages"],
            [
                [
                    d.name,
                    "; ".join(d.aliases),
                    d.modality or "",
                    ", ".join(d.targets),
                    "; ".join(d.indications),
                    d.developer or "",
                    ", ".join(d.stages),
                ]
                for d in record.drugs
            ],
        ),
        _table(
            "Amounts",
            ["text", "value", "currency", "approximate", "equivalent_of"],
            [
                [
                    a.text,
                    a.value,
                    a.currency,
                    a.approximate,
                    "" if a.equivalent_of is None else a.equivalent_of,
                ]
                for a in record.amounts
            ],
        ),
        _table(
            "Stages",
            ["stage", "text", "drug"],
            [[s.stage, s.text, s.drug or ""] for s in record.trial_stages],
        ),
        "</body></html>",
    ]
    return "\n".join(parts)


def render_page(source: str | bytes, url: str | None = None) -> str:
    article = clean(source, url)
    record, doc = record_and_doc(article)
    return render_record(record, doc if doc is not None else annotate(""))
