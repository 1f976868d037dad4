"""The checks that need every article of a site at once: unique slugs, summaries
that a pipeline repeated across articles, and front matter keys nobody knows, each
reported once for the whole site. They decide; applying is separate, so that
a whole build or index decides once and a later partial one replays the decision."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from newsdesk.content.article import Outcome, article_url
from newsdesk.content.diagnostics import Diagnostic
from newsdesk.content.dialects import normalize_key
from newsdesk.content.model import Article
from newsdesk.content.options import ContentOptions

SLUG_COLLISION = "slug-collision"
SUMMARY_BOILERPLATE = "summary-boilerplate"
UNKNOWN_FIELD_SUMMARY = "unknown-field-summary"


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
    _count_unknown_keys(read, checks)
    return checks


def _resolve_slugs(outcomes: list[Outcome], options: ContentOptions, checks: SiteChecks) -> None:
    owners: dict[str, str] = {}
    for outcome in outcomes:
        article = outcome.article
        assert article is not None
        slug = article.slug
        if slug in owners:
            number = 2
            while f"{slug}-{number}" in owners:
                number += 1
            new_slug = f"{slug}-{number}"
            url = article_url(options, new_slug, article.published, article.category)
            checks.renamed[outcome.path] = (new_slug, url)
            checks.findings.setdefault(outcome.path, []).append(
                Diagnostic(
                    SLUG_COLLISION,
                    f"slug '{slug}' is also used by {owners[slug]}; "
                    f"this article is published as '{new_slug}'",
                    fix="give one of the two articles its own 'slug:'",
                )
            )
            slug = new_slug
        owners[slug] = outcome.path


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
        checks.findings.setdefault(first.path, []).append(
            Diagnostic(
                UNKNOWN_FIELD_SUMMARY,
                f"field '{key}' is not one newsdesk or a known generator uses ({others}); "
                "its value is kept among the article's extra fields",
                *first.unknown_keys[key],
                fix="remove it where nothing reads it, or rename it to a known field",
            )
        )
