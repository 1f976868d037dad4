"""The in-memory search index on a generated corpus: complete recall of random
substrings against brute-force containment, before and after edits, the tiers of the
ranking with recency inside each, edits merged in by date, and the index kept in a
file between runs."""

import random
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from newsdesk.store.search import SearchDocument, SearchQuery, SearchResults
from newsdesk.store.search_engine import MAX_EDITS, SearchIndex
from newsdesk.store.search_file import fingerprint, load_index, save_index
from newsdesk.text.cjk import CJK_CLASS

from .test_search import CHINA, DOCUMENTS

_SENTENCES = [
    sentence
    for document in DOCUMENTS
    for sentence in re.split(r"(?<=[。！？])|\n", document.body)
    if len(sentence.strip()) > 6
]
_TAGS = sorted({tag for document in DOCUMENTS for tag in document.tags})
_START = datetime(2024, 1, 1, tzinfo=CHINA)


def _corpus(count: int, seed: int) -> list[SearchDocument]:
    rng = random.Random(seed)
    return [
        SearchDocument(
            slug=f"doc-{seed}-{number}",
            title=rng.choice(_SENTENCES)[:24],
            tags=tuple(rng.sample(_TAGS, 2)),
            category=rng.choice(["开源", "芯片", None]),
            authors=(rng.choice(["张三", "Li Wei"]),),
            summary=rng.choice(_SENTENCES),
            body="\n".join(rng.sample(_SENTENCES, 12)),
            # Few distinct dates, so that ties are decided by slug.
            published=_START + timedelta(days=rng.randrange(60)),
            key=f"{seed}-{number}",
        )
        for number in range(count)
    ]


def _texts(document: SearchDocument) -> list[str]:
    labels = [*document.tags, document.category or "", *document.authors]
    return [document.title, *labels, document.summary, document.body]


def _queries(documents: list[SearchDocument], count: int, seed: int) -> list[str]:
    """Random 2 to 4 character substrings of CJK runs, and random word openings."""
    rng = random.Random(seed)
    runs = [r for d in documents for r in re.findall(f"[{CJK_CLASS}]{{2,}}", d.body)]
    words = [w for d in documents for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", d.body)]
    queries = []
    for _ in range(count):
        run = rng.choice(runs)
        length = rng.randint(2, min(4, len(run)))
        start = rng.randrange(len(run) - length + 1)
        queries.append(run[start : start + length])
    queries += [rng.choice(words)[: rng.randint(1, 7)] for _ in range(count // 4)]
    return queries


def _containing(documents: list[SearchDocument], query: str) -> set[str]:
    if re.fullmatch(r"[A-Za-z0-9]+", query):
        start = re.compile(f"(?<![A-Za-z0-9]){re.escape(query)}", re.IGNORECASE)
        return {d.slug for d in documents if any(start.search(t) for t in _texts(d))}
    return {d.slug for d in documents if any(query in text for text in _texts(d))}


def _everything(index: SearchIndex, query: str, **options: object) -> SearchResults:
    return index.rank(SearchQuery(query, **options)).page(0, 10_000)  # type: ignore[arg-type]


def test_random_substrings_find_every_document_containing_them() -> None:
    documents = _corpus(400, seed=1)
    index = SearchIndex.build(documents)
    for query in _queries(documents, 150, seed=2):
        found = _everything(index, query)
        assert {hit.slug for hit in found.hits} == _containing(documents, query), query
        assert found.total == len(found.hits)


def test_recall_stays_complete_after_edits_and_deletions() -> None:
    documents = _corpus(300, seed=3)
    index = SearchIndex.build(documents)
    rng = random.Random(4)
    rewritten = [
        replace(d, body="\n".join(rng.sample(_SENTENCES, 12)), key=d.key + "'")
        for d in rng.sample(documents, 60)
    ]
    deleted = {d.slug for d in rng.sample(documents, 40)} - {d.slug for d in rewritten}
    added = _corpus(30, seed=5)
    edited = index.changed([*rewritten, *added], sorted(deleted))
    assert edited is not None
    current = {d.slug: d for d in documents if d.slug not in deleted}
    current.update((d.slug, d) for d in [*rewritten, *added])
    assert edited.indexed_keys() == {slug: d.key for slug, d in current.items()}
    for query in _queries(list(current.values()), 120, seed=6):
        found = _everything(edited, query)
        assert {hit.slug for hit in found.hits} == _containing(list(current.values()), query)
        assert found.total == len(found.hits)


def _document(slug: str, day: int, **fields: object) -> SearchDocument:
    empty = SearchDocument(slug, "", (), None, (), "", "", _START + timedelta(days=day), slug)
    return replace(empty, **fields)  # type: ignore[arg-type]


RANKED = [  # (slug, days after _START, where 量子 is): the order expected below
    ("title-new", 9, {"title": "量子计算"}),
    ("title-old", 1, {"title": "新的量子芯片"}),
    ("tag", 8, {"tags": ("量子",)}),
    ("author", 7, {"authors": ("量子君",)}),
    ("category", 2, {"category": "量子科技"}),
    ("summary", 10, {"summary": "关于量子的摘要"}),
    ("body-new", 6, {"body": "正文里谈量子。"}),
    ("body-old", 0, {"body": "正文里谈量子。"}),
]


def test_title_then_labels_then_summary_then_body_newest_first_in_each() -> None:
    documents = [_document(slug, day, **fields) for slug, day, fields in RANKED]
    documents.append(_document("unrelated", 5, title="别的", body="无关"))
    found = _everything(SearchIndex.build(documents), "量子")
    assert [hit.slug for hit in found.hits] == [slug for slug, _, _ in RANKED]
    assert [hit.score for hit in found.hits] == [4.0, 4.0, 3.0, 3.0, 3.0, 2.0, 1.0, 1.0]


def test_every_term_counts_at_the_lowest_field_it_is_found_in() -> None:
    both_in_title = _document("both", 0, title="量子芯片")
    split = _document("split", 5, title="量子", body="芯片")
    found = _everything(SearchIndex.build([both_in_title, split]), "量子 芯片")
    assert [(hit.slug, hit.score) for hit in found.hits] == [("both", 4.0), ("split", 1.0)]


def test_edited_documents_take_their_place_by_date_in_their_tier() -> None:
    documents = [_document(f"d{day}", day, title="量子") for day in range(0, 10, 2)]
    index = SearchIndex.build(documents)
    edited = index.changed(
        [_document("d4", 4, body="量子"), _document("new", 5, title="量子")], ["d8"]
    )
    assert edited is not None
    found = _everything(edited, "量子")
    assert [hit.slug for hit in found.hits] == ["d6", "new", "d2", "d0", "d4"]
    pages = [edited.rank(SearchQuery("量子")).page(offset, 2) for offset in (0, 2, 4)]
    assert [hit.slug for page in pages for hit in page.hits] == [h.slug for h in found.hits]
    assert {page.total for page in pages} == {5}


def test_filters_apply_to_edited_documents_too() -> None:
    documents = [_document(f"d{day}", day, title="量子", category="甲") for day in range(4)]
    index = SearchIndex.build(documents)
    edited = index.changed([_document("d1", 1, title="量子", category="乙")], [])
    assert edited is not None
    assert [h.slug for h in _everything(edited, "量子", category="甲").hits] == ["d3", "d2", "d0"]
    assert [h.slug for h in _everything(edited, "量子", category="乙").hits] == ["d1"]
    since, until = _START + timedelta(days=1), _START + timedelta(days=2)
    in_range = _everything(edited, "量子", since=since, until=until)
    assert [h.slug for h in in_range.hits] == ["d2", "d1"]


def test_too_many_edits_ask_for_a_new_index() -> None:
    documents = _corpus(MAX_EDITS + 1, seed=7)
    index = SearchIndex.build(documents[:1])
    assert index.changed(documents[1:], []) is not None
    assert index.changed(documents, []) is None


def test_a_saved_index_is_read_back_only_for_the_documents_it_holds(tmp_path: Path) -> None:
    documents = _corpus(50, seed=8)
    index = SearchIndex.build(documents)
    path = tmp_path / "state" / "search-index.pickle"
    save_index(path, index.base)
    keys = {d.slug: d.key for d in documents}
    loaded = load_index(path, fingerprint(keys))
    assert loaded is not None
    for query in _queries(documents, 20, seed=9):
        assert _everything(SearchIndex(loaded), query) == _everything(index, query)
    assert load_index(path, fingerprint({**keys, documents[0].slug: "edited"})) is None
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as by a full disk
    assert load_index(path, fingerprint(keys)) is None
    assert load_index(tmp_path / "missing", fingerprint(keys)) is None
