"""The tables every module of the store shares (SQLAlchemy Core).

Search tables are dialect-specific (FTS5 on SQLite, tsvector on PostgreSQL) and are
created by their own migration, not declared here.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

# Compiled files by what they were compiled from (the file's bytes and the options):
# several nodes holding different versions of one file each find their own.
compiled_files = Table(
    "compiled_files",
    metadata,
    Column("content_hash", String(64), nullable=False),
    Column("options_key", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("content_hash", "options_key"),
)

# The files each node (one copy of the site served by one `newsdesk serve`) has:
# their identity, and the compiled form each one stands for.
node_files = Table(
    "node_files",
    metadata,
    Column("node", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("options_key", String(64), nullable=False),
    PrimaryKeyConstraint("node", "path"),
    Index("node_files_by_content", "content_hash", "options_key"),
)

# Views counted by the beacon; the front matter's `views` is added when shown.
view_counts = Table(
    "view_counts",
    metadata,
    Column("slug", Text, primary_key=True),
    Column("count", BigInteger, nullable=False),
)

view_days = Table(
    "view_days",
    metadata,
    Column("slug", Text, nullable=False),
    Column("day", Date, nullable=False),
    Column("count", BigInteger, nullable=False),
    PrimaryKeyConstraint("slug", "day"),
)

# The last counted view per visitor and article, to count one per window.
view_visits = Table(
    "view_visits",
    metadata,
    Column("visitor", String(64), nullable=False),
    Column("slug", Text, nullable=False),
    Column("seen_at", Float, nullable=False),
    PrimaryKeyConstraint("visitor", "slug"),
)

# Views counted per client address (a keyed hash of it) and article in the current
# period of `views.window_minutes`, to cap what one address can add.
view_caps = Table(
    "view_caps",
    metadata,
    Column("address", String(64), nullable=False),
    Column("slug", Text, nullable=False),
    Column("period", BigInteger, nullable=False),
    Column("count", BigInteger, nullable=False),
    PrimaryKeyConstraint("address", "slug"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
