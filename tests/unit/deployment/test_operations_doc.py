"""docs/operations.md documents every configuration variable, and only real ones."""

from __future__ import annotations

import re
from pathlib import Path

from entrypoints.config import Settings

DOC = Path(__file__).resolve().parents[3] / "docs" / "operations.md"
_ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<rest>.*)\|\s*$")


def env_names() -> set[str]:
    """The environment variable each Settings field is read from."""
    names = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add((alias if isinstance(alias, str) else field_name).upper())
    return names


def configuration_rows() -> dict[str, list[str]]:
    text = DOC.read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            rows[match["name"]] = [cell.strip() for cell in match["rest"].split("|")]
    return rows


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = sorted(env_names() - set(configuration_rows()))
    assert not missing, f"add these to the table in docs/operations.md: {missing}"


def test_the_table_documents_no_variable_that_does_not_exist() -> None:
    stale = sorted(set(configuration_rows()) - env_names())
    assert not stale, f"docs/operations.md documents unknown variables: {stale}"


def test_every_row_has_a_default_a_meaning_and_production_notes() -> None:
    for name, cells in configuration_rows().items():
        assert len(cells) == 3, name
        assert all(cells), f"{name}: empty cell"


def test_documented_simple_defaults_match_the_code() -> None:
    rows = configuration_rows()
    for field_name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, bool):
            expected = str(default).lower()
        elif isinstance(default, int | str) and default != "":
            expected = str(default)
        else:
            continue  # factories, paths, None: described in words
        documented = rows[field_name.upper()][0]
        assert documented == f"`{expected}`", f"{field_name.upper()}: {documented} != {expected}"
