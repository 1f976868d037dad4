"""Data-driven: every fixture article beside its expected normalized JSON and,
for repairs, the file `newsdesk fix --write` makes of it.

Set NEWSDESK_REGENERATE=1 to write the expected files after a deliberate change,
then review the diff.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from newsdesk.content.fix import patches, write_atomic
from newsdesk.content.loader import load_all
from newsdesk.content.options import ContentOptions

from .conftest import FIXTURES

DIALECTS = sorted((FIXTURES / "dialects").glob("*.md"))
REPAIRS = sorted(p for p in (FIXTURES / "repairs").glob("*.md") if ".fixed." not in p.name)
# Chat model replies: most need repairs, a few must be read as written.
LLM = sorted(p for p in (FIXTURES / "llm").glob("*.md") if ".fixed." not in p.name)
REGENERATE = bool(os.environ.get("NEWSDESK_REGENERATE"))
CASES = DIALECTS + REPAIRS + LLM


def normalized(path: Path) -> dict[str, object]:
    # Loaded on its own, so site-wide checks between fixtures do not interfere.
    (outcome,) = load_all([path], ContentOptions())
    data = outcome.to_json()
    del data["path"]
    return data


def compare(actual: str, expected_path: Path) -> None:
    if REGENERATE:
        # Compared with what was just written, the test could not fail: it is skipped.
        expected_path.write_bytes(actual.encode("utf-8"))
        pytest.skip(f"NEWSDESK_REGENERATE is set: wrote {expected_path.name}; review the diff")
    assert expected_path.is_file(), f"{expected_path.name} is missing: see NEWSDESK_REGENERATE"
    assert actual == expected_path.read_bytes().decode("utf-8")


def fixed_path(case: Path) -> Path:
    return case.with_name(f"{case.stem}.fixed.md")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_normalized_article_matches_expected(case: Path) -> None:
    actual = json.dumps(normalized(case), ensure_ascii=False, indent=2) + "\n"
    compare(actual, case.with_suffix(".json"))


@pytest.mark.parametrize("case", REPAIRS + LLM, ids=[c.stem for c in REPAIRS + LLM])
def test_fix_writes_expected_file_once(case: Path, tmp_path: Path) -> None:
    copy = tmp_path / case.name
    shutil.copy(case, copy)
    found = patches(load_all([copy], ContentOptions()))
    if not found:  # read as written: nothing to repair
        assert not fixed_path(case).exists(), "the expected repairs were not made"
        return
    (patch,) = found
    write_atomic(copy, patch.data)
    compare(copy.read_bytes().decode("utf-8"), fixed_path(case))
    again = load_all([copy], ContentOptions())
    assert patches(again) == [], "a second fix must change nothing"
    assert again[0].repairs == []


def test_every_fixture_has_expected_output() -> None:
    assert len(DIALECTS) >= 10 and len(REPAIRS) >= 8 and len(LLM) >= 20
    missing = [c.name for c in CASES if not c.with_suffix(".json").exists()]
    assert missing == []
