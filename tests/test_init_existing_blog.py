"""`newsdesk init` on the folder of an existing Hexo, Jekyll, Hugo or VitePress blog:
the configuration that publishes it in place, with the URLs its old site gave."""

import tomllib
from pathlib import Path

from .conftest import run_newsdesk


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def init_and_build(blog: Path) -> tuple[dict[str, object], str, Path]:
    result = run_newsdesk("init", str(blog))
    assert result.returncode == 0, result.stderr
    config = tomllib.loads((blog / "newsdesk.toml").read_text(encoding="utf-8"))
    out = blog.parent / "out"
    built = run_newsdesk("build", str(blog), "--out", str(out))
    assert built.returncode == 0, built.stderr
    return config, result.stderr, out


def test_a_hexo_blog_keeps_its_dated_urls(tmp_path: Path) -> None:
    blog = tmp_path / "hexo"
    write(
        blog / "_config.yml",
        "title: 小张的技术笔记\nsubtitle: 后端与运维\nlanguage: zh-CN\n"
        "timezone: Asia/Shanghai\npermalink: :year/:month/:day/:title/\n",
    )
    write(
        blog / "source/_posts/redis-cache.md",
        "---\ntitle: Redis 缓存\ndate: 2024-03-05 10:00:00\n---\n\n正文。\n",
    )
    write(blog / "themes/next/layout/post.md", "不是文章\n")
    config, said, out = init_and_build(blog)
    assert config["site"] == {
        "title": "小张的技术笔记",
        "description": "后端与运维",
        "language": "zh-CN",
        "timezone": "Asia/Shanghai",
    }
    assert config["content"] == {"dir": "source/_posts", "permalink": "/:year/:month/:day/:slug/"}
    assert "Hexo" in said
    assert (out / "2024/03/05/redis-cache/index.html").is_file()
    assert not (blog / "source/_posts/welcome.md").exists()


def test_a_jekyll_blog_with_a_named_style_says_what_changes(tmp_path: Path) -> None:
    blog = tmp_path / "jekyll"
    write(blog / "_config.yml", "title: Dev Notes\nlang: en\npermalink: pretty\n")
    write(
        blog / "_posts/2018-01-18-series.md", "---\ntitle: Part one\ncategories: go\n---\n\nText.\n"
    )
    config, said, out = init_and_build(blog)
    assert config["site"] == {"title": "Dev Notes", "language": "en"}
    assert config["content"] == {
        "dir": "_posts",
        "permalink": "/:category/:year/:month/:day/:slug/",
    }
    assert "uncategorized" in said
    assert (out / "go/2018/01/18/series/index.html").is_file()


def test_a_hugo_blog_keeps_its_section_and_old_urls(tmp_path: Path) -> None:
    blog = tmp_path / "hugo"
    write(blog / "hugo.toml", 'title = "云原生周刊"\nlanguageCode = "zh-cn"\n')
    write(
        blog / "content/post/k8s-upgrade/index.md",
        '---\ntitle: 升级集群\ndate: 2023-06-01\nURL: "/2023/06/01/k8s/"\n---\n\n![图](arch.png)\n',
    )
    (blog / "content/post/k8s-upgrade/arch.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(blog / "content/about.md", "---\ntitle: 关于\n---\n\n关于本站。\n")
    config, _, out = init_and_build(blog)
    assert config["content"] == {"dir": "content", "permalink": "/post/:slug/"}
    page = (out / "post/k8s-upgrade/index.html").read_text(encoding="utf-8")
    assert "/files/" in page
    redirect = (out / "2023/06/01/k8s/index.html").read_text(encoding="utf-8")
    assert 'url=/post/k8s-upgrade/"' in redirect


def test_a_vitepress_site_is_recognised_and_an_existing_config_is_kept(tmp_path: Path) -> None:
    blog = tmp_path / "vitepress"
    (blog / "docs/.vitepress").mkdir(parents=True)
    write(blog / "docs/guide/start.md", "# 快速开始\n\n安装依赖。\n")
    config, said, _ = init_and_build(blog)
    assert config["content"]["dir"] == "docs"  # type: ignore[index]
    assert "VitePress" in said
    again = run_newsdesk("init", str(blog))
    assert again.returncode != 0
    assert "already exists" in again.stderr
    assert tomllib.loads((blog / "newsdesk.toml").read_text(encoding="utf-8")) == config


def test_a_folder_that_is_no_blog_gets_a_new_site(tmp_path: Path) -> None:
    result = run_newsdesk("init", str(tmp_path / "fresh"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh/content/welcome.md").is_file()
