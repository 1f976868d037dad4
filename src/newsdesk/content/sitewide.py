"""The checks that need every article of a site at once: unique slugs, and summaries
that a pipeline repeated across articles. They decide; applying is separate, so that
a whole build or index decides once and a later partial one replays the decision."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import PurePath

from newsdesk.content.article import INDEX_NAMES, Outcome, article_url
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.model import Article
from newsdesk.content.options import ContentOptions
from newsdesk.text.slug import slugify

SLUG_COLLISION = "slug-collision"
SUMMARY_BOILERPLATE = "summary-boilerplate"


@dataclass
class SiteChecks:
    """What the site-wide checks decided, by the path each article was read from."""

    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)  # (slug, url)
    boilerplate: set[str] = field(default_factory=set)  # summary replaced by opening text
    findings: dict[str, list[Diagnostic]] = field(default_factory=dict)

    def article(self, article: Article) -> Article:
        """The article as these decisions leave it."""
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
        diagnostics = sorted([*outcome.diagnostics, *found], key=lambda d: (d.line, d.col))
        return replace(outcome, article=self.article(outcome.article), diagnostics=diagnostics)


def check_site(outcomes: Iterable[Outcome], options: ContentOptions) -> SiteChecks:
    """Slugs are unique (the first file by path keeps one, later ones get a suffix),
    and a summary many articles share is replaced by each one's opening text."""
    read = sorted((o for o in outcomes if o.article is not None), key=lambda o: o.path)
    checks = SiteChecks()
    _resolve_slugs(read, options, checks)
    _replace_boilerplate(read, options, checks)
    return checks


def _resolve_slugs(outcomes: list[Outcome], options: ContentOptions, checks: SiteChecks) -> None:
    """Articles that share a slug: the earliest published keeps it, each other one gets
    its own date, else its folder's name, else a number (Jekyll's dated `series.md`
    posts and Hexo's same-named posts in different folders had distinct URLs). Said
    in a warning when the URL changes with it."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        assert outcome.article is not None
        groups.setdefault(outcome.article.slug, []).append(outcome)
    taken = set(groups)
    # A permalink with the date keeps apart articles the slug does not: each keeps
    # its URL (the one its old site gave it) when no other article has it.
    url_counts = Counter(o.article.url for o in outcomes if o.article is not None)
    for slug, group in groups.items():
        if len(group) == 1:
            continue
        group.sort(key=_published_then_path)
        owner, *others = group
        for outcome in others:
            article = outcome.article
            assert article is not None
            new_slug = _distinct_slug(slug, outcome, group, taken)
            taken.add(new_slug)
            if url_counts[article.url] == 1:
                checks.renamed[outcome.path] = (new_slug, article.url)
                continue
            url = article_url(options, new_slug, article.published, article.category)
            checks.renamed[outcome.path] = (new_slug, url)
            checks.findings.setdefault(outcome.path, []).append(
                Diagnostic(
                    SLUG_COLLISION,
                    f"slug '{slug}' is also used by {owner.path}; "
                    f"this article is published as '{new_slug}'",
                    fix="give one of the two articles its own 'slug:'",
                )
            )


def _published_then_path(outcome: Outcome) -> tuple[datetime, str]:
    assert outcome.article is not None
    return outcome.article.published, outcome.path


def _distinct_slug(slug: str, outcome: Outcome, group: list[Outcome], taken: set[str]) -> str:
    """The slug with what tells this article apart from the others of the group: its
    date, else its folder's name, else a number."""
    assert outcome.article is not None
    day = outcome.article.published.date()
    folder = _folder(outcome)
    candidate = slug
    if sum(1 for o in group if o.article and o.article.published.date() == day) == 1:
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
        checks.findings.setdefault(outcome.path, []).append(
            Diagnostic(
                SUMMARY_BOILERPLATE,
                f"the same summary is used by {repeats} articles; "
                "using the article's opening text instead",
                *(outcome.summary_position or (1, 1)),
                fix="write a summary for this article, or remove the field",
            )
        )
