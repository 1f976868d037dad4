"""`newsdesk draft` against a real chat completions server on 127.0.0.1 that replies
from the project's fixtures: artifacts, errors, slow and cut streams."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsdesk.publish.chat import ChatError, ChatSettings, complete, completions_url

from .chat_server import MODEL, ChatServer, chat_server
from .conftest import FIXTURES, run_newsdesk

NOTES = FIXTURES / "draft" / "notes"
FAILING = {
    "2025-03-16.txt": "the reply stream ended before [DONE] after 72 characters (3 attempts)",
    "2025-03-17.md": "the reply took longer than 2 s (3 attempts)",
    "2025-03-18.md": "the reply was empty",
    "2025-03-19.md": "the reply is not an article: the file holds only the assistant's words",
    "2025-03-20.md": "the server answered 400 Bad Request: The model `test-model` does not exist.",
}


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with chat_server() as running:
        yield running


def make_site(root: Path, server: ChatServer, language: str = "zh-CN") -> Path:
    site = root / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text(
        f'[site]\ntitle = "测试站"\nlanguage = "{language}"\n\n'
        f'[draft]\nendpoint = "{server.url}"\nmodel = "{MODEL}"\n'
        "timeout = 2\nretries = 2\nconcurrency = 4\n",
        encoding="utf-8",
    )
    (site / "content" / "welcome.md").write_text(
        "---\ntitle: 欢迎\ndate: 2025-01-01\ncategory: 公告\n---\n\n你好。\n", encoding="utf-8"
    )
    return site


def draft(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsdesk("draft", *args, "--site", str(site))


def inspect(paths: list[Path]) -> list[dict[str, object]]:
    result = run_newsdesk("inspect", "--json", *map(str, paths))
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_a_folder_of_twenty_notes_gives_a_draft_or_one_error_line_each(
    server: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path, server)
    monkeypatch.setenv("NEWSDESK_LLM_API_KEY", "sk-from-the-environment")
    result = draft(site, str(NOTES))
    assert set(server.authorizations) == {"Bearer sk-from-the-environment"}
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    drafts = sorted((site / "content" / "drafts").glob("*.md"))
    assert [p.stem for p in drafts] == [f"2025-03-{day:02d}" for day in range(1, 16)], result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(NOTES))]
    assert len(errors) == len(FAILING)
    for line in errors:
        name, message = line[len(str(NOTES)) + 1 :].split(": ", 1)
        assert message.startswith(FAILING[name]), line
    assert "20 notes: 15 drafted, 0 already drafted, 0 kept (edited), 5 failed" in result.stderr
    assert len(result.stdout.splitlines()) == 15
    assert server.attempts["2025-03-12.md"] == 2 and server.attempts["2025-03-13.md"] == 3

    articles = {Path(str(a["path"])).stem: a for a in inspect(drafts)}
    assert all(a["draft"] and a["diagnostics"] == [] for a in articles.values())
    assert {a["source"] for a in articles.values()} == {
        p.name for p in NOTES.iterdir() if p.name not in FAILING
    }
    chip = articles["2025-03-02"]
    assert (chip["title"], chip["category"], chip["tags"]) == (
        "国产 AI 芯片的软件栈之困",
        "芯片",
        ["AI 芯片", "编译器", "生态"],
    )
    review = articles["2025-03-11"]
    assert review["author"] == {"name": "李雷", "bio": ""}
    assert str(review["summary"]).startswith("越来越多团队让 AI 助手参与代码评审")
    assert articles["2025-03-10"]["tags"] == ["Git", "效率", "开发工具"]
    texts = "".join(p.read_text(encoding="utf-8") for p in drafts)
    for chatter in ("以下是", "希望对您有帮助", "Let me know", "<think>", "**作者：**"):
        assert chatter not in texts
    check = run_newsdesk("check", str(site), "--format", "json")
    assert check.returncode == 0, check.stdout

    again = draft(site, str(NOTES))
    assert "20 notes: 0 drafted, 15 already drafted, 0 kept (edited), 5 failed" in again.stderr
    assert sorted((site / "content" / "drafts").glob("*.md")) == drafts
    assert server.attempts["2025-03-01.md"] == 1, "a drafted note is not sent again"


def test_force_redrafts_but_never_overwrites_an_edited_draft(
    server: ChatServer, tmp_path: Path
) -> None:
    site = make_site(tmp_path, server)
    notes = [str(NOTES / "2025-03-01.md"), str(NOTES / "2025-03-05.md")]
    assert draft(site, *notes).returncode == 0
    edited = site / "content" / "drafts" / "2025-03-05.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("draft: true", "draft: false"), "utf-8"
    )
    kept = edited.read_bytes()
    forced = draft(site, *notes, "--force")
    assert forced.returncode == 0, forced.stderr
    assert f"{edited} was changed by an editor since it was drafted; not overwritten" in (
        forced.stderr.replace("\n", "")
    )
    assert edited.read_bytes() == kept
    assert server.attempts["2025-03-01.md"] == 2 and server.attempts["2025-03-05.md"] == 1
    assert "1 drafted, 0 already drafted, 1 kept (edited), 0 failed" in forced.stderr


def test_dry_run_prints_the_prompt_and_asks_nothing(server: ChatServer, tmp_path: Path) -> None:
    site = make_site(tmp_path, server)
    result = draft(site, str(NOTES / "2025-03-01.md"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "笔记文件：2025-03-01.md" in result.stdout
    assert "约束写窄一点" in result.stdout and "公告" in result.stdout  # the site's categories
    assert "   - date：2025-03-01" in result.stdout
    assert not server.attempts and not (site / "content" / "drafts").exists()
    english = make_site(tmp_path / "en", server, language="en")
    shown = draft(english, str(NOTES / "2025-03-01.md"), "--dry-run")
    assert "Note file: 2025-03-01.md" in shown.stdout


def test_a_prompt_template_with_an_unknown_placeholder_names_its_place(
    server: ChatServer, tmp_path: Path
) -> None:
    site = make_site(tmp_path, server)
    prompt = site / "prompt.md"
    prompt.write_text("写一篇文章。\n笔记：$note\n作者：$author\n", encoding="utf-8")
    result = draft(site, str(NOTES / "2025-03-01.md"), "--prompt", str(prompt))
    assert result.returncode == 2
    assert f"{prompt}:3:4: unknown placeholder $author" in result.stderr.replace("\n", "")


def test_a_site_without_a_model_says_what_to_set(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "newsdesk.toml").write_text("[site]\n", encoding="utf-8")
    result = draft(site, str(NOTES / "2025-03-01.md"))
    assert result.returncode == 2
    assert "no model to ask: set endpoint and model in the [draft] table" in result.stderr
    secret = run_newsdesk("check", str(site))
    (site / "newsdesk.toml").write_text('[draft]\napi_key = "sk-x"\n', encoding="utf-8")
    refused = run_newsdesk("check", str(site))
    assert secret.returncode == 0 and refused.returncode == 2
    assert "draft.api_key: unknown setting" in refused.stderr


def settings(server: ChatServer, **changes: object) -> ChatSettings:
    values: dict[str, object] = {
        "endpoint": server.url,
        "model": MODEL,
        "api_key": "sk-test",
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.01,
    }
    values.update(changes)
    return ChatSettings(**values)  # type: ignore[arg-type]


def prompt_for(note: str) -> str:
    return f"笔记文件：{note}"


def test_retries_back_off_and_obey_retry_after(server: ChatServer) -> None:
    waits: list[float] = []
    with httpx.Client() as client:
        busy = complete(client, settings(server), prompt_for("2025-03-13.md"), waits.append)
        limited = complete(client, settings(server), prompt_for("2025-03-12.md"), waits.append)
    assert (busy.attempts, limited.attempts) == (3, 2)
    assert waits == [0.01, 0.02, 0.0]
    assert busy.model == MODEL and busy.text.startswith("好的！这是根据笔记写好的教程：")
    assert set(server.authorizations) == {"Bearer sk-test"}


def test_each_failure_is_one_readable_line(server: ChatServer) -> None:
    with httpx.Client() as client:
        for note, expected in FAILING.items():
            if note == "2025-03-19.md":
                continue  # a reply, which only the draft pipeline finds is no article
            with pytest.raises(ChatError) as raised:
                complete(client, settings(server), prompt_for(note), lambda _: None)
            assert str(raised.value).startswith(expected.split(" (")[0]), note
            assert "\n" not in str(raised.value)
        with pytest.raises(ChatError, match=r"cannot reach http://127\.0\.0\.1:9/v1"):
            complete(client, settings(server, endpoint="http://127.0.0.1:9/v1", retries=0), "x")


def test_the_endpoint_is_an_api_base_or_the_full_url() -> None:
    assert completions_url("http://h/v1/") == "http://h/v1/chat/completions"
    assert completions_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"


def test_the_notes_to_draft_are_listed_with_their_errors(tmp_path: Path) -> None:
    from newsdesk.errors import InputError
    from newsdesk.publish.draft import find_notes

    copy = tmp_path / "notes"
    shutil.copytree(NOTES, copy)
    (copy / ".hidden.md").write_text("x", encoding="utf-8")
    (copy / "image.png").write_bytes(b"\x89PNG")
    assert len(find_notes([copy])) == 20
    (copy / "sub").mkdir()
    (copy / "sub" / "2025-03-01.md").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="notes with one name"):
        find_notes([copy])
    with pytest.raises(InputError, match="not a note"):
        find_notes([copy / "image.png"])
