"""The checks that need every article of a site at once: dates from the git history
of articles with none of their own (one `git log` for all), unique slugs, summaries
that a pipeline repeated across articles, and front matter keys nobody knows, each
reported once for the whole site. They decide; applying is separate, so that
a whole build or index decides once and a later partial one replays the decision."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from pathlib import PurePath

from newsdesk.content.article import INDEX_NAMES, Outcome, article_url
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.dialects import normalize_key
from newsdesk.content.history import commit_dates, history_key
from newsdesk.content.model import Article
from newsdesk.content.options import ContentOptions
from newsdesk.text.slug import slugify

SLUG_COLLISION = "slug-collision"
SUMMARY_BOILERPLATE = "summary-boilerplate"
UNKNOWN_FIELD_SUMMARY = "unknown-field-summary"
DATE_FROM_MTIME = "date-from-mtime"
DATE_FROM_GIT = "date-from-git"


@dataclass
class SiteChecks:
    """What the site-wide checks decided, by the path each article was read from."""

    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)  # (slug, url)
    boilerplate: set[str] = field(default_factory=set)  # summary replaced by opening text
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)
    # Articles dated by their git history: (published, updated, url).
    dated: dict[str, tuple[datetime, datetime | None, str]] = field(default_factory=dict)
    # The articles with no date of their own, and a fingerprint of their history as
    # these checks read it: an incremental build compares it to see a new commit.
    undated: tuple[str, ...] = ()
    history_key: str = ""

    def history_moved(self, zone: tzinfo) -> bool:
        """Whether a commit since these checks moved the dates of the articles dated by
        their history (a commit need not touch a file)."""
        return bool(self.undated) and history_key(commit_dates(self.undated, zone)) != (
            self.history_key
        )

    def report(self, path: str, diagnostic: Diagnostic) -> None:
        self.findings.setdefault(path, []).append(diagnostic)

    def article(self, article: Article) -> Article:
        """The article as these decisions leave it."""
        dated = self.dated.get(article.path)
        if dated is not None:
            published, updated, url = dated
            article = replace(
                article, published=published, updated=article.updated or updated, url=url
            )
        renamed = self.renamed.get(article.path)
        if renamed is not None:
            article = replace(article, slug=renamed[0], url=renamed[1])
        if article.path in self.boilerplate:
            article = replace(article, summary=article.derived_summary, summary_given=False)
        return article

    def outcome(self, outcome: Outcome) -> Outcome:
        """A copy of the outcome with its settled article and the checks' findings
        among its diagnostics (the outcome itself when they say nothing of it)."""
        found = self.findings.get(outcome.path)
        if not found or outcome.article is None:
            return outcome
        own = outcome.diagnostics
        if outcome.path in self.dated:
            own = [d for d in own if d.code != DATE_FROM_MTIME]
        diagnostics = sorted([*own, *found], key=lambda d: (d.line, d.col))
        return replace(outcome, article=self.article(outcome.article), diagnostics=diagnostics)


def check_site(outcomes: Iterable[Outcome], options: ContentOptions) -> SiteChecks:
    """Slugs are unique (the first file by path keeps one, later ones get a suffix),
    and a summary many articles share is replaced by each one's opening text."""
    read = sorted((o for o in outcomes if o.article is not None), key=lambda o: o.path)
    checks = SiteChecks()
    _date_from_history(read, options, checks)
    _resolve_slugs(read, options, checks)
    _replace_boilerplate(read, options, checks)
    _count_unknown_keys(read, checks)
    return checks


def _date_from_history(
    outcomes: list[Outcome], options: ContentOptions, checks: SiteChecks
) -> None:
    """Articles dated by their file's modification time take their git history's
    dates instead, when the file has one."""
    undated = [o for o in outcomes if any(d.code == DATE_FROM_MTIME for d in o.diagnostics)]
    if not undated:
        return
    checks.undated = tuple(o.path for o in undated)
    found = commit_dates(checks.undated, options.zone)
    checks.history_key = history_key(found)
    for outcome in undated:
        if outcome.path not in found:
            continue
        first, last = found[outcome.path]
        article = outcome.article
        assert article is not None, "only articles are checked"
        url = article_url(options, article.slug, first, article.category)
        checks.dated[outcome.path] = (first, last if last != first else None, url)
        message = f"no date in the front matter or the file name; first commit {first:%Y-%m-%d}"
        message += " is the date published" + (
            f", last commit {last:%Y-%m-%d} the date updated" if last != first else ""
        )
        checks.report(
            outcome.path,
            Diagnostic(DATE_FROM_GIT, message, fix="add a 'date: YYYY-MM-DD' field to fix it"),
        )


def _resolve_slugs(outcomes: list[Outcome], options: ContentOptions, checks: SiteChecks) -> None:
    """Articles that share a slug: the earliest published keeps it, each other one gets
    its own date, else its folder's name, else a number (Jekyll's dated `series.md`
    posts and Hexo's same-named posts in different folders had distinct URLs). Said
    in a warning when the URL changes with it."""
    # As the dates decided above leave them (a date from git moves the URL).
    settled: dict[str, Article] = {}
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        assert outcome.article is not None
        article = settled[outcome.path] = checks.article(outcome.article)
        groups.setdefault(article.slug, []).append(outcome)
    taken = set(groups)
    # A permalink with the date keeps apart articles the slug does not: each keeps
    # its URL (the one its old site gave it) when no other article has it.
    url_counts = Counter(article.url for article in settled.values())
    for slug, group in groups.items():
        if len(group) == 1:
            continue
        group.sort(key=lambda o: (settled[o.path].published, o.path))
        owner, *others = group
        for outcome in others:
            article = settled[outcome.path]
            new_slug = _distinct_slug(slug, outcome, group, settled, taken)
            taken.add(new_slug)
            if url_counts[article.url] == 1:
                checks.renamed[outcome.path] = (new_slug, article.url)
                continue
            url = article_url(options, new_slug, article.published, article.category)
            checks.renamed[outcome.path] = (new_slug, url)
            checks.report(
                outcome.path,
                Diagnostic(
                    SLUG_COLLISION,
                    f"slug '{slug}' is also used by {owner.path}; "
                    f"this article is published as '{new_slug}'",
                    fix="give one of the two articles its own 'slug:'",
                ),
            )


def _distinct_slug(
    slug: str,
    outcome: Outcome,
    group: list[Outcome],
    settled: dict[str, Article],
    taken: set[str],
) -> str:
    """The slug with what tells this article apart from the others of the group: its
    date, else its folder's name, else a number."""
    day = settled[outcome.path].published.date()
    folder = _folder(outcome)
    candidate = slug
    if sum(1 for o in group if settled[o.path].published.date() == day) == 1:
        candidate = f"{slug}-{day.isoformat()}"
    elif folder and sum(1 for o in group if _folder(o) == folder) == 1:
        candidate = f"{folder}-{slug}"
    if candidate not in taken:
        return candidate
    number = 2
    while f"{candidate}-{number}" in taken:
        number += 1
    return f"{candidate}-{number}"


def _folder(outcome: Outcome) -> str:
    """The slug of the folder an article is in (of its bundle's folder, for a page
    bundle, whose own folder gave it its slug)."""
    path = PurePath(outcome.path)
    folder = path.parent.parent if path.stem.lower() in INDEX_NAMES else path.parent
    return slugify(folder.name)


def _replace_boilerplate(
    outcomes: list[Outcome], options: ContentOptions, checks: SiteChecks
) -> None:
    """A summary that many articles share says nothing about any of them (pipelines
    reuse one description)."""
    given = [o for o in outcomes if o.article is not None and o.article.summary_given]
    counts = Counter(o.article.summary for o in given if o.article is not None)
    for outcome in given:
        assert outcome.article is not None
        repeats = counts[outcome.article.summary]
        if repeats < options.boilerplate_summary_repeats:
            continue
        checks.boilerplate.add(outcome.path)
        checks.report(
            outcome.path,
            Diagnostic(
                SUMMARY_BOILERPLATE,
                f"the same summary is used by {repeats} articles; "
                "using the article's opening text instead",
                *(outcome.summary_position or (1, 1)),
                fix="write a summary for this article, or remove the field",
            ),
        )


def _count_unknown_keys(outcomes: list[Outcome], checks: SiteChecks) -> None:
    """One finding per unknown key (keys compared as front matter keys are), at its
    first use by path, with how many files use it: a migrated blog's theme keys would
    otherwise repeat in every file."""
    users: dict[str, list[tuple[Outcome, str]]] = {}
    for outcome in outcomes:
        for key in outcome.unknown_keys:
            users.setdefault(normalize_key(key), []).append((outcome, key))
    for found in users.values():
        first, key = found[0]
        others = f"{len(found)} files use it, this one first" if len(found) > 1 else "one file"
        checks.report(
            first.path,
            Diagnostic(
                UNKNOWN_FIELD_SUMMARY,
                f"field '{key}' is not one newsdesk or a known generator uses ({others}); "
                "its value is kept among the article's extra fields",
                *first.unknown_keys[key],
                fix="remove it where nothing reads it, or rename it to a known field",
            ),
        )
