"""Compiled files by content, and each node's files apart.

Several servers (nodes) may share one database while a deploy has reached some of
them and not the others: each node records the files it has under its own id, and
compiled forms are kept by content hash, so that versions coexist and no node's
start or publish replaces what another one serves. The compiled forms are a cache:
the old table's rows are dropped and compiled again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.drop_table("documents")
    op.create_table(
        "compiled_files",
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("options_key", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("content_hash", "options_key"),
    )
    op.create_table(
        "node_files",
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("options_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("node", "path"),
    )
    op.create_index("node_files_by_content", "node_files", ["content_hash", "options_key"])


def downgrade() -> None:
    op.drop_index("node_files_by_content", "node_files")
    op.drop_table("node_files")
    op.drop_table("compiled_files")
    op.create_table(
        "documents",
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("options_key", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
