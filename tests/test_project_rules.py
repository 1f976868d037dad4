"""Project rules: imports point one way; every code, command and setting is documented."""

import ast
import re
from dataclasses import fields
from pathlib import Path
from typing import get_args, get_origin, get_type_hints

import pytest

from newsdesk.cli import cli
from newsdesk.content.diagnostics import CODES
from newsdesk.content.repair import REPAIR_CODES
from newsdesk.site.config import SiteConfig

from .conftest import ROOT

PACKAGE = ROOT / "src" / "newsdesk"
# A layer may import itself and the layers listed after it, never those before.
LAYERS = ["cli", "web", "build", "site", "store", "render", "content", "text"]


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "newsdesk" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_imports_point_down(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    own = relative.parts[0].removesuffix(".py")
    if own not in LAYERS:
        return  # errors.py, __init__.py, __main__.py sit beside the layers
    allowed = set(LAYERS[LAYERS.index(own) :])
    wrong = [m for m in imports(path) if (layer := layer_of(m)) and layer not in allowed]
    assert wrong == [], f"{relative} imports from a layer above it: {wrong}"


def test_every_diagnostic_code_is_documented() -> None:
    documented = set(re.findall(r"`([a-z0-9-]+)`", (ROOT / "docs" / "diagnostics.md").read_text()))
    assert set(CODES) - documented == set()
    assert set(REPAIR_CODES) <= set(CODES)


def test_every_repair_code_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [code for code in REPAIR_CODES if f"`{code}`" not in readme] == []


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    hints = get_type_hints(SiteConfig)
    for section in fields(SiteConfig):
        assert f"## `[{section.name}]`" in text
        section_type = hints[section.name]
        if get_origin(section_type) is tuple:  # a list of tables, like [[menu]]
            section_type = get_args(section_type)[0]
        for setting in fields(section_type):
            assert f"| `{setting.name}` |" in text, f"{section.name}.{setting.name}"


def test_every_command_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"`newsdesk {name}" in readme, name


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:400]
    assert "make run" in head and "make test" in head
