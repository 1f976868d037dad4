"""The site settled once: the site-wide checks run over every compiled file, and the
public entries they leave at one moment. The build records the result in its
manifest and the server keeps it; neither runs the checks again to learn it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.content.article import Outcome
from newsdesk.content.options import ContentOptions
from newsdesk.content.sitewide import SiteChecks, check_site
from newsdesk.publish.compile import Compiled
from newsdesk.site.catalog import Entry
from newsdesk.site.config import ImagesSection
from newsdesk.site.local_files import LocalFiles, SiteFolders, resolve_local
from newsdesk.site.pictures import VariantStore
from newsdesk.site.redirects import Redirects, find_redirects


@dataclass
class Settled:
    """Public entries (before counted views), in the order of the compiled files;
    what the checks decided; when the next scheduled article is due; the files beside
    articles that the site publishes; and the old URLs that lead to articles."""

    public: list[Entry]
    checks: SiteChecks
    next_due: datetime | None
    local: LocalFiles
    redirects: Redirects

    def outcomes(self, compiled: Sequence[Compiled]) -> list[Outcome]:
        """Each file's outcome with what the site-wide checks found in it."""
        return [self.checks.outcome(c.outcome) for c in compiled]


def settle(
    compiled: Sequence[Compiled],
    options: ContentOptions,
    moment: datetime,
    folders: SiteFolders,
    images: ImagesSection | None = None,
    store: VariantStore | None = None,
) -> Settled:
    """The site at `moment`; with a `store`, its images' variants made as `images`
    says."""
    checks = check_site((c.outcome for c in compiled), options)
    public: list[Entry] = []
    next_due: datetime | None = None
    for item in compiled:
        if item.entry is None:
            continue
        article = checks.article(item.entry.article)
        if not article.is_public(moment):
            if article.is_scheduled(moment):
                next_due = min(next_due or article.published, article.published)
            continue
        public.append(item.entry.settled(article))
    local = resolve_local(folders, public, images, store)
    redirects = find_redirects(public)
    for found in (local.findings, redirects.findings):
        for path, diagnostics in found.items():
            checks.findings.setdefault(path, []).extend(diagnostics)
    public = [local.entry(entry) for entry in public]
    return Settled(public, checks, next_due, local, redirects)
