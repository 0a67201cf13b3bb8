"""Document-level precision / recall / F1 against hand-annotated gold.

The matching rules are those of the project's annotation guide, so that a number
printed here means the same as one printed by any other evaluation of the
shared gold: entity surface forms compared after normalisation, one-to-one (an
alias that was not merged is a duplicate row downstream, so it costs precision),
amounts as (currency, value to the cent), stages as a set, drug-stage pairs
through the drug matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from .records import ArticleRecord

FIELDS = ("organisations", "drugs", "amounts", "stages", "drug_stages")

_STRIP_CHARS = re.compile(r"[\"'“”‘’`«»()\[\]{}®™]")
_WS = re.compile(r"\s+")
_LEGAL = re.compile(
    r"(?:[\s,]+(?:co|ltd|inc|corp|limited|llc|plc|gmbh|ag|s\.a|group|holdings)\.?)+\s*$"
)
_DOSAGE = re.compile(
    r"\s+(?:for injection|oral solution|injection|tablets?|capsules?)\b", re.IGNORECASE
)


def _base(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower()
    s = _STRIP_CHARS.sub(" ", s)
    return _WS.sub(" ", s).strip()


def norm_org(s: str) -> str:
    s = _base(s)
    s = re.sub(r"^the\s+", "", s)
    s = _LEGAL.sub("", s).strip(" ,.")
    return s


def norm_drug(s: str) -> str:
    s = _base(s)
    s = _DOSAGE.sub("", " " + s)
    return _WS.sub(" ", s).strip()


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Count) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class ArticleScore:
    id: str
    counts: dict[str, Count] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Report:
    totals: dict[str, Count]
    articles: list[ArticleScore]

    def table(self) -> str:
        lines = [f"{'field':<14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
        for name in FIELDS:
            c = self.totals[name]
            lines.append(
                f"{name:<14} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                f"{c.tp:5d} {c.fp:5d} {c.fn:5d}"
            )
        return "\n".join(lines)


def _forms(entity: Mapping[str, Any] | Any, norm) -> set[str]:
    if isinstance(entity, Mapping):
        names = [entity["name"], *entity.get("aliases", [])]
    else:
        names = [entity.name, *entity.aliases]
    return {norm(n) for n in names if n and norm(n)}


def _match(pred: list[set[str]], gold: list[set[str]]) -> dict[int, int]:
    """Maximum one-to-one matching (pred index -> gold index) on shared forms."""
    adj = [[g for g, gf in enumerate(gold) if pf & gf] for pf in pred]
    owner: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in adj[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in owner or augment(owner[g], seen):
                owner[g] = p
                return True
        return False

    for p in range(len(pred)):
        augment(p, set())
    return {p: g for g, p in owner.items()}


def _entity_count(pred_forms, gold_forms, pred_names, gold_names):
    m = _match(pred_forms, gold_forms)
    c = Count(tp=len(m), fp=len(pred_forms) - len(m), fn=len(gold_forms) - len(m))
    matched_gold = set(m.values())
    missed = [gold_names[g] for g in range(len(gold_forms)) if g not in matched_gold]
    spurious = [pred_names[p] for p in range(len(pred_forms)) if p not in m]
    return c, m, missed, spurious


def _set_count(pred: set, gold: set) -> tuple[Count, list[str], list[str]]:
    return (
        Count(tp=len(pred & gold), fp=len(pred - gold), fn=len(gold - pred)),
        sorted(map(str, gold - pred)),
        sorted(map(str, pred - gold)),
    )


def _cents(v: Any) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def score_article(gold: Mapping[str, Any], rec: ArticleRecord) -> ArticleScore:
    out = ArticleScore(id=str(gold.get("id", rec.id)))

    po = [_forms(o, norm_org) for o in rec.organisations]
    go = [_forms(o, norm_org) for o in gold.get("organisations", [])]
    c, _, miss, spur = _entity_count(
        po,
        go,
        [o.name for o in rec.organisations],
        [o["name"] for o in gold.get("organisations", [])],
    )
    out.counts["organisations"], out.missed["organisations"], out.spurious["organisations"] = (
        c,
        miss,
        spur,
    )

    gd = gold.get("drugs", [])
    pdf = [_forms(d, norm_drug) for d in rec.drugs]
    gdf = [_forms(d, norm_drug) for d in gd]
    c, m, miss, spur = _entity_count(pdf, gdf, [d.name for d in rec.drugs], [d["name"] for d in gd])
    out.counts["drugs"], out.missed["drugs"], out.spurious["drugs"] = c, miss, spur

    pa = {(a.currency, _cents(a.value)) for a in rec.amounts}
    ga = {(a["currency"], _cents(a["value"])) for a in gold.get("amounts", [])}
    out.counts["amounts"], out.missed["amounts"], out.spurious["amounts"] = _set_count(pa, ga)

    ps = {s.stage for s in rec.trial_stages}
    gs = set(gold.get("stages", []))
    out.counts["stages"], out.missed["stages"], out.spurious["stages"] = _set_count(ps, gs)

    # Drug-stage pairs go through the drug matching: an unmatched predicted drug's
    # stages are all false positives, keyed so they never meet a gold pair.
    pp = set()
    for i, d in enumerate(rec.drugs):
        key = f"gold:{gd[m[i]]['name']}" if i in m else f"pred:{d.name}"
        pp |= {(key, s) for s in d.stages}
    gp = {(f"gold:{d['name']}", s) for d in gd for s in d.get("stages", [])}
    out.counts["drug_stages"], out.missed["drug_stages"], out.spurious["drug_stages"] = _set_count(
        pp, gp
    )
    return out


def score(pairs: Iterable[tuple[Mapping[str, Any], ArticleRecord]]) -> Report:
    totals = {f: Count() for f in FIELDS}
    articles = []
    for gold, rec in pairs:
        a = score_article(gold, rec)
        for f in FIELDS:
            totals[f].add(a.counts[f])
        articles.append(a)
    return Report(totals=totals, articles=articles)
