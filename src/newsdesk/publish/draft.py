"""`newsdesk draft`: daily notes turned into draft articles by a chat model. The
reply goes through the ingest repairs; the draft records its note, model, time and
a fingerprint, so that a note is drafted once and an editor's changes are never
overwritten."""

import re
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import httpx

from newsdesk.content.article import Outcome, read_article
from newsdesk.content.dates import date_in_name
from newsdesk.content.encoding import decode
from newsdesk.content.fix import write_atomic
from newsdesk.content.frontmatter_repair import flow_list
from newsdesk.content.loader import MARKDOWN_SUFFIXES, discover, load_all
from newsdesk.content.options import ContentOptions
from newsdesk.content.parallel import Progress
from newsdesk.content.repair import yaml_quote
from newsdesk.errors import InputError
from newsdesk.publish.chat import ChatError, ChatSettings, complete
from newsdesk.publish.prompt import Prompt, load_prompt
from newsdesk.site.config import load_config
from newsdesk.text.digest import bytes_digest

NOTE_SUFFIXES = (*MARKDOWN_SUFFIXES, ".txt", ".text")
_FINGERPRINT = re.compile(rb'^fingerprint: "note=([0-9a-f]+); draft=([0-9a-f]+)"\n', re.M)
_FINGERPRINT_LINE = re.compile(rb"^fingerprint:[^\n]*\n", re.M)
_DIGEST_BYTES = 8

Status = Literal["drafted", "skipped", "kept", "failed"]


@dataclass(frozen=True)
class DraftJob:
    """What a run of `newsdesk draft` needs from the site and the command line."""

    content: Path
    folder: Path
    chat: ChatSettings
    prompt: Prompt
    options: ContentOptions
    site_title: str
    force: bool = False
    concurrency: int = 4


@dataclass(frozen=True)
class NoteResult:
    note: Path
    status: Status
    message: str
    draft: Path | None = None


@dataclass(frozen=True)
class _Survey:
    """The site as the notes meet it: its drafts by the note they came from, and its
    categories, most used first."""

    drafts: dict[str, Path]
    categories: list[str]


def draft_job(
    config_path: Path,
    overrides: Mapping[str, str | None],
    prompt_file: Path | None,
    force: bool,
    environ: Mapping[str, str],
    need_model: bool = True,
) -> DraftJob:
    """The job a site's `[draft]` settings describe, with `endpoint` and `model` from
    the command line winning and the key from the environment."""
    root = config_path.parent
    config = load_config(config_path)
    settings = config.draft
    chat = ChatSettings(
        endpoint=overrides.get("endpoint") or settings.endpoint,
        model=overrides.get("model") or settings.model,
        api_key=environ.get(settings.api_key_env) or None,
        timeout=float(settings.timeout),
        retries=settings.retries,
    )
    if need_model and not (chat.endpoint and chat.model):
        raise InputError(
            "no model to ask: set endpoint and model in the [draft] table of "
            f"{config_path}, or pass --endpoint and --model"
        )
    template = prompt_file or (root / settings.prompt if settings.prompt else None)
    content = root / config.content.dir
    return DraftJob(
        content=content,
        folder=content / settings.folder,
        chat=chat,
        prompt=load_prompt(template, config.site.language),
        options=config.content_options(root),
        site_title=config.site.title,
        force=force,
        concurrency=settings.concurrency,
    )


def find_notes(paths: list[Path]) -> list[Path]:
    """The note files named, and those in the folders named (hidden ones skipped)."""
    notes: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            notes.extend(
                found
                for found in sorted(path.rglob("*"))
                if found.is_file()
                and found.suffix.lower() in NOTE_SUFFIXES
                and not any(part.startswith(".") for part in found.relative_to(path).parts)
            )
        elif path.suffix.lower() in NOTE_SUFFIXES:
            notes.append(path)
        else:
            raise InputError(f"{path}: not a note (.md or .txt)")
    counts = Counter(note.name for note in notes)
    for name, count in counts.items():
        if count > 1:
            same = " and ".join(str(note) for note in notes if note.name == name)
            raise InputError(f"{same}: notes with one name; a draft records its note by name")
    return notes


def draft_notes(
    notes: list[Path], job: DraftJob, progress: Progress | None = None
) -> list[NoteResult]:
    """Draft each note, `job.concurrency` at a time; one result per note, in order."""
    survey = _survey(job)
    now = datetime.now(job.options.zone).replace(microsecond=0)
    with (
        httpx.Client() as client,
        ThreadPoolExecutor(max_workers=job.concurrency) as pool,
    ):
        futures = [pool.submit(_draft_note, note, survey, client, job, now) for note in notes]
        if progress is not None:
            for future in futures:
                future.add_done_callback(lambda _: progress(1))
        return [future.result() for future in futures]


def prompts(notes: list[Path], job: DraftJob) -> list[tuple[Path, str]]:
    """The prompt each note would be sent (`--dry-run`)."""
    survey = _survey(job)
    now = datetime.now(job.options.zone)
    shown = []
    for note in notes:
        text = _read_note(note, job.options)
        if isinstance(text, NoteResult):
            raise InputError(f"{note}: {text.message}")
        shown.append((note, _prompt(note, text, survey, job, now)))
    return shown


def _survey(job: DraftJob) -> _Survey:
    drafts: dict[str, Path] = {}
    categories: Counter[str] = Counter()
    files = discover(job.content) if job.content.is_dir() else []
    for outcome in load_all(files, job.options, keep_source=False):
        if outcome.article is None:
            continue
        if outcome.article.source:
            drafts.setdefault(outcome.article.source, Path(outcome.path))
        if outcome.article.category:
            categories[outcome.article.category] += 1
    return _Survey(drafts, [name for name, _ in categories.most_common(30)])


def _draft_note(
    note: Path, survey: _Survey, client: httpx.Client, job: DraftJob, now: datetime
) -> NoteResult:
    existing = survey.drafts.get(note.name)
    target = existing or job.folder / f"{note.stem}.md"
    if existing is not None and not job.force:
        return NoteResult(note, "skipped", f"already drafted as {existing}", existing)
    if existing is not None and (changed := _changed_since_drafted(existing)):
        return NoteResult(note, "kept", f"{existing} {changed}; not overwritten", existing)
    if existing is None and target.exists():
        return _failed(note, f"{target} exists and is not a draft of this note; move it first")
    text = _read_note(note, job.options)
    if isinstance(text, NoteResult):
        return text
    try:
        reply = complete(client, job.chat, _prompt(note, text, survey, job, now))
    except ChatError as failure:
        return _failed(note, str(failure))
    outcome = _read_reply(reply.text, note, job.options, now)
    error = next((d for d in outcome.diagnostics if d.severity == "error"), None)
    if outcome.article is None or error is not None:
        where = f" (line {error.line} of the reply)" if error and error.line > 1 else ""
        reason = error.message if error else "it cannot be read"
        return _failed(note, f"the reply is not an article: {reason}{where}")
    note_digest = bytes_digest(text.encode("utf-8"), _DIGEST_BYTES)
    data = compose(outcome, note.name, reply.model, now, note_digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    repaired = f" (repaired: {', '.join(outcome.repairs)})" if outcome.repairs else ""
    return NoteResult(note, "drafted", f"“{outcome.article.title}”{repaired}", target)


def _failed(note: Path, message: str) -> NoteResult:
    return NoteResult(note, "failed", message)


def _read_note(note: Path, options: ContentOptions) -> str | NoteResult:
    try:
        data = note.read_bytes()
    except OSError as error:
        return _failed(note, f"cannot read: {error.strerror or error}")
    source, problems = decode(data, options.max_file_bytes)
    if source is None:
        return _failed(note, problems[0].message)
    return source.text


def _prompt(note: Path, text: str, survey: _Survey, job: DraftJob, now: datetime) -> str:
    dated = date_in_name(note.name, job.options.zone) or now
    return job.prompt.render(
        note=text,
        note_name=note.name,
        note_date=f"{dated:%Y-%m-%d}",
        categories=survey.categories,
        site_title=job.site_title,
        today=f"{now:%Y-%m-%d}",
    )


def _read_reply(text: str, note: Path, options: ContentOptions, now: datetime) -> Outcome:
    """The reply read as an article file named after the note, so that the note's
    date stands in for a date the model left out."""
    source, problems = decode(text.encode("utf-8"), options.max_file_bytes)
    if source is None:
        return Outcome(note.name, diagnostics=problems)
    return read_article(f"{note.stem}.md", source, options, now)


def compose(outcome: Outcome, note_name: str, model: str, now: datetime, note: str) -> bytes:
    """The draft file: the article's fields as front matter, its provenance, and the
    repaired body; the fingerprint covers every byte but its own line."""
    article = outcome.article
    assert article is not None  # _draft_note() composes only articles
    lines = ["---", f"title: {yaml_quote(article.title)}", f"date: {article.published:%F %T}"]
    if article.summary_given:
        lines.append(f"summary: {yaml_quote(article.summary)}")
    if article.category:
        lines.append(f"category: {yaml_quote(article.category)}")
    if article.tags:
        lines.append(f"tags: {flow_list(list(article.tags))}")
    if article.authors:
        names = [author.name for author in article.authors]
        lines.append(f"author: {flow_list(names) if len(names) > 1 else yaml_quote(names[0])}")
    if article.cover_image:
        lines.append(f"cover: {yaml_quote(article.cover_image)}")
    lines += [
        "draft: true",
        f"source: {yaml_quote(note_name)}",
        f"model: {yaml_quote(model)}",
        f"drafted: {now:%F %T}",
    ]
    tail = ["---", "", (outcome.body or "").strip("\n"), ""]
    draft = bytes_digest("\n".join(lines + tail).encode("utf-8"), _DIGEST_BYTES)
    fingerprint = f'fingerprint: "note={note}; draft={draft}"'
    return "\n".join([*lines, fingerprint, *tail]).encode("utf-8")


def _changed_since_drafted(path: Path) -> str | None:
    """Why the draft at `path` is no longer what `newsdesk draft` wrote, if it is not."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    match = _FINGERPRINT.search(data)
    if match is None:
        return "records no fingerprint of its drafting (an editor's file)"
    unfingerprinted = _FINGERPRINT_LINE.sub(b"", data, count=1)
    if bytes_digest(unfingerprinted, _DIGEST_BYTES) != match.group(2).decode():
        return "was changed by an editor since it was drafted"
    return None
