"""Benchmark: body text and publication date on real Chinese pages of sites no selector knows.

Input: ../shared/samples/extraction_benchmark (46 real pages, hand-made gold text and dates; read
at run time, never copied here). Output: per extractor, body F1 (bag of tokens, trafilatura's
evaluation style; a CJK character is one token, a run of Latin letters/digits another) and date
accuracy, on the tuning half, the held-out half and all pages. Run:
`python -m benchmarks.extraction_benchmark [--pages]`.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from parsel import Selector

from analysis.extract.pages.article import PRUNE_XPATHS, library_date, relayout
from analysis.extract.pages.charset import decode_html
from analysis.extract.pages.cms import parse_body, parse_cms_notice, parse_published, visible_text
from analysis.normalise import resolve_published
from mirror.samples import samples_dir

REPO = Path(__file__).resolve().parents[1]
FETCHED = date(2026, 12, 1)  # the pages are all older; relative dates need a fetch day
_TOKEN = re.compile(r"[A-Za-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]")
_GOLD_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_NO_DATE = ("UNKNOWN", "UNKNWON")  # the dataset's spelling for "the page shows none", both ways
_WRAPPER_URL = re.compile(r'<text id="(https?://[^"]+)"')


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    html: str
    url: str
    gold_text: str
    gold_date: tuple[int, ...] | None  # (y,), (y, m) or (y, m, d); None: the page has no date
    date_judged: bool  # False when the gold date field is empty or not a date
    tuning: bool  # the fixed half thresholds may be tuned on (every other page by id)


@dataclass(frozen=True, slots=True)
class Result:
    body: str | None  # None: this extractor gives no body
    date: str | None
    seconds: float


Extractor = Callable[[Page], Result]


def benchmark_dir(repo: Path = REPO) -> Path:
    return samples_dir(repo) / "extraction_benchmark"


def parse_gold_date(raw: str) -> tuple[tuple[int, ...] | None, bool]:
    """(date parts, judged): "2005-5-7 21:23:57" → (2005, 5, 7); "1998-3" → (1998, 3);
    UNKNOWN → None (judged: the right answer is no date); empty or a name → not judged."""
    if raw.strip() in _NO_DATE:
        return None, True
    match = _GOLD_DATE.match(raw)
    if not match:
        return None, False
    return tuple(int(g) for g in match.groups() if g), True


def load_pages(root: Path) -> list[Page]:
    pages = []
    for n, path in enumerate(sorted((root / "original").glob("*.html"))):
        html, _, _ = decode_html(path.read_bytes(), None)
        wrapped = _WRAPPER_URL.search(html[:1000])
        url = wrapped.group(1) if wrapped else f"http://benchmark.invalid/{path.stem}.html"
        gold_text = (root / "cleaned" / f"{path.stem}.txt").read_text("utf-8", errors="replace")
        raw_date = (root / "date" / f"{path.stem}.txt").read_text("utf-8", errors="replace")
        gold_date, judged = parse_gold_date(raw_date)
        pages.append(Page(path.stem, html, url, gold_text, gold_date, judged, n % 2 == 0))
    return pages


def body_f1(got: str, gold: str) -> float:
    """F1 of the bags of tokens (CJK characters, Latin/digit runs); punctuation ignored."""
    found, wanted = Counter(_TOKEN.findall(got)), Counter(_TOKEN.findall(gold))
    common = sum((found & wanted).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(wanted.values())
    return 2 * precision * recall / (precision + recall)


def date_right(got: str | None, page: Page) -> bool:
    """Right at the gold's own precision (a year-only gold needs only the year)."""
    if page.gold_date is None:
        return got is None
    if not got:
        return False
    parts = tuple(int(p) for p in re.findall(r"\d+", got)[:3])
    return parts[: len(page.gold_date)] == page.gold_date


# ----------------------------------------------------------------------------------- extractors


def _project_date(text: str, page: Page, declared: str | None) -> str | None:
    found = resolve_published(text, url=page.url, declared=declared, fetched=FETCHED)
    return found.isoformat() if found else None


def rules_only(page: Page) -> Result:
    """The CMS selectors and labelled-date rules alone (no library), as before issue 10 §5."""
    start = time.perf_counter()
    sel = Selector(text=page.html)
    text, _ = parse_body(sel, use_library=False)
    declared, _ = parse_published(sel, page.url, visible_text(sel), use_library=False)
    return Result(text, _project_date(text, page, declared), time.perf_counter() - start)


def trafilatura_alone(page: Page) -> Result:
    """trafilatura's main text (precision-leaning options, as `library_body` calls it, without
    the project's link-block and opening-line rules) and its metadata date."""
    import trafilatura

    start = time.perf_counter()
    found_text = trafilatura.extract(
        Selector(text=page.html).get(),  # the parsed page, as `library_body` passes it
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        prune_xpath=PRUNE_XPATHS,
    )
    text = relayout(found_text or "")
    metadata = trafilatura.extract_metadata(page.html, default_url=page.url)
    found = metadata.date if metadata is not None else None
    return Result(text, found, time.perf_counter() - start)


def htmldate_fast(page: Page) -> Result:
    start = time.perf_counter()
    found = library_date(Selector(text=page.html), page.url)
    return Result(None, found, time.perf_counter() - start)


def htmldate_extensive(page: Page) -> Result:
    """htmldate's default (extensive search: dateparser over page text; slow, for reference)."""
    import htmldate

    start = time.perf_counter()
    found = htmldate.find_date(page.html, url=page.url, original_date=True)
    return Result(None, found, time.perf_counter() - start)


def combination(page: Page) -> Result:
    """The project's default: CMS selectors, else trafilatura, else generic containers; labelled
    dates, URL dates, then htmldate; dates resolved by the normaliser as in the pipeline."""
    start = time.perf_counter()
    notice = parse_cms_notice(Selector(text=page.html), page.url)
    found = _project_date(notice.text, page, notice.published)
    return Result(notice.text, found, time.perf_counter() - start)


EXTRACTORS: dict[str, Extractor] = {
    "rules (selectors + labelled dates)": rules_only,
    "trafilatura 2.3 (favor_precision)": trafilatura_alone,
    "htmldate 1.11 (fast, no dateparser)": htmldate_fast,
    "htmldate 1.11 (extensive)": htmldate_extensive,
    "combination (project default)": combination,
}


# ------------------------------------------------------------------------------------- reporting


@dataclass(frozen=True, slots=True)
class Score:
    f1: float | None
    dates_right: int
    dates_judged: int
    seconds: float


def score(results: Sequence[tuple[Page, Result]]) -> Score:
    f1s = [body_f1(r.body, p.gold_text) for p, r in results if r.body is not None]
    judged = [(p, r) for p, r in results if p.date_judged]
    right = sum(date_right(r.date, p) for p, r in judged)
    return Score(
        sum(f1s) / len(f1s) if f1s else None,
        right,
        len(judged),
        sum(r.seconds for _, r in results),
    )


def render_score(s: Score) -> str:
    f1 = f"{s.f1:.3f}" if s.f1 is not None else "  -  "
    accuracy = s.dates_right / s.dates_judged if s.dates_judged else 0.0
    return f"{f1}  {accuracy:.3f} ({s.dates_right:>2}/{s.dates_judged:<2})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", action="store_true", help="print each page's figures too")
    args = parser.parse_args(argv)
    root = benchmark_dir()
    if not root.is_dir():
        print(f"extraction benchmark: skipped ({root} is absent)")
        return 0
    pages = load_pages(root)
    unjudged = [p.id[:8] for p in pages if not p.date_judged]
    print(
        f"{len(pages)} pages from {root}; body F1 over bags of tokens (one CJK character = one "
        "token, a Latin/digit run = one token; punctuation and spaces ignored), averaged per page."
    )
    print(
        f"date accuracy at the gold's precision; UNKNOWN gold = right only when no date is "
        f"given; not judged (gold empty or not a date): {', '.join(unjudged) or 'none'}."
    )
    print("tuning half = pages 1, 3, 5… by sorted id; held-out half = the others (never tuned on)")
    header = f"{'extractor':<38} {'half':<8} {'body F1':<7}  {'date accuracy':<14}  seconds"
    print(header)
    print("-" * len(header))
    for name, extract in EXTRACTORS.items():
        results = [(page, extract(page)) for page in pages]
        for label, keep in (("tuning", True), ("held-out", False), ("all", None)):
            chosen = [(p, r) for p, r in results if keep is None or p.tuning == keep]
            s = score(chosen)
            print(f"{name:<38} {label:<8} {render_score(s)}  {s.seconds:7.2f}")
        if args.pages:
            for page, result in results:
                f1 = body_f1(result.body, page.gold_text) if result.body is not None else None
                mark = "✓" if date_right(result.date, page) else "✗"
                f1_text = f"{f1:.2f}" if f1 is not None else "  - "
                print(f"    {page.id[:8]} {f1_text} {mark} {result.date} (gold {page.gold_date})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
