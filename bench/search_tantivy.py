"""tantivy as a peer of the in-memory search index in bench/search.py: each field's
character grams (fts_grams.py, the n-grams the old FTS5 index held: a CJK
run's overlapping bigrams and its last character, each Latin word whole) indexed
with their positions, a query term matched as a phrase of its grams (the last one as
a prefix), every term in some field. Found like the gram index: every document
containing each term; ranked by tantivy's BM25 with field boosts, not in tiers."""

import tempfile
from collections.abc import Iterable
from pathlib import Path

import tantivy

from fts_grams import Gram, index_grams, query_grams
from newsdesk.store.search import SearchDocument, index_row
from newsdesk.text.query import query_terms

FIELDS = ("title", "labels", "summary", "body")
_BOOSTS = (10.0, 4.0, 2.0, 1.0)
_TOKENIZER = "grams"


class TantivyPeer:
    def __init__(self, documents: Iterable[SearchDocument]):
        self.folder = tempfile.TemporaryDirectory(prefix="bench-tantivy-")
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("slug", stored=True, tokenizer_name="raw")
        for name in FIELDS:
            builder.add_text_field(name, tokenizer_name=_TOKENIZER)
        builder.add_integer_field("published", fast=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=self.folder.name)
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self.index.register_tokenizer(_TOKENIZER, analyzer)
        writer = self.index.writer(heap_size=256_000_000, num_threads=1)
        for document in documents:
            row = index_row(document)
            values = {"slug": row.slug, "published": row.published}
            for name, column in zip(FIELDS, row.columns, strict=True):
                values[name] = " ".join(index_grams(column))
            writer.add_document(tantivy.Document(**values))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def size(self) -> int:
        return sum(path.stat().st_size for path in Path(self.folder.name).rglob("*"))

    def search(self, text: str, limit: int = 20) -> tuple[int, list[str]]:
        """(how many documents match, the slugs of the first `limit`)."""
        terms = query_terms(text)
        if not terms:
            return 0, []
        musts = []
        for term in terms:
            grams = query_grams(term.text)
            fields = [(tantivy.Occur.Should, self._boosted(f, grams)) for f in range(4)]
            musts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(fields)))
        result = self.searcher.search(tantivy.Query.boolean_query(musts), limit, count=True)
        slugs = [self.searcher.doc(address)["slug"][0] for _, address in result.hits]
        return result.count or 0, slugs

    def _boosted(self, field: int, grams: list[Gram]) -> tantivy.Query:
        name = FIELDS[field]
        words = [gram.token for gram in grams]
        if grams[-1].prefix:
            query = tantivy.Query.phrase_prefix_query(self.schema, name, words)
        elif len(words) == 1:
            query = tantivy.Query.term_query(self.schema, name, words[0])
        else:
            query = tantivy.Query.phrase_query(self.schema, name, words)
        return tantivy.Query.boost_query(query, _BOOSTS[field])

    def close(self) -> None:
        self.folder.cleanup()
