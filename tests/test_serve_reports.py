"""What `newsdesk serve` says when it starts on a site with broken articles."""

from pathlib import Path

from tests.conftest import DEMO_SITE, copy_site
from tests.server import database_on, running_server


def test_each_error_of_the_first_index_is_reported_once(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    path = site / "content" / "rust-2024-edition.md"
    text = path.read_text(encoding="utf-8")
    path.write_text("---\ntitle: [unclosed\n" + text.split("\n", 2)[2], encoding="utf-8")
    for url in database_on("sqlite", tmp_path / "store.sqlite"):
        with running_server(site, url) as server:
            output = server.output()
    lines = [line for line in output.splitlines() if "rust-2024-edition.md" in line]
    assert len(lines) == 1, output
    assert "error" in lines[0]
    assert "1 with errors" in output
