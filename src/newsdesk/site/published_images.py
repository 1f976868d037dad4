"""The images beside articles as the site publishes them: each original (unless it is
too large to publish at all), its variants (made by a store, once per content), the
picture pages show of it, and what is wrong with it, told at each place it is shown."""

from pathlib import Path

from newsdesk.content.diagnostics import Diagnostic
from newsdesk.site.assets import Asset
from newsdesk.site.config import ImagesSection
from newsdesk.site.local_refs import LocalRef
from newsdesk.site.pictures import (
    TOO_LARGE,
    UNREADABLE,
    ImageJob,
    Picture,
    Problem,
    Variant,
    VariantStore,
    picture,
    plan,
    problem,
    variant_url,
)


class PublishedImages:
    """Told every file beside articles that is referenced (`add`), publishes them
    with their variants (`publish`), then answers for each reference."""

    def __init__(self, options: ImagesSection, store: VariantStore | None):
        self.options = options
        self.store = store
        # By the original's URL: the file, whether a page shows it, whether as a cover.
        self._uses: dict[str, tuple[Asset, bool, bool]] = {}
        # The site's own files (`static/`), published at their own URLs: by the URL
        # named after their content, which their variants are published beside.
        self._own: dict[str, str] = {}
        self._published: set[str] = set()
        self._problems: dict[str, Problem] = {}
        self._failed: dict[str, str] = {}
        self._made: dict[str, tuple[Variant, ...]] = {}

    def add(self, asset: Asset, shown: bool, cover: bool, own: str = "") -> None:
        """`own`: the URL the site's own file is published at."""
        if own:
            self._own[asset.url] = own
        known = self._uses.get(asset.url)
        if known is not None:
            shown, cover = shown or known[1], cover or known[2]
        self._uses[asset.url] = (asset, shown, cover)

    def publish(self) -> dict[str, Asset]:
        """The files to publish by URL: the originals and their variants."""
        files: dict[str, Asset] = {}
        jobs: dict[str, ImageJob] = {}
        for url, (asset, shown, cover) in self._uses.items():
            info = asset.image
            found = problem(_name(asset), info, self.options) if info else None
            if found is not None:
                self._problems[url] = found
                if found.left_out and url not in self._own:
                    continue
            self._published.add(url)
            if url not in self._own:
                files[url] = asset
            if not shown or info is None or (found and found.code == TOO_LARGE):
                continue
            variants = plan(info, self.options, cover)
            if variants:
                jobs[url] = ImageJob(asset.key, str(asset.source), variants)
        if self.store is None or not jobs:
            return files
        failed = self.store.make(list(jobs.values()))
        for url, job in jobs.items():
            if job.fingerprint in failed:
                self._failed[url] = failed[job.fingerprint]
                continue
            self._made[url] = job.variants
            for variant in job.variants:
                made = variant_url(url, variant)
                source = Path(self.store.path(job.fingerprint, variant))
                key = f"{job.fingerprint}.{variant.name}"
                files[made] = Asset(made, key, source=source, immutable=True)
        return files

    def findings(self, asset: Asset, ref: LocalRef) -> list[Diagnostic]:
        """What is wrong with the image a page shows at this reference."""
        found: list[Diagnostic] = []
        known = self._problems.get(asset.url)
        if known is not None:
            found.append(Diagnostic(known.code, known.message, ref.line, ref.col, known.fix))
        why = self._failed.get(asset.url)
        if why is not None:
            message = (
                f"'{_name(asset)}' cannot be decoded ({why}); "
                "it is published as it is, without smaller versions"
            )
            fix = "save the picture again from its source; the file may be cut short"
            found.append(Diagnostic(UNREADABLE, message, ref.line, ref.col, fix))
        return found

    def published(self, asset: Asset) -> bool:
        """Whether the file is published (else it is left out, its reference as written)."""
        return asset.url in self._published

    def urls(self, asset: Asset) -> list[str]:
        """The URLs of the files published for this one: itself (unless it is the
        site's own) and its variants."""
        own = [] if asset.url in self._own else [asset.url]
        return own + [variant_url(asset.url, v) for v in self._made.get(asset.url, ())]

    def picture(self, asset: Asset) -> Picture:
        made = self._made.get(asset.url, ())
        return picture(asset.url, asset.image, made, self._own.get(asset.url, ""))


def _name(asset: Asset) -> str:
    return asset.source.name if asset.source else asset.url.rsplit("/", 1)[-1]
