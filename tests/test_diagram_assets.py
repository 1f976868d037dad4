"""The diagram scripts: published by `newsdesk build` and served by `newsdesk serve`
as fingerprinted files of the site, and referenced only by pages with a diagram."""

import re
from pathlib import Path

from bs4 import BeautifulSoup

from tests.asgi import serving

from .conftest import run_newsdesk

DIAGRAM = "---\ntitle: 有图\ndate: 2025-03-01\n---\n\n```mermaid\nflowchart LR\n  A --> B\n```\n"
PLAIN = "---\ntitle: 无图\ndate: 2025-03-02\n---\n\n```python\nprint('mermaid')\n```\n"
SCRIPT = re.compile(r"/assets/(mermaid|diagrams)\.[0-9a-f]{12}\.js")


def _site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / "diagram.md").write_text(DIAGRAM, encoding="utf-8")
    (root / "content" / "plain.md").write_text(PLAIN, encoding="utf-8")
    (root / "newsdesk.toml").write_text(
        '[site]\ntitle = "图"\nbase_url = "http://127.0.0.1:8000"\n', encoding="utf-8"
    )
    return root


def _scripts(page: str) -> list[str]:
    found = (tag.get("src", "") for tag in BeautifulSoup(page, "html.parser").find_all("script"))
    return sorted(str(src) for src in found if SCRIPT.fullmatch(str(src)))


def test_the_build_publishes_the_scripts_for_pages_with_a_diagram(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    out = tmp_path / "out"
    result = run_newsdesk("build", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    with_diagram = _scripts((out / "posts" / "diagram" / "index.html").read_text())
    assert [SCRIPT.fullmatch(s).group(1) for s in with_diagram] == ["diagrams", "mermaid"]  # type: ignore[union-attr]
    for src in with_diagram:
        assert (out / src.lstrip("/")).stat().st_size > 0
    assert _scripts((out / "posts" / "plain" / "index.html").read_text()) == []
    assert _scripts((out / "index.html").read_text()) == []


def test_the_server_serves_the_scripts(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    with serving(site, f"sqlite:///{tmp_path / 'site.db'}") as app, app.client() as client:
        page = client.get("/posts/diagram/")
        assert page.status_code == 200
        scripts = _scripts(page.text)
        assert len(scripts) == 2
        for src in scripts:
            answer = client.get(src)
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/javascript")
            assert "immutable" in answer.headers["cache-control"]
        mermaid = client.get(next(s for s in scripts if "mermaid" in s))
        assert b'globalThis["mermaid"]' in mermaid.content
        assert _scripts(client.get("/posts/plain/").text) == []
