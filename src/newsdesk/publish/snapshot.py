"""One consistent state of the live site (catalog, theme, page plans), made from the
settled articles and the counts, and never changed once published."""

from dataclasses import dataclass, field, replace
from pathlib import Path

from newsdesk.publish.counts import Counts
from newsdesk.publish.settle import Settled
from newsdesk.site.assets import Asset
from newsdesk.site.catalog import Catalog, Entry
from newsdesk.site.config import SiteConfig
from newsdesk.site.pages import PagePlan, plan_article, plan_lists
from newsdesk.site.theme import Theme
from newsdesk.store.state import compiled_templates

# Recent views decide what is hot; the all-time count only breaks ties, so that a
# new site with no counted views still shows its most read articles.
_TOTAL_WEIGHT = 1e-9


@dataclass
class Snapshot:
    catalog: Catalog
    theme: Theme
    version: int
    lists: dict[str, PagePlan]
    articles: dict[str, Entry]
    by_slug: dict[str, Entry]
    base_views: dict[str, int]  # the front matter's count, before counted views
    files: dict[str, Asset]  # the files beside articles, by URL
    redirects: dict[str, str]  # canonical URLs by old URL
    _planned: dict[str, PagePlan] = field(default_factory=dict)

    def plan(self, url: str) -> PagePlan | None:
        found = self.lists.get(url)
        if found is not None:
            return found
        found = self._planned.get(url)
        if found is None:
            entry = self.articles.get(url)
            if entry is None:
                return None
            found = self._planned[url] = plan_article(self.catalog, entry)
        return found


def make_snapshot(
    settled: Settled,
    counts: Counts,
    config: SiteConfig,
    root: Path,
    live_reload: bool,
    version: int,
) -> Snapshot:
    """The site of these public entries with their counted views added."""
    entries = []
    base_views: dict[str, int] = {}
    for entry in settled.public:
        article = entry.article
        base_views[article.slug] = article.views
        counted = counts.totals.get(article.slug, 0)
        if counted:
            article = replace(article, views=article.views + counted)
        entries.append(entry.settled(article))
    hot = {
        e.article.slug: counts.scores.get(e.article.slug, 0.0) + e.article.views * _TOTAL_WEIGHT
        for e in entries
    }
    catalog = Catalog(entries, config.site.hot_count, hot)
    theme = Theme(
        config,
        catalog,
        beacon="",
        live_reload=live_reload,
        compiled_templates=compiled_templates(root),
    )
    plans = plan_lists(catalog, config.site.page_size, config.site.feed_items)
    return Snapshot(
        catalog=catalog,
        theme=theme,
        version=version,
        lists={plan.url: plan for plan in plans},
        articles={e.article.url: e for e in catalog.entries},
        by_slug={e.article.slug: e for e in catalog.entries},
        base_views=base_views,
        files=settled.local.files,
        redirects=settled.redirects.targets,
    )
