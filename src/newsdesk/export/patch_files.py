"""The files beside articles of the articles a patch build shows again: each resolved
on its own, as the whole build would resolve it (a file's URL and variants depend on
the file alone), the files it publishes collected for writing."""

import contextlib
import os
from pathlib import Path

from newsdesk.content.loader import MARKDOWN_SUFFIXES
from newsdesk.export.manifest import Manifest
from newsdesk.publish.variants import ImageVariants
from newsdesk.site.assets import Asset
from newsdesk.site.catalog import Entry
from newsdesk.site.config import ImagesSection
from newsdesk.site.local_files import LocalFiles, SiteFolders, resolve_local
from newsdesk.text.digest import digest


class EditedFiles:
    """Resolves the entries a patch shows (`__call__`), keeping the files they publish
    and which files each edited article's pages now need."""

    def __init__(self, folders: SiteFolders, images: ImagesSection, store: ImageVariants):
        self.folders = folders
        self.images = images
        self.store = store
        self.files: dict[str, Asset] = {}
        self.uses: dict[str, tuple[str, ...]] = {}  # edited articles', by source path

    def __call__(self, path: str, entry: Entry, previous: Entry | None) -> Entry | None:
        """The entry (from the file at `path`) with its files resolved. `previous`:
        the last version of an edited article; None when the edit changed what its
        files are found to be (a whole build reports the findings)."""
        local = self._resolved(entry)
        if previous is not None:
            before = self._resolved(previous).findings.get(previous.article.path, [])
            if local.findings.get(entry.article.path, []) != before:
                return None
            self.uses[path] = local.uses.get(entry.article.path, ())
        self.files.update(local.files)
        return local.entry(entry)

    def record_uses(self, manifest: Manifest) -> tuple[list[str], bool]:
        """Puts the edited articles' files into the manifest; the output paths of the
        files no article needs any longer, and whether the manifest changed."""
        before = {url for path in self.uses for url in manifest.files.get(path, ())}
        changed = False
        for path, urls in self.uses.items():
            if manifest.files.get(path, ()) == urls:
                continue
            changed = True
            if urls:
                manifest.files[path] = urls
            else:
                del manifest.files[path]
        if not changed:
            return [], False
        needed = {url for urls in manifest.files.values() for url in urls}
        return sorted(url.lstrip("/") for url in before - needed), True

    def _resolved(self, entry: Entry) -> LocalFiles:
        return resolve_local(self.folders, [entry], self.images, self.store)


def site_tree_key(root: Path, out: Path) -> str:
    """Changes when any file of the site's folder but its articles' Markdown (which
    the build keys one by one) is added, removed or changed (by size or time),
    outside hidden folders and the output folder."""
    entries: list[tuple[str, int, int]] = []
    skipped = str(out.resolve())
    for folder, folders, names in os.walk(root.resolve()):
        folders[:] = [
            f for f in folders if not f.startswith(".") and os.path.join(folder, f) != skipped
        ]
        for name in names:
            if name.lower().endswith(MARKDOWN_SUFFIXES):
                continue
            with contextlib.suppress(OSError):  # gone while walking: the next build sees it
                stat = os.stat(os.path.join(folder, name))
                entries.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return digest(sorted(entries))
