"""Exports: every format round-trips, every column is documented, the store is not written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from store_helpers import make_store

from analysis import export
from analysis.cli import cli
from analysis.store import connect

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "icc.sqlite")


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True)
    return pd.read_parquet(path)


def test_docs_dictionary_is_the_generated_one() -> None:
    text = (REPO / "docs" / "DATA_DICTIONARY.md").read_text("utf-8")
    assert text == export.render_data_dictionary(), (
        "docs/DATA_DICTIONARY.md is stale: regenerate it from analysis.export.render_data_dictionary()"
    )


@pytest.mark.parametrize("fmt", export.TABLE_FORMATS)
def test_export_every_format(store: Path, tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    before = store.read_bytes()
    conn = connect(store, create=False)
    try:
        paths = export.export_store(conn, tmp_path / "out", fmt)
    finally:
        conn.close()
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [f"positions.{fmt}", f"findings.{fmt}", f"monthly_measures.{fmt}", "DATA_DICTIONARY.md"]
    )
    dictionary = (tmp_path / "out" / "DATA_DICTIONARY.md").read_text("utf-8")
    for table in ("positions", "findings", "monthly_measures"):
        frame = _read(tmp_path / "out" / f"{table}.{fmt}")
        assert len(frame) >= 1
        for column in frame.columns:
            assert export.documented(table, str(column)), f"{table}.{column} is not documented"
            name = column if not str(column).startswith(("n_lang_", "lang_")) else None
            if name:
                assert f"`{name}`" in dictionary
    positions = _read(tmp_path / "out" / f"positions.{fmt}")
    row = positions.iloc[0]
    assert row["title"] == "AIGC内容编辑" and row["month"] == "2024-01"
    assert row["province"] == "云南"
    # csv: JSON text; parquet: a nested list of structs; jsonl: an array
    evidence = json.loads(row["evidence"]) if fmt == "csv" else list(row["evidence"])
    assert {"field": "skill", "value": "stable_diffusion", "required": True,
            "evidence": "Stable Diffusion"} in evidence  # fmt: skip
    languages = row["languages"] if fmt != "csv" else json.loads(row["languages"])
    assert list(languages) == ["en"]
    assert store.read_bytes() == before  # (WAL aside, the file itself is untouched)


def test_positions_export_lists_and_evidence() -> None:
    from test_report import make_findings, make_positions

    positions = make_positions([{"published": "2024-01-02"}, {"published": None}])
    findings = make_findings(
        [
            (1, "language", "ru", "俄语"),
            (1, "native_speaker", "en", "英语母语"),
            (1, "skill", "translation", "翻译"),
            (1, "overseas", "study", "留学经历"),
            (1, "party_member", "preferred", "党员优先"),
            (1, "party_member", "required", "中共党员"),
            (1, "age_max", "35", "35周岁以下"),
            (1, "aigc", "aigc", "AIGC"),
        ]
    )
    findings.loc[findings["field"] == "overseas", "years"] = 2.0
    out = export.build_positions_export(positions, findings)
    first, second = out.iloc[0], out.iloc[1]
    assert first["languages"] == ["en", "ru"] and first["native_speaker"] == ["en"]
    assert first["skills"] == ["translation"] and first["overseas"] == ["study"]
    assert first["overseas_years"] == 2.0 and first["party_member"] == "required"
    assert first["age_max"] == 35 and bool(first["aigc"]) and first["n_findings"] == 8
    assert {"field": "skill", "value": "translation", "required": True, "evidence": "翻译"} in (
        first["evidence"]
    )
    assert second["languages"] == [] and pd.isna(second["month"]) and second["n_findings"] == 0
    assert list(out.columns) == [c.name for c in export.DICTIONARY["positions"]]


def test_documented_patterns() -> None:
    assert export.documented("monthly_measures", "n_lang_ru")
    assert export.documented("monthly_measures", "lang_yue")
    assert not export.documented("monthly_measures", "lang_")
    assert not export.documented("positions", "secret")


def test_cli_export(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "exp"
    result = CliRunner().invoke(
        cli, ["export", "--db", str(store), "--format", "jsonl", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "positions.jsonl").exists() and "positions.jsonl" in result.output


def test_cli_export_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1
    assert "no database" in result.output
    assert not (tmp_path / "none.sqlite").exists()


def test_cli_export_does_not_copy_store(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copy(store, copy)
    result = CliRunner().invoke(cli, ["export", "--db", str(copy), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "o").glob("*.sqlite"))
