"""The static search index a build wrote, read back as the search script reads it."""

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IndexedArticle:
    url: str
    date: str
    title: str
    terms: str
    summary: str
    body: str
    thumbnail: str = ""


def indexed_articles(out: Path) -> list[IndexedArticle]:
    """Every article of the index in `out` (a built site), in the index's order."""
    folder = out / "search"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    found = []
    for block in index["blocks"]:
        for url, date, text, thumbnail in json.loads((folder / "m" / f"{block}.json").read_bytes()):
            fields = json.loads((folder / "t" / f"{text}.json").read_bytes())
            found.append(IndexedArticle(url, date, *fields, thumbnail))
    assert len(found) == index["documents"]
    return found
