"""One form for provinces everywhere: vocabulary, registry, store migration and --province."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

from analysis.provinces import normalise_province, suggest_provinces
from analysis.query import QueryError, province_filter
from analysis.store import connect
from analysis.store.schema import MIGRATIONS, _split_sql
from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources
from mirror import SOURCES_PATH as MIRROR_SOURCES


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("浙江", "浙江"),
        ("浙江省", "浙江"),
        ("Zhejiang", "浙江"),
        ("ZHEJIANG Province", "浙江"),
        ("  zhejiang ", "浙江"),
        ("廣東", "广东"),
        ("广西壮族自治区", "广西"),
        ("Inner Mongolia", "内蒙古"),
        ("Tibet", "西藏"),
        ("Shaanxi", "陕西"),
        ("Shanxi", "山西"),
        ("Hong Kong SAR", "香港"),
        ("Macao", "澳门"),
        ("\uff39\uff35\uff2e\uff2e\uff21\uff2e", "云南"),  # full-width YUNNAN
    ],
)
def test_every_spelling_gives_the_short_chinese_name(text: str, canonical: str) -> None:
    assert normalise_province(text) == canonical


@pytest.mark.parametrize("text", ["", "  ", None, "杭州", "China", "省", "province"])
def test_what_is_not_a_province_is_none(text: str | None) -> None:
    assert normalise_province(text) is None


def test_a_misspelt_province_gets_suggestions_and_the_filter_refuses_it() -> None:
    assert suggest_provinces("Yunan")[0] == "云南"
    assert province_filter("云南省") == "云南"
    with pytest.raises(QueryError, match="did you mean 云南"):
        province_filter("Yunan")


@pytest.mark.parametrize("path", [REGISTRY_SOURCES, MIRROR_SOURCES], ids=["registry", "mirror"])
def test_registries_load_in_the_one_form(path: Path) -> None:
    for source in load_sources(path):
        assert source.province is None or normalise_province(source.province) == source.province


def test_a_registry_with_an_unknown_province_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text(yaml.safe_dump({"sources": [{"id": "x", "province": "Zhejing"}]}), "utf-8")
    with pytest.raises(SourceError, match=r"unknown province 'Zhejing'.*浙江"):
        load_sources(bad)


def test_migration_4_rewrites_stored_provinces(tmp_path: Path) -> None:
    db = tmp_path / "v3.sqlite"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:3]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    rows = [("a", "Zhejiang"), ("b", "浙江省"), ("c", "云南"), ("d", None), ("e", "Inner Mongolia")]
    conn.executemany(
        "INSERT INTO sources (id, name, kind, province) VALUES (?, ?, 'cms', ?)",
        [(i, i, p) for i, p in rows],
    )
    conn.commit()
    conn.close()
    store = connect(db)
    try:
        got = dict(store.execute("SELECT id, province FROM sources ORDER BY id").fetchall())
    finally:
        store.close()
    assert got == {"a": "浙江", "b": "浙江", "c": "云南", "d": None, "e": "内蒙古"}


def test_the_migration_covers_the_whole_vocabulary() -> None:
    vocab = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "analysis/vocab/provinces.yaml").read_text("utf-8")
    )
    migration = MIGRATIONS[3]
    for entry in vocab["provinces"]:
        for name in [entry["full"], *entry["en"]]:
            assert f"('{name}', '{entry['zh']}')" in migration
