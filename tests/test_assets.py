"""The site's own files: one rule for what is published, shared by export and server."""

from pathlib import Path

from newsdesk.site.assets import site_file, site_files, site_files_folder

from .conftest import DEMO_SITE, copy_site, run_newsdesk


def _site_with_own_files(tmp_path: Path) -> Path:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    static = site / "static"
    for relative, text in {
        ".well-known/security.txt": "Contact: mailto:security@example.com\n",
        ".git/config": "[core]\n",
        "notes/.draft.txt": "不公开\n",
        ".hidden/readme.txt": "不公开\n",
        "files/说明.txt": "公开\n",
    }.items():
        (static / relative).parent.mkdir(parents=True, exist_ok=True)
        (static / relative).write_text(text, encoding="utf-8")
    return site


def test_hidden_files_stay_unpublished_but_well_known_is(tmp_path: Path) -> None:
    site = _site_with_own_files(tmp_path)
    urls = {asset.url for asset in site_files(site)}
    folder = site_files_folder(site)
    assert "/.well-known/security.txt" in urls
    assert "/files/说明.txt" in urls
    assert "/images/news/k8s-native-sidecar.png" in urls
    assert not any(".git" in url or "hidden" in url or ".draft" in url for url in urls)
    for url in urls:
        assert site_file(folder, url) == (site / "static" / url.lstrip("/")).resolve()
    for refused in ("/.git/config", "/notes/.draft.txt", "/../newsdesk.toml", "/images", "/"):
        assert site_file(folder, refused) is None, refused


def test_the_export_copies_exactly_the_published_files(tmp_path: Path) -> None:
    site = _site_with_own_files(tmp_path)
    out = tmp_path / "out"
    result = run_newsdesk("build", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / ".well-known" / "security.txt").read_text().startswith("Contact:")
    assert (out / "files" / "说明.txt").is_file()
    assert not (out / ".git").exists() and not (out / ".hidden").exists()
    assert not (out / "notes" / ".draft.txt").exists()
