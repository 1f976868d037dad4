"""Full-text search: documents, their texts and tags, a word index and a gram index.

SQLite keeps the two indexes in FTS5 tables whose rowid is the document's id;
PostgreSQL keeps them as tsvector columns of the document row. See
newsdesk.store.search for what each holds and why.
"""

from alembic import op

revision = "0002"
down_revision = "0001"

# What every match is ranked and filtered by. The texts shown for the hits are kept
# apart (search_texts), so that ranking thousands of matches reads narrow rows.
_DOCUMENT_COLUMNS = """
    slug TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL,
    published BIGINT NOT NULL,
    category TEXT,
    title_norm TEXT NOT NULL
"""


def _shared(id_type: str) -> list[str]:
    """Tables and indexes both databases have; `id_type` is how each spells a 64-bit
    key (on SQLite only INTEGER PRIMARY KEY is the rowid itself)."""
    return [
        "CREATE INDEX search_documents_by_published ON search_documents (published)",
        "CREATE INDEX search_documents_by_category ON search_documents (category, published)",
        f"""CREATE TABLE search_texts (
            document_id {id_type} PRIMARY KEY
                REFERENCES search_documents (id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            body TEXT NOT NULL
        )""",
        """CREATE TABLE search_tags (
            document_id BIGINT NOT NULL REFERENCES search_documents (id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (tag, document_id)
        )""",
        "CREATE INDEX search_tags_by_document ON search_tags (document_id)",
    ]


_SQLITE = [
    f"CREATE TABLE search_documents (id INTEGER PRIMARY KEY, {_DOCUMENT_COLUMNS})",
    *_shared("INTEGER"),
    # remove_diacritics 0: tokens arrive folded already, and café must not find cafe
    # here when it does not on PostgreSQL.
    """CREATE VIRTUAL TABLE search_words USING fts5(
        title, labels, summary, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    # No bm25 over grams, so no column sizes to keep.
    """CREATE VIRTUAL TABLE search_grams USING fts5(
        title, labels, summary, body,
        tokenize = 'unicode61 remove_diacritics 0', columnsize = 0
    )""",
]

_POSTGRESQL = [
    f"""CREATE TABLE search_documents (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        {_DOCUMENT_COLUMNS},
        norm TEXT NOT NULL,
        words TSVECTOR NOT NULL,
        grams TSVECTOR NOT NULL
    )""",
    *_shared("BIGINT"),
    # Only the grams find documents; the words only rank what the grams found, so an
    # index on them would cost every write and serve no query.
    "CREATE INDEX search_documents_grams ON search_documents USING gin (grams)",
]


def upgrade() -> None:
    statements = _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRESQL
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_grams")
        op.execute("DROP TABLE search_words")
    for table in ("search_tags", "search_texts", "search_documents"):
        op.execute(f"DROP TABLE {table}")
