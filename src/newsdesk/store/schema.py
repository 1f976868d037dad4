"""The tables every module of the store shares (SQLAlchemy Core).

Search tables are dialect-specific (FTS5 on SQLite, tsvector on PostgreSQL) and are
created by their own migration, not declared here.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
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

# The desk's accounts (newsdesk.store.accounts). Times are seconds since the epoch, as
# in view_visits: the same on both databases, and compared in SQL without time zones.
# `name_key` is the name folded (NFKC, casefold), so that `Alice` and `alice` cannot
# both exist and either logs in.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("name_key", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("last_login", Float),
    Column("disabled", Boolean, nullable=False),
    Column("locked_until", Float),
    Column("failed_logins", Integer, nullable=False),
    # When the failures counted in failed_logins began.
    Column("failed_since", Float),
)

# Logged-in browsers. Only a hash of the cookie's token is kept: a copy of the
# database does not let anyone in.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("csrf_secret", String(64), nullable=False),
    Index("sessions_by_user", "user_id"),
    Index("sessions_by_expiry", "expires"),
)

# Bearer tokens for the desk's API, kept as hashes as sessions are.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(64), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created", Float, nullable=False),
    Column("last_used", Float),
    Index("api_tokens_by_user", "user_id"),
)

# Failed logins per client address (its /64 for IPv6) in the current window.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("address", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", Float, nullable=False),
    Column("last_failure", Float, nullable=False),
)

# Who did what to which user, article or token, and when. The actor is a name, not a
# reference: the entry outlives the account.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", String(64)),
    Column("action", String(64), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Index("audit_log_by_time", "at"),
)
