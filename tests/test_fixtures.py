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
REGENERATE = bool(os.environ.get("NEWSDESK_REGENERATE"))


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


@pytest.mark.parametrize("case", DIALECTS + REPAIRS, ids=[c.stem for c in DIALECTS + REPAIRS])
def test_normalized_article_matches_expected(case: Path) -> None:
    actual = json.dumps(normalized(case), ensure_ascii=False, indent=2) + "\n"
    compare(actual, case.with_suffix(".json"))


@pytest.mark.parametrize("case", REPAIRS, ids=[c.stem for c in REPAIRS])
def test_fix_writes_expected_file_once(case: Path, tmp_path: Path) -> None:
    copy = tmp_path / case.name
    shutil.copy(case, copy)
    (patch,) = patches(load_all([copy], ContentOptions()))
    write_atomic(copy, patch.data)
    again = load_all([copy], ContentOptions())
    assert patches(again) == [], "a second fix must change nothing"
    assert again[0].repairs == []
    compare(copy.read_bytes().decode("utf-8"), case.with_name(f"{case.stem}.fixed.md"))


def test_every_fixture_has_expected_output() -> None:
    assert len(DIALECTS) >= 10 and len(REPAIRS) >= 8
    expected = [c.with_suffix(".json") for c in DIALECTS + REPAIRS]
    expected += [c.with_name(f"{c.stem}.fixed.md") for c in REPAIRS]
    assert [path.name for path in expected if not path.is_file()] == []
