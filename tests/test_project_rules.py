"""Project rules: imports point one way, the site never reaches into the store; every
code, command and setting is documented."""

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
# Highest first: a layer may import itself and the layers below it, never those above.
# Layers on one rung are peers that never import each other.
LAYERS: list[set[str]] = [
    {"cli"},
    {"web", "export"},
    {"publish"},
    {"site"},
    {"store"},
    {"render"},
    {"content"},
    {"text"},
]
# Modules any layer may import: the exception family and the package's version.
SHARED = {"errors", "__init__"}
# Top-level modules that belong to a layer of their own name's.
TOP_LEVEL = {"cli": "cli", "cli_accounts": "cli", "__main__": "cli"}
RUNG = {name: rung for rung, names in enumerate(LAYERS) for name in names}


def layer_of_path(relative: Path) -> str | None:
    """The layer of a module file under src/newsdesk (None: no layer, or shared)."""
    head = relative.parts[0].removesuffix(".py")
    if len(relative.parts) == 1:
        return TOP_LEVEL.get(head)
    return head if head in RUNG else None


def layer_of(module: str) -> str | None:
    """The layer of an imported module name; "" for the shared modules."""
    parts = module.split(".")
    if parts[0] != "newsdesk":
        return None
    if len(parts) == 1 or parts[1] in SHARED:
        return ""
    # An unknown name is returned as is: it is on no rung, so importing it is wrong.
    return TOP_LEVEL.get(parts[1], parts[1])


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            if node.module == "newsdesk":  # `from newsdesk import errors`, not `__version__`
                found.extend(
                    f"newsdesk.{alias.name}"
                    for alias in node.names
                    if (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").is_file()
                )
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))
SITE_MODULES = sorted((PACKAGE / "site").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    if relative.parts[0].removesuffix(".py") in SHARED:
        assert [m for m in imports(path) if m.startswith("newsdesk.")] == [], relative
        return
    own = layer_of_path(relative)
    assert own is not None, f"{relative} belongs to no layer: move it into one"
    wrong = []
    for module in imports(path):
        layer = layer_of(module)
        if layer is None or layer == "" or layer == own:
            continue
        if layer not in RUNG or RUNG[layer] <= RUNG[own]:
            wrong.append(module)
    assert wrong == [], f"{relative} ({own}) imports from a layer above or beside it: {wrong}"


def test_the_layer_rule_catches_a_stray_or_upward_module() -> None:
    assert layer_of_path(Path("state.py")) is None
    assert layer_of_path(Path("helpers") / "x.py") is None
    assert layer_of_path(Path("cli.py")) == "cli"
    assert RUNG[layer_of("newsdesk.export.export") or ""] == RUNG["web"]
    assert layer_of("newsdesk.errors") == ""


def store_imports(path: Path) -> list[str]:
    """The modules of the store that the module at `path` imports, anywhere in it."""
    return [module for module in imports(path) if layer_of(module) == "store"]


def test_the_site_does_not_import_the_store() -> None:
    """Presentation takes its own types: publish/ turns the store's data into them."""
    assert SITE_MODULES, "no site package to check"
    found = {str(path.relative_to(PACKAGE)): store_imports(path) for path in SITE_MODULES}
    assert {name: modules for name, modules in found.items() if modules} == {}


def test_the_site_rule_catches_a_store_import(tmp_path: Path) -> None:
    module = tmp_path / "records.py"
    module.write_text(
        "from newsdesk.store.search import SearchHit\n"
        "from newsdesk import store, text\n"
        "def f() -> None:\n"
        "    import newsdesk.store.views\n",
        encoding="utf-8",
    )
    assert sorted(store_imports(module)) == [
        "newsdesk.store",
        "newsdesk.store.search",
        "newsdesk.store.views",
    ]


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
