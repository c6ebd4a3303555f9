"""Unknown names are errors with suggestions, never a silent empty result; `icc-talent vocab`
lists what the filters accept (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from store_helpers import make_store

from analysis.cli import cli
from analysis.names import (
    MAX_SUGGEST_CHARS,
    UnknownName,
    fold,
    language_entries,
    resolve_language,
    resolve_source,
    skill_entries,
    suggest,
    suggest_for_terms,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("names") / "icc.sqlite")


@pytest.mark.parametrize(
    ("typed", "code"),
    [("ru", "ru"), ("RU", "ru"), ("Russian", "ru"), ("russian", "ru"), ("俄语", "ru"),
     ("俄文", "ru"), ("Bahasa Indonesia", "id"), ("yue", "yue"), ("Cantonese", "yue")],
)  # fmt: skip
def test_language_spellings_resolve(typed: str, code: str) -> None:
    assert resolve_language(typed) == code


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("rusian", "ru"), ("Rusian", "ru"), ("englsh", "en"), ("Japanse", "ja"), ("俄罗斯语", "ru")],
)
def test_misspelt_language_is_an_error_naming_the_closest(typed: str, suggested: str) -> None:
    with pytest.raises(UnknownName) as caught:
        resolve_language(typed)
    assert caught.value.suggestions and caught.value.suggestions[0].startswith(suggested)
    assert "did you mean" in str(caught.value) and "vocab languages" in str(caught.value)


def test_nothing_close_is_still_an_error() -> None:
    with pytest.raises(UnknownName, match="unknown language 'xx'"):
        resolve_language("xx")


def test_suggestions_show_the_name_that_was_close() -> None:
    assert suggest("Stable Difusion", skill_entries())[0] == "stable_diffusion (Stable Diffusion)"
    assert suggest("midjorny", skill_entries())[0] == "midjourney (Midjourney)"


def test_a_pasted_page_costs_no_more_than_a_name() -> None:
    # difflib is quadratic in the lengths compared: the typed name is cut first.
    assert suggest("Stable Difusion" + "x" * 100_000, skill_entries()) == suggest(
        ("Stable Difusion" + "x" * 100_000)[:MAX_SUGGEST_CHARS], skill_entries()
    )


def test_every_id_and_name_resolves_to_itself() -> None:
    for entry in language_entries():
        for name in (entry.id, *entry.names):
            assert resolve_language(name) == entry.id, name
    assert fold("Stable-Diffusion") == fold("stable diffusion") == fold("stable_diffusion")


def test_source_ids_are_exact() -> None:
    known = {"mirror-icc-yunling": ["云岭国际传播中心"], "zhejiang-icc": ["之江"]}
    assert resolve_source("zhejiang-icc", known) == "zhejiang-icc"
    with pytest.raises(UnknownName, match="did you mean mirror-icc-yunling"):
        resolve_source("mirror-icc-yunlin", known)


def test_free_text_hints() -> None:
    assert suggest_for_terms(["Stable", "Difusion"])[0] == "stable_diffusion (Stable Diffusion)"
    assert suggest_for_terms(["Midjourney"]) == []  # a name itself needs no hint


# ----------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--language", "rusian"], "unknown language 'rusian'; did you mean ru (Russian)"),
        (["--skill", "Stable Difusion"], "did you mean stable_diffusion (Stable Diffusion)?"),
        (["--skill", "midjorny"], "did you mean midjourney (Midjourney)?"),
        (["--source", "nope"], "unknown source 'nope'"),
        (["--source", "YN"], "did you mean yn"),
        (["--province", "Yunan"], "unknown province 'Yunan'"),
    ],
)
def test_query_unknown_filter_is_an_error_with_suggestions(
    store: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, ["query", "--db", str(store), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.count("\n") == 1  # one line, no traceback


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (["--language", "Russian"], ["俄语记者"]),
        (["--language", "俄语"], ["俄语记者"]),
        (["--skill", "SDXL"], ["AIGC内容编辑"]),
        (["--skill", "stable_diffusion"], ["AIGC内容编辑"]),
        (["--source", "yn"], ["俄语记者", "AIGC内容编辑"]),
    ],
)
def test_query_filter_names_resolve(store: Path, args: list[str], titles: list[str]) -> None:
    result = CliRunner().invoke(cli, ["query", "--db", str(store), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    assert [r["title"] for r in json.loads(result.output)] == titles


def test_query_text_finding_nothing_suggests_a_skill(store: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "Stable Difusion", "--db", str(store)])
    assert result.exit_code == 0
    assert "(no matching positions)" in result.stdout
    assert "did you mean stable_diffusion (Stable Diffusion)?" in result.stderr


@pytest.mark.parametrize("kind", ["skills", "languages"])
def test_vocab_lists_ids_with_aliases(kind: str) -> None:
    result = CliRunner().invoke(cli, ["vocab", kind, "--json"])
    assert result.exit_code == 0
    listing = json.loads(result.output)
    entries = skill_entries() if kind == "skills" else language_entries()
    assert listing == {e.id: list(e.names) for e in entries}
    text = CliRunner().invoke(cli, ["vocab", kind]).output
    assert len(text.splitlines()) == len(entries)


def test_vocab_lists_the_mirror_sources() -> None:
    result = CliRunner().invoke(cli, ["vocab", "sources", "--mirror", "--json"])
    assert result.exit_code == 0
    listing = json.loads(result.output)
    assert "mirror-icc-yunling" in listing and "云岭国际传播中心" in listing["mirror-icc-yunling"]


def test_crawl_unknown_source_names_the_closest() -> None:
    result = CliRunner().invoke(cli, ["crawl", "--source", "zhejiang-ic"])
    assert result.exit_code == 1
    assert "unknown source 'zhejiang-ic'; did you mean zhejiang-icc" in result.output
