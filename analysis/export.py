"""Export stage: the store as flat files for journalists and researchers.

Input: an open store connection (read only).
Output: `positions`, `findings` and `monthly_measures` as csv, parquet or jsonl, or the
positions as schema.org JobPosting JSON-LD, plus `DATA_DICTIONARY.md` describing every column
(the same text as docs/DATA_DICTIONARY.md).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import trends
from analysis.frames import load_frames

TABLE_FORMATS = ("csv", "parquet", "jsonl")  # the three tables, each in one file
FORMATS = (*TABLE_FORMATS, "jsonld")  # jsonld: the positions as schema.org JobPostings
DICTIONARY_FILE = "DATA_DICTIONARY.md"
JSONLD_FILE = "job_postings.jsonld"


class ExportError(Exception):
    """An export that cannot be written; the message is meant for the user."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str
    source: str


# Every exported column, per table. A column name with <code> stands for a family of columns,
# one per language code found in the data (e.g. n_lang_ru, lang_ru).
DICTIONARY: dict[str, tuple[Column, ...]] = {
    "positions": (
        Column("position_id", "integer", "Id of the position (stable within one store).", "positions.id"),
        Column("notice_id", "integer", "Id of the recruitment notice the position comes from.", "positions.notice_id"),
        Column("seq", "integer", "Order of the position within its notice (1 = first).", "positions.seq"),
        Column("title", "string", "Position title as published.", "positions.title"),
        Column("employer", "string", "Employer named in the notice (or the source's employer).", "notices.employer"),
        Column("province", "string", "Province of the source: the short Chinese name (浙江, never 浙江省 or Zhejiang; analysis/vocab/provinces.yaml); empty for national bodies and job boards.", "notices.province (from the source registry)"),
        Column("level", "string", "Administrative level of the source (national, provincial, city…).", "notices.level (from the source registry)"),
        Column("source_id", "string", "Id of the crawled source in the source registry.", "notices.source_id"),
        Column("url", "string", "URL of the notice page that was crawled and archived.", "notices.url"),
        Column("published", "date (YYYY-MM-DD)", "Publication date of the notice; empty when unknown.", "notices.published"),
        Column("deadline", "date (YYYY-MM-DD)", "Application deadline; empty when the notice states none.", "notices.deadline"),
        Column("month", "month (YYYY-MM)", "Month the position counts in (month of `published`).", "derived from published"),
        Column("role_family", "string", "Role family (editor_translator, reporter_correspondent, …): the trained model with the title rules, analysis/role_family.py.", "positions.role_family"),
        Column("headcount", "integer", "Number of people to hire for this position; empty when not stated.", "positions.headcount"),
        Column("aigc", "boolean", "The position mentions generative-AI duties or skills (see `evidence`).", "findings field aigc"),
        Column("languages", "list[string]", "ISO 639-1 codes of languages asked for (named, or native speaker asked).", "findings fields language, native_speaker"),
        Column("native_speaker", "list[string]", "Languages for which a native speaker is asked.", "findings field native_speaker"),
        Column("skills", "list[string]", "Skill ids from analysis/vocab/skills.yaml.", "findings field skill"),
        Column("overseas", "list[string]", "Kinds of overseas experience asked: study, work, living, any.", "findings field overseas"),
        Column("overseas_years", "float", "Largest minimum number of years abroad asked; empty when none is stated.", "findings.years where field = overseas"),
        Column("education", "list[string]", "Education levels named: associate, bachelor, master, phd, none.", "findings field education"),
        Column("certificates", "list[string]", "Certificates named (CET-6, TEM-8, CATTI, …).", "findings field certificate"),
        Column("party_member", "string", "Party membership: required, preferred, or empty when not mentioned.", "findings field party_member"),
        Column("age_max", "integer", "Maximum age, in years, when the notice sets one.", "findings field age_max"),
        Column("n_findings", "integer", "Number of findings (rows in the findings export) for the position.", "findings"),
        Column("evidence", "JSON (list of objects)", "Every finding with its evidence: [{field, value, required, evidence}], evidence being the exact substring of `text`.", "findings"),
        Column("file", "string", "URL of the attachment the position was read from (one row of its table); empty for a position split from the notice text.", "positions.file"),
        Column("file_name", "string", "Name of that attachment as the notice links it (else the last part of its URL); empty for a position split from the notice text.", "positions.file_name"),
        Column("sheet", "string", "Sheet of the attachment the row is on (an .xls/.xlsx sheet name, 表N for the N-th .docx table, 第N页 for a PDF page); empty for a position split from the notice text.", "positions.sheet"),
        Column("row", "integer", "1-based row number of the position in that sheet (the header rows counted); empty for a position split from the notice text.", "positions.row"),
        Column("text", "string", "Full text of the position as extracted from the notice.", "positions.text"),
    ),
    "findings": (
        Column("finding_id", "integer", "Id of the finding.", "findings.id"),
        Column("position_id", "integer", "Position the finding belongs to (positions.position_id).", "findings.position_id"),
        Column("month", "month (YYYY-MM)", "Month of the position.", "derived from notices.published"),
        Column("field", "string", "What was found: language, native_speaker, overseas, skill, aigc, education, party_member, certificate, age_max (docs/DESIGN.md).", "findings.field"),
        Column("value", "string", "Canonical value (language code, skill id, overseas kind, …).", "findings.value"),
        Column("level", "string", "Level asked, e.g. CET-6, TEM-8, native, fluent; empty when none.", "findings.level"),
        Column("required", "boolean", "True: a hard requirement; false: preferred (优先); empty: not stated.", "findings.required"),
        Column("years", "float", "Minimum years (overseas experience); empty otherwise.", "findings.years"),
        Column("detail", "JSON (object)", "Further attributes: countries, CEFR band, ESCO URI, born_after…", "findings.detail"),
        Column("evidence", "string", "Exact substring of the position text that supports the finding.", "findings.evidence"),
        Column("span_start", "integer", "Start offset of `evidence` in the position text (characters).", "findings.span_start"),
        Column("span_end", "integer", "End offset (exclusive) of `evidence` in the position text.", "findings.span_end"),
    ),
    "monthly_measures": (
        Column("month", "month (YYYY-MM)", "Month; every month from the first to the last dated position, empty months included.", "derived"),
        Column("notices", "integer", "Notices with at least one position published in the month.", "trends.build_monthly_measures"),
        Column("positions", "integer", "Positions published in the month: the denominator of every share.", "trends.build_monthly_measures"),
        Column("employers", "integer", "Distinct employers publishing in the month.", "trends.build_monthly_measures"),
        Column("headcount", "integer", "Sum of stated headcounts.", "trends.build_monthly_measures"),
        Column("headcount_known", "integer", "Positions stating a headcount.", "trends.build_monthly_measures"),
        Column("n_aigc", "integer", "Positions mentioning generative AI.", "findings field aigc"),
        Column("aigc", "float (0-1)", "n_aigc / positions (0.0 in months without positions).", "derived"),
        Column("n_overseas", "integer", "Positions asking for any overseas experience.", "findings field overseas"),
        Column("overseas", "float (0-1)", "n_overseas / positions.", "derived"),
        Column("n_party_required", "integer", "Positions requiring party membership.", "findings field party_member = required"),
        Column("party_required", "float (0-1)", "n_party_required / positions.", "derived"),
        Column("n_lang_<code>", "integer", "Positions asking for the language <code> (ISO 639-1), one column per language found.", "findings fields language, native_speaker"),
        Column("lang_<code>", "float (0-1)", "n_lang_<code> / positions.", "derived"),
        Column("small_n", "boolean", "Fewer than 5 positions in the month: shares are anecdotal.", "derived"),
    ),
}  # fmt: skip

_FORMAT_NOTES = """\
## Formats

- **csv**: UTF-8 with a byte-order mark (so that spreadsheet programs show Chinese correctly);
  list and JSON columns are JSON text (`["en", "ru"]`); booleans are `true`/`false`; empty cells
  are missing values.
- **parquet**: list columns are parquet lists of strings; `published` and `deadline` are
  parquet dates (`date32`); the positions' `evidence` is a nested column, a list of structs
  `{field, value, required, evidence}`; the findings' `detail` is JSON text (its keys differ
  from field to field).
- **jsonl**: one JSON object per line; lists are arrays, JSON columns are nested objects,
  missing values are `null`.
- **jsonld**: `job_postings.jsonld`, one JSON-LD document whose `@graph` holds each position as
  a schema.org `JobPosting`: `title`, `description` (text), `url`, `identifier`
  (`icc-talent:position:<position_id>`), `datePosted` (published), `validThrough` (deadline),
  `hiringOrganization` (employer), `jobLocation` (province as `addressRegion`, country CN),
  `totalJobOpenings` (headcount), `educationRequirements` (credential categories),
  `experienceRequirements` (overseas experience, with `monthsOfExperience` when years are
  stated), `skills` (`DefinedTerm`s with the skill id as `termCode`) and `qualifications`
  (languages asked, as text: schema.org has no property for them). Properties a position does
  not state are absent.
"""

PROVENANCE_SQL = "SELECT id AS position_id, file, file_name, sheet, row FROM positions"
_PROVENANCE = ("file", "file_name", "sheet", "row")

FINDINGS_SQL = """
SELECT f.id AS finding_id, f.position_id, n.published, f.field, f.value, f.level, f.required,
       f.years, f.detail, f.evidence, f.span_start, f.span_end
FROM findings f JOIN positions p ON p.id = f.position_id JOIN notices n ON n.id = p.notice_id
ORDER BY f.position_id, f.span_start, f.id
"""

_LIST_COLUMNS = ("languages", "native_speaker", "skills", "overseas", "education", "certificates")
_JSON_COLUMNS = {"positions": ("evidence",), "findings": ("detail",), "monthly_measures": ()}
_LIST_FIELDS = {
    "languages": ("language", "native_speaker"),
    "native_speaker": ("native_speaker",),
    "skills": ("skill",),
    "overseas": ("overseas",),
    "education": ("education",),
    "certificates": ("certificate",),
}


# --------------------------------------------------------------------------- dictionary


def render_data_dictionary() -> str:
    """The data dictionary as Markdown (written beside every export, kept in docs/)."""
    parts = [
        "# icc-talent data dictionary",
        "",
        "Written by `icc-talent export` beside the exported files (generated from "
        "`analysis/export.py`; a test keeps `docs/DATA_DICTIONARY.md` identical). One row per "
        "position in `positions`, one row per finding in `findings`, one row per month in "
        "`monthly_measures`.",
        "",
    ]
    for table, columns in DICTIONARY.items():
        parts += [f"## `{table}`", "", "| column | type | meaning | source |", "|---|---|---|---|"]
        parts += [
            f"| `{c.name}` | {c.type} | {c.meaning.replace('|', '/')} | {c.source} |"
            for c in columns
        ]
        parts.append("")
    return "\n".join(parts) + _FORMAT_NOTES


def documented(table: str, column: str) -> bool:
    """Whether `column` of `table` is described in the dictionary (<code> matches a code)."""
    for c in DICTIONARY.get(table, ()):
        pattern = "^" + re.escape(c.name).replace(re.escape("<code>"), "[a-z]{2,3}") + "$"
        if re.match(pattern, column):
            return True
    return False


# --------------------------------------------------------------------------- building


def _iso_date(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, errors="coerce")
    return stamps.dt.strftime("%Y-%m-%d").astype("string")


def _values_per_position(findings: pd.DataFrame, fields: Sequence[str]) -> pd.Series:
    sub = findings.loc[findings["field"].isin(fields), ["position_id", "value"]]
    sub = sub.drop_duplicates()
    return sub.groupby("position_id")["value"].agg(lambda v: sorted(map(str, v)))


def build_positions_export(positions: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """One row per position: notice metadata, month, flags, list columns and all evidence."""
    out = positions.copy()
    out["published"] = _iso_date(out["published"])
    out["deadline"] = _iso_date(out["deadline"])
    out["month"] = trends.position_months(positions)
    out["aigc"] = out["position_id"].isin(trends.aigc_ids(positions, findings))
    ids = out["position_id"]
    for column in _LIST_COLUMNS:
        values = _values_per_position(findings, _LIST_FIELDS[column])
        out[column] = [values.get(i, []) for i in ids]
    overseas = findings[findings["field"] == "overseas"]
    years = pd.to_numeric(overseas["years"], errors="coerce").groupby(overseas["position_id"]).max()
    out["overseas_years"] = ids.map(years).astype("Float64")
    party = findings[findings["field"] == "party_member"]
    # "required" wins over "preferred" when a notice says both.
    party = party.sort_values("value", key=lambda v: v != "required").drop_duplicates("position_id")
    out["party_member"] = ids.map(party.set_index("position_id")["value"]).astype("string")
    age = findings[findings["field"] == "age_max"]
    ages = pd.to_numeric(age["value"], errors="coerce").groupby(age["position_id"]).min()
    out["age_max"] = ids.map(ages).round().astype("Int64")
    out["n_findings"] = ids.map(findings.groupby("position_id").size()).fillna(0).astype(int)
    records = findings[["position_id", "field", "value", "required", "evidence"]].astype(object)
    records = records.where(records.notna(), None)
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in records.itertuples(index=False):
        grouped.setdefault(row.position_id, []).append(
            {"field": row.field, "value": row.value, "required": row.required,
             "evidence": row.evidence}
        )  # fmt: skip
    out["evidence"] = [grouped.get(i, []) for i in ids]
    for column in _PROVENANCE:  # frames without them: positions split from text only
        if column not in out.columns:
            out[column] = None
    out["row"] = pd.to_numeric(out["row"], errors="coerce").astype("Int64")
    for column in ("file", "file_name", "sheet"):
        out[column] = out[column].astype("string")
    return out[[c.name for c in DICTIONARY["positions"]]].reset_index(drop=True)


def load_provenance(conn: sqlite3.Connection) -> pd.DataFrame:
    """Each position's attachment provenance (file, file_name, sheet, row; NULL for a position
    split from text), keyed by position_id."""
    return pd.read_sql_query(PROVENANCE_SQL, conn)


def load_findings_export(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per finding, with its month, detail and evidence span."""
    out = pd.read_sql_query(FINDINGS_SQL, conn)
    out["month"] = pd.to_datetime(out["published"], errors="coerce").dt.strftime("%Y-%m")
    out["required"] = out["required"].map({1: True, 0: False}).astype("boolean")
    out["detail"] = [json.loads(d) if d else {} for d in out["detail"]]
    return out[[c.name for c in DICTIONARY["findings"]]]


def build_tables(conn: sqlite3.Connection) -> dict[str, pd.DataFrame]:
    """The three exported tables, from the store."""
    frames = load_frames(conn)
    positions = frames.positions.merge(load_provenance(conn), on="position_id", how="left")
    return {
        "positions": build_positions_export(positions, frames.findings),
        "findings": load_findings_export(conn),
        "monthly_measures": trends.build_monthly_measures(frames.positions, frames.findings),
    }


# --------------------------------------------------------------------------- writing


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _write_csv(table: str, frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for column in (*_LIST_COLUMNS, *_JSON_COLUMNS[table]):
        if column in out.columns:
            out[column] = out[column].map(_json_text)
    for column in out.columns:
        if out[column].dtype == bool or str(out[column].dtype) == "boolean":
            out[column] = out[column].map({True: "true", False: "false"}).astype("string")
    out.to_csv(path, index=False, encoding="utf-8-sig")


def _write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    columns = list(frame.columns)
    clean = frame.astype(object).where(frame.notna(), None)
    with path.open("w", encoding="utf-8") as handle:
        for row in clean.itertuples(index=False, name=None):
            handle.write(_json_text(dict(zip(columns, row, strict=True))) + "\n")


def _write_parquet(table: str, frame: pd.DataFrame, path: Path) -> None:
    """Typed parquet: dates as date32 and the positions' evidence as a list of structs."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError(
            "parquet export needs pyarrow: pip install 'pyarrow>=17' (or use --format csv)"
        ) from exc
    out = frame.copy()
    typed: dict[str, Any] = {}
    for column in _DATE_COLUMNS:
        if column in out.columns:
            typed[column] = pa.array([_as_date(v) for v in out.pop(column)], type=pa.date32())
    if table == "positions":
        typed["evidence"] = pa.array(list(out.pop("evidence")), type=_evidence_type())
    for column in _JSON_COLUMNS[table]:
        if column in out.columns:
            out[column] = out[column].map(_json_text)
    arrow = pa.Table.from_pandas(out, preserve_index=False)
    for name, array in typed.items():
        arrow = arrow.append_column(name, array)
    pq.write_table(arrow.select(list(frame.columns)), path)


_DATE_COLUMNS = ("published", "deadline")


def _as_date(value: Any) -> date | None:
    """An ISO date string as a date; a missing value or a string that is no date as None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _evidence_type() -> Any:
    import pyarrow as pa

    return pa.list_(
        pa.struct(
            [
                ("field", pa.string()),
                ("value", pa.string()),
                ("required", pa.bool_()),
                ("evidence", pa.string()),
            ]
        )
    )


def _write_jsonld(frame: pd.DataFrame, path: Path) -> None:
    from analysis.jobposting import write_job_postings

    with path.open("w", encoding="utf-8") as handle:
        write_job_postings(frame, handle)


def export_store(conn: sqlite3.Connection, out_dir: Path, fmt: str) -> list[Path]:
    """Write positions, findings and monthly measures in `fmt` (for jsonld: the positions as
    JobPostings), and DATA_DICTIONARY.md.

    Returns the written paths (the dictionary last). Reads the store only.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    tables = build_tables(conn)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if fmt == "jsonld":
        path = out_dir / JSONLD_FILE
        _write_jsonld(tables["positions"], path)
        written.append(path)
    for table, frame in tables.items() if fmt in TABLE_FORMATS else ():
        path = out_dir / f"{table}.{fmt}"
        if fmt == "csv":
            _write_csv(table, frame, path)
        elif fmt == "jsonl":
            _write_jsonl(frame, path)
        else:
            _write_parquet(table, frame, path)
        written.append(path)
    dictionary = out_dir / DICTIONARY_FILE
    dictionary.write_text(render_data_dictionary(), encoding="utf-8")
    return [*written, dictionary]
