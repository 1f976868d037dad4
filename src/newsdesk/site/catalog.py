"""The published site as data: public articles in order, their taxonomies, sticky,
hot, neighbours and related articles. The static build and the server share it."""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

from newsdesk.content.model import Article, TocEntry
from newsdesk.site.local_refs import LocalRef
from newsdesk.site.pictures import Picture
from newsdesk.text.digest import digest
from newsdesk.text.slug import slugify

RELATED_COUNT = 5
# Related candidates come from the articles published closest in time under each
# shared tag: a bounded window keeps the work linear in the number of articles.
RELATED_WINDOW = 8


TAXONOMIES = ("categories", "tags", "authors")


def term_names(kind: str, article: Article) -> list[str]:
    """The names of the article's terms of one taxonomy ("categories", "tags",
    "authors")."""
    if kind == "categories":
        return [article.category] if article.category else []
    if kind == "tags":
        return list(article.tags)
    return [author.name for author in article.authors]


def card_base(a: Article) -> str:
    """The part of an article's card fixed when it is compiled (slug, summary, views
    and hot are settled site-wide later)."""
    return digest(
        a.title, a.published, a.updated, a.category, a.tags, a.authors, a.read_minutes,
        a.sticky_weight, a.cover_image,
    )  # fmt: skip


@dataclass(eq=False)
class Entry:
    """A published article: its fields, its rendered body and what the site shows of
    it. Compiling a file makes one; the site-wide checks and the counts settle a copy
    (`settled`) for each catalog, which marks what is hot."""

    article: Article
    html: str
    toc: tuple[TocEntry, ...]
    body_key: str
    # Category, tag and author names to their slugs, worked out where the article was
    # compiled (the pinyin dictionary is slow to load in every process).
    term_slugs: Mapping[str, str] = field(default_factory=dict)
    card_base: str = ""  # card_base(article), when worked out at compile time
    toc_key: str = ""  # digest(toc), when worked out at compile time
    text: str = ""  # the body's visible text, which the static search holds
    # Paths to files and articles in the body, resolved for the site as a whole
    # (site/local_files.py): the HTML above still holds them as written.
    local_refs: tuple[LocalRef, ...] = ()
    # Where the front matter names the article's old URLs: (key, line, column).
    key_places: tuple[tuple[str, int, int], ...] = ()
    # The file it was compiled from, absolute (the article's path is as it was typed
    # where it was compiled, which a cached entry may not share with the build).
    source_file: str = ""
    hot: bool = False
    # The cover as pages show it, when it is an image beside the article.
    picture: Picture | None = None

    def settled(self, article: Article) -> "Entry":
        """This entry showing `article` (its final slug, summary and views), for a new
        catalog: nothing worked out for another catalog is carried over."""
        # The site-wide checks may date an article by its history: its card changes.
        moved = (article.published, article.updated) != (
            self.article.published,
            self.article.updated,
        )
        base = card_base(article) if moved else self.card_base
        return replace(self, article=article, card_base=base, hot=False)

    def resolved(
        self, html: str | None, cover: str | None, picture: Picture | None = None
    ) -> "Entry":
        """This entry with its local references resolved: another body, another
        cover image (None: as it was) and the cover's picture."""
        entry = replace(self, local_refs=(), picture=picture)
        if html is not None:
            entry = replace(entry, html=html, body_key=digest(self.body_key, html))
        if cover is not None:
            article = replace(self.article, cover_image=cover)
            base = digest(card_base(article), picture)
            entry = replace(entry, article=article, card_base=base)
        return entry

    @cached_property
    def card_key(self) -> str:
        """Changes when anything an article list shows about this article changes."""
        a = self.article
        return digest(self.card_base or card_base(a), a.slug, a.url, a.summary, a.views, self.hot)

    @cached_property
    def link_key(self) -> str:
        """Changes when anything a link to this article shows changes (an article's
        page links to its neighbours and related articles by title and date)."""
        a = self.article
        return digest(a.title, a.url, a.published)

    @cached_property
    def key(self) -> str:
        """Changes when anything its own page shows changes."""
        return digest(self.card_key, self.body_key)

    @cached_property
    def title_bigrams(self) -> frozenset[str]:
        title = self.article.title.lower()
        return frozenset(title[i : i + 2] for i in range(len(title) - 1))


@dataclass(eq=False)
class Term:
    """A category, tag, author or month, with its articles newest first."""

    kind: str
    name: str
    slug: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.slug}/"


class Catalog:
    def __init__(
        self,
        entries: Iterable[Entry],
        hot_count: int,
        hot_scores: Mapping[str, float] | None = None,
        slugs: Mapping[tuple[str, str], str] | None = None,
    ):
        """`slugs`: term slugs by (kind, name) as a build of the whole site settled
        them, for a catalog of only some of its articles."""
        self._settled = slugs or {}
        entries = list(entries)
        entries.sort(key=lambda e: (e.article.published, e.article.slug), reverse=True)
        self.entries = entries
        self.listed = [e for e in entries if not e.article.unlisted]
        self.sticky = sorted(
            (e for e in self.listed if e.article.sticky),
            key=lambda e: (-e.article.sticky_weight, -e.article.published.timestamp()),
        )
        self.hot = self._rank_hot(hot_count, hot_scores)
        self.categories = self._group("categories")
        self.tags = self._group("tags")
        self.authors = self._group("authors")
        # By kind, as term URLs and templates name them.
        self.groups = {"categories": self.categories, "tags": self.tags, "authors": self.authors}
        self.months = self._group_months()
        self._position = {id(e): n for n, e in enumerate(self.listed)}
        self._candidates: dict[int, list[tuple[Entry, int]]] = {}
        self._term_positions = {
            (term.kind, term.slug): {id(e): n for n, e in enumerate(term.entries)}
            for term in self.tags.values()
        }

    def _rank_hot(self, count: int, scores: Mapping[str, float] | None) -> list[Entry]:
        """Pinned by `hot: true`, then the highest scores (by default the views), up
        to `count` in all."""
        pinned = [e for e in self.listed if e.article.hot]
        if scores is None:
            scores = {e.article.slug: e.article.views for e in self.listed}
        viewed = sorted(
            (e for e in self.listed if not e.article.hot and scores.get(e.article.slug, 0) > 0),
            key=lambda e: -scores.get(e.article.slug, 0),
        )
        hot = pinned + viewed[: max(0, count - len(pinned))]
        for entry in hot:
            entry.hot = True
        return hot

    def _group(self, kind: str) -> dict[str, Term]:
        terms: dict[str, Term] = {}
        used: set[str] = set()
        for entry in self.listed:
            for name in term_names(kind, entry.article):
                term = terms.get(name)
                if term is None:
                    slug = self._settled.get((kind, name))
                    if slug is None:
                        slug = _unique_slug(name, used, entry.term_slugs.get(name))
                    term = terms[name] = Term(kind, name, slug)
                term.entries.append(entry)
        return dict(sorted(terms.items(), key=lambda item: (-len(item[1].entries), item[0])))

    def _group_months(self) -> dict[tuple[int, int], Term]:
        months: dict[tuple[int, int], Term] = {}
        for entry in self.listed:
            moment = entry.article.published
            month = (moment.year, moment.month)
            if month not in months:
                months[month] = Term("archives", "", f"{moment.year}/{moment.month:02d}")
            months[month].entries.append(entry)
        return months

    def term(self, kind: str, name: str) -> Term | None:
        """A category, tag or author (kind: "categories", "tags", "authors")."""
        return self.groups[kind].get(name)

    def newer(self, entry: Entry) -> Entry | None:
        position = self._position.get(id(entry))
        return self.listed[position - 1] if position else None

    def older(self, entry: Entry) -> Entry | None:
        position = self._position.get(id(entry))
        if position is None or position + 1 >= len(self.listed):
            return None
        return self.listed[position + 1]

    def related(self, entry: Entry) -> list[Entry]:
        """Articles sharing the most tags, then the category and the most similar
        title, the nearest in time first on ties."""
        return rank_related(entry, self.candidates(entry), self._position)

    def candidates(self, entry: Entry) -> list[tuple[Entry, int]]:
        """The articles that may be related to `entry`, with how many of its tags
        each shares with it (within a window of the nearest in time under each tag),
        most first; kept, as the build records them."""
        found = self._candidates.get(id(entry))
        if found is None:
            found = self._candidates[id(entry)] = shared_tags(
                entry, entry.article.tags, self._tag_members, self._tag_position
            )
        return found

    def _tag_members(self, name: str) -> list[Entry]:
        term = self.tags.get(name)
        return term.entries if term else []

    def _tag_position(self, name: str, entry: Entry) -> int:
        term = self.tags[name]
        return self._term_positions[(term.kind, term.slug)].get(id(entry), 0)


Item = TypeVar("Item", bound=Hashable)


def shared_tags(
    item: Item,
    tags: Iterable[str],
    members: Callable[[str], Sequence[Item]],
    position: Callable[[str, Item], int],
) -> list[tuple[Item, int]]:
    """The items that may be related to `item`: those published nearest to it under
    each of its `tags` (`members` of a tag, newest first; `position` of an item
    there), with how many of its tags each shares with it, most first."""
    shared: Counter[Item] = Counter()
    for name in tags:
        listed = members(name)
        if not listed:
            continue
        at = position(name, item)
        shared.update(listed[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1])
    shared.pop(item, None)
    # Only the best few by shared tags get the costlier comparisons.
    return shared.most_common(RELATED_COUNT * 2)


def rank_related(
    entry: Entry, candidates: list[tuple[Entry, int]], positions: Mapping[int, int]
) -> list[Entry]:
    """The related articles among `candidates` (each with its count of shared tags):
    by shared tags, then the same category and the most similar title, then the
    nearest in time (`positions`: each listed entry's place by id)."""
    article = entry.article
    scored = []
    for other, count in candidates:
        same = article.category is not None and other.article.category == article.category
        bigrams = other.title_bigrams
        union = len(entry.title_bigrams | bigrams) or 1
        similar = len(entry.title_bigrams & bigrams) / union
        position = positions.get(id(other), 0)
        scored.append((-(count + 0.5 * same + 2 * similar), position, other.article.slug, other))
    return [other for *_, other in sorted(scored)[:RELATED_COUNT]]


def _unique_slug(name: str, used: set[str], base: str | None) -> str:
    base = (base if base is not None else slugify(name)) or "term"
    slug, number = base, 2
    while slug in used:
        slug, number = f"{base}-{number}", number + 1
    used.add(slug)
    return slug
