"""The word registry of the shared pre-scan: declared by the detector modules, built, never changed."""

from __future__ import annotations

import pytest

from analysis.normalise import context, languages
from analysis.normalise.context import CuePattern, prescan
from analysis.normalise.words import WORD_SCANNER, build_normaliser_registry
from analysis.normalise.wordscan import (
    DeclaredWords,
    WordRegistry,
    build_word_registry,
    build_word_scanner,
    scan_words,
)


def _snapshot(
    registry: WordRegistry,
) -> tuple[dict[str, dict[str, object]], dict[str, frozenset[str]]]:
    """A deep, plain copy of a registry, to compare before and after."""
    words = {owner: dict(owned) for owner, owned in registry.words.items()}
    return words, dict(registry.gates)


def test_building_the_registry_twice_gives_equal_new_values_and_changes_neither() -> None:
    first = build_normaliser_registry()
    before = _snapshot(first)
    second = build_normaliser_registry()
    assert first is not second
    assert first == second
    assert _snapshot(first) == before == _snapshot(second)
    # The scanner in use was built from the same words.
    assert WORD_SCANNER.registry == first


def test_the_registry_is_read_only() -> None:
    registry = build_normaliser_registry()
    with pytest.raises(TypeError):
        registry.words["new"] = {"word": None}  # type: ignore[index]
    with pytest.raises(TypeError):
        registry.words["skill"]["new word"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        registry.gates["new"] = frozenset({"word"})  # type: ignore[index]
    with pytest.raises(AttributeError):
        registry.words = {}  # type: ignore[misc]


def test_prescan_does_not_change_the_registry() -> None:
    before = _snapshot(WORD_SCANNER.registry)
    prescan("熟练掌握英语, native English speakers preferred; 截止日期:3月20日; Stable Diffusion")
    assert _snapshot(WORD_SCANNER.registry) == before


def test_every_module_declares_its_words() -> None:
    registry = WORD_SCANNER.registry
    for owner in ("language", "skill", "aigc", "heading"):
        assert registry.words[owner], owner
    for cue in (*context.CUES, *languages.CUES):
        assert registry.words[cue.owner] == dict.fromkeys(cue.words), cue.owner
    for tag in ("deadline", "degree", "party", "age", "headcount", "overseas", "native", "abbr"):
        assert registry.gates[tag], tag
    assert any(tag.startswith("cert:") for tag in registry.gates)


def test_cue_owners_are_named_not_counted() -> None:
    # The same pattern under the same name gets the same owner, however many are made.
    a = CuePattern("x", context._NEGATED.pattern.exact)
    b = CuePattern("x", context._NEGATED.pattern.exact)
    assert a.owner == b.owner == "cue:x"
    owners = [c.owner for c in (*context.CUES, *languages.CUES)]
    assert len(owners) == len(set(owners))


def test_build_word_registry_merges_gates_and_rejects_a_second_owner() -> None:
    registry = build_word_registry(
        [
            DeclaredWords(words=(("a", {"x": 1}),), gates=(("t", ("Foo", "")),)),
            DeclaredWords(gates=(("t", ("bar",)),)),
        ]
    )
    assert dict(registry.words["a"]) == {"x": 1}
    assert registry.gates["t"] == frozenset({"foo", "bar"})
    with pytest.raises(ValueError, match="declared twice"):
        build_word_registry([DeclaredWords(words=(("a", {"x": 1}),))] * 2)
    with pytest.raises(ValueError, match="declared twice"):
        build_word_registry([DeclaredWords(words=(("gate", {"x": 1}),))])


def test_a_scanner_of_its_own_registry_finds_only_its_words() -> None:
    scanner = build_word_scanner(
        build_word_registry(
            [DeclaredWords(words=(("w", {"须": 1, "必须": 2}),), gates=(("g", ("US",)),))]
        )
    )
    hits = scan_words("必须 us", scanner)
    assert hits["w"] == [(0, 2, 2), (1, 2, 1)]
    assert hits["gate"] == [(3, 5, frozenset({"g"}))]
