"""CLI commands that analyse or measure: `report`, `normalise`, `evaluate`.

Input: the store, a JSON-lines file of notices, or the gold sets.
Output: the monthly report files, normalised records, or per-field scores.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from analysis.cli.base import UserError, check_month, cli, db_option, open_store, out_dir_ready
from analysis.cli.progress import ProgressLines
from analysis.store import save_cluster_model

# ----------------------------------------------------------------------------------- layout


def store_folder(db_path: Path) -> Path:
    """The one folder, named after the store, that holds its `archive/` and `reports/`:
    /some/dir/x.sqlite -> /some/dir/x/ (so nothing is scattered beside the store file in a
    shared folder); a store file without a suffix gets `<name>.files/`."""
    name = db_path.stem if db_path.suffix else f"{db_path.name}.files"
    return db_path.parent / name


# ----------------------------------------------------------------------------------- report


@cli.command()
@db_option
@click.option("--month", metavar="YYYY-MM", help="Month to report on (default: the latest).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: reports/ in the store's folder, data/icc-talent/reports/ for "
    "data/icc-talent.sqlite).",
)
@click.option(
    "--no-clusters",
    is_flag=True,
    help="Leave out the role clusters (the slowest part on a large store).",
)
def report(db_path: Path, month: str | None, out_dir: Path | None, no_clusters: bool) -> None:
    """Write the monthly talent-trend report (HTML with inline charts + Markdown twin).

    \b
    Example:
      icc-talent report --month 2025-06 --out reports/
    """
    if month:
        check_month("month", month)
        if len(month) != 7:
            raise UserError(f"--month expects YYYY-MM, got {month!r}")
    out = out_dir_ready(out_dir or store_folder(db_path) / "reports")
    paths = write_report(db_path, month, out, clusters=not no_clusters)
    click.echo(f"Report: {paths.html}\n        {paths.markdown}")


def write_report(db_path: Path, month: str | None, out_dir: Path, *, clusters: bool = True) -> Any:
    from analysis.frames import load_frames
    from analysis.report import build_report
    from analysis.store.health import load_source_health, load_source_runs

    lines = ProgressLines("report")
    with open_store(db_path) as conn:
        lines.stage(f"reading the store {db_path}")
        frames = load_frames(conn)
        sources = load_source_health(conn)
        source_runs = load_source_runs(conn)
        _check_month_has_data(frames.positions, month)
        paths = build_report(
            frames.positions,
            frames.findings,
            month=month,
            out_dir=out_dir,
            runs=frames.runs,
            sources=sources,
            clusters=clusters,
            source_runs=source_runs,
            channels=_channel_registry(),
            progress=lines.stage,
        )
    if paths.cluster_model:  # the model behind the report's role clusters, for the record
        _record_cluster_model(db_path, paths.cluster_model)
    return paths


def _channel_registry() -> Any:
    """The bundled channel registry's counts for the coverage section; None (and the section
    without them) when the file cannot be read."""
    from crawler.channels import CHANNELS_FILE, count_body_channels, load_channels

    try:
        return count_body_channels(load_channels(CHANNELS_FILE))
    except (OSError, ValueError) as exc:
        click.echo(f"warning: channel registry left out of the report: {exc}", err=True)
        return None


def _check_month_has_data(positions: Any, month: str | None) -> None:
    """A report for a month without positions is refused (never an empty report)."""
    if not month:
        return
    months = sorted(m for m in positions["month"].dropna().unique()) if len(positions) else []
    if month not in months:
        span = f"the data covers {months[0]} to {months[-1]}" if months else "the store is empty"
        raise UserError(f"no positions published in {month}: {span}")


def _record_cluster_model(db_path: Path, info: dict[str, Any]) -> None:
    """Keep the report's cluster model in the store too (it is also written beside the report).

    The one write a report makes, into its own table of a store already at the current schema
    (never a migration); a store without write permission only gets a warning."""
    try:
        with open_store(db_path):
            pass  # an icc-talent store at the current schema, or a UserError
        with open_store(db_path, write=True) as conn:
            save_cluster_model(conn, info)
    except (UserError, sqlite3.Error) as exc:
        message = exc.format_message() if isinstance(exc, UserError) else str(exc)
        click.echo(f"warning: cluster model not recorded in the store: {message}", err=True)


# ----------------------------------------------------------------------------------- normalise


@cli.command()
@click.argument("in_path", metavar="IN.jsonl", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Output JSON lines (default, or -: standard output).",
)
@click.option(
    "--fetched-at",
    metavar="YYYY-MM-DD",
    default=None,
    help='The day the ads were fetched: resolves relative dates ("3天前", "2 months ago"), '
    "which are left empty without it.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes; 0: one per usable CPU, or 1 for an input file of fewer than 5,000 "
    "lines (workers take about 2 s to start; this process works meanwhile). Inputs of up to "
    "512 lines are always normalised in this process. The output is the same for every value.",
)
def normalise(in_path: Path, out_path: Path | None, fetched_at: str | None, jobs: int) -> None:
    """Normalise notices from elsewhere: one JSON line in, one record with evidence out.

    Input lines are {"id", "text", "url"?, "title"?, "published"?}; IN.jsonl may be - for
    standard input. Invalid lines (bad JSON, not UTF-8, lone surrogates, nested too deeply) are
    reported on stderr as "line N: reason" and skipped; the exit code is non-zero when no line
    was valid (an empty input included).

    \b
    Examples:
      icc-talent normalise ads.jsonl -o ads.normalised.jsonl
      cat ads.jsonl | icc-talent normalise - > ads.normalised.jsonl
    """
    from datetime import datetime

    from analysis.batch import (
        WORKERS_FROM_LINES,
        LineError,
        count_lines,
        default_jobs,
        normalise_jsonl,
    )

    when = None
    if fetched_at:
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError as exc:
            raise UserError(f"--fetched-at expects YYYY-MM-DD, got {fetched_at!r}") from exc
    processed = skipped = 0

    def utf8_lines(raw: Iterable[bytes]) -> Iterator[str]:
        """Each line as text; a line that is not UTF-8 is reported with its number and passed
        on blank (so later line numbers stay right), never rejecting the whole file."""
        nonlocal skipped
        for number, line in enumerate(raw, start=1):
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                skipped += 1
                click.echo(f"line {number}: not UTF-8 text ({exc.reason})", err=True)
                yield ""

    source = "standard input" if str(in_path) == "-" else str(in_path)
    try:
        fh = sys.stdin.buffer if str(in_path) == "-" else in_path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read {in_path}: {exc.strerror or exc}") from exc
    if not jobs:
        known = str(in_path) != "-" and in_path.is_file()
        jobs = default_jobs(count_lines(in_path, up_to=WORKERS_FROM_LINES) if known else None)
    with fh, _output(out_path) as out:
        for item in normalise_jsonl(utf8_lines(fh), fetched_at=when, jobs=jobs):
            if isinstance(item, LineError):
                skipped += 1
                click.echo(str(item), err=True)
                continue
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            processed += 1
    if processed == 0:
        why = f"{skipped} invalid line(s)" if skipped else "it is empty"
        raise UserError(f"no valid line in {source}: {why}")


@contextmanager
def _output(path: Path | None) -> Iterator[Any]:
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    try:
        fh = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with fh:
        yield fh


# ----------------------------------------------------------------------------------- evaluate


@cli.command()
@click.option(
    "--corpus-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the real ads (real_postings*.jsonl). Default: ../shared/corpus.",
)
@click.option(
    "--gold-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the gold labels and the dev/test split. Default: tests/gold.",
)
@click.option(
    "--extra-corpus-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder with the texts of the dev-only gold sets 3, 5, 6, 7 and 8 (real_postings_3.jsonl, "
    "_5 to _8), when they are not in the corpus folder.",
)
@click.option("--misses", is_flag=True, help="Also list every disagreement on dev (never test).")
def evaluate(
    corpus_dir: Path | None, gold_dir: Path | None, extra_corpus_dir: Path | None, misses: bool
) -> None:
    """Score the normaliser: per-field precision/recall/F1 or accuracy on the gold sets.

    Prints dev and test side by side for the labelled real ads (test is a frozen split: only
    reported, never tuned on; docs/NORMALISER.md), and the bundled mirror's positions.

    \b
    Example:
      icc-talent evaluate --misses
    """
    from analysis.evaluate import DEFAULT_CORPUS_DIR, DEFAULT_GOLD_DIR, SPLIT_FILE
    from analysis.evaluate import main as evaluate_main

    gold_dir = gold_dir or DEFAULT_GOLD_DIR
    if not (gold_dir / SPLIT_FILE).is_file():
        raise UserError(f"no gold labels and split in {gold_dir} (expected {SPLIT_FILE})")
    args = ["--corpus-dir", str(corpus_dir or DEFAULT_CORPUS_DIR), "--gold-dir", str(gold_dir)]
    if extra_corpus_dir:
        args += ["--extra-corpus-dir", str(extra_corpus_dir)]
    evaluate_main([*args, "--misses"] if misses else args)
