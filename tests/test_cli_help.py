"""CLI: every command has a one-line summary and an example, and the README documents it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(cli.commands)


def test_top_level_help_has_summary_and_example() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_summary_and_example(name: str) -> None:
    command = cli.commands[name]
    assert command.get_short_help_str(limit=200).strip(), f"{name} has no one-line summary"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`icc-talent {name} --help` shows no example"
    assert f"icc-talent {name}" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_documents_every_command(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    assert f"### `icc-talent {name}`" in text, f"README has no section for `icc-talent {name}`"


def test_readme_starts_with_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    commands = [line.strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands[:2] == ["make demo", "make test"]
