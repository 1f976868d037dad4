"""One file's text to one Article: repairs, front matter, dialects, derivations."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import PurePath
from typing import Any

from newsdesk.content import chatter, frontmatter_repair, labels, repair
from newsdesk.content.compat.engine import convert_body
from newsdesk.content.dates import date_in_name
from newsdesk.content.derive import analyze, base_slug, lead_heading, permalink, stem_title
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.dialects import Fields, map_fields
from newsdesk.content.document import Line, join_lines, split_lines
from newsdesk.content.encoding import SourceText
from newsdesk.content.frontmatter import Parsed, Span, locate, parse
from newsdesk.content.frontmatter_close import close_front_matter
from newsdesk.content.frontmatter_salvage import salvage
from newsdesk.content.model import Article
from newsdesk.content.options import ContentOptions
from newsdesk.content.pickling import reduce_by_fields

INDEX_NAMES = {"index", "readme"}


@dataclass(slots=True)
class Outcome:
    """What reading one file gave: an article or not, and everything said about it."""

    __reduce__ = reduce_by_fields

    path: str
    article: Article | None = None
    # The Markdown body below the front matter, as repaired (the article's text to render).
    body: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    source: SourceText | None = None
    repaired_text: str | None = None
    summary_position: tuple[int, int] | None = None
    # Front matter keys nobody is known to use, with their positions: the site-wide
    # checks report each key once.
    unknown_keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The repairs themselves, with the text each removed and added (only `fix` and
    # the tests read them).
    applied: list[repair.Repair] = field(default_factory=list)

    def drop_text(self) -> None:
        """Forget the file's text, its repaired text and the body once nothing will
        read them: most of what a worker process would send back."""
        self.source = None
        self.repaired_text = None
        self.body = None
        self.applied = []

    def to_json(self) -> dict[str, Any]:
        """The `newsdesk inspect --json` object (snake_case keys, ISO dates)."""
        if self.article is not None:
            data = self.article.to_json()
        else:
            data = dict.fromkeys(_EMPTY_KEYS)
            data.update(path=self.path, tags=[], authors=[], toc=[])
        data["repairs"] = list(self.repairs)
        data["diagnostics"] = [d.to_json() for d in self.diagnostics]
        return data


_EMPTY_KEYS = [
    "path",
    "slug",
    "url",
    "title",
    "summary",
    "category",
    "tags",
    "author",
    "authors",
    "published",
    "updated",
    "cover_image",
    "sticky",
    "sticky_weight",
    "hot",
    "views",
    "read_minutes",
    "cjk_chars",
    "latin_words",
    "code_lines",
    "draft",
    "unlisted",
    "source",
    "toc",
]


class _Repairs:
    """Collects repairs as they are applied, in order."""

    def __init__(self) -> None:
        self.done: list[repair.Repair] = []

    def apply(self, result: repair.Repair | None) -> bool:
        """Record a repair; one that applied before keeps its first place and message,
        and adds what it removed and added this time."""
        if result is None:
            return False
        for number, done in enumerate(self.done):
            if done.code == result.code:
                self.done[number] = replace(
                    done, removed=done.removed + result.removed, added=done.added + result.added
                )
                return True
        self.done.append(result)
        return True


def read_article(
    path: str, source: SourceText, options: ContentOptions, file_time: datetime
) -> Outcome:
    """Repair, parse and derive one article from its decoded text."""
    outcome = Outcome(path, source=source)
    lines = split_lines(source.text)
    repairs = _Repairs()
    located = _repair_structure(lines, repairs)
    if isinstance(located, Diagnostic):
        outcome.diagnostics.append(located)
        return _finish(outcome, lines, repairs)
    read = _read_fields(path, lines, located, repairs, options)
    outcome.diagnostics.extend(read.diagnostics)
    if read.fields is None:
        return _finish(outcome, lines, repairs)
    fields, body = read.fields, read.body
    outcome.summary_position = fields.positions.get("summary")
    outcome.unknown_keys = fields.unknown
    body_lines = [line.text for line in lines[body:]]
    file = PurePath(path)
    stem = file.parent.name if file.stem.lower() in INDEX_NAMES else file.stem
    title = fields.title
    if not title and (heading := lead_heading(body_lines)) and heading[0] <= 2 and heading[1]:
        title = heading[1]
        body_lines = body_lines[heading[2] :]
    if not title:
        title = stem_title(stem)
        outcome.diagnostics.append(
            Diagnostic(
                "title-missing",
                f"no title in the front matter or as a heading; using the file name '{title}'",
                fix="add a 'title:' field",
            )
        )
    published = fields.published or date_in_name(stem, options.zone)
    if published is None and fields.source:
        published = date_in_name(fields.source, options.zone)
    if published is None:
        published = file_time.astimezone(options.zone).replace(microsecond=0)
        outcome.diagnostics.append(
            Diagnostic(
                "date-from-mtime",
                "no date in the front matter, the file name, its source or a git history; "
                "using the file's modification time",
                fix="add a 'date: YYYY-MM-DD' field",
            )
        )
    facts = analyze(body_lines, options)
    slug = base_slug(fields.slug, stem, title)
    category = fields.category
    outcome.article = Article(
        path=path,
        slug=slug,
        url=article_url(options, slug, published, category),
        title=title,
        summary=fields.summary or facts.summary,
        category=category,
        tags=tuple(fields.tags),
        authors=tuple(fields.authors),
        published=published,
        updated=fields.updated,
        cover_image=fields.cover_image,
        sticky_weight=fields.sticky_weight,
        hot=fields.hot,
        views=fields.views or 0,
        read_minutes=fields.read_minutes or facts.read_minutes(options),
        cjk_chars=facts.cjk_chars,
        latin_words=facts.latin_words,
        code_lines=facts.code_lines,
        draft=fields.draft,
        unlisted=fields.unlisted,
        source=fields.source,
        toc=facts.toc,
        summary_given=bool(fields.summary),
        derived_summary=facts.summary,
        extra=fields.extra,
    )
    outcome.body = "\n".join(body_lines)
    return _finish(outcome, lines, repairs)


def article_url(
    options: ContentOptions, slug: str, published: datetime, category: str | None
) -> str:
    return permalink(
        options.permalink, slug, published.year, published.month, published.day, category or ""
    )


def _repair_structure(lines: list[Line], repairs: _Repairs) -> Span | Diagnostic | None:
    """Repairs of what surrounds and holds the article: a chat reply's reasoning and
    chatter, fences around the document or its front matter, then the body's."""
    repairs.apply(chatter.drop_reasoning(lines))
    if (no_article := chatter.reply_without_article(lines)) is not None:
        return no_article
    repairs.apply(chatter.drop_chatter(lines))
    repairs.apply(repair.unwrap_document(lines))
    located = _locate_front_matter(lines, repairs)
    body = located.body if isinstance(located, Span) else 0
    unwrapped = not isinstance(located, Diagnostic) and repairs.apply(
        repair.unwrap_body(lines, body)
    )
    if unwrapped and located is None:  # what the fence hid may open with front matter
        located = _locate_front_matter(lines, repairs)
        body = located.body if isinstance(located, Span) else 0
    if isinstance(located, Diagnostic):
        return located
    _repair_body(lines, body, repairs)
    return located


def _repair_body(lines: list[Line], body: int, repairs: _Repairs) -> None:
    # Each of these changes what the others see (a new heading ends a paragraph, a
    # closed fence frees the lines after it or makes a wrapper of the whole body), so
    # they run until none applies.
    for _ in range(4):
        applied = [
            repairs.apply(repair.remove_invisible(lines, body)),
            repairs.apply(repair.space_headings(lines, body)),
            repairs.apply(repair.close_fences(lines, body)),
            repairs.apply(repair.unwrap_body(lines, body)),
        ]
        if not any(applied):
            break


@dataclass(slots=True)
class _Read:
    """The front matter's fields (None when it cannot be read), where the body
    starts, and what was found on the way."""

    fields: Fields | None
    body: int
    diagnostics: list[Diagnostic]


def _read_fields(
    path: str, lines: list[Line], located: Span | None, repairs: _Repairs, options: ContentOptions
) -> _Read:
    """The front matter parsed and mapped; the body's generator syntax converted (it
    reads the front matter, and hides label lines); its label lines lifted."""
    body = located.body if located else 0
    parsed = _parse_front_matter(lines, located, repairs)
    if parsed.failed:
        return _Read(None, body, parsed.diagnostics)
    fields, problems = map_fields(parsed.meta, parsed.positions, options.zone)
    warnings = _convert_syntax(path, lines, body, parsed.meta, repairs, options)
    # Lifting labels and dropping a title heading each uncover what the other looks
    # for at the top of the body, so they run until neither applies.
    for _ in range(3):
        if fields.title:
            repairs.apply(repair.drop_title_heading(lines, body, fields.title))
        if not repairs.apply(labels.lift_labels(lines, located, body, fields, options.zone)):
            break
        relocated = locate(lines)
        # lift_labels() wrote YAML or TOML lines into a block it found or made.
        assert isinstance(relocated, Span)
        located, body = relocated, relocated.body
        _repair_body(lines, body, repairs)  # what the labels hid may need repairs
        warnings += _convert_syntax(path, lines, body, parsed.meta, repairs, options)
        parsed = _parse_front_matter(lines, located, repairs)
        if parsed.failed:
            return _Read(None, body, parsed.diagnostics)
        fields, problems = map_fields(parsed.meta, parsed.positions, options.zone)
    return _Read(fields, body, parsed.diagnostics + problems + warnings)


def _convert_syntax(
    path: str,
    lines: list[Line],
    body: int,
    meta: dict[str, Any],
    repairs: _Repairs,
    options: ContentOptions,
) -> list[Diagnostic]:
    """Old generators' syntax in the body as portable Markdown; the warnings found."""
    warnings: list[Diagnostic] = []
    # A block made of a tag may open or close a fence, which changes what is code, so
    # conversion and the body's repairs run until neither finds more.
    for _ in range(4):
        # Only a file without front matter may need to be put back as it was.
        kept = (_copy(lines), list(repairs.done)) if body == 0 else None
        converted, found = convert_body(lines, body, path, meta, options.compat)
        if not converted:
            break
        for done in converted:
            repairs.apply(done)
        _repair_body(lines, body, repairs)
        if kept is not None and _locate_front_matter(_copy(lines), _Repairs()) is not None:
            # Tags atop a file without front matter hid a delimiter line, which the next
            # reading would take for front matter: the file stays as it was.
            lines[:], repairs.done = kept
            break
        warnings += found
    return warnings


def _copy(lines: list[Line]) -> list[Line]:
    return [Line(line.no, line.text, line.shift) for line in lines]


def _locate_front_matter(lines: list[Line], repairs: _Repairs) -> Span | Diagnostic | None:
    repairs.apply(frontmatter_repair.unfence_front_matter(lines))
    repairs.apply(repair.drop_leading_blanks(lines))
    repairs.apply(close_front_matter(lines))
    repairs.apply(repair.dedent_frontmatter(lines))
    return locate(lines)


def _parse_front_matter(lines: list[Line], span: Span | None, repairs: _Repairs) -> Parsed:
    if span is None:
        return Parsed()
    if span.kind == "yaml":
        repairs.apply(frontmatter_repair.normalize_tags(lines, span.start, span.end))
    parsed = parse(lines, span)
    if parsed.failed and span.kind == "toml":
        return salvage(lines[span.start : span.end], span.kind) or parsed
    if parsed.failed and span.kind == "yaml":
        backup = [Line(line.no, line.text, line.shift) for line in lines]
        attempted = _Repairs()
        attempted.apply(frontmatter_repair.fullwidth_syntax(lines, span.start, span.end))
        attempted.apply(frontmatter_repair.normalize_tags(lines, span.start, span.end))
        attempted.apply(repair.tabs_to_spaces(lines, span.start, span.end))
        attempted.apply(repair.quote_values(lines, span.start, span.end))
        retried = parse(lines, span) if attempted.done else parsed
        if retried.failed:
            lines[:] = backup
            return salvage(lines[span.start : span.end], span.kind) or parsed
        repairs.done.extend(attempted.done)
        parsed = retried
    if repairs.apply(repair.provenance_to_source(lines, span.start, span.end)):
        reparsed = parse(lines, span)
        parsed = reparsed if not reparsed.failed else parsed
    return parsed


def _finish(outcome: Outcome, lines: list[Line], repairs: _Repairs) -> Outcome:
    outcome.repairs = [r.code for r in repairs.done]
    outcome.applied = list(repairs.done)
    outcome.diagnostics[:0] = [r.diagnostic() for r in repairs.done]
    outcome.diagnostics.sort(key=lambda d: (d.line, d.col))
    if repairs.done:
        outcome.repaired_text = join_lines(lines)
    return outcome
