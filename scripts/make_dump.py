"""Generate N varied corpus-style news pages: a dump for benchmarks and scale tests.

Each page is assembled from sentence templates with slots (organisations, drugs,
amounts, stages, indications, places) plus filler paragraphs taken from the
bundled corpus pages, laid out in one of several site templates (an
iChongqing-like WordPress page, a Xinhua-like page, a wire press release, an
unknown blog) or as a plain-text dump. Pages therefore differ in length, markup,
entities and numbers, as a real dump does; a small share can be made bad on
purpose (empty, binary, non-English, a malformed JSON line).

    python scripts/make_dump.py 20000 bench-out/dump.jsonl.gz
    python scripts/make_dump.py 200 bench-out/pages/ --bad 0.05
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# -- slot values (invented names, plus real regulators and places as settings) -------

COMPANIES = [
    ("Chongqing {a} Biopharmaceutical Co., Ltd.", "{a} Bio"),
    ("{a} Pharmaceutical Group Co., Ltd.", "{a} Pharma"),
    ("{a} Biologics Inc.", "{a}"),
    ("{a} Therapeutics Ltd.", "{a} Therapeutics"),
    ("{a} Medical Technology Co., Ltd.", "{a} Medical"),
]
STEMS = [
    "Jinyun", "Qianshan", "Baiyu", "Nanhu", "Xiling", "Tongjing", "Huaxin", "Lanjiang",
    "Ruida", "Kangyue", "Minsheng", "Zhongrui", "Yuanshan", "Feilong", "Hengtai", "Boyuan",
]  # fmt: skip
INVESTORS = ["Jialing Capital", "Yangtze Growth Fund", "Red Cliff Ventures", "Liangjiang Fund"]
REGULATORS = [
    "the National Medical Products Administration",
    "the U.S. Food and Drug Administration",
    "the European Medicines Agency",
    "the Center for Drug Evaluation",
]
DRUG_FORMS = [
    ("{p}-{n}", "antibody"),
    ("{p}{n}", "small_molecule"),
    ("{i}mab", "antibody"),
    ("{i}tinib Tablets", "small_molecule"),
    ("{i}glutide Injection", "peptide"),
    ("{v}-Valent Pneumococcal Conjugate Vaccine", "vaccine"),
]
INN_HEADS = ["tali", "sero", "vani", "dora", "peli", "runo", "cami", "xeno", "lumi", "fara"]
INDICATIONS = [
    "plaque psoriasis", "type 2 diabetes", "non-small cell lung cancer", "obesity",
    "rheumatoid arthritis", "gastric cancer", "chronic hepatitis B", "atopic dermatitis",
    "multiple myeloma", "influenza",
]  # fmt: skip
STAGES = [
    "Phase I", "Phase II", "Phase III", "Phase Ib", "Phase IIb", "Phase I/II", "Phase 3",
    "pivotal Phase III", "Phase Ⅲ",
]  # fmt: skip
PLACES = ["Chongqing", "Liangjiang New Area", "Shapingba District", "Beijing", "Shanghai"]
AMOUNT_FORMS = [
    "{x} billion yuan",
    "{x} million yuan",
    "RMB {x} million",
    "{x} billion yuan (about {u} million U.S. dollars)",
    "US${x} million",
    "HK${x} billion",
    "{x} million euros",
]

# -- sentence templates (written for this script) -----------------------------------

LEADS = [
    "{company} announced on {weekday} that its {form} {drug} has entered a {stage} clinical "
    "trial for {indication}.",
    "{drug}, a {form} developed by {company}, received approval from {regulator} to start "
    "a {stage} study in patients with {indication}.",
    "{company} said {drug} met its primary endpoint in a {stage} trial in {indication}, "
    "the company told reporters in {place}.",
    "{regulator} has accepted the marketing application for {drug}, the {form} that "
    "{company} developed for {indication}.",
    "{company} completed a financing round of {amount} led by {investor} to push {drug} "
    "into a {stage} trial.",
]
BODY = [
    "The company plans to invest {amount} in a new production base in {place}, which is "
    "expected to be completed by {year}.",
    "{short} has built a pipeline of more than {k} candidates, {k2} of which are in "
    "clinical development.",
    "According to {short}, the {stage} study will enrol about {patients} patients at "
    "{k} hospitals across China.",
    "Last year {short} reported revenue of {amount}, up {pct} percent from the year before.",
    "Analysts said the approval would make {drug} one of the first domestic options for "
    "{indication}.",
    "{investor} and {investor2} also took part in the round, which values the company at {amount}.",
    "The district has attracted {k} biomedical projects with a total investment of {amount} "
    "since {year0}.",
    "{short} expects to file a new drug application for {drug} with {regulator} in {year}.",
    "Doctors at the First Affiliated Hospital of Chongqing Medical University will lead "
    "the trial, which started dosing in {month}.",
]

LAYOUTS = ["ichongqing", "xinhua", "wire", "blog"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


def _corpus_paragraphs() -> list[str]:
    """Body paragraphs of the bundled corpus pages (project-written), as filler."""
    paras: list[str] = []
    for page in sorted((ROOT / "corpus" / "html").glob("*.html")):
        raw = page.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"<p(?:\s[^>]*)?>(.*?)</p>", raw, re.S):
            text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()
            if len(text) > 80 and "©" not in text and "cookie" not in text.lower():
                paras.append(" ".join(text.split()))
    return paras


class PageMaker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.filler = _corpus_paragraphs()

    def _amount(self) -> str:
        r = self.rng
        form = r.choice(AMOUNT_FORMS)
        x = r.choice([str(r.randint(1, 999)), f"{r.randint(1, 99)}.{r.randint(1, 9)}"])
        return form.format(x=x, u=r.randint(10, 900))

    def _drug(self) -> tuple[str, str]:
        r = self.rng
        form, modality = r.choice(DRUG_FORMS)
        name = form.format(
            p=r.choice(["QS", "JY", "BY", "HX", "GR", "KY", "TJ"]),
            n=r.randint(100, 9999),
            i=r.choice(INN_HEADS).capitalize(),
            v=r.choice([13, 15, 20, 24, 26]),
        )
        return name, modality.replace("_", " ")

    def _slots(self) -> dict[str, object]:
        r = self.rng
        full, short = r.choice(COMPANIES)
        stem = r.choice(STEMS)
        drug, form = self._drug()
        year = r.randint(2019, 2026)
        inv = r.sample(INVESTORS, 2)
        return {
            "company": full.format(a=stem),
            "short": short.format(a=stem),
            "drug": drug,
            "form": form,
            "stage": r.choice(STAGES),
            "indication": r.choice(INDICATIONS),
            "regulator": r.choice(REGULATORS),
            "place": r.choice(PLACES),
            "investor": inv[0],
            "investor2": inv[1],
            "weekday": r.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
            "year": year + 1,
            "year0": year - 3,
            "month": r.choice(MONTHS),
            "k": r.randint(3, 40),
            "k2": r.randint(1, 9),
            "patients": r.randint(60, 900),
            "pct": r.randint(3, 60),
            "date": dt.date(year, r.randint(1, 12), r.randint(1, 28)),
        }

    def story(self) -> tuple[str, list[str], dict[str, object]]:
        r = self.rng
        s = self._slots()
        fill = {**s, "amount": self._amount()}
        paras = [r.choice(LEADS).format(**fill)]
        for tpl in r.sample(BODY, r.randint(2, 6)):
            paras.append(tpl.format(**{**s, "amount": self._amount()}))
        if self.filler:
            for _ in range(r.randint(0, 3)):
                paras.insert(r.randint(1, len(paras)), r.choice(self.filler))
        title = f"{s['short']} moves {s['drug']} into {s['stage']} for {s['indication']}"
        return title, paras, s

    def page(self, i: int) -> dict[str, object]:
        """One dump item: ``{url, html | text, published}``."""
        r = self.rng
        title, paras, s = self.story()
        date: dt.date = s["date"]  # type: ignore[assignment]
        layout = r.choice(LAYOUTS)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70]
        host = {
            "ichongqing": "www.ichongqing.info",
            "xinhua": "english.news.cn",
            "wire": "www.prnewswire.com",
            "blog": "biotech-notes.example.com",
        }[layout]
        url = f"https://{host}/{date:%Y/%m/%d}/{slug}-{i}/"
        author = r.choice(["CHANG CHEN", "YUXUAN HE", "LI WEN", "TAN XIAO"])
        item: dict[str, object] = {"url": url, "published": date.isoformat()}
        if r.random() < 0.25:
            head = ["iChongqing Title", title, f"By {author}|{date:%b %d,%Y}", ""]
            tail = ["", "MUST READ", "All rights reserved. Copyright iChongqing."]
            item["text"] = "\n".join(head + [p + "\n" for p in paras] + tail)
        else:
            item["html"] = render(layout, title, paras, author, date, url, chrome(r))
        return item


def chrome(rng: random.Random) -> str:
    """Menus, scripts and styles: real pages carry 20-100 KB of this around the story."""
    items = "".join(
        f"<li class='menu-item'><a href='/category/{rng.choice(STEMS).lower()}-{k}/'>"
        f"{rng.choice(PLACES)} {rng.choice(['News', 'Business', 'Culture', 'Travel'])}</a></li>"
        for k in range(rng.randint(40, 250))
    )
    config = json.dumps({f"k{k}": rng.random() for k in range(rng.randint(200, 1500))})
    style = ".x{margin:0 auto;padding:4px}" * rng.randint(50, 400)
    return (
        f"<style>{style}</style><nav><ul>{items}</ul></nav>"
        f"<script>window.__CONFIG__ = {config};</script>"
    )


def render(
    layout: str, title: str, paras: list[str], author: str, date: dt.date, url: str, nav: str
) -> str:
    t = html.escape(title)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    head = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{t}</title>"
        f"<link rel='canonical' href='{url}'>"
        f"<meta property='article:published_time' content='{date.isoformat()}T09:00:00+08:00'>"
        "</head><body>"
    )
    foot = "<footer><p>Copyright 2025. All rights reserved.</p></footer></body></html>"
    if layout == "ichongqing":
        main = (
            f"<article class='post'><h1 class='entry-title'>{t}</h1>"
            f"<p class='post-byline'>By {author}|{date:%b %d,%Y}</p>"
            f"<div class='entry-content'>{body}</div></article>"
            "<aside><h3>MUST READ</h3><ul><li><a href='/x/'>Hotpot festival opens</a></li></ul></aside>"
        )
    elif layout == "xinhua":
        main = (
            f"<div class='header'><h1>{t}</h1><div class='info'>Source: Xinhua | "
            f"{date:%Y-%m-%d} 10:12:45</div></div><div id='detail'>{body}</div>"
            "<div class='editor'>Editor: Zhang Lei</div>"
        )
    elif layout == "wire":
        main = (
            f"<h1>{t}</h1><p class='mb-no'>NEWS PROVIDED BY Wire Service {date:%b %d, %Y}</p>"
            f"<section class='release-body'><p>CHONGQING, China, {date:%B %d, %Y} /PRNewswire/ -- "
            f"</p>{body}<p>SOURCE {html.escape(paras[0].split(' ')[0])}</p></section>"
        )
    else:
        main = (
            f"<div class='wrap'><div class='sidebar'><ul><li>Archive</li><li>About</li></ul></div>"
            f"<div class='post'><h2>{t}</h2><span class='date'>{date:%d %B %Y}</span>{body}</div>"
            "<div class='comments'><p>Great read, thanks!</p></div></div>"
        )
    return head + nav + main + foot


def bad_item(rng: random.Random, i: int) -> dict[str, object] | bytes:
    kind = rng.choice(["empty", "binary", "chinese", "json"])
    url = f"https://bad.example.com/{i}"
    if kind == "empty":
        return {"url": url, "html": "<html><body></body></html>"}
    if kind == "binary":
        return {"url": url, "text": "".join(chr(rng.randint(1, 31)) for _ in range(300))}
    if kind == "chinese":
        return {"url": url, "text": "重庆生物医药产业持续发展。" * 20}
    return b'{"url": "' + url.encode() + b'", "html": "<p>cut'


def items(n: int, seed: int, bad: float) -> Iterator[dict[str, object] | bytes]:
    maker = PageMaker(seed)
    for i in range(n):
        yield bad_item(maker.rng, i) if maker.rng.random() < bad else maker.page(i)


def write_jsonl(path: Path, n: int, seed: int, bad: float) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    size = 0
    with opener(path, "wb") as fh:
        for item in items(n, seed, bad):
            line = (
                item if isinstance(item, bytes) else json.dumps(item, ensure_ascii=False).encode()
            )
            fh.write(line + b"\n")
            size += len(line)
    return size


def write_files(root: Path, n: int, seed: int, bad: float) -> int:
    size = 0
    for i, item in enumerate(items(n, seed, bad)):
        sub = root / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        if isinstance(item, bytes):
            data, name = item, f"page-{i:06d}.html"
        elif "html" in item:
            data, name = str(item["html"]).encode(), f"page-{i:06d}.html"
        else:
            data, name = str(item["text"]).encode(), f"page-{i:06d}.txt"
        (sub / name).write_bytes(data)
        size += len(data)
    return size


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of pages")
    ap.add_argument("out", help="a .jsonl / .jsonl.gz file, or a directory for page files")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bad", type=float, default=0.0, help="share of deliberately bad items")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.name.endswith((".jsonl", ".jsonl.gz")):
        size = write_jsonl(out, args.n, args.seed, args.bad)
    else:
        size = write_files(out, args.n, args.seed, args.bad)
    print(f"{args.n} items, {size / 1e6:.1f} MB of page text -> {out}")


if __name__ == "__main__":
    main()
